"""The management commands an operator runs (output they read)."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from classification import services
from classification.models import WzCode

from .helpers import altered_copy, correspondence_file, wz2008_file, wz2025_file

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_wz_prints_progress_and_summary():
    out, err = _run("import_wz")

    assert "WZ 2008: codes: 0 created, 0 updated, 1835 unchanged" in out
    assert "WZ 2025: codes: 0 created, 0 updated, 2030 unchanged" in out
    assert "correspondence links: 0 created, 0 updated, 1476 unchanged" in out
    assert "WZ_2008_DE_" in out
    assert "1835/1835" in err
    assert "2030/2030" in err
    assert "100%" in err


def test_import_wz_no_progress_hides_the_bars():
    out, err = _run("import_wz", "--no-progress")
    assert "1835 unchanged" in out
    assert "1835/1835" not in err


def test_import_wz_reads_another_folder(tmp_path: Path):
    for source in (wz2025_file(), correspondence_file()):
        shutil.copy(source, tmp_path / source.name)
    altered_copy(
        wz2008_file(),
        tmp_path,
        (
            "<SimpleValue>Herstellung von chemischen Erzeugnissen</SimpleValue>",
            "<SimpleValue>Herstellung chemischer Erzeugnisse</SimpleValue>",
        ),
    )

    out, _ = _run("import_wz", "--path-dir", str(tmp_path), "--no-progress")

    assert "WZ 2008: codes: 0 created, 1 updated, 1834 unchanged" in out
    assert WzCode.objects.get(version="2008", code="20").title == (
        "Herstellung chemischer Erzeugnisse"
    )


def test_import_wz_fails_cleanly_on_a_broken_file_and_keeps_wz2008(tmp_path: Path):
    altered_copy(
        wz2008_file(),
        tmp_path,
        (
            "<SimpleValue>Herstellung von chemischen Erzeugnissen</SimpleValue>",
            "<SimpleValue>GEÄNDERT</SimpleValue>",
        ),
    )
    shutil.copy(wz2025_file(), tmp_path / wz2025_file().name)
    broken = tmp_path / correspondence_file().name
    broken.write_text(correspondence_file().read_text(encoding="utf-8")[:5000], encoding="utf-8")

    with pytest.raises(CommandError) as error:
        _run("import_wz", "--path-dir", str(tmp_path), "--no-progress")

    assert broken.name in str(error.value)
    # WZ 2008 was fine, but the command runs both editions in one transaction.
    assert WzCode.objects.get(version="2008", code="20").title == (
        "Herstellung von chemischen Erzeugnissen"
    )


def test_import_wz_missing_folder_content(tmp_path: Path):
    with pytest.raises(CommandError, match=r"WZ_2008_DE_\*\.xml"):
        _run("import_wz", "--path-dir", str(tmp_path))


def test_load_vocabularies_prints_progress_and_summary():
    data = json.loads(services.DEFAULT_VOCABULARIES_PATH.read_text(encoding="utf-8"))
    technologies = sum(1 + len(t.get("children", [])) for t in data["technologies"])
    fields = len(data["growth_fields"])
    total = technologies + fields + len(data["certification_standards"])

    out, err = _run("load_vocabularies")

    assert f"technologies: 0 created, 0 updated, {technologies} unchanged" in out
    assert f"growth fields: 0 created, 0 updated, {fields} unchanged" in out
    assert "Vocabularies are up to date." in out
    assert f"{total}/{total}" in err


def test_load_vocabularies_reports_a_broken_file(tmp_path: Path):
    broken = tmp_path / "vocabularies.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match=r"vocabularies\.json"):
        _run("load_vocabularies", "--path", str(broken))
