"""Fixed lists of the networks app: kinds of cooperation, project states, label schemes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Cooperation(models.TextChoices):
    """How two clusters work together (the partner cluster records)."""

    STRATEGIC = "strategic", _("strategic partnership")
    PROJECTS = "projects", _("joint projects")
    INTERNATIONAL = "international", _("internationalisation and market access")
    EXCHANGE = "exchange", _("exchange of experience")
    EVENTS = "events", _("joint events")
    MOU = "mou", _("memorandum of understanding")
    OTHER = "other", _("other cooperation")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    RUNNING = "running", _("running")
    COMPLETED = "completed", _("completed")


class LabelScheme(models.TextChoices):
    """The quality labels a network or cluster can hold."""

    ECEI = "ecei", _("ECEI cluster management label")
    GO_CLUSTER = "go-cluster", _("go-cluster membership")
    OTHER = "other", _("other label")


class LabelLevel(models.TextChoices):
    BRONZE = "bronze", _("bronze")
    SILVER = "silver", _("silver")
    GOLD = "gold", _("gold")
    MEMBER = "member", _("member")
    NONE = "", _("no level")


# The issuer a label of a scheme has unless the record names another.
DEFAULT_ISSUER = {
    LabelScheme.ECEI: "European Secretariat for Cluster Analysis (ESCA)",
    LabelScheme.GO_CLUSTER: "Bundesministerium für Wirtschaft und Energie (go-cluster)",
}


class FieldKind(models.TextChoices):
    """What a growth-field page stands for."""

    STRATEGY = "strategy", _("growth field of the regional innovation strategy")
    SECTOR = "sector", _("sector")


class RoadmapStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in-progress", _("in progress")
    DONE = "done", pgettext_lazy("milestone", "done")
    DELAYED = "delayed", _("delayed")
    DROPPED = "dropped", _("dropped")


class TextStatus(models.TextChoices):
    """Where the text extraction of an uploaded document stands."""

    PENDING = "pending", _("being read")
    DONE = "done", _("read")
    FAILED = "failed", _("could not be read")


class BrochureLanguage(models.TextChoices):
    """The languages the brochure is built in."""

    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")


class BuildStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
