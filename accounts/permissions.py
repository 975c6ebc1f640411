"""Who may do what with which organisation: the one place pages and the API ask.

Roles (docs/accounts.md, "Roles"):

- visitor: reads published profiles, suggests corrections;
- registered user: a verified account; also claims profiles and sees contacts marked
  "registered users";
- organisation editor: maintains the profiles they hold a role on (``OrganisationEditor``);
- network manager: an organisation editor of a network or cluster, who also maintains
  its members;
- expert, editor, administrator: staff groups (``accounts.roles``) with Django
  permissions; staff work in the back office and may act on every organisation as their
  group allows.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

if TYPE_CHECKING:
    from directory.models import Organisation


class Action(StrEnum):
    VIEW = "view"  # the public profile (unpublished ones too, for those allowed)
    EDIT = "edit"  # the profile's own fields
    CONTACTS = "contacts"  # add, change and remove contact persons
    SITES = "sites"  # add, change and remove sites
    MEMBERS = "members"  # a network's members
    CLASSIFY = "classify"  # WZ codes, technologies, growth fields without review
    CLAIM = "claim"  # ask to become an organisation editor
    SUGGEST = "suggest"  # suggest a correction
    REVIEW = "review"  # decide claims, changes and corrections


# The Django permission a staff member needs for each action.
STAFF_PERMISSION: dict[Action, str] = {
    Action.VIEW: "directory.view_organisation",
    Action.EDIT: "directory.change_organisation",
    Action.CONTACTS: "directory.change_contactperson",
    Action.SITES: "directory.change_site",
    Action.MEMBERS: "directory.change_membership",
    Action.CLASSIFY: "directory.classify_organisation",
    Action.REVIEW: "directory.change_organisation",
}

# What an organisation editor may do on their own organisation (a network manager also
# MEMBERS on their network).
EDITOR_ACTIONS = {Action.VIEW, Action.EDIT, Action.CONTACTS, Action.SITES}


def is_registered(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_staff(user: Any) -> bool:
    return is_registered(user) and bool(user.is_staff)


def holds_role(user: Any, organisation: Organisation) -> bool:
    if not is_registered(user):
        return False
    cache = user.__dict__.setdefault("_organisation_roles", None)
    if cache is None:
        cache = set(user.organisation_roles.values_list("organisation_id", flat=True))
        user.__dict__["_organisation_roles"] = cache
    return organisation.pk in cache


def forget_roles(user: Any) -> None:
    user.__dict__.pop("_organisation_roles", None)


def can(user: Any, action: Action, organisation: Organisation) -> bool:
    """Whether ``user`` may do ``action`` on ``organisation``."""
    from directory.choices import PublicationStatus

    published = organisation.status == PublicationStatus.PUBLISHED
    if action == Action.SUGGEST:
        return published
    if action == Action.VIEW and published:
        return True
    if action == Action.MEMBERS and not organisation.is_network:
        return False  # only networks and clusters have members
    if is_staff(user) and action in STAFF_PERMISSION:
        return bool(user.has_perm(STAFF_PERMISSION[action]))
    if action == Action.CLAIM:
        return (
            published
            and is_registered(user)
            and not is_staff(user)
            and not holds_role(user, organisation)
        )
    if holds_role(user, organisation) and organisation.status != PublicationStatus.ARCHIVED:
        if action in EDITOR_ACTIONS:
            return True
        if action == Action.MEMBERS:
            return organisation.is_network
    return False


def editable_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations a user maintains as organisation editor or network manager."""
    from directory.models import Organisation

    if not is_registered(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(editors__user=user).order_by("name")
