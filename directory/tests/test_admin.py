"""The back office as staff use it: lists, search, filters, forms, history, actions, rights."""

from __future__ import annotations

import datetime
import re
from typing import Any

import factory
import pytest
from django.contrib.auth.models import User
from django.db import models
from django.forms import ModelMultipleChoiceField, MultipleChoiceField
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.roles import ADMINISTRATOR, EDITOR, EXPERT
from accounts.services import grant_role
from classification.models import GrowthField, Technology, WzCode
from core.testing import TRANSACTIONAL_APPS, sign_in
from core.testing.browser import axe_check, sign_in_with_code
from directory.choices import PublicationStatus, Source, Visibility
from directory.models import (
    Certification,
    ContactPerson,
    ExternalIdentifier,
    Membership,
    Offering,
    Organisation,
    Site,
    Tag,
)
from directory.tests.factories import (
    CertificationFactory,
    ContactPersonFactory,
    ExternalIdentifierFactory,
    MembershipFactory,
    OfferingFactory,
    OrganisationFactory,
    SiteFactory,
)
from geo.choices import GeocodePrecision
from geo.models import District

pytestmark = pytest.mark.django_db


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"Schlagwort {n}")
    slug = factory.Sequence(lambda n: f"schlagwort-{n}")


def admin_url(model: type[models.Model], view: str, *args: Any) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def staff_client(role: str, username: str) -> tuple[Client, User]:
    user = User.objects.create_user(username, f"{username}@example.org", "x" * 16)
    grant_role(user, role)
    client = Client()
    sign_in(client, user)
    return client, user


MULTIPLE_CHOICE = (MultipleChoiceField, ModelMultipleChoiceField)


def submitted_form(response: Any) -> dict[str, Any]:
    """What a browser would send back from an admin change form as it was rendered."""
    data: dict[str, Any] = {"_save": "Save"}

    def add(form: Any) -> None:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif value is None and isinstance(form.fields[name], MULTIPLE_CHOICE):
                continue
            elif value is None:
                data[key] = ""
            else:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def wz(code: str) -> WzCode:
    return WzCode.objects.get(version="2008", code=code)


def thuringian_district(name: str) -> District:
    return District.objects.get(ags__startswith="16", name=name)


# --- Every page loads -------------------------------------------------------------------


def _organisation() -> models.Model:
    organisation = OrganisationFactory.create(name="Jenaer Optik GmbH")
    SiteFactory.create(organisation=organisation, postal_code="07745", place="Jena")
    return organisation


PAGES = {
    Organisation: _organisation,
    Site: lambda: SiteFactory.create(postal_code="99084", place="Erfurt"),
    ContactPerson: lambda: ContactPersonFactory.create(last_name="Musterfrau"),
    Offering: lambda: OfferingFactory.create(name="Laserschneiden"),
    Certification: CertificationFactory.create,
    ExternalIdentifier: lambda: ExternalIdentifierFactory.create(value="HRB 123456"),
    Membership: MembershipFactory.create,
    Tag: lambda: TagFactory.create(name="Photonik"),
}


@pytest.mark.parametrize("model", list(PAGES), ids=lambda m: m.__name__)
def test_superuser_sees_list_add_change_and_history_pages_of_every_model(
    admin_client: Client, model: type[models.Model]
) -> None:
    obj = PAGES[model]()

    changelist = admin_client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert obj in changelist.context["cl"].result_list
    assert admin_client.get(admin_url(model, "add")).status_code == 200
    change = admin_client.get(admin_url(model, "change", obj.pk))
    assert change.status_code == 200
    assert change.context["original"] == obj
    assert admin_client.get(admin_url(model, "history", obj.pk)).status_code == 200


def test_back_office_carries_the_portal_name(admin_client: Client) -> None:
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "Clusterportal – " in page


# --- Search and filters -------------------------------------------------------------


def _names(response: Any) -> set[str]:
    return {obj.name for obj in response.context["cl"].result_list}


def test_search_finds_organisation_by_postal_code_place_identifier_and_wz_code(
    admin_client: Client,
) -> None:
    jena = OrganisationFactory.create(name="Jenaer Optik GmbH", primary_wz=wz("26.70.0"))
    SiteFactory.create(organisation=jena, postal_code="07745", place="Jena")
    ExternalIdentifierFactory.create(organisation=jena, scheme="register", value="HRB 501234")
    erfurt = OrganisationFactory.create(name="Erfurter Metallbau GmbH", primary_wz=wz("25.11.0"))
    SiteFactory.create(organisation=erfurt, postal_code="99084", place="Erfurt")
    url = admin_url(Organisation, "changelist")

    assert _names(admin_client.get(url, {"q": "07745"})) == {"Jenaer Optik GmbH"}
    assert _names(admin_client.get(url, {"q": "077"})) == {"Jenaer Optik GmbH"}
    assert _names(admin_client.get(url, {"q": "Erfurt"})) == {"Erfurter Metallbau GmbH"}
    assert _names(admin_client.get(url, {"q": "HRB 501234"})) == {"Jenaer Optik GmbH"}
    assert _names(admin_client.get(url, {"q": "25.11"})) == {"Erfurter Metallbau GmbH"}


def test_search_lists_an_organisation_with_two_matching_sites_once(admin_client: Client) -> None:
    organisation = OrganisationFactory.create(name="Zwei Standorte GmbH")
    SiteFactory.create(organisation=organisation, postal_code="99084", place="Erfurt")
    SiteFactory.create(
        organisation=organisation, postal_code="99085", place="Erfurt", is_primary=False
    )

    response = admin_client.get(admin_url(Organisation, "changelist"), {"q": "Erfurt"})

    assert [o.name for o in response.context["cl"].result_list] == ["Zwei Standorte GmbH"]


def test_filters_by_district_status_generated_and_verification(admin_client: Client) -> None:
    jena = thuringian_district("Jena")
    gotha = thuringian_district("Gotha")
    today = timezone.localdate()
    fresh = OrganisationFactory.create(name="Frisch geprüft GmbH", last_verified=today)
    SiteFactory.create(organisation=fresh, district=jena)
    SiteFactory.create(organisation=fresh, district=jena, is_primary=False)
    old = OrganisationFactory.create(
        name="Lange her GmbH",
        last_verified=today - datetime.timedelta(days=800),
        status=PublicationStatus.HIDDEN,
    )
    SiteFactory.create(organisation=old, district=gotha)
    demo = OrganisationFactory.create(name="Demo Generiert GmbH", source=Source.GENERATED)
    url = admin_url(Organisation, "changelist")

    listed = admin_client.get(url)
    district_choices = [
        choice["display"]
        for spec in listed.context["cl"].filter_specs
        if getattr(spec, "parameter_name", None) == "district"
        for choice in spec.choices(listed.context["cl"])
    ]
    assert "Jena" in district_choices
    assert "Gotha" in district_choices
    assert "Erfurt" not in district_choices  # no site there: not offered
    in_jena = admin_client.get(url, {"district": jena.pk}).context["cl"].result_list
    assert [o.name for o in in_jena] == [fresh.name]  # two sites there, listed once
    assert _names(admin_client.get(url, {"status__exact": "hidden"})) == {old.name}
    assert _names(admin_client.get(url, {"generated": "yes"})) == {demo.name}
    assert demo.name not in _names(admin_client.get(url, {"generated": "no"}))
    assert _names(admin_client.get(url, {"verified": "recent"})) == {fresh.name}
    assert _names(admin_client.get(url, {"verified": "due"})) == {old.name}
    assert _names(admin_client.get(url, {"verified": "never"})) == {demo.name}


def test_filters_by_growth_field_and_certification(admin_client: Client) -> None:
    certified = CertificationFactory.create(organisation__name="Zertifiziert GmbH").organisation
    other = OrganisationFactory.create(name="Ohne Zertifikat GmbH")
    field = GrowthField.objects.first()
    assert field is not None, "the vocabularies bring growth fields"
    other.growth_fields.add(field)
    url = admin_url(Organisation, "changelist")

    standard = certified.certifications.get().standard
    assert _names(admin_client.get(url, {"certification": standard.pk})) == {certified.name}
    assert _names(admin_client.get(url, {"growth_fields__id__exact": field.pk})) == {other.name}


def test_part_lists_search_across_organisations(admin_client: Client) -> None:
    contact = ContactPersonFactory.create(
        last_name="Sommer", organisation__name="Optikwerk Saalfeld"
    )
    ContactPersonFactory.create(last_name="Winter", organisation__name="Glashütte Lauscha")
    response = admin_client.get(admin_url(ContactPerson, "changelist"), {"q": "Saalfeld"})
    assert list(response.context["cl"].result_list) == [contact]

    site = SiteFactory.create(postal_code="07743", place="Jena")
    SiteFactory.create(postal_code="99084", place="Erfurt")
    response = admin_client.get(admin_url(Site, "changelist"), {"q": "07743"})
    assert list(response.context["cl"].result_list) == [site]


def test_organisation_list_shows_main_place_district_and_wz(admin_client: Client) -> None:
    organisation = OrganisationFactory.create(name="Gothaer Guss GmbH", primary_wz=wz("24.51.0"))
    SiteFactory.create(
        organisation=organisation,
        postal_code="99867",
        place="Gotha",
        district=thuringian_district("Gotha"),
    )
    SiteFactory.create(
        organisation=organisation, postal_code="07743", place="Jena", is_primary=False
    )

    page = admin_client.get(admin_url(Organisation, "changelist")).content.decode()

    assert "99867 Gotha" in page
    assert "07743 Jena" not in page
    assert "24.51.0" in page
    assert '<td class="field-main_district">Gotha</td>' in page


# --- Query count ----------------------------------------------------------------------


def _organisations_with_everything(count: int) -> None:
    district = thuringian_district("Erfurt")
    code = wz("25.62.0")
    technology = Technology.objects.first()
    for index in range(count):
        organisation = OrganisationFactory.create(primary_wz=code)
        SiteFactory.create(organisation=organisation, district=district)
        SiteFactory.create(organisation=organisation, is_primary=False, place=f"Ort {index}")
        CertificationFactory.create(organisation=organisation)
        ExternalIdentifierFactory.create(organisation=organisation)
        if technology is not None:
            organisation.technologies.add(technology)


# Sessions and user (2), the verified second factor (1), growth-field and district and
# certification filter choices (3), the page count (1), the rows with their WZ code (1),
# their main sites with districts (1).
ORGANISATION_CHANGELIST_QUERIES = 9


@pytest.mark.parametrize("count", [5, 30])
def test_organisation_list_costs_the_same_queries_for_5_and_30_rows(
    admin_client: Client, django_assert_num_queries: Any, count: int
) -> None:
    _organisations_with_everything(count)
    url = admin_url(Organisation, "changelist")

    with django_assert_num_queries(ORGANISATION_CHANGELIST_QUERIES):
        response = admin_client.get(url)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == count


# --- History: who, when, what ------------------------------------------------------------


def test_history_shows_who_changed_which_field_when_after_an_editor_saves_the_form() -> None:
    editor, user = staff_client(EDITOR, "erika.redaktion")
    organisation = OrganisationFactory.create(name="Alte Firma GmbH")
    SiteFactory.create(organisation=organisation, postal_code="99084", place="Erfurt")
    change_url = admin_url(Organisation, "change", organisation.pk)

    form = editor.get(change_url)
    data = submitted_form(form)
    data["name"] = "Neue Firma GmbH"
    data["sites-0-place"] = "Erfurt-Nord"
    response = editor.post(change_url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    organisation.refresh_from_db()
    assert organisation.name == "Neue Firma GmbH"
    record = organisation.history.latest()
    assert record.history_user == user

    # A colleague reads it, so the editor's name is not just the "welcome" line.
    reader, _reader = staff_client(EXPERT, "kollegin")
    page = reader.get(admin_url(Organisation, "history", organisation.pk)).content.decode()
    own, parts = page.split('id="change-history"', 1)[1].split('id="parts-history"', 1)
    latest_row = own.split("<tr>")[2]
    assert re.search(
        r"<strong>Name:</strong>\s*Alte Firma GmbH\s*&nbsp;&rarr;&nbsp;&nbsp;Neue Firma GmbH",
        own,
    )
    assert "erika.redaktion" in latest_row
    assert date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT") in latest_row
    assert "Erfurt-Nord" in parts
    assert "erika.redaktion" in parts


def test_history_of_many_to_many_change_names_the_codes(admin_client: Client) -> None:
    organisation = OrganisationFactory.create(name="Klassifiziert GmbH")
    change_url = admin_url(Organisation, "change", organisation.pk)
    data = submitted_form(admin_client.get(change_url))
    data["secondary_wz"] = [str(wz("26.51.1").pk)]

    assert admin_client.post(change_url, data).status_code == 302

    page = admin_client.get(admin_url(Organisation, "history", organisation.pk)).content.decode()
    assert "26.51.1" in page


# --- Actions ---------------------------------------------------------------------------


def _run_action(client: Client, action: str, organisations: list[Organisation]) -> Any:
    return client.post(
        admin_url(Organisation, "changelist"),
        {"action": action, "_selected_action": [o.pk for o in organisations]},
        follow=True,
    )


def test_editor_publishes_hides_and_verifies_with_history() -> None:
    editor, user = staff_client(EDITOR, "redaktion")
    drafts = OrganisationFactory.create_batch(2, status=PublicationStatus.DRAFT)
    untouched = OrganisationFactory.create(status=PublicationStatus.DRAFT)

    response = _run_action(editor, "publish", drafts)

    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"]]
    with translation.override("de"):
        assert "2" in message
        assert str(PublicationStatus.PUBLISHED.label) in message
    for organisation in drafts:
        organisation.refresh_from_db()
        assert organisation.status == PublicationStatus.PUBLISHED
        assert organisation.history.latest().history_user == user
    untouched.refresh_from_db()
    assert untouched.status == PublicationStatus.DRAFT

    _run_action(editor, "hide", drafts[:1])
    drafts[0].refresh_from_db()
    assert drafts[0].status == PublicationStatus.HIDDEN
    assert Organisation.objects.published().filter(pk=drafts[0].pk).count() == 0

    _run_action(editor, "mark_verified_today", drafts)
    assert {
        o.last_verified for o in Organisation.objects.filter(pk__in=[d.pk for d in drafts])
    } == {timezone.localdate()}


def test_action_keeps_many_to_many_values_in_history(admin_client: Client) -> None:
    organisation = OrganisationFactory.create(status=PublicationStatus.DRAFT)
    organisation.secondary_wz.add(wz("26.51.1"))

    _run_action(admin_client, "publish", [organisation])

    latest = organisation.history.latest()
    assert latest.status == PublicationStatus.PUBLISHED
    assert [row.wzcode.code for row in latest.secondary_wz.all()] == ["26.51.1"]


# --- Who may do what ------------------------------------------------------------------


def test_non_staff_user_is_sent_to_login() -> None:
    user = User.objects.create_user("buerger", "b@example.org", "x" * 16)
    client = Client()
    sign_in(client, user)
    url = admin_url(Organisation, "changelist")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert Client().get(url)["Location"].startswith(reverse("admin:login"))


def test_editor_changes_but_cannot_delete_an_organisation() -> None:
    editor, _user = staff_client(EDITOR, "redakteur")
    organisation = OrganisationFactory.create()

    assert editor.get(admin_url(Organisation, "add")).status_code == 200
    assert editor.get(admin_url(Organisation, "change", organisation.pk)).status_code == 200
    assert editor.get(admin_url(Organisation, "delete", organisation.pk)).status_code == 403
    assert editor.post(admin_url(Organisation, "delete", organisation.pk)).status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    changelist = editor.get(admin_url(Organisation, "changelist"))
    actions = dict(changelist.context["action_form"].fields["action"].choices)
    assert "delete_selected" not in actions
    assert {"publish", "hide", "archive", "mark_verified_today"} <= set(actions)


def test_editor_can_remove_a_contact_who_left() -> None:
    editor, _user = staff_client(EDITOR, "redakteurin")
    contact = ContactPersonFactory.create()

    response = editor.post(admin_url(ContactPerson, "delete", contact.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not ContactPerson.objects.filter(pk=contact.pk).exists()


def test_editor_cannot_change_reference_data() -> None:
    editor, _user = staff_client(EDITOR, "redaktion2")
    code = wz("26.51.1")
    assert editor.get(admin_url(WzCode, "change", code.pk)).status_code == 200
    response = editor.post(admin_url(WzCode, "change", code.pk), {"title": "Geändert"})
    assert response.status_code == 403


def test_expert_sees_staff_only_contacts_but_cannot_add_organisations() -> None:
    expert, _user = staff_client(EXPERT, "fachexpertin")
    contact = ContactPersonFactory.create(last_name="Vertraulich", visibility=Visibility.STAFF)

    contacts = expert.get(admin_url(ContactPerson, "changelist"))
    assert contacts.status_code == 200
    assert "Vertraulich" in contacts.content.decode()
    detail = expert.get(admin_url(ContactPerson, "change", contact.pk))
    assert contact.email in detail.content.decode()
    organisation_page = expert.get(admin_url(Organisation, "change", contact.organisation_id))
    assert "Vertraulich" in organisation_page.content.decode()

    assert expert.get(admin_url(Organisation, "add")).status_code == 403
    assert expert.get(admin_url(Organisation, "delete", contact.organisation_id)).status_code == 403
    assert expert.get(admin_url(ContactPerson, "add")).status_code == 403


def test_expert_changes_wz_codes_and_technologies_but_nothing_else() -> None:
    expert, user = staff_client(EXPERT, "fachexperte")
    organisation = OrganisationFactory.create(name="Unverändert GmbH")
    technology = Technology.objects.first()
    assert technology is not None, "the vocabularies bring technologies"
    change_url = admin_url(Organisation, "change", organisation.pk)

    form = expert.get(change_url)
    data = submitted_form(form)
    assert "name" not in data
    data.update(
        name="Umbenannt GmbH",
        status=PublicationStatus.HIDDEN,
        primary_wz=str(wz("26.51.1").pk),
        technologies=[str(technology.pk)],
    )
    response = expert.post(change_url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    organisation.refresh_from_db()
    assert organisation.name == "Unverändert GmbH"
    assert organisation.status == PublicationStatus.PUBLISHED
    assert organisation.primary_wz == wz("26.51.1")
    assert list(organisation.technologies.all()) == [technology]
    assert organisation.history.latest().history_user == user


def test_expert_cannot_publish_or_revert() -> None:
    expert, _user = staff_client(EXPERT, "expertin")
    organisation = OrganisationFactory.create(status=PublicationStatus.DRAFT)
    organisation.name = "Zwischenstand GmbH"
    organisation.save()
    first = organisation.history.earliest()

    changelist = expert.get(admin_url(Organisation, "changelist"))
    actions = dict(changelist.context["action_form"].fields["action"].choices)
    assert not {"publish", "hide", "archive", "mark_verified_today"} & set(actions)
    _run_action(expert, "publish", [organisation])
    organisation.refresh_from_db()
    assert organisation.status == PublicationStatus.DRAFT

    revert_url = reverse(
        "admin:directory_organisation_simple_history", args=[organisation.pk, first.history_id]
    )
    assert expert.get(revert_url).status_code == 200
    assert expert.post(revert_url, {"kind": "company"}).status_code == 403


def test_administrator_deletes_organisations_and_manages_staff() -> None:
    administrator, _user = staff_client(ADMINISTRATOR, "admin.landesagentur")
    organisation = OrganisationFactory.create()

    assert administrator.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert administrator.get(reverse("admin:auth_group_changelist")).status_code == 200
    response = administrator.post(
        admin_url(Organisation, "delete", organisation.pk), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=organisation.pk).exists()


def test_autocomplete_of_wz_codes_works_for_editors() -> None:
    editor, _user = staff_client(EDITOR, "redaktion3")
    response = editor.get(
        reverse("admin:autocomplete"),
        {
            "term": "26.5",
            "app_label": "directory",
            "model_name": "organisation",
            "field_name": "primary_wz",
        },
    )
    assert response.status_code == 200
    codes = [result["text"].split()[0] for result in response.json()["results"]]
    assert {"26.51", "26.51.1"} <= set(codes)
    assert "26.5" not in codes  # organisations are coded at class or subclass level


def test_import_button_only_for_people_who_may_import() -> None:
    editor, _user = staff_client(EDITOR, "redaktion4")
    expert, _user = staff_client(EXPERT, "experte4")
    url = admin_url(Organisation, "changelist")
    import_url = reverse("admin:directory_organisation_import")

    assert f'href="{import_url}"' in editor.get(url).content.decode()
    assert f'href="{import_url}"' not in expert.get(url).content.decode()
    assert editor.get(import_url).status_code == 200
    assert expert.get(import_url).status_code == 403


def test_tag_list_counts_organisations_and_filters_unused(admin_client: Client) -> None:
    used = TagFactory.create(name="Photonik")
    TagFactory.create(name="Ungenutzt")
    OrganisationFactory.create().tags.add(used)
    OrganisationFactory.create().tags.add(used)

    listed = admin_client.get(admin_url(Tag, "changelist"))
    assert {t.name: t._organisation_count for t in listed.context["cl"].result_list} == {
        "Photonik": 2,
        "Ungenutzt": 0,
    }
    unused = admin_client.get(admin_url(Tag, "changelist"), {"in_use": "no"})
    assert [t.name for t in unused.context["cl"].result_list] == ["Ungenutzt"]


def test_membership_inline_offers_only_networks(admin_client: Client) -> None:
    membership = MembershipFactory.create()
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "",
            "app_label": "directory",
            "model_name": "membership",
            "field_name": "network",
        },
    )
    names = {result["text"] for result in response.json()["results"]}
    assert membership.network.name in names
    assert membership.organisation.name not in names


def test_editor_adds_an_organisation_and_the_slug_is_made_from_the_name() -> None:
    editor, user = staff_client(EDITOR, "redaktion5")
    OrganisationFactory.create(name="Thüringer Glas GmbH", slug="thueringer-glas-gmbh")
    add_url = admin_url(Organisation, "add")
    data = submitted_form(editor.get(add_url))
    data.update(
        {
            "name": "Thüringer Glas GmbH",
            "slug": "",
            "kind": "company",
            "status": "draft",
            "source": "manual",
            "sites-TOTAL_FORMS": "1",
            "sites-0-kind": "headquarters",
            "sites-0-is_primary": "on",
            "sites-0-postal_code": "98724",
            "sites-0-place": "Lauscha",
            "sites-0-country": "DE",
            "sites-0-geocode_precision": "none",
        }
    )

    response = editor.post(add_url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    created = Organisation.objects.exclude(slug="thueringer-glas-gmbh").get(
        name="Thüringer Glas GmbH"
    )
    assert created.slug == "thueringer-glas-gmbh-2"
    assert created.sites.get().place == "Lauscha"
    assert created.history.earliest().history_user == user


def test_a_site_added_in_the_back_office_is_located_like_an_imported_one(
    admin_client: Client,
) -> None:
    organisation = OrganisationFactory.create()
    change_url = admin_url(Organisation, "change", organisation.pk)
    data = submitted_form(admin_client.get(change_url))
    data.update(
        {
            "sites-TOTAL_FORMS": "1",
            "sites-0-kind": "headquarters",
            "sites-0-is_primary": "on",
            "sites-0-street": "Carl-Zeiss-Promenade 10",
            "sites-0-postal_code": "07745",
            "sites-0-place": "Jena",
            "sites-0-country": "DE",
        }
    )

    response = admin_client.post(change_url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    site = organisation.sites.get()
    assert site.district == thuringian_district("Jena")
    assert site.latitude is not None and 50.8 < site.latitude < 51.0
    assert site.geocode_precision != GeocodePrecision.NONE


def test_coordinates_typed_in_by_hand_are_kept(admin_client: Client) -> None:
    site = SiteFactory.create(postal_code="99084", place="Erfurt", district=None)
    change_url = admin_url(Site, "change", site.pk)
    data = submitted_form(admin_client.get(change_url))
    data.update({"latitude": "50.9787", "longitude": "11.0328"})

    response = admin_client.post(change_url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    site.refresh_from_db()
    assert (site.latitude, site.longitude) == (50.9787, 11.0328)
    assert site.geocode_precision == GeocodePrecision.MANUAL
    assert site.district == thuringian_district("Erfurt")


def test_certification_and_identifier_inlines_save_from_the_organisation_form(
    admin_client: Client,
) -> None:
    organisation = OrganisationFactory.create()
    standard = CertificationFactory.create().standard
    change_url = admin_url(Organisation, "change", organisation.pk)
    data = submitted_form(admin_client.get(change_url))
    data.update(
        {
            "certifications-TOTAL_FORMS": "1",
            "certifications-0-standard": str(standard.pk),
            "certifications-0-valid_until": "2030-12-31",
            "identifiers-TOTAL_FORMS": "1",
            "identifiers-0-scheme": "register",
            "identifiers-0-value": "HRB 999999",
        }
    )

    response = admin_client.post(change_url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert Certification.objects.get(organisation=organisation).valid_until == datetime.date(
        2030, 12, 31
    )
    assert ExternalIdentifier.objects.get(organisation=organisation).value == "HRB 999999"
    assert Membership.objects.filter(organisation=organisation).count() == 0
    assert Offering.objects.filter(organisation=organisation).count() == 0


# --- In a browser, checked with axe-core --------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS)
def test_editor_finds_edits_and_reads_history_in_the_browser(live_server: Any, page: Any) -> None:
    user = User.objects.create_user(
        "redaktion.browser", "redaktion@agentur.example", password="Thueringen-2024!"
    )
    grant_role(user, EDITOR)
    organisation = OrganisationFactory.create(name="Saale Optik GmbH")
    SiteFactory.create(organisation=organisation, postal_code="07745", place="Jena")
    OrganisationFactory.create(name="Werra Metall GmbH")

    page.goto(live_server.url + admin_url(Organisation, "changelist"))
    # The back office sends an anonymous visitor to the portal's login, code included.
    sign_in_with_code(page, "redaktion@agentur.example", "Thueringen-2024!", user)
    page.wait_for_url(re.compile(r"/admin/directory/organisation/$"))
    assert page.locator("#site-name").inner_text().endswith("Verwaltung")
    axe_check(page)

    page.locator("#searchbar").fill("07745")
    page.locator("#searchbar").press("Enter")
    page.wait_for_url(re.compile(r"q=07745"))
    assert page.locator("#result_list tbody th a").all_inner_texts() == ["Saale Optik GmbH"]
    axe_check(page)

    page.get_by_role("link", name="Saale Optik GmbH").click()
    page.wait_for_url(re.compile(rf"/organisation/{organisation.pk}/change/"))
    page.locator("#id_primary_wz + .select2").wait_for()  # autocomplete widgets are drawn
    axe_check(page)
    page.locator("#id_short_description").fill("Optische Messtechnik aus Jena")
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()
    assert page.locator("ul.messagelist li.success").count() == 1

    page.locator("a.historylink").click()
    page.wait_for_url(re.compile(r"/history/"))
    latest = page.locator("#change-history tbody tr").first
    assert "redaktion.browser" in latest.inner_text()
    assert "Optische Messtechnik aus Jena" in latest.inner_text()
    axe_check(page)
