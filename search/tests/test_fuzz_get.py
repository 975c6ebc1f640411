"""Hostile values for every public GET route: no answer may be a server error.

Each route is asked with its known parameters (and path segments) set to values
drawn by hypothesis: unicode digits that ``str.isdigit`` accepts and ``int`` does
not, numbers beyond 64 bits, NUL and control characters, very long text,
punctuation alone, query syntax of SQL and of the engines, unknown codes, repeated
parameters, negative and fractional page numbers. A 4xx with a message is a fine
answer; a 5xx (or an exception out of a view or a streamed export) is a bug.

The draws are bounded (``max_examples``) and derandomised, so a run takes seconds
per database and fails the same way every time.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classification.models import CertificationStandard, GrowthField
from directory.choices import OrganisationKind

from .helpers import index_all, make_org

pytestmark = pytest.mark.django_db

HOSTILE = (
    "²",
    "³",
    "١٢",
    "９",
    "Ⅻ",
    "½",
    str(2**63),
    str(2**64 + 1),
    str(-(2**63) - 1),
    "9" * 40,
    "9" * 5000,
    "1e400",
    "nan",
    "inf",
    "-1",
    "0",
    "1.5",
    "0x10",
    " 1",
    "\x00",
    "a\x00b",
    "16051\x00",
    "\x01\x1f\x7f",
    "\u202e",
    "\ufeff",
    "\n",
    "x" * 5000,
    "ä" * 2000,
    "!!!",
    "?-.,;",
    '"',
    "'",
    "*",
    "()",
    "' OR 1=1 --",
    "field:value",
    "title:*",
    "a* ~2 ^3",
    "[1 TO 5]",
    "\\",
    "%",
    "_",
    "🙂",
    "<script>alert(1)</script>",
    "=HYPERLINK(1)",
    " ",
    "",
    "16051",
    "99999",
    "ZZ",
    "C",
    "25.62.0",
    "company",
    "micro",
    "distance",
    "posting",
    "organisation",
    "kind=request",
    "Erfurt",
    "07743",
    "1,2,3,4",
    "50,10,51,11",
    "-91,0,0,1",
)

# Characters that broke, or could break, a parser, a query or a database, drawn into
# text of their own beside arbitrary text.
HOSTILE_CHARACTERS = "\x00\x01\x1f\x7f\n\r\t ²³١９Ⅻ½\u202e\ufeff'\"%_*\\:;,.()[]<>=+-@🙂"

VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.sampled_from(HOSTILE_CHARACTERS + "aäß09"), min_size=1, max_size=12),
    st.text(max_size=20),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats().map(str),
)

SEARCH = (
    "q",
    "near",
    "radius",
    "lat",
    "lon",
    "sort",
    "page",
    "bbox",
    "kind",
    "size",
    "wz",
    "district",
    "growth",
    "network",
    "cert",
    "words",
)
EXPORT = (*SEARCH, "format")
LIST = ("q", "kind", "district", "section", "page")

# (path with {} for hostile path segments, its known parameters, extra headers)
ROUTES: dict[str, tuple[str, tuple[str, ...], dict[str, str]]] = {
    "search page": ("/suche/", SEARCH, {}),
    "search partial": ("/suche/", SEARCH, {"HX-Request": "true"}),
    "map": ("/suche/karte/", (*SEARCH, "zoom"), {}),
    "suggestions": ("/suche/vorschlaege/", ("q", "format"), {}),
    "suggestions partial": ("/suche/vorschlaege/", ("q",), {"HX-Request": "true"}),
    "boundaries": ("/suche/kreise.geojson", ("q",), {}),
    "export csv": ("/suche/export.csv", EXPORT, {}),
    "export xlsx": ("/suche/export.xlsx", EXPORT, {}),
    "export geojson": ("/suche/export.geojson", EXPORT, {}),
    "organisation list": ("/organisationen/", LIST, {}),
    "organisation list partial": ("/organisationen/", LIST, {"HX-Request": "true"}),
    "profile": ("/organisationen/{}/", (), {}),
    "correction form": ("/organisationen/{}/korrektur/", (), {}),
    "claim": ("/organisationen/{}/uebernehmen/", (), {}),
    "profile confirmation": ("/organisationen/{}/bestaetigen/{}/", (), {}),
    "home": ("/", ("q", "page"), {}),
    "data sources": ("/about/data/", (), {}),
    "privacy policy": ("/datenschutz/", ("version",), {}),
    "sign in": ("/konto/anmelden/", ("next",), {}),
    "register": ("/konto/registrieren/", ("next",), {}),
    "password reset": ("/konto/passwort-vergessen/", (), {}),
    "account verification": ("/konto/bestaetigen/{}/{}/", (), {}),
    "new password": ("/konto/passwort-neu/{}/{}/", (), {}),
    "language": ("/i18n/setlang/", ("language", "next"), {}),
    "api search": ("/api/v1/search", (*SEARCH, "page_size"), {}),
    "api suggest": ("/api/v1/suggest", ("q",), {}),
    "api search all": ("/api/v1/search/all", ("q", "per_type"), {}),
    "api search content": ("/api/v1/search/content", ("type", "q", "filter", "page"), {}),
    "api profile": ("/api/v1/organisations/{}", (), {}),
    "api schema": ("/api/v1/openapi.json", (), {}),
    "api docs": ("/api/v1/docs", (), {}),
    "map places": ("/karte/orte.json", ("q",), {}),
    "unsubscribe": ("/abmelden/{}/", (), {}),
}


@pytest.fixture
def directory(db: Any) -> None:
    """A small directory with every kind of value a filter names, indexed."""
    network = make_org("Netzwerk Optik", kind=OrganisationKind.NETWORK, place="jena")
    growth = list(GrowthField.objects.values_list("name", flat=True)[:2])
    certs = list(CertificationStandard.objects.values_list("name", flat=True)[:1])
    for i, place in enumerate(("erfurt", "jena", "ilmenau")):
        make_org(
            f"Laserzentrum {place.title()} GmbH",
            description="Laserschneiden und Laserschweißen von Blechen.",
            place=place,
            wz="25.62.0",
            size="small" if i % 2 else "medium",
            growth=growth,
            certs=certs,
            networks=[network],
        )
    index_all()


def _request(client: Any, route: str, segments: list[str], params: dict[str, list[str]]) -> Any:
    path, _known, headers = ROUTES[route]
    path = path.format(*(quote(s, safe="") or "x" for s in segments))
    response = client.get(path, params, headers=headers)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # errors of a stream surface while it is read
    return response


@pytest.mark.parametrize("route", list(ROUTES))
def test_no_hostile_get_value_is_a_server_error(client: Any, directory: None, route: str) -> None:
    _path, known, _headers = ROUTES[route]
    holes = ROUTES[route][0].count("{}")
    # Every parameter is drawn in every example (an empty list leaves it out), so that
    # each example tries many at once.
    params = st.fixed_dictionaries(
        {name: st.lists(VALUE, max_size=3) for name in (*known, "unknown")}
    ).map(lambda drawn: {name: values for name, values in drawn.items() if values})
    segments = st.lists(VALUE, min_size=holes, max_size=holes)

    @settings(
        # A route with few parameters gets more draws for each of them.
        max_examples=25 if len(known) > 5 else 100 if known or holes else 3,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(segments=segments, params=params)
    def check(segments: list[str], params: dict[str, list[str]]) -> None:
        response = _request(client, route, segments, params)
        assert response.status_code < 500, (route, segments, params, response.status_code)

    check()
