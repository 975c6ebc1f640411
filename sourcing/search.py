"""Requests and offers in the main search: the ``posting`` document type.

Only open postings (published, not expired) of published organisations are indexable;
every write path reports its changes (``sourcing.postings.services._reindex``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from search.registry import ContentDocument, DocumentType, Facet

from .choices import PostingCategory, PostingKind, Urgency
from .models import Posting


def _choice_label(choices: Any) -> Any:
    labels = dict(choices.choices)
    return lambda value: str(labels.get(value, value))


def _wz_label(value: str) -> str:
    """ "25" → "25 Herstellung von Metallerzeugnissen" (the title of the WZ 2008 code)."""
    from classification.models import WzCode

    code = WzCode.objects.filter(version="2008", code=value).first()
    return f"{value} {code.display_title}" if code else value


def _district_label(value: str) -> str:
    from geo.models import District

    district = District.objects.filter(ags=value).first()
    return district.name if district else value


def wz_keys(codes: Iterable[str], sections: Iterable[str]) -> list[str]:
    """A posting's WZ facet values: the sections and divisions of its codes, and the codes."""
    keys: set[str] = set(sections)
    for code in codes:
        keys.add(code[:2])
        keys.add(code)
    return sorted(k for k in keys if k)


class PostingType(DocumentType):
    name = "posting"
    label = _("Requests and offers")
    hit_template = "sourcing/postings/_hit.html"
    order = 10
    facets = (
        Facet("kind", _("Kind"), _choice_label(PostingKind)),
        Facet("category", _("Category"), _choice_label(PostingCategory)),
        Facet("urgency", _("Urgency"), _choice_label(Urgency)),
        Facet("wz", _("Industry (WZ 2008)"), _wz_label),
        Facet("district", _("District"), _district_label),
    )

    def indexable_ids(self) -> Iterable[int]:
        return Posting.objects.public().values_list("pk", flat=True).order_by("pk")

    def documents(self, ids: Sequence[int]) -> list[ContentDocument]:
        postings = (
            Posting.objects.public()
            .filter(pk__in=list(ids))
            .select_related("organisation", "district")
            .prefetch_related("wz_codes")
        )
        documents = []
        for posting in postings:
            codes = list(posting.wz_codes.all())
            text = "\n".join(
                part
                for part in (
                    posting.description,
                    posting.quantity,
                    posting.place,
                    posting.organisation.name,
                    " ".join(c.title for c in codes),
                )
                if part
            )
            documents.append(
                ContentDocument(
                    type=self.name,
                    id=posting.pk,
                    title=posting.title,
                    text=text,
                    keywords={
                        "kind": [posting.kind],
                        "category": [posting.category],
                        "urgency": [posting.urgency],
                        "wz": wz_keys([c.code for c in codes], [c.section for c in codes]),
                        "district": [posting.district.ags] if posting.district else [],
                    },
                    lat=posting.lat,
                    lon=posting.lon,
                    date=posting.published_at or posting.created,
                )
            )
        return documents

    def load(self, ids: Sequence[int], user: Any = None) -> dict[int, Any]:
        postings = (
            Posting.objects.public()
            .filter(pk__in=list(ids))
            .select_related("organisation", "district")
        )
        return {p.pk: p for p in postings}

    def url(self, obj: Any) -> str:
        return str(obj.get_absolute_url())

    def list_link_text(self) -> str:
        from django.utils.translation import gettext as _

        return _("%(label)s on the map, by place and radius") % {"label": self.label}

    def list_url(self, text: str) -> str:
        """The list at /gesuche/ with its map, place and radius."""
        from django.urls import reverse
        from django.utils.http import urlencode

        base = reverse("sourcing:posting-list")
        return f"{base}?{urlencode({'q': text})}" if text else base
