"""WZ 2008 / WZ 2025 import on the real Destatis files.

The root conftest imports the reference data once per test database, so these tests
see what an installation sees; tests that need a clean slate delete inside their own
(rolled-back) transaction.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from classification import services
from classification.models import WzCode, WzCorrespondence

from .helpers import (
    altered_copy,
    altered_row,
    correspondence_file,
    wz2008_file,
    wz2025_file,
    wz_dir,
)

pytestmark = pytest.mark.django_db


def _snapshot(version: str) -> dict[str, tuple]:
    return {
        c["code"]: tuple(c.values())
        for c in WzCode.objects.filter(version=version).values(
            "code", "level", "parent__code", "section", "title", "includes", "excludes"
        )
    }


def test_fresh_import_creates_every_wz2008_item_on_all_five_levels():
    WzCode.objects.all().delete()

    stats = services.import_wz2008()

    assert stats.created == 1835
    assert stats.updated == 0
    codes = WzCode.objects.filter(version="2008")
    assert codes.count() == 1835
    per_level = Counter(codes.values_list("level", flat=True))
    assert [per_level[level] for level in range(1, 6)] == [21, 88, 272, 615, 839]
    assert stats.sources == [wz2008_file()]


def test_every_wz2008_item_has_its_section_and_a_parent_one_level_up():
    items = {c.pk: c for c in WzCode.objects.filter(version="2008")}
    assert len(items) == 1835
    for item in items.values():
        assert item.section and item.section.isalpha(), item.code
        if item.level == 1:
            assert item.parent_id is None
            assert item.section == item.code
        else:
            assert item.parent_id is not None, item.code
            parent = items[item.parent_id]
            assert parent.level == item.level - 1, item.code
            assert parent.section == item.section, item.code


def test_parent_chain_of_a_subclass_runs_from_section_to_subclass():
    item = WzCode.objects.get(version="2008", code="20.20.0")

    chain = [c.code for c in item.ancestors()]

    assert chain == ["C", "20", "20.2", "20.20", "20.20.0"]
    assert item.section == "C"


def test_titles_and_explanatory_notes_are_imported():
    cls = WzCode.objects.get(version="2008", code="20.20")
    sub = WzCode.objects.get(version="2008", code="20.20.0")

    assert "Desinfektionsmitteln" in cls.title
    assert cls.title_long == cls.title
    assert cls.title_mid == "H.v.Schädlingsbekämpfungs-u.Desinfektionsm."
    # The print line break of the short title is joined again.
    assert cls.title_short == "H.v.Schädlingsbekämpfungs-u.Desinfektionsm."
    assert "Desinfektionsmittel" in sub.includes
    assert sub.includes.startswith("Diese Unterklasse umfasst:")
    assert "Düngemitteln" in sub.excludes
    assert sub.excludes.startswith("Diese Unterklasse umfasst nicht:")


def test_long_explanatory_title_is_kept_whole():
    # 732 characters: it does not fit a 500-character column (PostgreSQL would refuse).
    item = WzCode.objects.get(version="2008", code="53.10.0")
    assert item.explanatory_title.startswith("Anmerkung:")
    assert len(item.explanatory_title) > 700
    assert item.explanatory_title.endswith("keine Verwendung.")


def test_short_title_keeps_the_hyphen_of_a_shortened_compound():
    item = WzCode.objects.get(version="2008", code="08.11")
    assert "\n" not in item.title_short
    assert "Kalk-u.Gipsstein" in item.title_short


def test_wz2025_has_2030_items_and_1476_links():
    assert WzCode.objects.filter(version="2025").count() == 2030
    per_level = Counter(WzCode.objects.filter(version="2025").values_list("level", flat=True))
    assert [per_level[level] for level in range(1, 6)] == [22, 87, 287, 651, 983]
    assert WzCorrespondence.objects.count() == 1476
    # Links go from WZ 2025 subclasses to WZ 2008 subclasses, nothing else.
    assert not WzCorrespondence.objects.exclude(wz2025__version="2025", wz2025__level=5).exists()
    assert not WzCorrespondence.objects.exclude(wz2008__version="2008", wz2008__level=5).exists()


def test_correspondence_matches_the_official_csv_including_partial_flags():
    with (wz_dir() / "wz2025_to_wz2008_correspondence.csv").open(encoding="utf-8") as f:
        expected = {
            (row["wz2025_code"], row["wz2008_code"], row["is_partial"] == "1")
            for row in csv.DictReader(f)
        }
    stored = set(WzCorrespondence.objects.values_list("wz2025__code", "wz2008__code", "is_partial"))

    assert len(expected) == 1476
    assert stored == expected
    assert sum(1 for *_, partial in stored if partial) == 873


def test_wz2025_stray_apostrophe_before_notes_is_dropped():
    item = WzCode.objects.get(version="2025", code="53.10.0")
    assert item.includes.startswith("Diese Unterklasse umfasst")
    assert item.excludes.startswith("Diese Unterklasse umfasst nicht:")


def test_second_run_changes_nothing():
    before_2008, before_2025 = _snapshot("2008"), _snapshot("2025")
    links_before = set(WzCorrespondence.objects.values_list("pk", "is_partial"))

    stats_2008 = services.import_wz2008()
    stats_2025 = services.import_wz2025()

    assert (stats_2008.created, stats_2008.updated, stats_2008.unchanged) == (0, 0, 1835)
    assert (stats_2025.created, stats_2025.updated, stats_2025.deleted) == (0, 0, 0)
    assert stats_2025.counts["codes"].unchanged == 2030
    assert stats_2025.counts["correspondences"].unchanged == 1476
    assert _snapshot("2008") == before_2008
    assert _snapshot("2025") == before_2025
    assert set(WzCorrespondence.objects.values_list("pk", "is_partial")) == links_before


def test_changed_title_in_a_newer_file_updates_only_that_row(tmp_path: Path):
    pk = WzCode.objects.get(version="2008", code="20.20.0").pk
    newer = altered_row(
        wz2008_file(),
        tmp_path,
        "20.20.0",
        "H.v.Schädlingsbekämp-\nfungs-u.Desinfektionsm.",
        "H.v.Pflanzenschutzmitteln",
    )

    stats = services.import_wz2008(newer)

    assert (stats.created, stats.updated, stats.unchanged) == (0, 1, 1834)
    changed = WzCode.objects.get(version="2008", code="20.20.0")
    assert changed.title_short == "H.v.Pflanzenschutzmitteln"
    assert changed.pk == pk
    assert WzCode.objects.get(version="2008", code="20.20").title_short == (
        "H.v.Schädlingsbekämpfungs-u.Desinfektionsm."
    )


def test_import_reports_progress_up_to_the_total():
    calls: list[tuple[int, int | None, str]] = []

    services.import_wz2008(progress=lambda done, total, label: calls.append((done, total, label)))

    labels = {label for *_, label in calls}
    assert len(labels) == 2  # reading and saving
    for label in labels:
        mine = [(done, total) for done, total, lab in calls if lab == label]
        assert mine[0][0] == 0
        assert mine[-1] == (1835, 1835)
        assert [done for done, _ in mine] == sorted(done for done, _ in mine)


def test_truncated_file_raises_naming_the_file_and_writes_nothing(tmp_path: Path):
    text = wz2008_file().read_text(encoding="utf-8")
    broken = tmp_path / wz2008_file().name
    # An early title is changed, then the file breaks off: nothing may be saved.
    text = text.replace(
        "<SimpleValue>Land- und Forstwirtschaft, Fischerei</SimpleValue>",
        "<SimpleValue>GEÄNDERT</SimpleValue>",
        1,
    )
    broken.write_text(text[: len(text) // 2], encoding="utf-8")
    before = _snapshot("2008")

    with pytest.raises(services.ReferenceDataError) as error:
        services.import_wz2008(broken)

    assert str(broken) in str(error.value)
    assert "line" in str(error.value)
    assert _snapshot("2008") == before


def test_bad_code_raises_naming_file_row_and_code(tmp_path: Path):
    broken = altered_copy(
        wz2008_file(),
        tmp_path,
        ("<SimpleValue>20.20.0</SimpleValue>", "<SimpleValue>20.20.X</SimpleValue>"),
    )
    before = _snapshot("2008")

    with pytest.raises(services.ReferenceDataError) as error:
        services.import_wz2008(broken)

    message = str(error.value)
    assert str(broken) in message
    assert "20.20.X" in message
    row = next(
        number for number, values in services._iter_rows(broken) if values["ItemCode"] == "20.20.X"
    )
    assert f"row {row}" in message
    assert _snapshot("2008") == before


def test_orphan_code_raises(tmp_path: Path):
    broken = altered_copy(
        wz2008_file(),
        tmp_path,
        ("<SimpleValue>20.20.0</SimpleValue>", "<SimpleValue>20.29.0</SimpleValue>"),
    )

    with pytest.raises(services.ReferenceDataError, match=r"20\.29\.0.*20\.29 is not listed"):
        services.import_wz2008(broken)


def test_broken_correspondence_rolls_back_the_wz2025_codes_too(tmp_path: Path):
    """The links are written after the codes, so this checks the transaction itself."""
    wz2025 = altered_copy(
        wz2025_file(),
        tmp_path,
        ("<SimpleValue>Anbau von Reis</SimpleValue>", "<SimpleValue>GEÄNDERT</SimpleValue>"),
    )
    correspondence = altered_copy(
        correspondence_file(),
        tmp_path,
        (
            '<PropertyText type="Content">01.12.0</PropertyText>',
            '<PropertyText type="Content">99.99.9</PropertyText>',
        ),
    )
    before = _snapshot("2025")
    links_before = set(WzCorrespondence.objects.values_list("pk", "wz2008_id", "is_partial"))

    with pytest.raises(services.ReferenceDataError) as error:
        services.import_wz2025(wz2025, correspondence)

    message = str(error.value)
    assert str(correspondence) in message
    assert "01.12.0" in message and "99.99.9" in message
    assert _snapshot("2025") == before
    assert WzCode.objects.get(version="2025", code="01.12.0").title == "Anbau von Reis"
    assert (
        set(WzCorrespondence.objects.values_list("pk", "wz2008_id", "is_partial")) == links_before
    )


def test_changed_partial_flag_and_dropped_link_are_applied(tmp_path: Path):
    # 01.13.1 → 01.19.9 is partial ('ex'); make it whole and drop 01.13.1 → 01.28.0.
    text = correspondence_file().read_text(encoding="utf-8")
    start = text.index('id="01.13.1"')
    end = text.index("</Item>", start)
    block = text[start:end]
    new_block = block.replace(
        '<PropertyText type="Content">01.19.9</PropertyText>\n'
        '                    <PropertyText type="Description">'
        "Anbau von sonstigen einjährigen Pflanzen a. n. g.</PropertyText>\n"
        '                    <PropertyText type="Example">ex</PropertyText>',
        '<PropertyText type="Content">01.19.9</PropertyText>',
    )
    assert new_block != block
    first = new_block.index(
        '<Property name="Generic" genericName="wz2008">', new_block.index("01.19.9") - 400
    )
    cut_from = new_block.index('<Property name="Generic"', first + 10)
    cut_to = new_block.index("</Property>", cut_from) + len("</Property>")
    assert "01.28.0" in new_block[cut_from:cut_to]
    new_block = new_block[:cut_from] + new_block[cut_to:]
    altered = tmp_path / correspondence_file().name
    altered.write_text(text[:start] + new_block + text[end:], encoding="utf-8")

    stats = services.import_wz2025(correspondence_path=altered)

    links = stats.counts["correspondences"]
    assert (links.created, links.updated, links.deleted) == (0, 1, 1)
    assert WzCorrespondence.objects.count() == 1475
    link = WzCorrespondence.objects.get(wz2025__code="01.13.1", wz2008__code="01.19.9")
    assert link.is_partial is False
    assert not WzCorrespondence.objects.filter(
        wz2025__code="01.13.1", wz2008__code="01.28.0"
    ).exists()


def test_missing_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(services.ReferenceDataError, match=r"WZ_2008_DE_\*\.xml"):
        services.find_reference_file(services.WZ2008_PATTERN, tmp_path)


def test_newest_file_is_chosen_by_its_date(tmp_path: Path):
    (tmp_path / "WZ_2008_DE_2024-01-01.xml").write_text("x")
    (tmp_path / "WZ_2008_DE_2025-09-29.xml").write_text("x")
    assert services.find_reference_file(services.WZ2008_PATTERN, tmp_path).name == (
        "WZ_2008_DE_2025-09-29.xml"
    )


def test_wz2025_item_without_wz2008_source_is_still_imported():
    # 46.89.0 has no wz2008 property in the 2025-08-19 correspondence.
    item = WzCode.objects.get(version="2025", code="46.89.0")
    assert not item.to_wz2008.exists()
