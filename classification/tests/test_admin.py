"""The back office pages of the classification app."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from classification.models import (
    CertificationStandard,
    GrowthField,
    Technology,
    WzCode,
    WzCorrespondence,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", [WzCode, WzCorrespondence, Technology, GrowthField, CertificationStandard]
)
def test_changelist_and_add_pages_open(admin_client, model):
    opts = model._meta
    changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert changelist.status_code == 200
    assert add.status_code == 200


@pytest.mark.parametrize("model", [WzCode, Technology, GrowthField, CertificationStandard])
def test_models_can_be_autocomplete_targets(model):
    assert admin.site._registry[model].search_fields


def test_wz_search_finds_notes_and_code_prefixes(admin_client):
    url = reverse("admin:classification_wzcode_changelist")

    by_note = admin_client.get(url, {"q": "Rodentiziden", "version__exact": "2008"})
    by_code = admin_client.get(url, {"q": "20.20", "version__exact": "2008"})

    assert list(by_note.context["cl"].result_list.values_list("code", flat=True)) == ["20.20.0"]
    assert list(by_code.context["cl"].result_list.values_list("code", flat=True)) == [
        "20.20",
        "20.20.0",
    ]


def test_wz2025_item_shows_its_wz2008_correspondence_and_children(admin_client):
    item = WzCode.objects.get(version="2025", code="01.13")
    sub = WzCode.objects.get(version="2025", code="01.13.1")

    class_page = admin_client.get(reverse("admin:classification_wzcode_change", args=[item.pk]))
    sub_page = admin_client.get(reverse("admin:classification_wzcode_change", args=[sub.pk]))

    assert "01.13.1" in class_page.content.decode()
    content = sub_page.content.decode()
    assert "01.19.9" in content and "01.28.0" in content
    assert len(sub_page.context["inline_admin_formsets"]) == 1


def test_wz2008_item_lists_the_wz2025_items_that_draw_on_it(admin_client):
    item = WzCode.objects.get(version="2008", code="01.19.9")
    page = admin_client.get(reverse("admin:classification_wzcode_change", args=[item.pk]))
    assert "01.13.1 Anbau von Gemüse und Melonen (ex)" in page.content.decode()
    assert page.context["inline_admin_formsets"] == []


def test_technology_admin_search_uses_synonyms(admin_client):
    url = reverse("admin:classification_technology_changelist")
    response = admin_client.get(url, {"q": "Spritzgießen"})
    assert [t.name for t in response.context["cl"].result_list] == ["Spritzguss"]
