"""Synonym sets: the curated domain list of the repository and the OpenThesaurus file."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import SynonymSource


class SynonymSet(models.Model):
    """Words that mean the same; a search for one finds the others (weighted by source)."""

    source = models.CharField(_("source"), max_length=20, choices=SynonymSource.choices)
    terms = models.TextField(_("terms"), help_text=_("One word or phrase per line."))

    class Meta:
        verbose_name = _("synonym set")
        verbose_name_plural = _("synonym sets")
        ordering = ["source", "id"]

    def __str__(self) -> str:
        return "; ".join(self.term_list()[:5])

    def term_list(self) -> list[str]:
        return [t.strip() for t in self.terms.splitlines() if t.strip()]
