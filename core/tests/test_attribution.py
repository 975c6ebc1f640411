"""Every dataset the portal reads is credited the way the reference data README asks."""

from __future__ import annotations

import html
import re

import pytest
from django.conf import settings

# Folders of the reference data that importers or the demo generator read.
USED_FOLDERS = {"wz", "geonames", "bkg", "districts_population", "nace", "universities"}


def required_attributions() -> dict[str, list[str]]:
    """Folder → attribution strings, read from the licence column of the data README."""
    readme = (settings.REFERENCE_DATA_DIR / "README.md").read_text(encoding="utf-8")
    required: dict[str, list[str]] = {}
    for line in readme.splitlines():
        match = re.match(r"\|\s*`(\w+)/`\s*\|.*\|([^|]*)\|\s*$", line)
        if match and match.group(1) in USED_FOLDERS:
            licence_column = match.group(2)
            quoted = re.findall(r'"([^"]+)"', licence_column)
            required[match.group(1)] = quoted or [licence_column.split(",")[0].strip()]
    return required


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/about/data/"])
def test_every_used_dataset_is_credited(client, url):
    required = required_attributions()
    assert set(required) == USED_FOLDERS, "the data README lists every folder we read"
    page = html.unescape(client.get(url).content.decode())
    for folder, texts in required.items():
        for text in texts:
            assert text in page, f"{url} lacks the attribution of {folder}/: {text!r}"
