"""Every setting an operator may change is documented (Datasette's tests/test_docs.py idea)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

DOC = Path(settings.BASE_DIR) / "docs" / "operations" / "settings.md"


def documented_names() -> set[str]:
    """Names that head a section of the document (``## `NAME` ``)."""
    return set(re.findall(r"^## `([A-Z0-9_]+)`", DOC.read_text(encoding="utf-8"), re.M))


@pytest.mark.parametrize("name", settings.DOCUMENTED_SETTINGS)
def test_setting_is_documented(name: str) -> None:
    assert name in documented_names(), (
        f"{name} is missing from {DOC.relative_to(settings.BASE_DIR)}"
    )


def test_document_names_no_setting_that_does_not_exist() -> None:
    assert documented_names() <= set(settings.DOCUMENTED_SETTINGS)


def test_each_setting_states_a_default() -> None:
    sections = re.split(r"^## ", DOC.read_text(encoding="utf-8"), flags=re.M)[1:]
    missing = [s.splitlines()[0] for s in sections if "Default:" not in s]
    assert not missing, f"sections without a default: {missing}"
