"""Geocoding on the real postal codes and municipalities, offline and online."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import translation

from geo.choices import GeocodePrecision
from geo.geocoding import (
    Geocoder,
    apply_geocode,
    geocode,
    haversine_km,
    is_known_postal_code,
    nearest_municipality,
)
from geo.models import District

from .helpers import contains

pytestmark = pytest.mark.usefixtures("geo")

# Thuringia with a margin: a geocoded Thuringian address must land inside.
THURINGIA_BOX = (50.15, 51.7, 9.85, 12.7)


def _in_thuringia(latitude: float | None, longitude: float | None) -> bool:
    south, north, west, east = THURINGIA_BOX
    return (
        latitude is not None
        and longitude is not None
        and (south <= latitude <= north and west <= longitude <= east)
    )


# --- Offline ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("street", "postal_code", "place", "district_ags", "municipality"),
    [
        ("Fischmarkt 1", "99084", "Erfurt", "16051", "Erfurt"),
        ("Fürstengraben 1", "07743", "Jena", "16053", "Jena"),
        ("Ehrenbergstraße 29", "98693", "Ilmenau", "16070", "Ilmenau"),
    ],
)
def test_thuringian_addresses_land_in_their_district(
    street: str, postal_code: str, place: str, district_ags: str, municipality: str
) -> None:
    result = geocode(street, postal_code, place)

    assert result.precision == GeocodePrecision.POSTAL_CODE
    assert result.district is not None and result.district.ags == district_ags
    assert result.municipality is not None and result.municipality.name == municipality
    assert result.municipality.district_id == result.district.pk
    assert _in_thuringia(result.latitude, result.longitude)
    assert contains(result.district.geometry, result.latitude, result.longitude)
    assert result.note == ""


@pytest.mark.parametrize(
    ("postal_code", "place"),
    [("99084", "ERFURT"), ("99084", "Erfurt, Stadt"), ("D-99084", " erfurt "), ("99084", "Erfurt")],
)
def test_place_spelled_differently_finds_the_same_row(postal_code: str, place: str) -> None:
    result = geocode("", postal_code, place)
    assert result.precision == GeocodePrecision.POSTAL_CODE
    assert (result.latitude, result.longitude) == (50.9746, 11.0297)  # GeoNames 99084 Erfurt
    assert result.district is not None and result.district.ags == "16051"
    assert result.note == ""


def test_jena_spelled_officially_and_without_leading_zero() -> None:
    official = geocode("", "07743", "Jena, Stadt")
    spreadsheet = geocode("", "7743", "JENA")
    assert official.precision == spreadsheet.precision == GeocodePrecision.POSTAL_CODE
    assert (official.latitude, official.longitude) == (spreadsheet.latitude, spreadsheet.longitude)
    assert official.district == spreadsheet.district
    assert official.district is not None and official.district.ags == "16053"


def test_umlauts_typed_as_ae_oe_ue() -> None:
    result = geocode("", "99610", "Soemmerda")
    assert result.precision == GeocodePrecision.POSTAL_CODE
    assert result.municipality is not None and result.municipality.name == "Sömmerda"
    assert result.district is not None and result.district.ags == "16068"


def test_one_postal_code_several_places_picks_the_named_place() -> None:
    ilmenau = geocode("", "98693", "Ilmenau")
    martinroda = geocode("", "98693", "Martinroda")
    assert martinroda.municipality is not None and martinroda.municipality.name == "Martinroda"
    assert (martinroda.latitude, martinroda.longitude) != (ilmenau.latitude, ilmenau.longitude)
    assert martinroda.district == ilmenau.district


def test_eisenach_lands_in_wartburgkreis() -> None:
    result = geocode("Markt 1", "99817", "Eisenach")
    assert result.district is not None and result.district.ags == "16063"
    assert result.municipality is not None and result.municipality.ags == "16056000"


def test_place_not_of_this_postal_code_uses_the_centroid_and_says_so() -> None:
    with translation.override("en"):
        result = geocode("", "99084", "Jena")
    assert result.precision == GeocodePrecision.POSTAL_CODE
    assert result.district is not None and result.district.ags == "16051"
    assert "Jena" in result.note and "99084" in result.note


def test_regular_rows_win_over_large_customer_rows() -> None:
    # 14461 is both Potsdam's postal code and the city administration's large-customer code.
    result = geocode("", "14461", "Potsdam")
    assert (result.latitude, result.longitude) == (52.4, 13.0667)
    assert result.note == ""


def test_large_customer_postal_code_alone_is_used_with_a_note() -> None:
    with translation.override("en"):
        result = geocode("Fürstengraben 1", "07737", "Jena")
    assert result.precision == GeocodePrecision.POSTAL_CODE
    assert result.district is not None and result.district.ags == "16053"
    assert "large-customer" in result.note
    assert "Friedrich-Schiller-Universität" in result.note


def test_unknown_postal_code_with_a_known_place_uses_the_municipality() -> None:
    with translation.override("en"):
        result = geocode("", "99999", "Sömmerda")
    assert result.precision == GeocodePrecision.MUNICIPALITY
    assert result.municipality is not None and result.municipality.ags == "16068051"
    assert (result.latitude, result.longitude) == (
        result.municipality.latitude,
        result.municipality.longitude,
    )
    assert "99999" in result.note


def test_ambiguous_place_prefers_the_portal_state(settings: Any) -> None:
    settings.PORTAL_STATE_AGS = "16"
    result = geocode("", "", "Mühlhausen")
    assert result.municipality is not None and result.municipality.name == "Mühlhausen/Thüringen"
    # In Baden-Württemberg the exact name wins over "Mühlhausen im Täle".
    settings.PORTAL_STATE_AGS = "08"
    result = geocode("", "", "Mühlhausen")
    assert result.municipality is not None and result.municipality.ags == "08226054"
    # Bavaria has two municipalities called Mühlhausen: better none than a guess.
    settings.PORTAL_STATE_AGS = "09"
    result = geocode("", "", "Mühlhausen")
    assert result.precision == GeocodePrecision.NONE
    # An unknown postal code still tells the region: 92xxx is the Upper Palatinate's.
    result = geocode("", "92999", "Mühlhausen")
    assert result.municipality is not None and result.municipality.ags == "09373146"


def test_unknown_address_has_precision_none_and_a_reason() -> None:
    with translation.override("en"):
        result = geocode("Hauptstraße 1", "99999", "Atlantis")
    assert result.precision == GeocodePrecision.NONE
    assert (result.latitude, result.longitude) == (None, None)
    assert result.district is None and result.municipality is None
    assert "99999" in result.note and "Atlantis" in result.note
    assert not result.found


def test_malformed_postal_code_is_named_in_the_note() -> None:
    with translation.override("en"):
        result = geocode("", "ABCDE", "")
    assert result.precision == GeocodePrecision.NONE
    assert "ABCDE" in result.note


def test_is_known_postal_code() -> None:
    assert is_known_postal_code("99084")
    assert is_known_postal_code("7743")
    assert is_known_postal_code("07737")  # a large-customer code is a real postal code
    assert not is_known_postal_code("99999")
    assert not is_known_postal_code("abc")


def test_haversine_km() -> None:
    assert haversine_km(50.9746, 11.0297, 50.9746, 11.0297) == 0
    assert haversine_km(50.9785, 11.0289, 50.9272, 11.5892) == pytest.approx(39.6, abs=0.5)
    assert haversine_km(52.5200, 13.4050, 48.1372, 11.5756) == pytest.approx(504, abs=2)


def test_nearest_municipality_with_and_without_district() -> None:
    erfurt = District.objects.get(ags="16051")
    in_erfurt = nearest_municipality(50.98, 11.03, erfurt)
    assert in_erfurt is not None and in_erfurt.name == "Erfurt"
    found = nearest_municipality(50.93, 11.59)
    assert found is not None and found.name == "Jena"


def test_apply_geocode_fills_a_site_and_keeps_manual_coordinates() -> None:
    site = SimpleNamespace(
        street="Ehrenbergstraße 29",
        postal_code="98693",
        place="Ilmenau",
        latitude=None,
        longitude=None,
        geocode_precision=GeocodePrecision.NONE,
        municipality=None,
        district=None,
    )
    apply_geocode(site)
    assert site.geocode_precision == GeocodePrecision.POSTAL_CODE
    assert _in_thuringia(site.latitude, site.longitude)
    assert site.district.ags == "16070"
    assert site.municipality.name == "Ilmenau"

    site.latitude, site.longitude = 50.6836, 10.9387  # moved by hand to the campus
    site.geocode_precision = GeocodePrecision.MANUAL
    apply_geocode(site)
    assert (site.latitude, site.longitude) == (50.6836, 10.9387)
    assert site.geocode_precision == GeocodePrecision.MANUAL
    assert site.district.ags == "16070"

    site.geocode_precision = GeocodePrecision.POSTAL_CODE
    site.postal_code, site.place = "99999", "Atlantis"
    apply_geocode(site)
    assert site.geocode_precision == GeocodePrecision.NONE
    assert (site.latitude, site.longitude, site.district) == (None, None, None)


def test_a_geocoder_batch_reuses_its_look_ups(django_assert_max_num_queries: Any) -> None:
    geocoder = Geocoder("offline")
    geocoder.geocode("", "99084", "Erfurt")
    with django_assert_max_num_queries(0):
        for _ in range(5):
            geocoder.geocode("", "99084", "Erfurt")


# --- Online (Nominatim-compatible) -----------------------------------------------------


@dataclass
class FakeNominatim:
    """A small HTTP server on 127.0.0.1 that answers /search like Nominatim (jsonv2)."""

    status: int = 200
    answer: Any = field(default_factory=list)
    delay: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def nominatim(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNominatim]:
    fake = FakeNominatim()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parsed = urllib.parse.urlsplit(self.path)
            fake.requests.append(
                {
                    "path": parsed.path,
                    "query": dict(urllib.parse.parse_qsl(parsed.query)),
                    "user_agent": self.headers.get("User-Agent"),
                }
            )
            if fake.delay:
                time.sleep(fake.delay)
            body = (
                fake.answer if isinstance(fake.answer, bytes) else json.dumps(fake.answer).encode()
            )
            try:
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (time-out test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.GEOCODER = "nominatim"
    settings.GEOCODER_URL = fake.url
    settings.GEOCODER_TIMEOUT = 0.5
    settings.GEOCODER_USER_AGENT = "Clusterportal tests (geo@example.org)"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


HOUSE = {
    "place_id": 1,
    "lat": "50.9779",
    "lon": "11.0287",
    "category": "place",
    "type": "house",
    "place_rank": 30,
    "addresstype": "place",
    "display_name": "1, Fischmarkt, Altstadt, Erfurt, Thüringen, 99084, Deutschland",
}
STREET = {
    "place_id": 2,
    "lat": "50.6823",
    "lon": "10.9346",
    "category": "highway",
    "type": "residential",
    "place_rank": 26,
    "addresstype": "road",
    "display_name": "Ehrenbergstraße, Ilmenau, Ilm-Kreis, Thüringen, 98693, Deutschland",
}


def test_online_house_number_is_exact_and_district_comes_from_offline_data(
    nominatim: FakeNominatim,
) -> None:
    nominatim.answer = [HOUSE]
    result = geocode("Fischmarkt 1", "99084", "Erfurt")

    assert result.precision == GeocodePrecision.EXACT
    assert (result.latitude, result.longitude) == (50.9779, 11.0287)
    assert result.district is not None and result.district.ags == "16051"
    assert result.municipality is not None and result.municipality.name == "Erfurt"
    (request,) = nominatim.requests
    assert request["path"] == "/search"
    assert request["query"] == {
        "street": "Fischmarkt 1",
        "postalcode": "99084",
        "city": "Erfurt",
        "country": "de",
        "format": "jsonv2",
        "limit": "1",
    }
    assert request["user_agent"] == "Clusterportal tests (geo@example.org)"


def test_online_street_result_has_street_precision(nominatim: FakeNominatim, settings: Any) -> None:
    settings.GEOCODER_URL = nominatim.url + "/search"  # the full endpoint works too
    nominatim.answer = [STREET]
    result = geocode("Ehrenbergstraße", "98693", "Ilmenau")
    assert result.precision == GeocodePrecision.STREET
    assert result.district is not None and result.district.ags == "16070"
    assert result.municipality is not None and result.municipality.name == "Ilmenau"
    assert nominatim.requests[0]["path"] == "/search"


@pytest.mark.parametrize(
    ("status", "answer", "delay", "note"),
    [
        (500, {"error": "internal"}, 0.0, "HTTP 500"),
        (200, [], 0.0, "no exact match"),
        (200, b"<html>Service temporarily unavailable</html>", 0.0, "used offline data"),
        (200, {"error": "Nothing to search for"}, 0.0, "not a Nominatim jsonv2 answer"),
        (200, [HOUSE], 2.0, "time-out"),
    ],
    ids=["server-error", "empty-answer", "not-json", "not-a-list", "time-out"],
)
def test_online_failure_falls_back_to_offline(
    nominatim: FakeNominatim, status: int, answer: Any, delay: float, note: str
) -> None:
    nominatim.status, nominatim.answer, nominatim.delay = status, answer, delay
    started = time.monotonic()
    with translation.override("en"):
        result = geocode("Fischmarkt 1", "99084", "Erfurt")
    assert time.monotonic() - started < 1.9  # GEOCODER_TIMEOUT is 0.5 s
    assert result.precision == GeocodePrecision.POSTAL_CODE
    assert (result.latitude, result.longitude) == (50.9746, 11.0297)
    assert result.district is not None and result.district.ags == "16051"
    assert note in result.note
    assert len(nominatim.requests) == 1


def test_online_answer_coarser_than_a_street_is_not_used(nominatim: FakeNominatim) -> None:
    nominatim.answer = [dict(HOUSE, category="boundary", type="administrative", place_rank=16)]
    nominatim.answer[0]["addresstype"] = "city"
    result = geocode("Unbekannte Straße 5", "99084", "Erfurt")
    assert result.precision == GeocodePrecision.POSTAL_CODE


def test_online_geocoder_is_not_asked_without_a_street(nominatim: FakeNominatim) -> None:
    nominatim.answer = [HOUSE]
    result = geocode("", "99084", "Erfurt")
    assert result.precision == GeocodePrecision.POSTAL_CODE
    assert nominatim.requests == []


def test_online_without_url_falls_back(settings: Any) -> None:
    settings.GEOCODER = "nominatim"
    settings.GEOCODER_URL = ""
    with translation.override("en"):
        result = geocode("Fischmarkt 1", "99084", "Erfurt")
    assert result.precision == GeocodePrecision.POSTAL_CODE
    assert "GEOCODER_URL" in result.note


def test_unknown_geocoder_setting_is_a_configuration_error(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.GEOCODER = "google"
    with pytest.raises(ImproperlyConfigured):
        geocode("Fischmarkt 1", "99084", "Erfurt")
