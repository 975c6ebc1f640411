"""Requests and offers matched both ways: the organisations that can meet a request and
the open postings of the other kind, with reasons (sourcing.postings.matching)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from search import vectors
from search.tests.helpers import index_all
from sourcing.models import PostingMatch, PostingStatus
from sourcing.postings import matching
from sourcing.postings.matching import matches_for, store_matches, wz_overlap

from .posting_fixtures import firms, offer, request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index() -> Any:
    matching.forget()
    yield
    matching.forget()


@pytest.fixture
def market() -> dict[str, Any]:
    """Two requests and two offers of unrelated trades, from different firms."""
    orgs = firms()
    index_all()
    vectors.wait()
    return {
        "orgs": orgs,
        "turned_parts": request(
            orgs["buyer"],
            "Drehteile aus Edelstahl gesucht",
            "Wir suchen einen Lieferanten für gedrehte Wellen und Buchsen aus Edelstahl, "
            "Durchmesser 10 bis 40 mm, 500 Stück.",
            wz=("25.62.0",),
            place="jena",
        ),
        "party": request(
            orgs["host"],
            "Partyservice für Sommerfest",
            "Buffet und Getränke für 120 Gäste bei unserem Sommerfest im Juli.",
            category="service",
            wz=("56.21.0",),
            place="eisenach",
        ),
        "cnc": offer(
            orgs["turner"],
            "Freie Kapazität CNC-Drehen",
            "CNC-Drehmaschinen frei: Drehteile aus Stahl, Edelstahl und Messing, "
            "kurzfristig in Serie.",
            category="capacity",
            wz=("25.62.0",),
            place="gera",
        ),
        "catering": offer(
            orgs["caterer"],
            "Catering für Ihre Betriebsfeier",
            "Wir liefern Buffets, Fingerfood und Getränke für Feiern und Tagungen.",
            category="service",
            wz=("56.21.0",),
            place="erfurt",
        ),
    }


def titles(items: list[Any]) -> list[str]:
    return [i.posting.title for i in items]


def test_a_request_for_turned_parts_ranks_the_turning_offer_above_catering(market):
    found = matches_for(market["turned_parts"])
    ranked = titles(found.postings)
    assert ranked and ranked[0] == market["cnc"].title
    if market["catering"].title in ranked:
        assert ranked.index(market["cnc"].title) < ranked.index(market["catering"].title)
    reasons = found.postings[0].reasons
    assert "Edelstahl" in reasons.words or "Drehteile" in reasons.words
    assert reasons.wz == ["25.62"]  # the same WZ class
    assert reasons.distance_km is not None and 25 < reasons.distance_km < 45  # Jena–Gera: 35 km


def test_the_other_way_an_offer_finds_the_fitting_request_first(market):
    ranked = titles(matches_for(market["cnc"]).postings)
    assert ranked[0] == market["turned_parts"].title
    ranked = titles(matches_for(market["catering"]).postings)
    assert ranked[0] == market["party"].title


def test_both_directions_give_the_same_score(market):
    forth = {i.posting.pk: i.score for i in matches_for(market["turned_parts"]).postings}
    back = {i.posting.pk: i.score for i in matches_for(market["cnc"]).postings}
    assert forth[market["cnc"].pk] == pytest.approx(back[market["turned_parts"].pk], abs=0.02)


def test_a_request_lists_fitting_organisations_but_never_its_own(market):
    found = matches_for(market["turned_parts"])
    names = [i.organisation.name for i in found.organisations]
    assert names and names[0] == market["orgs"]["turner"].name
    assert market["orgs"]["buyer"].name not in names
    assert found.organisations[0].reasons.words  # why: the shared words


def test_an_offer_gets_no_organisations(market):
    assert matches_for(market["cnc"]).organisations == []


def test_only_open_postings_of_the_other_kind_and_never_itself(market):
    found = matches_for(market["turned_parts"])
    kinds = {i.posting.kind for i in found.postings}
    assert kinds == {"offer"}
    assert market["turned_parts"].pk not in {i.posting.pk for i in found.postings}

    cnc = market["cnc"]
    cnc.status = PostingStatus.CLOSED
    cnc.closed_at = timezone.now()
    cnc.save()
    assert cnc.title not in titles(matches_for(market["turned_parts"]).postings)


def test_an_expired_posting_is_not_matched(market):
    cnc = market["cnc"]
    cnc.expires_on = timezone.localdate() - datetime.timedelta(days=1)
    cnc.save()
    assert cnc.title not in titles(matches_for(market["turned_parts"]).postings)


def test_a_new_offer_is_matched_without_a_restart(market):
    before = titles(matches_for(market["turned_parts"]).postings)
    late = offer(
        market["orgs"]["moulder"],
        "Edelstahl-Drehteile ab Lager",
        "Gedrehte Buchsen und Wellen aus Edelstahl sofort lieferbar.",
        wz=("25.62.0",),
    )
    assert late.title not in before
    assert late.title in titles(matches_for(market["turned_parts"]).postings)


def test_publication_stores_the_matches_replacing_old_ones(market):
    req = market["turned_parts"]
    assert store_matches(req.pk) > 0
    rows = PostingMatch.objects.filter(posting=req)
    assert rows.filter(other=market["cnc"]).exists()
    assert rows.filter(organisation=market["orgs"]["turner"]).exists()
    assert not rows.filter(organisation=market["orgs"]["buyer"]).exists()
    first = set(rows.values_list("pk", flat=True))
    store_matches(req.pk)
    again = set(PostingMatch.objects.filter(posting=req).values_list("pk", flat=True))
    assert again and not (first & again)  # replaced, not added


def test_on_published_computes_the_matches(market, django_capture_on_commit_callbacks):
    req = market["turned_parts"]
    matching.on_published(req)  # inside the test's transaction: at once
    matching.wait(30)
    assert PostingMatch.objects.filter(posting=req, other=market["cnc"]).exists()


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        (["25.62.0"], ["25.62.0"], 1.0),
        (["25.62.0"], ["25.61.0"], 0.6),
        (["25.62.0"], ["25.11.0"], 0.3),
        (["25.62.0"], ["56.21.0"], 0.0),
        ([], ["56.21.0"], 0.0),
    ],
)
def test_wz_overlap_counts_the_deepest_shared_level(a, b, level):
    assert wz_overlap(a, b)[0] == level


def test_the_request_page_shows_both_lists_with_reasons(client, market):
    page = client.get(market["turned_parts"].get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Organisationen, die zu diesem Gesuch passen" in html
    assert market["orgs"]["turner"].name in html
    assert "Passende offene Angebote" in html
    offers = html.split("Passende offene Angebote", 1)[1]
    assert market["cnc"].title in offers
    assert market["catering"].title not in offers
    assert "Gemeinsame Wörter:" in offers and "Gleiche Branche (WZ):" in offers


def test_the_offer_page_shows_fitting_requests_and_no_organisations(client, market):
    html = client.get(market["cnc"].get_absolute_url()).content.decode()
    assert "Passende offene Gesuche" in html
    assert market["turned_parts"].title in html
    assert "Organisationen, die zu diesem Gesuch passen" not in html


def test_the_organisation_list_is_a_form_to_contact_the_selected(rf, market, settings):
    from django.template.loader import render_to_string

    settings.ROOT_URLCONF = "sourcing.tests.posting_matching_urls"
    settings.RELAY_MAX_RECIPIENTS = 3
    found = matches_for(market["turned_parts"])
    html = render_to_string(
        "sourcing/postings/_matches.html", {"matches": found}, request=rf.get("/")
    )
    assert 'action="/kontakt/auswahl/"' in html and 'method="post"' in html
    assert f'name="about" value="posting:{market["turned_parts"].pk}"' in html
    assert html.count('type="checkbox" name="organisation"') == len(found.organisations)
    assert "bis zu 3 Organisationen" in html


def test_an_offer_of_an_organisation_no_longer_shown_is_not_matched(market):
    turner = market["orgs"]["turner"]
    turner.status = "hidden"
    turner.save()
    assert market["cnc"].title not in titles(matches_for(market["turned_parts"]).postings)
