"""The geography importers on the real reference files (REFERENCE_DATA_DIR)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import translation

from geo.models import District, Municipality, PostalCode, State
from geo.services import (
    ReferenceDataError,
    current_districts,
    import_all,
    import_municipalities,
    import_population,
    import_postal_codes,
)

from .helpers import contains, positions

pytestmark = pytest.mark.usefixtures("geo")

THURINGIA_DISTRICTS = {
    "16051": "Erfurt",
    "16052": "Gera",
    "16053": "Jena",
    "16054": "Suhl",
    "16055": "Weimar",
    "16061": "Eichsfeld",
    "16062": "Nordhausen",
    "16063": "Wartburgkreis",
    "16064": "Unstrut-Hainich-Kreis",
    "16065": "Kyffhäuserkreis",
    "16066": "Schmalkalden-Meiningen",
    "16067": "Gotha",
    "16068": "Sömmerda",
    "16069": "Hildburghausen",
    "16070": "Ilm-Kreis",
    "16071": "Weimarer Land",
    "16072": "Sonneberg",
    "16073": "Saalfeld-Rudolstadt",
    "16074": "Saale-Holzland-Kreis",
    "16075": "Saale-Orla-Kreis",
    "16076": "Greiz",
    "16077": "Altenburger Land",
}
GERMAN_STATE_NAMES = {
    "Schleswig-Holstein",
    "Hamburg",
    "Niedersachsen",
    "Bremen",
    "Nordrhein-Westfalen",
    "Hessen",
    "Rheinland-Pfalz",
    "Baden-Württemberg",
    "Bayern",
    "Saarland",
    "Berlin",
    "Brandenburg",
    "Mecklenburg-Vorpommern",
    "Sachsen",
    "Sachsen-Anhalt",
    "Thüringen",
}


def _reference(relative: str) -> Path:
    return Path(settings.REFERENCE_DATA_DIR) / relative


# --- What an operator checks after an import -------------------------------------------


def test_sixteen_states_with_german_names_and_land_boundaries() -> None:
    assert State.objects.count() == 16
    assert set(State.objects.values_list("name", flat=True)) == GERMAN_STATE_NAMES
    thuringia = State.objects.get(ags="16")
    assert thuringia.name == "Thüringen"
    # The land area, not one of the coastal-water features the file also has per state.
    lons, lats = zip(*positions(thuringia.geometry), strict=True)
    assert 9.8 < min(lons) < max(lons) < 12.7
    assert 50.1 < min(lats) < max(lats) < 51.7
    schleswig_holstein = State.objects.get(ags="01")
    assert contains(schleswig_holstein.geometry, 54.32, 10.13)  # Kiel
    assert not contains(schleswig_holstein.geometry, 54.2, 7.5)  # North Sea, west of Helgoland


def test_401_districts_of_2021_of_which_400_exist_today() -> None:
    assert District.objects.count() == 401
    assert current_districts().count() == 400
    assert District.objects.filter(state__isnull=True).count() == 0


def test_thuringia_has_its_22_current_districts_with_population() -> None:
    districts = {d.ags: d for d in current_districts("16")}
    assert {ags: d.name for ags, d in districts.items()} == THURINGIA_DISTRICTS
    for district in districts.values():
        assert district.population and district.population > 30_000, district
        assert district.area_km2 and district.area_km2 > 50, district
        assert district.population_date == date(2018, 12, 31)
        assert district.nuts3.startswith("DEG"), district
        assert district.geometry and district.geometry["type"] in ("Polygon", "MultiPolygon")
    assert districts["16051"].population == 213_699  # Erfurt, Destatis 31 Dec 2018


def test_eisenach_is_kept_as_merged_into_wartburgkreis() -> None:
    eisenach = District.objects.get(ags="16056")
    wartburgkreis = District.objects.get(ags="16063")
    assert eisenach.merged_into == wartburgkreis
    assert eisenach.merged_on == date(2021, 7, 1)
    assert not eisenach.is_current
    assert eisenach not in current_districts("16")
    # Eisenach keeps its own 2018 figures; Wartburgkreis describes today's territory.
    assert eisenach.population == 42_370
    assert wartburgkreis.population == 123_025 + 42_370
    assert wartburgkreis.area_km2 == Decimal("1307.44") + Decimal("104.17")
    # Today's boundary of Wartburgkreis contains the city of Eisenach.
    eisenach_town = Municipality.objects.get(ags="16056000")
    assert contains(wartburgkreis.geometry, eisenach_town.latitude, eisenach_town.longitude)
    gotha = Municipality.objects.get(name="Gotha", district__ags="16067")
    assert not contains(wartburgkreis.geometry, gotha.latitude, gotha.longitude)


def test_boundaries_are_rounded_and_small() -> None:
    sizes = []
    for geometry in District.objects.values_list("geometry", flat=True):
        for lon, lat in positions(geometry):
            assert round(lon, 5) == lon and round(lat, 5) == lat
        sizes.append(len(json.dumps(geometry, separators=(",", ":"))))
    assert sum(sizes) < 1_000_000  # the source file has 1.8 MB
    assert max(sizes) < 30_000


def test_municipalities_are_points_in_their_districts() -> None:
    assert Municipality.objects.count() == 10_997
    assert Municipality.objects.filter(district__state__ags="16").count() == 631
    # Nothing points at a dissolved district: Eisenach's municipality moved to Wartburgkreis.
    assert not Municipality.objects.filter(district__merged_into__isnull=False).exists()
    eisenach = Municipality.objects.get(ags="16056000")
    assert eisenach.name == "Eisenach"
    assert eisenach.district.ags == "16063"
    for name, district_ags in (("Erfurt", "16051"), ("Jena", "16053"), ("Ilmenau", "16070")):
        municipality = Municipality.objects.get(name=name, district__ags=district_ags)
        district = municipality.district
        assert contains(district.geometry, municipality.latitude, municipality.longitude)
        assert municipality.name_folded == name.lower()


def test_postal_codes_counted_and_large_customers_flagged() -> None:
    assert PostalCode.objects.count() == 23_297
    assert PostalCode.objects.values("code").distinct().count() == 10_814
    # Rows with a numeric GeoNames state code are single organisations.
    assert PostalCode.objects.filter(is_large_customer=True).count() == 6_819
    assert PostalCode.objects.get(code="07737").is_large_customer  # Friedrich-Schiller-Universität
    assert not PostalCode.objects.get(code="99084", place="Erfurt").is_large_customer
    # Places the organisation list took for customers but GeoNames lists as places.
    assert not PostalCode.objects.filter(code="31628", is_large_customer=True).exists()


def test_postal_code_states_are_normalised() -> None:
    stored_names = set(PostalCode.objects.values_list("state__name", flat=True).distinct())
    assert stored_names - {None} == GERMAN_STATE_NAMES
    assert PostalCode.objects.filter(state__isnull=True).count() == 1  # 87491 Jungholz (Tirol)
    # 1,041 "Thüringen" rows and 63 large-customer rows spelled "Thuringia".
    thuringia = PostalCode.objects.filter(state__ags="16")
    assert thuringia.count() == 1_104
    assert thuringia.filter(is_large_customer=True).count() == 63
    # The state a row names agrees with its district's state.
    with_district = PostalCode.objects.filter(district__isnull=False)
    assert not with_district.exclude(district__state=F("state")).exists()


def test_postal_codes_follow_mergers_and_repair_umlauts() -> None:
    assert not PostalCode.objects.filter(district__ags="16056").exists()
    eisenach = PostalCode.objects.select_related("district").get(code="99817", place="Eisenach")
    assert eisenach.district is not None and eisenach.district.ags == "16063"
    assert PostalCode.objects.filter(code="50922", place="Landgericht Köln").exists()
    assert not PostalCode.objects.filter(place__contains="Ã").exists()


# --- Running again, changes, failures ------------------------------------------------


def test_second_run_creates_and_updates_nothing() -> None:
    results = import_all()
    assert set(results) == {"states", "districts", "municipalities", "population", "postal_codes"}
    for name, result in results.items():
        assert (result.created, result.updated, result.deleted) == (0, 0, 0), name
        assert result.unchanged > 0, name
    assert results["postal_codes"].unchanged == 23_297


def test_a_changed_or_missing_row_is_repaired() -> None:
    District.objects.filter(ags="16051").update(population=1)
    PostalCode.objects.filter(code="99084", place="Erfurt").delete()
    PostalCode.objects.create(code="99084", place="Atlantis", latitude=51.0, longitude=11.0)

    population = import_population()
    postal_codes = import_postal_codes()

    assert (population.created, population.updated) == (0, 1)
    assert District.objects.get(ags="16051").population == 213_699
    assert (postal_codes.created, postal_codes.updated, postal_codes.deleted) == (1, 0, 1)
    assert PostalCode.objects.filter(code="99084", place="Erfurt").exists()
    assert not PostalCode.objects.filter(place="Atlantis").exists()


@pytest.fixture
def reference_copy(tmp_path: Path, settings: object) -> Path:
    """A REFERENCE_DATA_DIR in tmp_path whose files a test may break (links to the real ones)."""
    source = Path(settings.REFERENCE_DATA_DIR)  # type: ignore[attr-defined]
    for folder in ("bkg", "districts_population", "geonames"):
        (tmp_path / folder).mkdir()
        for path in (source / folder).iterdir():
            (tmp_path / folder / path.name).symlink_to(path)
    settings.REFERENCE_DATA_DIR = tmp_path  # type: ignore[attr-defined]
    return tmp_path


def _replace(path: Path, text: str) -> None:
    path.unlink()
    path.write_text(text, encoding="utf-8")


def test_broken_file_rolls_back_everything_and_names_file_and_line(reference_copy: Path) -> None:
    municipalities = reference_copy / "bkg" / "gemeinden_vg5000_2021_points.csv"
    lines = _reference("bkg/gemeinden_vg5000_2021_points.csv").read_text(encoding="utf-8")
    rows = lines.splitlines()
    rows[4999] = rows[4999].replace(",49.30569,", ",not-a-latitude,")
    assert "not-a-latitude" in rows[4999]
    _replace(municipalities, "\n".join(rows) + "\n")
    # A change the districts step (which runs before) would repair if it were kept.
    District.objects.filter(ags="16051").update(name="Broken")
    before = (State.objects.count(), District.objects.count(), PostalCode.objects.count())

    with translation.override("en"), pytest.raises(ReferenceDataError) as raised:
        import_all()

    message = str(raised.value)
    assert "gemeinden_vg5000_2021_points.csv" in message
    assert "line 5000" in message
    assert "not-a-latitude" in message
    assert District.objects.get(ags="16051").name == "Broken"
    assert (State.objects.count(), District.objects.count(), PostalCode.objects.count()) == before


def test_broken_postal_code_row_names_the_line(reference_copy: Path) -> None:
    (reference_copy / "geonames" / "DE.zip").unlink()  # use the CSV instead
    text = _reference("geonames/zipcodes.de.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    rows[120][1] = "9908X"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    _replace(reference_copy / "geonames" / "zipcodes.de.csv", out.getvalue())
    PostalCode.objects.filter(code="99084").delete()
    before = PostalCode.objects.count()

    with translation.override("en"), pytest.raises(ReferenceDataError) as raised:
        import_postal_codes()

    assert "zipcodes.de.csv, line 121" in str(raised.value)
    assert "9908X" in str(raised.value)
    assert PostalCode.objects.count() == before


def test_truncated_geojson_is_reported(reference_copy: Path) -> None:
    text = _reference("bkg/Ebene_Kreise.geojson").read_text(encoding="utf-8")
    _replace(reference_copy / "bkg" / "Ebene_Kreise.geojson", text[: len(text) // 2])
    with translation.override("en"), pytest.raises(ReferenceDataError) as raised:
        import_all()
    assert "Ebene_Kreise.geojson, line " in str(raised.value)
    assert "not valid JSON" in str(raised.value)


def test_municipality_of_unknown_district_is_an_error(reference_copy: Path) -> None:
    path = reference_copy / "bkg" / "gemeinden_vg5000_2021_points.csv"
    text = _reference("bkg/gemeinden_vg5000_2021_points.csv").read_text(encoding="utf-8")
    _replace(path, text.replace(",16051,50.98563,", ",16099,50.98563,"))
    with translation.override("en"), pytest.raises(ReferenceDataError) as raised:
        import_municipalities()
    assert "16099" in str(raised.value)
    assert "line " in str(raised.value)


def test_missing_directory_says_where_it_looked(tmp_path: Path, settings: object) -> None:
    settings.REFERENCE_DATA_DIR = tmp_path  # type: ignore[attr-defined]
    with translation.override("en"), pytest.raises(ReferenceDataError) as raised:
        import_all()
    assert str(tmp_path / "bkg" / "Ebene_Laender.geojson") in str(raised.value)
    assert "not found" in str(raised.value)


def test_postal_codes_read_from_csv_when_there_is_no_zip(reference_copy: Path) -> None:
    (reference_copy / "geonames" / "DE.zip").unlink()
    result = import_postal_codes()
    assert result.sources == [reference_copy / "geonames" / "zipcodes.de.csv"]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 23_297)


def test_command_prints_a_summary_per_dataset() -> None:
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_geo", "--no-progress", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    for label in ("States", "Districts", "Municipalities", "District population", "Postal codes"):
        assert f"{label}: 0 created, 0 updated" in text
    assert "23297 unchanged" in text


def test_command_fails_cleanly_on_a_broken_file(reference_copy: Path) -> None:
    shutil.rmtree(reference_copy / "districts_population")
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("import_geo", "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert "Nothing was imported" in str(raised.value)
    assert "districts.csv" in str(raised.value)
