from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("company")
    RESEARCH_INSTITUTE = "research", _("research institute")
    UNIVERSITY = "university", _("university")
    NETWORK = "network", _("network")
    CLUSTER = "cluster", _("cluster")
    CHAMBER = "chamber", _("chamber")
    ASSOCIATION = "association", _("association")
    PUBLIC_BODY = "public", _("public body")
    OTHER = "other", _("other")


# Kinds that have members (memberships point to organisations of these kinds).
NETWORK_KINDS = (OrganisationKind.NETWORK, OrganisationKind.CLUSTER)


class LegalForm(models.TextChoices):
    GMBH = "GmbH", "GmbH"
    GMBH_CO_KG = "GmbH & Co. KG", "GmbH & Co. KG"
    UG = "UG (haftungsbeschränkt)", "UG (haftungsbeschränkt)"
    AG = "AG", "AG"
    KG = "KG", "KG"
    OHG = "OHG", "OHG"
    GBR = "GbR", "GbR"
    EK = "e. K.", "e. K."
    SOLE = "Einzelunternehmen", _("sole proprietorship")
    EG = "eG", "eG"
    EV = "e. V.", "e. V."
    SE = "SE", "SE"
    GGMBH = "gGmbH", "gGmbH"
    KDOER = "KdöR", _("public-law corporation (KdöR)")
    AOER = "AöR", _("public-law institution (AöR)")
    STIFTUNG = "Stiftung", _("foundation")
    OTHER = "other", _("other")


class EmployeeSizeClass(models.TextChoices):
    """EU SME size classes (Recommendation 2003/361/EC) by head count."""

    MICRO = "micro", _("micro (fewer than 10)")
    SMALL = "small", _("small (10–49)")
    MEDIUM = "medium", _("medium (50–249)")
    LARGE = "large", _("large (250 or more)")

    @classmethod
    def for_headcount(cls, employees: int) -> "EmployeeSizeClass":
        if employees < 10:
            return cls.MICRO
        if employees < 50:
            return cls.SMALL
        if employees < 250:
            return cls.MEDIUM
        return cls.LARGE


class Visibility(models.TextChoices):
    """Who may see a piece of personal data, least restrictive first."""

    PUBLIC = "public", _("public")
    REGISTERED = "registered", _("registered users")
    STAFF = "staff", _("staff only")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    HIDDEN = "hidden", _("hidden")
    ARCHIVED = "archived", _("archived")


class Source(models.TextChoices):
    MANUAL = "manual", _("entered by staff")
    IMPORT = "import", _("imported list")
    SELF_SERVICE = "self", _("maintained by the organisation")
    REFERENCE = "reference", _("official reference data")
    GENERATED = "generated", _("generated demo data")


class SiteKind(models.TextChoices):
    HEADQUARTERS = "headquarters", _("headquarters")
    BRANCH = "branch", _("branch")
    PRODUCTION = "production", _("production site")
    RESEARCH = "research", _("research site")


class IdentifierScheme(models.TextChoices):
    REGISTER = "register", _("commercial register number")
    AGENCY = "agency", _("agency ID")
    VAT = "vat", _("VAT ID")
    OTHER = "other", _("other")


class OfferingKind(models.TextChoices):
    PRODUCT = "product", _("product")
    SERVICE = "service", _("service")


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("member")
    FOUNDING = "founding", _("founding member")
    PARTNER = "partner", _("partner")
    BOARD = "board", _("board member")
