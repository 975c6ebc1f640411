"""Changing profiles from the portal: organisation editors, network managers, visitors.

Every function checks ``accounts.permissions.can`` itself, so pages, the API and tests
get the same answer. Changes to the fields in ``PROFILE_REVIEWED_FIELDS`` made by an
organisation editor wait for staff as a ``ChangeRequest``; staff changes apply at once.
Every save records its author in the change history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Action, can, is_staff
from accounts.services import limit_per_hour
from classification.models import WzCode
from core import audit
from core.choices import AuditAction
from geo.geocoding import apply_geocode

from .models import ChangeRequest, ContactPerson, Membership, Organisation, Site

SITE_ADDRESS_FIELDS = ("street", "postal_code", "place")


def reviewed_groups() -> set[str]:
    """Which kinds of change need staff review: any of ``name``, ``wz``, ``address``,
    ``website`` (setting ``PROFILE_REVIEWED_FIELDS``)."""
    return set(settings.PROFILE_REVIEWED_FIELDS)


def require(user: Any, action: Action, organisation: Organisation) -> None:
    if not can(user, action, organisation):
        raise PermissionDenied(_("You may not change this profile."))


def _needs_review(user: Any, group: str) -> bool:
    return not is_staff(user) and group in reviewed_groups()


def _with_author(instance: Any, user: Any) -> Any:
    """The change history names ``user`` as the author (pages also set it per request)."""
    instance._history_user = user if getattr(user, "is_authenticated", False) else None
    return instance


def wz_codes(codes: list[str]) -> list[WzCode]:
    """WZ 2008 codes (classes and subclasses) by their number, or ValidationError naming
    the unknown ones."""
    wanted = [c.strip() for c in codes if c.strip()]
    found = {
        w.code: w for w in WzCode.objects.filter(version="2008", level__gte=4, code__in=wanted)
    }
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ValidationError(
            _("Unknown WZ 2008 code(s): %(codes)s. Use a class or subclass, e.g. 28.41.")
            % {"codes": ", ".join(unknown)}
        )
    return [found[c] for c in wanted]


def profile_values(organisation: Organisation) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "website": organisation.website,
        "primary_wz": organisation.primary_wz.code if organisation.primary_wz else "",
        "secondary_wz": sorted(w.code for w in organisation.secondary_wz.all()),
    }


@dataclass
class ProfileUpdate:
    saved: list[str] = field(default_factory=list)
    review: ChangeRequest | None = None


REVIEW_GROUP = {"name": "name", "website": "website", "primary_wz": "wz", "secondary_wz": "wz"}


@transaction.atomic
def update_profile(user: Any, organisation: Organisation, data: dict[str, Any]) -> ProfileUpdate:
    """Apply ``data`` (model field names; ``primary_wz`` a code, ``secondary_wz`` a list of
    codes; ``technologies`` and ``growth_fields`` lists of objects) to the profile."""
    require(user, Action.EDIT, organisation)
    before = profile_values(organisation)
    result = ProfileUpdate()
    proposed: dict[str, Any] = {}
    if "primary_wz" in data:
        data["primary_wz"] = (data["primary_wz"] or "").strip()
        wz_codes([data["primary_wz"]])
    if "secondary_wz" in data:
        data["secondary_wz"] = sorted({c.strip() for c in data["secondary_wz"] if c.strip()})
        wz_codes(data["secondary_wz"])
    for name, value in data.items():
        group = REVIEW_GROUP.get(name)
        if group is not None and value == before[name]:
            continue
        if group is not None and _needs_review(user, group):
            proposed[name] = value
            continue
        if name == "primary_wz":
            organisation.primary_wz = wz_codes([value])[0] if value else None
        elif name == "secondary_wz":
            organisation.secondary_wz.set(wz_codes(value))
        elif name in ("technologies", "growth_fields"):
            getattr(organisation, name).set(value)
        else:
            if getattr(organisation, name) == value:
                continue
            setattr(organisation, name, value)
        result.saved.append(name)
    if result.saved:
        organisation.full_clean(validate_unique=False)
        _with_author(organisation, user).save()
        audit.record(
            AuditAction.CHANGE,
            user=user,
            obj=organisation,
            summary=f"profile: {', '.join(result.saved)}",
            details={"fields": result.saved},
        )
    if proposed:
        result.review = _change_request(user, organisation, proposed, before)
    return result


def _change_request(
    user: Any, organisation: Organisation, proposed: dict[str, Any], before: dict[str, Any]
) -> ChangeRequest:
    """One pending request per organisation and author; a newer proposal joins it."""
    request = ChangeRequest.objects.filter(
        organisation=organisation,
        author=user,
        kind=ChangeRequest.Kind.EDIT,
        status=ChangeRequest.Status.PENDING,
    ).first() or ChangeRequest(organisation=organisation, author=user, kind=ChangeRequest.Kind.EDIT)
    request.changes = {**request.changes, **proposed}
    request.current = {
        **{k: v for k, v in before.items() if k in request.changes},
        **request.current,
    }
    request.save()
    return request


# --- Contacts ------------------------------------------------------------------------


@transaction.atomic
def save_contact(user: Any, organisation: Organisation, contact: ContactPerson) -> ContactPerson:
    require(user, Action.CONTACTS, organisation)
    if contact.pk and contact.organisation_id != organisation.pk:
        raise PermissionDenied(_("This contact belongs to another organisation."))
    contact.organisation = organisation
    contact.full_clean()
    adding = contact.pk is None
    _with_author(contact, user).save()
    audit.record(AuditAction.CREATE if adding else AuditAction.CHANGE, user=user, obj=contact)
    return contact


@transaction.atomic
def delete_contact(user: Any, contact: ContactPerson) -> None:
    require(user, Action.CONTACTS, contact.organisation)
    audit.record(AuditAction.DELETE, user=user, obj=contact)
    _with_author(contact, user).delete()


# --- Sites ---------------------------------------------------------------------------


@transaction.atomic
def save_site(user: Any, organisation: Organisation, site: Site) -> ChangeRequest | None:
    """Save a site; a new address or a changed one waits for review where addresses are
    reviewed (the rest of a changed site is saved at once)."""
    require(user, Action.SITES, organisation)
    if site.pk and site.organisation_id != organisation.pk:
        raise PermissionDenied(_("This site belongs to another organisation."))
    site.organisation = organisation
    stored = Site.objects.filter(pk=site.pk).first() if site.pk else None
    address = {f: getattr(site, f) for f in SITE_ADDRESS_FIELDS}
    moved = stored is None or any(getattr(stored, f) != v for f, v in address.items())
    if moved and _needs_review(user, "address"):
        before = {f: getattr(stored, f) for f in SITE_ADDRESS_FIELDS} if stored else {}
        proposed = {"site": {"id": site.pk, "kind": site.kind, "name": site.name, **address}}
        if stored is not None:
            for f in SITE_ADDRESS_FIELDS:
                setattr(site, f, getattr(stored, f))
            site.full_clean()
            _with_author(site, user).save()
        return _change_request(user, organisation, proposed, {"site": before})
    if stored is None and not organisation.sites.exists():
        site.is_primary = True
    elif stored is None:
        site.is_primary = False
    site.full_clean(validate_constraints=False)
    if moved:
        apply_geocode(site)
    _with_author(site, user).save()
    audit.record(AuditAction.CREATE if stored is None else AuditAction.CHANGE, user=user, obj=site)
    return None


@transaction.atomic
def delete_site(user: Any, site: Site) -> ChangeRequest | None:
    """Remove a site; where addresses are reviewed, the removal waits for staff too."""
    require(user, Action.SITES, site.organisation)
    if site.is_primary and site.organisation.sites.count() > 1:
        raise ValidationError(_("Make another site the main site before removing this one."))
    if _needs_review(user, "address"):
        address = {f: getattr(site, f) for f in SITE_ADDRESS_FIELDS}
        return _change_request(
            user,
            site.organisation,
            {"site": {"id": site.pk, "delete": True, **address}},
            {"site": address},
        )
    audit.record(AuditAction.DELETE, user=user, obj=site)
    _with_author(site, user).delete()
    return None


# --- Network members -----------------------------------------------------------------


@transaction.atomic
def add_member(user: Any, network: Organisation, member: Organisation) -> Membership:
    require(user, Action.MEMBERS, network)
    if member.pk == network.pk:
        raise ValidationError(_("A network cannot be its own member."))
    membership, created = Membership.objects.get_or_create(network=network, organisation=member)
    if created:
        audit.record(AuditAction.CREATE, user=user, obj=membership)
    return membership


@transaction.atomic
def remove_member(user: Any, membership: Membership) -> None:
    require(user, Action.MEMBERS, membership.network)
    audit.record(AuditAction.DELETE, user=user, obj=membership)
    _with_author(membership, user).delete()


# --- Review --------------------------------------------------------------------------


@transaction.atomic
def suggest_correction(
    user: Any, organisation: Organisation, message: str, email: str = "", client: str = ""
) -> ChangeRequest:
    """A visitor's correction to a profile, for the staff's queue (whose reviewers are
    told in the same transaction)."""
    require(user, Action.SUGGEST, organisation)
    if client:
        limit_per_hour(
            "correction",
            client,
            settings.CORRECTIONS_PER_HOUR,
            _("You have sent several suggestions in the last hour. Please wait a little."),
        )
    message = message.strip()
    if not message:
        raise ValidationError(_("Please describe what is wrong or missing."))
    author = user if getattr(user, "is_authenticated", False) else None
    return ChangeRequest.objects.create(
        organisation=organisation,
        kind=ChangeRequest.Kind.CORRECTION,
        message=message[:5000],
        author=author,
        author_email=email or (author.email if author else ""),
    )


@transaction.atomic
def decide_change(staff: Any, request: ChangeRequest, accept: bool, note: str = "") -> None:
    """Accept (apply the proposed values, with the requester as their author) or reject."""
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if not can(staff, Action.REVIEW, request.organisation):
        raise PermissionDenied(_("You may not decide change requests."))
    if request.status != ChangeRequest.Status.PENDING:
        raise ValidationError(_("This request is already decided."))
    if accept and request.kind == ChangeRequest.Kind.EDIT:
        _apply(request)
    request.status = ChangeRequest.Status.ACCEPTED if accept else ChangeRequest.Status.REJECTED
    request.decided_at = timezone.now()
    request.decided_by = staff
    request.decision_note = note
    request.save()


def _apply(request: ChangeRequest) -> None:
    organisation = request.organisation
    author = request.author
    changes = dict(request.changes)
    site_data = changes.pop("site", None)
    if "name" in changes:
        organisation.name = changes["name"]
    if "website" in changes:
        organisation.website = changes["website"]
    if "primary_wz" in changes:
        value = changes["primary_wz"]
        organisation.primary_wz = wz_codes([value])[0] if value else None
    if "secondary_wz" in changes:
        organisation.secondary_wz.set(wz_codes(changes["secondary_wz"]))
    organisation.full_clean(validate_unique=False)
    _with_author(organisation, author).save()
    if site_data and site_data.get("delete"):
        doomed = Site.objects.filter(pk=site_data.get("id"), organisation=organisation).first()
        if doomed is not None:
            if doomed.is_primary and organisation.sites.count() > 1:
                raise ValidationError(
                    _("Make another site the main site before removing this one.")
                )
            _with_author(doomed, author).delete()
        return
    if site_data:
        site = (
            Site.objects.filter(pk=site_data.get("id"), organisation=organisation).first()
            if site_data.get("id")
            else None
        )
        if site is None:
            site = Site(
                organisation=organisation,
                kind=site_data.get("kind") or "headquarters",
                name=site_data.get("name") or "",
                is_primary=not organisation.sites.exists(),
            )
        for f in SITE_ADDRESS_FIELDS:
            setattr(site, f, site_data.get(f) or "")
        site.full_clean(validate_constraints=False)
        apply_geocode(site)
        _with_author(site, author).save()
