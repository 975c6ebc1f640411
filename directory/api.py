"""Profiles as JSON: read one, and (signed in) maintain it as the pages do.

Reading follows the same rules as the profile page (contacts only as their visibility
allows). Changing needs a session (sign in on the portal; send the CSRF token as
``X-CSRFToken``) and the same right as the edit page (``accounts.permissions``): 401
without a session, 403 without the right. Reviewed fields answer 202 with the pending
change request.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from accounts.permissions import Action, can
from accounts.services import TooManyAttempts, client_ip
from core.api import InputError, InputSchema, TooManyRequests, errors, signed_in

from . import actions, services
from .models import ContactPerson, Organisation

router = Router(tags=["organisations"])


class ContactOut(Schema):
    name: str
    role: str
    phone: str
    email: str


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    short_description: str
    description: str
    website: str
    email: str
    phone: str
    primary_wz: str | None
    last_verified: str | None
    generated: bool
    contacts: list[ContactOut] = Field(
        description="Contact persons, for those who maintain them (the organisation's "
        "editors, staff) only: the open API lists no personal data (harvesting)."
    )


class ProfileIn(InputSchema):
    name: str | None = Field(None, max_length=255)
    short_description: str | None = Field(None, max_length=500)
    description: str | None = None
    website: str | None = Field(None, max_length=300)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=50)
    primary_wz: str | None = Field(None, description="A WZ 2008 class or subclass, e.g. 28.41.")
    secondary_wz: list[str] | None = None


class ProfileChangeOut(Schema):
    saved: list[str]
    review: dict[str, Any] | None = Field(None, description="Values waiting for staff review.")


class ContactIn(InputSchema):
    title: str = Field("", max_length=50)
    first_name: str = Field("", max_length=100)
    last_name: str = Field(..., min_length=1, max_length=100)
    role: str = Field("", max_length=200)
    phone: str = Field("", max_length=50)
    email: str = Field("", max_length=254)
    visibility: str = Field("staff", description="public, registered or staff")


class CorrectionIn(InputSchema):
    message: str = Field(..., min_length=1, max_length=5000)
    email: str = Field("", max_length=254)


class MemberIn(InputSchema):
    member: str = Field(..., description="The member organisation's slug.")


class MemberOut(Schema):
    network: str
    member: str


class CorrectionOut(Schema):
    status: str = Field(description='"received": waiting for staff.')


def _organisation(request: HttpRequest, slug: str, action: Action) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not can(request.user, Action.VIEW, organisation):
        raise HttpError(404, "No organisation is published under this address.")
    if not can(request.user, action, organisation):
        raise HttpError(403, "You may not do this with this organisation.")
    return organisation


def _out(organisation: Organisation, request: HttpRequest) -> dict[str, Any]:
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "kind": organisation.kind,
        "short_description": organisation.short_description,
        "description": organisation.description,
        "website": organisation.website,
        "email": organisation.email,
        "phone": organisation.phone,
        "primary_wz": organisation.primary_wz.code if organisation.primary_wz else None,
        "last_verified": organisation.last_verified.isoformat()
        if organisation.last_verified
        else None,
        "generated": organisation.is_generated,
        "contacts": [
            {"name": str(c), "role": c.role, "phone": c.phone, "email": c.email}
            for c in services.visible_contacts(organisation, request.user)
        ]
        if can(request.user, Action.CONTACTS, organisation)
        else [],
    }


@router.get(
    "/organisations/{slug}",
    response={200: OrganisationOut, **errors(404, 422)},
    summary="One profile",
)
def organisation(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _out(_organisation(request, slug, Action.VIEW), request)


@router.patch(
    "/organisations/{slug}",
    response={200: ProfileChangeOut, 202: ProfileChangeOut, **errors(400, 401, 403, 404, 422)},
    auth=signed_in,
    summary="Change a profile (organisation editors, staff)",
)
def change_organisation(request: HttpRequest, slug: str, payload: ProfileIn) -> Any:
    organisation = _organisation(request, slug, Action.EDIT)
    data = payload.dict(exclude_none=True)
    try:
        result = actions.update_profile(request.user, organisation, data)
    except ValidationError as error:
        raise InputError.from_django(error) from error
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from error
    review = result.review.changes if result.review is not None else None
    return Status(202 if review else 200, {"saved": result.saved, "review": review})


@router.post(
    "/organisations/{slug}/contacts",
    response={201: ContactOut, **errors(400, 401, 403, 404, 422)},
    auth=signed_in,
    summary="Add a contact person (organisation editors, staff)",
)
def add_contact(request: HttpRequest, slug: str, payload: ContactIn) -> Any:
    organisation = _organisation(request, slug, Action.CONTACTS)
    contact = ContactPerson(**payload.dict())
    try:
        actions.save_contact(request.user, organisation, contact)
    except ValidationError as error:
        raise InputError.from_django(error) from error
    return Status(
        201,
        {
            "name": str(contact),
            "role": contact.role,
            "phone": contact.phone,
            "email": contact.email,
        },
    )


@router.post(
    "/organisations/{slug}/members",
    response={201: MemberOut, **errors(400, 401, 403, 404, 422)},
    auth=signed_in,
    summary="Add a member to a network (its network manager, staff)",
)
def add_member(request: HttpRequest, slug: str, payload: MemberIn) -> Any:
    network = _organisation(request, slug, Action.MEMBERS)
    member = Organisation.objects.published().filter(slug=payload.member).first()
    if member is None:
        raise InputError(
            f"No published organisation has the slug {payload.member!r}.",
            [{"field": "member", "message": "No published organisation has this slug."}],
        )
    try:
        actions.add_member(request.user, network, member)
    except ValidationError as error:
        raise InputError.from_django(error) from error
    return Status(201, {"network": network.slug, "member": member.slug})


@router.post(
    "/organisations/{slug}/corrections",
    response={201: CorrectionOut, **errors(400, 403, 404, 422, 429)},
    summary="Suggest a correction (anyone)",
)
def suggest_correction(request: HttpRequest, slug: str, payload: CorrectionIn) -> Any:
    organisation = _organisation(request, slug, Action.SUGGEST)
    try:
        actions.suggest_correction(
            request.user, organisation, payload.message, payload.email, client=client_ip(request)
        )
    except ValidationError as error:
        raise InputError.from_django(error) from error
    except TooManyAttempts as error:
        raise TooManyRequests(str(error), error.retry_after) from error
    return Status(201, {"status": "received"})
