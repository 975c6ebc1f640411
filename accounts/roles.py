"""Staff groups and what each may do, as data.

The groups are created from this module after every ``migrate`` and by
``manage.py setup_groups``; the database follows the code, so a permission ticked
by hand in the admin is reset at the next run. A later feature adds its models to
an existing role here (or a new role) instead of writing a data migration.

A grant is ``(app_label, model, actions)``. ``model`` is a model name or ``"*"``
for every model of the app (historical models included, so history permissions
follow the model's). ``actions`` are Django's ``view``/``add``/``change``/``delete``
or a custom action from ``CUSTOM_PERMISSIONS``; ``ALL`` stands for every
permission the model has.
"""

from __future__ import annotations

from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ALL = "*"
VIEW = ("view",)
EDIT = ("view", "add", "change")
EDIT_AND_DELETE = ("view", "add", "change", "delete")

# Apps written for this project. The administrator gets everything in them; a test
# fails when an installed project app is missing here.
PROJECT_APPS: tuple[str, ...] = (
    "core",
    "messaging",
    "classification",
    "geo",
    "directory",
    "search",
    "accounts",
    "sourcing",
    "inquiries",
    "networks",
    "content",
    "newsletter",
)

# Parts of an organisation that an editor removes while curating a profile (a
# contact who left, a closed site); the organisation itself is hidden or archived.
ORGANISATION_PARTS: tuple[str, ...] = (
    "site",
    "contactperson",
    "offering",
    "certification",
    "externalidentifier",
    "membership",
)

# Fields that the "classify" permission lets an expert change on an organisation.
CLASSIFICATION_FIELDS: tuple[str, ...] = (
    "primary_wz",
    "secondary_wz",
    "technologies",
    "growth_fields",
)

# Permissions that are not Django's defaults: (app_label, model, action) -> name.
# setup_groups creates them; codename is "<action>_<model>".
CUSTOM_PERMISSIONS: dict[tuple[str, str, str], str] = {
    ("directory", "organisation", "classify"): (
        "Can change the WZ codes, technologies and growth fields of organisations"
    ),
}

# Importing a list creates and updates organisations, so it needs add and change
# (directory.admin_import checks exactly that); give a role both to let it import.


class Grant(NamedTuple):
    app_label: str
    model: str
    actions: tuple[str, ...] | str


class Role(NamedTuple):
    name: str
    label: Promise
    description: Promise
    grants: tuple[Grant, ...]


# What a network has beyond its profile (docs/networks.md).
NETWORK_PARTS = (
    "workinggroup",
    "networkproject",
    "partnercluster",
    "qualitylabel",
    "growthfieldpage",
    "roadmapitem",
    "study",
)

EDITOR = "Editor"
EXPERT = "Expert"
ADMINISTRATOR = "Administrator"

ROLES: dict[str, Role] = {
    EDITOR: Role(
        EDITOR,
        _("Editorial staff"),
        _(
            "Curates organisation profiles: adds and changes organisations and their "
            "sites, contacts, offerings, certifications, identifiers and memberships; "
            "imports lists; hides or archives organisations instead of deleting them; "
            "decides claims, reviewed changes and corrections; appoints organisation "
            "editors; maintains the search synonyms, the cluster management's pages "
            "and supporters, the news and the funding programmes; builds the networks' "
            "brochure; composes and sends the newsletter."
        ),
        (
            Grant("directory", "organisation", EDIT),
            Grant("directory", "changerequest", ("view", "change")),
            Grant("accounts", "claim", ("view", "change")),
            Grant("accounts", "organisationeditor", EDIT_AND_DELETE),
            Grant("search", "synonymset", EDIT_AND_DELETE),
            Grant("directory", "tag", EDIT),
            Grant("networks", "networkprofile", EDIT),
            *(Grant("networks", part, EDIT_AND_DELETE) for part in NETWORK_PARTS),
            Grant("networks", "brochurebuild", ("view", "add")),
            Grant("content", "page", EDIT_AND_DELETE),
            Grant("content", "supporter", EDIT_AND_DELETE),
            Grant("content", "programme", EDIT_AND_DELETE),
            Grant("content", "call", EDIT_AND_DELETE),
            # Composing issues; the subscribers (personal data) stay with administrators.
            Grant("newsletter", "topic", EDIT_AND_DELETE),
            Grant("newsletter", "newsletterissue", EDIT_AND_DELETE),
            Grant("newsletter", "issueitem", EDIT_AND_DELETE),
            # Every event (the agency's and the networks'), not who registered: that is
            # for the organiser and the administrators (content/events/permissions.py).
            Grant("content", "event", EDIT_AND_DELETE),
            Grant("content", "eventdocument", EDIT_AND_DELETE),
            Grant("content", "article", EDIT_AND_DELETE),
            Grant("content", "newscategory", EDIT_AND_DELETE),
            *(Grant("directory", part, EDIT_AND_DELETE) for part in ORGANISATION_PARTS),
            Grant("classification", "*", VIEW),
            Grant("geo", "*", VIEW),
        ),
    ),
    EXPERT: Role(
        EXPERT,
        _("Subject expert"),
        _(
            "Sees every organisation with all its contacts (staff-only ones included) "
            "and assigns WZ codes, technologies and growth fields; adds or deletes nothing."
        ),
        (
            Grant("directory", "*", VIEW),
            Grant("directory", "organisation", ("classify",)),
            Grant("networks", "networkprofile", VIEW),
            *(Grant("networks", part, VIEW) for part in NETWORK_PARTS),
            # Who answers inquiries (not the cases: those only in the inbox, see
            # inquiries.permissions).
            Grant("inquiries", "inquirytopic", VIEW),
            Grant("inquiries", "expert", VIEW),
            Grant("inquiries", "team", VIEW),
            Grant("classification", "*", VIEW),
            Grant("geo", "*", VIEW),
        ),
    ),
    ADMINISTRATOR: Role(
        ADMINISTRATOR,
        _("Administrator"),
        _(
            "Everything in the portal's data, the reference data and the vocabularies, "
            "and manages staff accounts and their groups."
        ),
        (
            *(Grant(app_label, "*", ALL) for app_label in PROJECT_APPS),
            Grant("auth", "user", ALL),
            Grant("auth", "group", ALL),
            Grant("admin", "logentry", VIEW),
        ),
    ),
}
