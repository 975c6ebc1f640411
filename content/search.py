"""The cluster management's pages in the main search: the ``page`` document type, and the
site pages (imprint, accessibility statement): ``sitepage``.

Published pages are indexable; a draft is not (staff read drafts on the site, not in the
search). Every write path reports its changes (``content.signals``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from search.registry import ContentDocument, DocumentType, Facet

from .choices import PageSection
from .formatting import plain_text
from .models import Page, SitePage


def _section_label(value: str) -> str:
    try:
        return str(PageSection(value).label).capitalize()
    except ValueError:
        return value


class PageType(DocumentType):
    name = "page"
    label = _("About the cluster management")
    hit_template = "content/_hit.html"
    order = 50
    facets = (Facet("section", _("Section"), _section_label),)

    def indexable_ids(self) -> Iterable[int]:
        return Page.objects.published().values_list("pk", flat=True).order_by("pk")

    def documents(self, ids: Sequence[int]) -> list[ContentDocument]:
        pages = Page.objects.published().filter(pk__in=list(ids))
        return [
            ContentDocument(
                type=self.name,
                id=page.pk,
                title=page.title,
                text="\n".join(part for part in (page.summary, plain_text(page.body)) if part),
                keywords={"section": [page.section]},
            )
            for page in pages
        ]

    def load(self, ids: Sequence[int], user: Any = None) -> dict[int, Any]:
        return {page.pk: page for page in Page.objects.published().filter(pk__in=list(ids))}

    def url(self, obj: Any) -> str:
        return str(obj.get_absolute_url())

    def title(self, obj: Any) -> str:
        return str(obj.title)


class SitePageType(DocumentType):
    """The imprint and the accessibility statement (``sitepage``)."""

    name = "sitepage"
    label = _("Site pages")
    order = 90

    def indexable_ids(self) -> Iterable[int]:
        return SitePage.objects.values_list("pk", flat=True).order_by("pk")

    def documents(self, ids: Sequence[int]) -> list[ContentDocument]:
        return [
            ContentDocument(
                type=self.name, id=page.pk, title=page.title, text=plain_text(page.body)
            )
            for page in SitePage.objects.filter(pk__in=list(ids))
        ]

    def load(self, ids: Sequence[int], user: Any = None) -> dict[int, Any]:
        return {page.pk: page for page in SitePage.objects.filter(pk__in=list(ids))}

    def url(self, obj: Any) -> str:
        return str(obj.get_absolute_url())

    def title(self, obj: Any) -> str:
        return str(obj.title)
