"""The fixed vocabularies of a funding programme: who gives it, to whom, for what, how."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from directory.choices import EmployeeSizeClass

# A programme's company sizes are the directory's size classes (EU SME definition).
CompanySize = EmployeeSizeClass


class Level(models.TextChoices):
    STATE = "state", _("state (Land)")
    FEDERAL = "federal", _("federal")
    EU = "eu", _("European Union")


class TargetGroup(models.TextChoices):
    COMPANY = "company", _("companies")
    STARTUP = "startup", _("start-ups and founders")
    RESEARCH = "research", _("research institutions")
    MUNICIPALITY = "municipality", pgettext_lazy("target group", "municipalities")
    NETWORK = "network", _("associations and networks")
    INDIVIDUAL = "individual", _("individuals")


class Topic(models.TextChoices):
    RD = "rd", _("research and development")
    INNOVATION = "innovation", _("innovation")
    INVESTMENT = "investment", _("investment")
    DIGITAL = "digital", _("digitalisation")
    ENERGY = "energy", _("energy and climate")
    EXPORT = "export", _("export and internationalisation")
    SKILLS = "skills", _("skilled workers and training")
    FOUNDING = "founding", _("founding")
    ADVICE = "advice", pgettext_lazy("funding topic", "advice")


class FundingType(models.TextChoices):
    GRANT = "grant", _("grant")
    LOAN = "loan", _("loan")
    GUARANTEE = "guarantee", _("guarantee")
    ADVICE = "advice", pgettext_lazy("funding type", "subsidised advice")
    EQUITY = "equity", _("equity")


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


# "für kleine Unternehmen": the finder's reason for a size, one phrase per class.
SIZE_PHRASES = {
    CompanySize.MICRO: _("for micro enterprises"),
    CompanySize.SMALL: _("for small enterprises"),
    CompanySize.MEDIUM: _("for medium-sized enterprises"),
    CompanySize.LARGE: _("for large enterprises"),
}

# "nur für kleine und mittlere Unternehmen": the sizes a programme is limited to.
SIZE_NAMES = {
    CompanySize.MICRO: _("micro enterprises"),
    CompanySize.SMALL: _("small enterprises"),
    CompanySize.MEDIUM: _("medium-sized enterprises"),
    CompanySize.LARGE: _("large enterprises"),
}
