"""Hostile values for the network pages' public inputs (the list's filters, a profile's
member filters, the certificate links, the managers' record pages): never a server error.
The values are those of the search's fuzzing (search/tests/test_fuzz_get.py)."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import OrganisationEditor
from core.testing import sign_in
from directory.models import Membership
from directory.tests.factories import OrganisationFactory
from networks.models import QualityLabel, WorkingGroup
from networks.tests.factories import NetworkFactory
from search.tests.test_fuzz_get import VALUE

pytestmark = pytest.mark.django_db

SLUG = "netz-fuzz"
# (path with {} for hostile path segments, known parameters, signed in as the manager)
ROUTES: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "list": ("/netzwerke/", ("growth", "district", "label", "page"), False),
    "list partial": ("/netzwerke/", ("growth", "district", "label", "page"), False),
    "profile": (f"/netzwerke/{SLUG}/", ("q", "kind", "district", "section", "size", "page"), False),
    "any profile": ("/netzwerke/{}/", ("page",), False),
    "certificate": (f"/netzwerke/{SLUG}/siegel/{{}}/zertifikat/", (), False),
    "record add": (f"/netzwerke/{SLUG}/{{}}/neu/", (), True),
    "record edit": (f"/netzwerke/{SLUG}/arbeitsgruppen/{{}}/bearbeiten/", (), True),
    "record delete": (f"/netzwerke/{SLUG}/partner/{{}}/loeschen/", (), True),
    "roadmap add": (f"/netzwerke/{SLUG}/roadmap/neu/", (), True),
    "dashboard": (f"/netzwerke/{SLUG}/kennzahlen/", ("from", "to"), True),
    "dashboard csv": (f"/netzwerke/{SLUG}/kennzahlen/{{}}.csv", ("from", "to"), True),
    "any dashboard": ("/netzwerke/{}/kennzahlen/", ("from", "to"), True),
    "overview csv": ("/intern/kennzahlen/netzwerke/{}.csv", ("from", "to"), True),
    "growth fields": ("/wachstumsfelder/", ("page",), False),
    "growth field": ("/wachstumsfelder/{}/", (), False),
    "study": ("/wachstumsfelder/studien/{}/", (), False),
    "study file": ("/wachstumsfelder/studien/{}/pdf/", (), False),
    "inquiry for a field": ("/anfrage/", ("growth",), False),
}


@pytest.fixture
def network() -> Any:
    network = NetworkFactory.create(slug=SLUG, name="Netz Fuzz e. V.")
    member = OrganisationFactory.create()
    Membership.objects.create(network=network, organisation=member)
    WorkingGroup.objects.create(network=network, name="AG Fuzz").members.add(member)
    QualityLabel.objects.create(
        network=network, scheme="ecei", level="gold", awarded=datetime.date(2025, 1, 1)
    )
    return network


@pytest.mark.parametrize("route", list(ROUTES))
def test_no_hostile_value_is_a_server_error(client: Any, network: Any, route: str) -> None:
    path, known, as_manager = ROUTES[route]
    if as_manager:
        user = User.objects.create_user("fuzz-manager", "fuzz@example.org", "x" * 16)
        OrganisationEditor.objects.create(user=user, organisation=network, via="staff")
        sign_in(client, user)
    headers = {"HX-Request": "true", "HX-Target": "results"} if "partial" in route else {}
    holes = path.count("{}")
    params = st.fixed_dictionaries(
        {name: st.lists(VALUE, max_size=3) for name in (*known, "unknown")}
    ).map(lambda drawn: {name: values for name, values in drawn.items() if values})
    segments = st.lists(VALUE, min_size=holes, max_size=holes)

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(segments=segments, params=params)
    def check(segments: list[str], params: dict[str, list[str]]) -> None:
        url = path.format(*(quote(s, safe="") or "x" for s in segments))
        response = client.get(url, params, headers=headers)
        assert response.status_code < 500, (route, segments, params, response.status_code)
        if as_manager and response.status_code < 400:
            posted = client.post(url, params)
            assert posted.status_code < 500, (route, segments, params, posted.status_code)

    check()


@pytest.mark.parametrize("part", ["arbeitsgruppen", "projekte", "partner", "roadmap"])
def test_no_hostile_form_value_is_a_server_error(client: Any, network: Any, part: str) -> None:
    from networks.editing import PARTS

    user = User.objects.create_user("fuzz-manager", "fuzz@example.org", "x" * 16)
    OrganisationEditor.objects.create(user=user, organisation=network, via="staff")
    sign_in(client, user)
    fields = list(PARTS[part].form._meta.fields or ())
    url = f"/netzwerke/{SLUG}/{part}/neu/"
    model = PARTS[part].model

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.fixed_dictionaries({name: st.lists(VALUE, max_size=2) for name in fields}))
    def check(data: dict[str, list[str]]) -> None:
        before = model._default_manager.count()
        response = client.post(url, data)
        assert response.status_code in (200, 302), (part, data, response.status_code)
        # Refused with the form again, or saved whole: never half-written.
        assert model._default_manager.count() == before + (response.status_code == 302)

    check()
