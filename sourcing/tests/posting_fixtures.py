"""Small sets of organisations and postings for the matching and notification tests."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Account, OrganisationEditor
from classification.models import WzCode
from directory.models import Organisation
from search.tests.helpers import PLACES, make_org
from sourcing.models import Posting, PostingCategory, PostingKind, PostingStatus


def posting(
    organisation: Organisation,
    kind: str,
    title: str,
    description: str = "",
    *,
    category: str = PostingCategory.PRODUCT,
    wz: tuple[str, ...] = (),
    place: str | None = None,
    status: str = PostingStatus.PUBLISHED,
    created_by: Any = None,
    deadline: datetime.date | None = None,
    radius_km: int | None = None,
) -> Posting:
    lat = lon = None
    place_name = ""
    if place:
        _code, place_name, _ags, lat, lon = PLACES[place]
    today = timezone.localdate()
    p = Posting.objects.create(
        kind=kind,
        category=category,
        title=title,
        description=description or title,
        organisation=organisation,
        created_by=created_by,
        status=status,
        place=place_name,
        lat=lat,
        lon=lon,
        radius_km=radius_km,
        deadline=deadline,
        expires_on=today + datetime.timedelta(days=30),
        published_at=timezone.now() if status == PostingStatus.PUBLISHED else None,
    )
    if wz:
        p.wz_codes.set(WzCode.objects.filter(version="2008", code__in=wz))
    return p


def request(org: Organisation, title: str, description: str = "", **kw: Any) -> Posting:
    return posting(org, PostingKind.REQUEST, title, description, **kw)


def offer(org: Organisation, title: str, description: str = "", **kw: Any) -> Posting:
    return posting(org, PostingKind.OFFER, title, description, **kw)


def editor(organisation: Organisation, address: str, *, verified: bool = True) -> Any:
    """A user with ``address`` who edits ``organisation`` (verified address or not)."""
    user = get_user_model().objects.create_user(username=address, email=address, password="x")
    Account.objects.update_or_create(
        user=user, defaults={"email_verified_at": timezone.now() if verified else None}
    )
    OrganisationEditor.objects.create(user=user, organisation=organisation, via="staff")
    return user


def firms() -> dict[str, Organisation]:
    """A turner, a caterer, a plastics moulder and two buyers, in Thuringia."""
    return {
        "turner": make_org(
            "Präzisionsdreherei Gera GmbH",
            description="CNC-Drehteile und Frästeile aus Edelstahl, Aluminium und Messing "
            "in Klein- und Großserie.",
            wz="25.62.0",
            place="gera",
        ),
        "caterer": make_org(
            "Festtafel Catering Erfurt",
            description="Catering und Partyservice für Firmenfeiern, Buffets und Tagungen.",
            wz="56.21.0",
            place="erfurt",
        ),
        "moulder": make_org(
            "Kunststoffwerk Ilmenau GmbH",
            description="Spritzgussteile aus Kunststoff: Gehäuse und technische Teile.",
            wz="22.29.0",
            place="ilmenau",
        ),
        "buyer": make_org(
            "Pumpenbau Jena GmbH",
            description="Wir bauen Pumpen und Armaturen für die Wasserwirtschaft.",
            wz="28.13.0",
            place="jena",
        ),
        "host": make_org(
            "Hotel am Rennsteig",
            description="Tagungshotel mit Restaurant und Veranstaltungsräumen.",
            wz="55.10.1",
            place="eisenach",
        ),
    }
