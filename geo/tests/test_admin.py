"""The geography in the back office: lists, search, filters, autocomplete, boundaries."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from geo.models import District, Municipality, State

pytestmark = pytest.mark.usefixtures("geo")


@pytest.mark.parametrize("model", ["state", "district", "municipality", "postalcode"])
def test_changelists_open(admin_client: Any, model: str) -> None:
    response = admin_client.get(reverse(f"admin:geo_{model}_changelist"))
    assert response.status_code == 200


def test_district_search_and_merged_filter(admin_client: Any) -> None:
    url = reverse("admin:geo_district_changelist")
    found = admin_client.get(url, {"q": "16051"})
    assert list(found.context["cl"].result_list) == [District.objects.get(ags="16051")]

    merged = admin_client.get(url, {"merged_into__isempty": "0"})
    assert [d.ags for d in merged.context["cl"].result_list] == ["16056"]

    thuringia = State.objects.get(ags="16")
    in_state = admin_client.get(url, {"state__id__exact": thuringia.pk})
    assert in_state.context["cl"].result_count == 23  # 22 today + Eisenach


def test_district_list_does_not_load_boundaries(admin_client: Any) -> None:
    response = admin_client.get(reverse("admin:geo_district_changelist"), {"all": "1"})
    assert response.status_code == 200
    for district in response.context["cl"].result_list:
        assert "geometry" in district.get_deferred_fields()
    assert len(response.content) < 400_000  # 401 rows, no coordinates


def test_district_change_form_shows_boundary_read_only(admin_client: Any) -> None:
    district = District.objects.get(ags="16070")
    response = admin_client.get(
        reverse("admin:geo_district_change", args=[district.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "positions" in content and "Polygon" in content
    assert 'name="geometry"' not in content


def test_municipality_search_and_state_filter(admin_client: Any) -> None:
    url = reverse("admin:geo_municipality_changelist")
    response = admin_client.get(url, {"q": "Ilmenau"})
    assert Municipality.objects.get(ags="16070029") in response.context["cl"].result_list
    thuringia = State.objects.get(ags="16")
    response = admin_client.get(url, {"district__state__id__exact": thuringia.pk})
    assert response.context["cl"].result_count == 631


def test_postal_code_filters(admin_client: Any) -> None:
    url = reverse("admin:geo_postalcode_changelist")
    response = admin_client.get(url, {"q": "07737"})
    assert response.context["cl"].result_count == 1
    response = admin_client.get(url, {"is_large_customer__exact": "1"})
    assert response.context["cl"].result_count == 6_819


@pytest.mark.parametrize(
    ("model", "field", "term", "expected"),
    [
        ("district", "merged_into", "Wartburg", "Wartburgkreis"),
        ("municipality", "district", "Ilm-K", "Ilm-Kreis"),
        ("postalcode", "state", "Thür", "Thüringen"),
    ],
)
def test_autocomplete_finds_districts_and_states(
    admin_client: Any, model: str, field: str, term: str, expected: str
) -> None:
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "geo", "model_name": model, "field_name": field, "term": term},
    )
    assert response.status_code == 200
    assert expected in [item["text"] for item in response.json()["results"]]


def test_autocomplete_for_other_models_leaves_out_dissolved_districts(admin_client: Any) -> None:
    def texts(model: str, field: str) -> list[str]:
        response = admin_client.get(
            reverse("admin:autocomplete"),
            {"app_label": "geo", "model_name": model, "field_name": field, "term": "Eisenach"},
        )
        return [item["text"] for item in response.json()["results"]]

    assert texts("postalcode", "district") == []  # a new record belongs to Wartburgkreis
    assert texts("district", "merged_into") == ["Eisenach"]  # editing a merger still finds it
