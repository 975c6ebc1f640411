from django.db import models
from django.utils.translation import gettext_lazy as _


class PageSection(models.TextChoices):
    """Where a page of the cluster management stands on its overview, in this order."""

    GOALS = "goals", _("goals")
    STRUCTURE = "structure", _("structure")
    FIELD_OF_ACTION = "field", _("field of action")
    CROSS_CUTTING = "topic", _("cross-cutting topic")
    OTHER = "other", _("other")


class SupporterKind(models.TextChoices):
    MINISTRY = "ministry", _("ministry")
    FUNDING_BODY = "funding", _("funding body")
    SPONSOR = "sponsor", _("sponsor")
    PARTNER = "partner", _("partner")


# The overview's headings, one per section (singular choices above name one page).
SECTION_HEADINGS = {
    PageSection.GOALS: _("Goals"),
    PageSection.STRUCTURE: _("Structure"),
    PageSection.FIELD_OF_ACTION: _("Fields of action"),
    PageSection.CROSS_CUTTING: _("Cross-cutting topics"),
    PageSection.OTHER: _("More about the cluster management"),
}
SECTION_ORDER = list(SECTION_HEADINGS)

SUPPORTER_HEADINGS = {
    SupporterKind.MINISTRY: _("Commissioned by"),
    SupporterKind.FUNDING_BODY: _("Funding bodies"),
    SupporterKind.SPONSOR: _("Sponsors"),
    SupporterKind.PARTNER: _("Partners"),
}


class SitePageKind(models.TextChoices):
    """The site's legal pages: one of each, at a fixed address."""

    IMPRINT = "imprint", _("imprint")
    ACCESSIBILITY = "accessibility", _("accessibility statement")
