"""Events in the main search: the ``event`` document type with facets by growth field,
format, network and whether the event is upcoming or past.

Published and cancelled events are indexed (drafts are not). Every write path reports
its changes (``content.events.signals``); the daily ``send_event_reminders`` also
reports the events that ended since the day before, so the "past" facet follows time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from classification.models import GrowthField
from directory.models import Organisation
from search.registry import ContentDocument, DocumentType, Facet

from ..formatting import plain_text
from .choices import EventFormat, When
from .models import Event


def _choice_label(choices: Any) -> Any:
    def label(value: str) -> str:
        try:
            return capfirst(str(choices(value).label))  # "vor Ort" → "Vor Ort", not "Vor ort"
        except ValueError:
            return value

    return label


def _field_label(value: str) -> str:
    field = GrowthField.objects.filter(slug=value).first()
    return field.display_name if field else value


def _network_label(value: str) -> str:
    if value == "agentur":
        return str(_("The agency"))
    network = Organisation.objects.filter(slug=value).only("name").first()
    return network.name if network else value


class EventType(DocumentType):
    name = "event"
    label = _("Events")
    hit_template = "content/events/_hit.html"
    order = 40
    facets = (
        Facet("when", _("When"), _choice_label(When)),
        Facet("field", _("Growth field"), _field_label),
        Facet("format", _("Format"), _choice_label(EventFormat)),
        Facet("network", _("Organiser"), _network_label),
    )

    def indexable_ids(self) -> Iterable[int]:
        return Event.objects.public().values_list("pk", flat=True).order_by("pk")

    def documents(self, ids: Sequence[int]) -> list[ContentDocument]:
        events = (
            Event.objects.public()
            .filter(pk__in=list(ids))
            .select_related("network")
            .prefetch_related("growth_fields")
        )
        now = timezone.now()
        documents = []
        for event in events:
            place = " ".join(p for p in (event.venue_name, event.venue_place) if p)
            documents.append(
                ContentDocument(
                    type=self.name,
                    id=event.pk,
                    title=event.title,
                    text="\n".join(
                        p
                        for p in (
                            event.summary,
                            plain_text(event.description),
                            place,
                            event.organiser_name,
                        )
                        if p
                    ),
                    keywords={
                        "when": [When.PAST if event.end < now else When.UPCOMING],
                        "field": [field.slug for field in event.growth_fields.all()],
                        "format": [event.format],
                        "network": [event.network.slug] if event.network else ["agentur"],
                        "status": [event.status],
                    },
                    date=event.start,
                )
            )
        return documents

    def load(self, ids: Sequence[int], user: Any = None) -> dict[int, Any]:
        events = Event.objects.public().filter(pk__in=list(ids)).select_related("network")
        return {event.pk: event for event in events}

    def url(self, obj: Any) -> str:
        return str(obj.get_absolute_url())

    def title(self, obj: Any) -> str:
        return str(obj.title)

    def list_url(self, text: str) -> str:
        from django.urls import reverse

        return reverse("content:events")
