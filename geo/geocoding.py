"""Geocoding addresses: offline from the imported postal codes and municipalities,
or online from a Nominatim-compatible service with the offline data as fallback.

``settings.GEOCODER`` chooses: ``"offline"`` (default) or ``"nominatim"`` (asks
``settings.GEOCODER_URL``; any network error, time-out or empty answer falls back to
offline). District and municipality always come from the offline data, so they
follow the official keys.

Offline rules (see docs/reference-data/geo.md):

1. Postal code and place → the GeoNames row of that postal code whose place matches
   (folded: case, umlauts, "Erfurt, Stadt"); large-customer rows only if the postal
   code has no other. Coordinates: the postal-code centroid (precision ``postal_code``).
2. A known postal code whose rows do not name the place → still its centroid, with a note.
3. Unknown or missing postal code → the municipality with that name (precision
   ``municipality``), narrowed by the postal region and the portal's state if the name
   is ambiguous.
4. Otherwise precision ``none`` and a note that says why.

The municipality is the one in the district whose name matches the place, else the
municipality whose point is nearest to the coordinates.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from http.client import HTTPException
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from .choices import GeocodePrecision
from .models import District, Municipality, PostalCode
from .names import fold_place_name, names_match, normalise_postal_code

__all__ = [
    "GeocodeResult",
    "Geocoder",
    "apply_geocode",
    "geocode",
    "haversine_km",
    "is_known_postal_code",
    "nearest_municipality",
]

logger = logging.getLogger(__name__)

EARTH_RADIUS_KM = 6371.0088
# Nominatim place_rank: 30 = house/building, 26–27 = street.
_RANK_HOUSE = 28
_RANK_STREET = 26
_HOUSE_TYPES = frozenset({"house", "building", "apartments", "residential_building"})
_STREET_TYPES = frozenset({"road", "street", "highway"})
# Germany with a margin: an online answer outside it is not used.
_GERMANY = (46.5, 55.5, 5.5, 15.5)
# How far around a point to look for municipality points when no district is known.
_SEARCH_BOX_DEGREES = 0.25
# The public OpenStreetMap instance allows one request per second (and no bulk use).
_PUBLIC_NOMINATIM_HOSTS = frozenset({"nominatim.openstreetmap.org"})
_PUBLIC_MIN_INTERVAL_S = 1.0
_throttle_lock = threading.Lock()
_last_public_request = 0.0


@dataclass(frozen=True)
class GeocodeResult:
    latitude: float | None
    longitude: float | None
    precision: GeocodePrecision
    municipality: Municipality | None = None
    district: District | None = None
    note: str = ""

    @property
    def found(self) -> bool:
        return self.latitude is not None and self.precision != GeocodePrecision.NONE


class SiteLike(Protocol):
    street: str
    postal_code: str
    place: str
    latitude: float | None
    longitude: float | None
    geocode_precision: str
    municipality: Any
    district: Any


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two WGS84 points in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def is_known_postal_code(code: str) -> bool:
    """Whether ``code`` is a German postal code in the imported GeoNames data."""
    normalised = normalise_postal_code(code)
    return bool(normalised) and PostalCode.objects.filter(code=normalised).exists()


def _nearest(
    municipalities: Iterable[Municipality], latitude: float, longitude: float
) -> Municipality | None:
    candidates = list(municipalities)
    inhabited = [m for m in candidates if m.kind != Municipality.UNINCORPORATED]
    return min(
        inhabited or candidates,
        key=lambda m: haversine_km(latitude, longitude, m.latitude, m.longitude),
        default=None,
    )


def nearest_municipality(
    latitude: float, longitude: float, district: District | None = None
) -> Municipality | None:
    """The municipality whose point is nearest, within ``district`` if given.

    Municipalities have one point each (no boundaries), so near a border this is an
    approximation. Unincorporated areas (forests, lakes) are only chosen if nothing else is.
    """
    queryset = Municipality.objects.select_related("district").defer("district__geometry")
    if district is not None:
        return _nearest(queryset.filter(district=district), latitude, longitude)
    box = _SEARCH_BOX_DEGREES
    while box <= 4:
        found = _nearest(
            queryset.filter(
                latitude__range=(latitude - box, latitude + box),
                longitude__range=(longitude - box * 1.6, longitude + box * 1.6),
            ),
            latitude,
            longitude,
        )
        if found is not None:
            return found
        box *= 2
    return None


class Geocoder:
    """Geocodes addresses; one instance caches look-ups, so reuse it for a batch."""

    def __init__(self, mode: str | None = None) -> None:
        self.mode = (mode or settings.GEOCODER or "offline").strip().lower()
        if self.mode not in ("offline", "nominatim"):
            raise ImproperlyConfigured(
                f"GEOCODER must be 'offline' or 'nominatim', not {self.mode!r}."
            )
        self._postal_rows: dict[str, list[PostalCode]] = {}
        self._municipalities: dict[int, list[Municipality]] = {}

    # --- public ------------------------------------------------------------------

    def geocode(self, street: str, postal_code: str, place: str) -> GeocodeResult:
        if self.mode == "nominatim":
            return self._online(street or "", postal_code or "", place or "")
        return self.offline(street or "", postal_code or "", place or "")

    def offline(self, street: str, postal_code: str, place: str) -> GeocodeResult:
        code = normalise_postal_code(postal_code)
        folded = fold_place_name(place)
        notes = []
        if postal_code.strip() and not code:
            notes.append(
                _("“%(code)s” is not a German postal code.") % {"code": postal_code.strip()}
            )
        rows = self._rows(code) if code else []
        if rows:
            return self._from_postal_code(code, rows, place, folded)
        if code:
            notes.append(_("Postal code %(code)s is unknown.") % {"code": code})
        if not folded:
            notes.append(_("No place given."))
            return self._none(notes)
        return self._from_place(code, place, folded, notes)

    # --- offline -----------------------------------------------------------------

    def _rows(self, code: str) -> list[PostalCode]:
        if code not in self._postal_rows:
            self._postal_rows[code] = list(
                PostalCode.objects.filter(code=code)
                .select_related("district")
                .defer("district__geometry")
                .order_by("is_large_customer", "place")
            )
        return self._postal_rows[code]

    def _district_municipalities(self, district: District) -> list[Municipality]:
        if district.pk not in self._municipalities:
            self._municipalities[district.pk] = list(
                Municipality.objects.filter(district=district).order_by("ags")
            )
        return self._municipalities[district.pk]

    @staticmethod
    def _best_by_name(items: Iterable[Any], folded: str, name: Any) -> list[Any]:
        """Items whose folded name equals ``folded``, else those sharing its first words."""
        scored = [(names_match(folded, name(item)), item) for item in items]
        for score in (2, 1):
            hits = [item for value, item in scored if value == score]
            if hits:
                return hits
        return []

    def _municipality_in(
        self,
        district: District | None,
        folded_names: Iterable[str],
        latitude: float,
        longitude: float,
    ) -> Municipality | None:
        if district is None:
            return None  # e.g. 87491 Jungholz, a German postal code for a place in Austria
        municipalities = self._district_municipalities(district)
        for folded in folded_names:
            hits = self._best_by_name(municipalities, folded, lambda m: m.name_folded)
            if hits:
                return _nearest(hits, latitude, longitude)
        return _nearest(municipalities, latitude, longitude)

    def _from_postal_code(
        self, code: str, rows: list[PostalCode], place: str, folded: str
    ) -> GeocodeResult:
        regular = [row for row in rows if not row.is_large_customer]
        note = ""
        matches = self._best_by_name(regular, folded, lambda row: fold_place_name(row.place))
        if matches:
            row = matches[0]
        elif regular:
            row = self._closest_row_to_place(regular, folded)
            if folded:
                note = _(
                    "“%(place)s” is not a place of postal code %(code)s; "
                    "used the centroid of %(code)s %(postal_place)s."
                ) % {"place": place.strip(), "code": code, "postal_place": row.place}
            else:
                note = _("No place given; used the centroid of %(code)s %(postal_place)s.") % {
                    "code": code,
                    "postal_place": row.place,
                }
        else:
            named = self._best_by_name(rows, folded, lambda row: fold_place_name(row.place))
            row = named[0] if named else rows[0]
            note = _(
                "%(code)s is the large-customer postal code of “%(organisation)s”; "
                "used its coordinates."
            ) % {"code": code, "organisation": row.place}
        district = row.district
        municipality = self._municipality_in(
            district, [folded, fold_place_name(row.place)], row.latitude, row.longitude
        )
        return GeocodeResult(
            row.latitude,
            row.longitude,
            GeocodePrecision.POSTAL_CODE,
            municipality,
            district,
            note,
        )

    def _closest_row_to_place(self, rows: list[PostalCode], folded: str) -> PostalCode:
        """The row nearest to a municipality called like the place, else the first row."""
        if folded:
            for row in rows:
                if row.district is None:
                    continue
                hits = self._best_by_name(
                    self._district_municipalities(row.district), folded, lambda m: m.name_folded
                )
                if hits:
                    target = hits[0]
                    return min(
                        rows,
                        key=lambda r: haversine_km(
                            r.latitude, r.longitude, target.latitude, target.longitude
                        ),
                    )
        return rows[0]

    def _from_place(self, code: str, place: str, folded: str, notes: list[str]) -> GeocodeResult:
        first_word = folded.split(" ", 1)[0]
        candidates = list(
            Municipality.objects.filter(name_folded__startswith=first_word)
            .select_related("district", "district__state")
            .defer("district__geometry", "district__state__geometry")
        )
        scores = {m.pk: names_match(folded, m.name_folded) for m in candidates}
        hits = [m for m in candidates if scores[m.pk]]
        hits = [m for m in hits if m.kind != Municipality.UNINCORPORATED] or hits
        # Narrow an ambiguous name: postal region (first two digits), the portal's state,
        # then the exact spelling over "starts with" ("Mühlhausen" → "Mühlhausen/Thüringen").
        if len(hits) > 1 and code:
            region = set(
                PostalCode.objects.filter(code__startswith=code[:2], is_large_customer=False)
                .values_list("district_id", flat=True)
                .distinct()
            )
            hits = [m for m in hits if m.district_id in region] or hits
        if len(hits) > 1:
            portal_state = settings.PORTAL_STATE_AGS
            hits = [m for m in hits if m.district.state.ags == portal_state] or hits
        if len(hits) > 1:
            hits = [m for m in hits if scores[m.pk] == 2] or hits
        if len(hits) == 1:
            municipality = hits[0]
            return GeocodeResult(
                municipality.latitude,
                municipality.longitude,
                GeocodePrecision.MUNICIPALITY,
                municipality,
                municipality.district,
                " ".join([*notes, _("Used the municipality's centroid.")]),
            )
        if hits:
            notes.append(
                _("“%(place)s” is ambiguous: %(count)d municipalities have that name.")
                % {"place": place.strip(), "count": len(hits)}
            )
        else:
            notes.append(_("No municipality is called “%(place)s”.") % {"place": place.strip()})
        return self._none(notes)

    @staticmethod
    def _none(notes: list[str]) -> GeocodeResult:
        return GeocodeResult(None, None, GeocodePrecision.NONE, None, None, " ".join(notes))

    # --- online ------------------------------------------------------------------

    def _online(self, street: str, postal_code: str, place: str) -> GeocodeResult:
        offline = self.offline(street, postal_code, place)
        if not street.strip():
            return offline  # without a street the online answer is no better than offline
        try:
            answer = self._ask_nominatim(street, postal_code, place)
        except (OSError, HTTPException, ValueError, KeyError, TypeError) as error:
            logger.warning("Online geocoder failed, using offline data: %s", error)
            return self._with_note(
                offline,
                _("Online geocoder unavailable (%(error)s); used offline data.")
                % {"error": _describe(error)},
            )
        if answer is None:
            return self._with_note(
                offline, _("Online geocoder found no exact match; used offline data.")
            )
        latitude, longitude, precision = answer
        district = offline.district
        municipality = nearest_municipality(latitude, longitude, district)
        if municipality is not None and district is None:
            district = municipality.district
        return GeocodeResult(latitude, longitude, precision, municipality, district, "")

    @staticmethod
    def _with_note(result: GeocodeResult, note: str) -> GeocodeResult:
        return GeocodeResult(
            result.latitude,
            result.longitude,
            result.precision,
            result.municipality,
            result.district,
            " ".join(part for part in (note, result.note) if part),
        )

    def _ask_nominatim(
        self, street: str, postal_code: str, place: str
    ) -> tuple[float, float, GeocodePrecision] | None:
        base = (settings.GEOCODER_URL or "").strip()
        if not base:
            raise ValueError("GEOCODER_URL is not set")
        url = base.rstrip("/")
        if not url.endswith("/search"):
            url += "/search"
        params = {
            "street": street.strip(),
            "postalcode": normalise_postal_code(postal_code) or postal_code.strip(),
            "city": place.strip(),
            "country": "de",
            "format": "jsonv2",
            "limit": "1",
        }
        query = urllib.parse.urlencode({key: value for key, value in params.items() if value})
        request = urllib.request.Request(
            f"{url}?{query}",
            headers={
                "User-Agent": settings.GEOCODER_USER_AGENT,
                "Accept": "application/json",
                "Accept-Language": "de",
            },
        )
        if urllib.parse.urlsplit(url).hostname in _PUBLIC_NOMINATIM_HOSTS:
            _wait_for_public_instance()
        with urllib.request.urlopen(request, timeout=settings.GEOCODER_TIMEOUT) as response:
            data = json.loads(response.read().decode("utf-8"))
        if not isinstance(data, list) or not all(isinstance(hit, dict) for hit in data):
            raise ValueError("not a Nominatim jsonv2 answer")
        if not data:
            return None
        hit = data[0]
        latitude, longitude = float(hit["lat"]), float(hit["lon"])
        south, north, west, east = _GERMANY
        if not (south <= latitude <= north and west <= longitude <= east):
            return None
        precision = _nominatim_precision(hit)
        if precision is None:
            return None
        return latitude, longitude, precision


def _wait_for_public_instance() -> None:
    global _last_public_request
    with _throttle_lock:
        wait = _last_public_request + _PUBLIC_MIN_INTERVAL_S - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        _last_public_request = time.monotonic()


def _nominatim_precision(hit: dict[str, Any]) -> GeocodePrecision | None:
    """EXACT for a house or building, STREET for a street, None for anything coarser."""
    try:
        rank = int(hit.get("place_rank") or 0)
    except (TypeError, ValueError):
        rank = 0
    kinds = {str(hit.get(key) or "").lower() for key in ("addresstype", "type", "category")}
    if kinds & _HOUSE_TYPES or "building" in kinds or rank >= _RANK_HOUSE:
        return GeocodePrecision.EXACT
    if kinds & _STREET_TYPES or rank >= _RANK_STREET:
        return GeocodePrecision.STREET
    return None


def _describe(error: BaseException) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code}"
    if isinstance(error, urllib.error.URLError):
        return str(error.reason)
    if isinstance(error, TimeoutError):
        return _("time-out")
    return str(error) or error.__class__.__name__


def geocode(street: str, postal_code: str, place: str) -> GeocodeResult:
    """Coordinates, precision, municipality and district of a German address."""
    return Geocoder().geocode(street, postal_code, place)


def apply_geocode(site: SiteLike, geocoder: Geocoder | None = None) -> GeocodeResult:
    """Fill a site's coordinates, precision, municipality and district (does not save).

    Coordinates set by hand (precision ``manual``) are kept; only municipality and
    district are derived from them.
    """
    geocoder = geocoder or Geocoder()
    if (
        site.geocode_precision == GeocodePrecision.MANUAL
        and site.latitude is not None
        and site.longitude is not None
    ):
        postal = geocoder.offline("", site.postal_code or "", site.place or "")
        municipality = nearest_municipality(site.latitude, site.longitude, postal.district)
        district = postal.district or (municipality.district if municipality else None)
        site.municipality = municipality
        site.district = district
        return GeocodeResult(
            site.latitude, site.longitude, GeocodePrecision.MANUAL, municipality, district, ""
        )
    result = geocoder.geocode(site.street or "", site.postal_code or "", site.place or "")
    site.latitude = result.latitude
    site.longitude = result.longitude
    site.geocode_precision = result.precision
    site.municipality = result.municipality
    site.district = result.district
    return result


@dataclass(frozen=True)
class Place:
    """A point a person named: a postal code or a municipality."""

    label: str
    latitude: float
    longitude: float


def locate_place(text: str, state_ags: str | None = None) -> Place | None:
    """Where "99084", "Ilmenau" or "Jena, Stadt" is: postal-code centroid or municipality point.

    Among municipalities of the same name, one in ``state_ags`` (the portal's state)
    wins, then the one with the shortest key (the town rather than a namesake village).
    """
    text = (text or "").strip()[:100]
    if not text:
        return None
    code = normalise_postal_code(text)
    if code:
        postal = PostalCode.objects.filter(code=code).order_by("is_large_customer", "pk").first()
        if postal is None:
            return None
        return Place(f"{postal.code} {postal.place}", postal.latitude, postal.longitude)
    folded = fold_place_name(text)
    if not folded:
        return None
    state = state_ags if state_ags is not None else settings.PORTAL_STATE_AGS
    candidates = list(
        Municipality.objects.filter(name_folded=folded).only("name", "ags", "latitude", "longitude")
    )
    if not candidates:
        candidates = [
            m
            for m in Municipality.objects.filter(name_folded__startswith=folded + " ").only(
                "name", "ags", "latitude", "longitude", "name_folded"
            )[:50]
            if names_match(folded, m.name_folded)
        ]
    if not candidates:
        return None
    best = min(candidates, key=lambda m: (not m.ags.startswith(state), len(m.name), m.ags))
    return Place(best.name, best.latitude, best.longitude)
