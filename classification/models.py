"""Classifications and curated vocabularies that organisations are described with.

WZ codes are stored for both editions; organisations are coded in WZ 2008 (what
registers and the employment agency use) and the correspondence lets the portal
show and search WZ 2025 as well.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .choices import WzLevel, WzVersion


def english_shown() -> bool:
    """Whether the active language is English (German is the source of every name)."""
    return (get_language() or "").split("-")[0] == "en"


def localised(german: str, english: str) -> str:
    """The English text when English is shown and there is one, otherwise the German."""
    return english if english and english_shown() else german


class WzCode(models.Model):
    """One item of the German classification of economic activities (all five levels)."""

    version = models.CharField(_("edition"), max_length=4, choices=WzVersion.choices)
    code = models.CharField(_("code"), max_length=8)
    level = models.PositiveSmallIntegerField(_("level"), choices=WzLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    section = models.CharField(_("section"), max_length=1, db_index=True)
    title = models.CharField(_("official title"), max_length=500)
    title_long = models.CharField(_("long title"), max_length=500, blank=True)
    title_mid = models.CharField(_("mid title"), max_length=200, blank=True)
    title_short = models.CharField(_("short title"), max_length=200, blank=True)
    # From the NACE Rev. 2 English titles (levels 1–4); a subclass carries its class's.
    title_en = models.CharField(_("English title"), max_length=500, blank=True)
    # Text, not a short title: Destatis puts a 700-character note here (53.10, 53.10.0).
    explanatory_title = models.TextField(_("explanatory title"), blank=True)
    remarks = models.TextField(_("general remarks"), blank=True)
    includes = models.TextField(_("includes"), blank=True)
    also_includes = models.TextField(_("also includes"), blank=True)
    excludes = models.TextField(_("excludes"), blank=True)

    class Meta:
        verbose_name = _("WZ code")
        verbose_name_plural = _("WZ codes")
        ordering = ["version", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="wzcode_unique_version_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def display_title(self) -> str:
        """The title a visitor reads: the NACE English title when English is shown."""
        return localised(self.title, self.title_en)

    @property
    def display_lang(self) -> str:
        """The language of ``display_title``, for the ``lang`` attribute."""
        return "en" if self.title_en and english_shown() else "de"

    def ancestors(self) -> list[WzCode]:
        """From the section down to this item (parents are few, at most four queries)."""
        chain: list[WzCode] = []
        node: WzCode | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class WzCorrespondence(models.Model):
    """Official link WZ 2025 → WZ 2008; ``is_partial`` where only part of an item maps."""

    wz2025 = models.ForeignKey(WzCode, on_delete=models.CASCADE, related_name="to_wz2008")
    wz2008 = models.ForeignKey(WzCode, on_delete=models.CASCADE, related_name="from_wz2025")
    is_partial = models.BooleanField(_("partial"), default=False)

    class Meta:
        verbose_name = _("WZ correspondence")
        verbose_name_plural = _("WZ correspondences")
        constraints = [
            models.UniqueConstraint(fields=["wz2025", "wz2008"], name="wzcorr_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.wz2025.code} → {self.wz2008.code}{' (ex)' if self.is_partial else ''}"


class Vocabulary(models.Model):
    """Base for the curated lists staff maintain (name in German, optionally English)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name a visitor reads: the English name when English is shown and there is one."""
        return localised(self.name, self.name_en)

    @property
    def display_lang(self) -> str:
        return "en" if self.name_en and english_shown() else "de"


class Technology(Vocabulary):
    """A technology or competence of the curated vocabulary (hierarchical)."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    synonyms = models.TextField(
        _("synonyms"), blank=True, help_text=_("One per line; used by search.")
    )

    class Meta(Vocabulary.Meta):
        verbose_name = _("technology")
        verbose_name_plural = _("technologies")


class GrowthField(Vocabulary):
    """A growth field of the regional innovation strategy (e.g. RIS3 Thuringia)."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("growth field")
        verbose_name_plural = _("growth fields")


class CertificationStandard(Vocabulary):
    """A certifiable standard such as ISO 9001 or ISO 13485."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("certification standard")
        verbose_name_plural = _("certification standards")
