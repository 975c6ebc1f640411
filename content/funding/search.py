"""Funding programmes in the main search: the ``funding`` document type, with facets for
level, type, target group, topic and growth field. Published programmes are indexable;
drafts are not. Every write path reports its changes (``content.funding.signals`` for
single saves, ``services.report`` for bulk writes)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from classification.models import GrowthField
from search.registry import ContentDocument, DocumentType, Facet

from ..formatting import plain_text
from .choices import FundingType, Level, TargetGroup, Topic
from .models import Programme

TYPE_NAME = "funding"


def _label_of(choices: Any) -> Any:
    def label(value: str) -> str:
        try:
            return str(choices(value).label).capitalize()
        except ValueError:
            return value

    return label


def _growth_label(value: str) -> str:
    field = GrowthField.objects.filter(slug=value).first()
    return field.name if field else value


class ProgrammeType(DocumentType):
    name = TYPE_NAME
    label = _("Funding programmes")
    hit_template = "content/funding/_hit.html"
    order = 40
    facets = (
        Facet("level", _("Level"), _label_of(Level)),
        Facet("kind", _("Type of funding"), _label_of(FundingType)),
        Facet("target", _("Target group"), _label_of(TargetGroup)),
        Facet("topic", _("Topic"), _label_of(Topic)),
        Facet("growth", _("Growth field"), _growth_label),
    )

    def indexable_ids(self) -> Iterable[int]:
        return Programme.objects.published().values_list("pk", flat=True).order_by("pk")

    def documents(self, ids: Sequence[int]) -> list[ContentDocument]:
        programmes = (
            Programme.objects.published()
            .filter(pk__in=list(ids))
            .select_related("state")
            .prefetch_related(
                Prefetch("growth_fields", queryset=GrowthField.objects.only("slug", "name"))
            )
        )
        documents = []
        for programme in programmes:
            fields = list(programme.growth_fields.all())
            text = [
                programme.provider,
                programme.summary and plain_text(programme.summary),
                programme.conditions and plain_text(programme.conditions),
                programme.state.name if programme.state else "",
                " ".join(programme.topic_labels()),
                " ".join(field.name for field in fields),
            ]
            documents.append(
                ContentDocument(
                    type=self.name,
                    id=programme.pk,
                    title=programme.name,
                    text="\n".join(part for part in text if part),
                    keywords={
                        "level": [programme.level],
                        "kind": [programme.funding_type],
                        "target": list(programme.target_groups),
                        "topic": list(programme.topics),
                        "growth": [field.slug for field in fields],
                    },
                    date=programme.modified,
                )
            )
        return documents

    def load(self, ids: Sequence[int], user: Any = None) -> dict[int, Any]:
        found = Programme.objects.published().filter(pk__in=list(ids)).prefetch_related("calls")
        return {programme.pk: programme for programme in found}

    def url(self, obj: Any) -> str:
        return str(obj.get_absolute_url())

    def title(self, obj: Any) -> str:
        return str(obj.name)

    def list_url(self, text: str) -> str:
        from urllib.parse import urlencode

        from django.urls import reverse

        return reverse("content:funding-list") + "?" + urlencode({"q": text})
