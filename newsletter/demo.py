"""Demo set-up of the newsletter (``make run``): the topics a subscriber chooses from and
one draft issue filled from the portal's recent content, its subject marked as demo. No
subscriber is made up: addresses are real people's or nobody's."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import NewsletterIssue, Topic
from .services import fill_from_sources

TOPICS = (
    ("Neuigkeiten aus Clustern und Netzwerken", "Projekte, Kooperationen und Erfolge."),
    ("Veranstaltungen", "Foren, Workshops und Netzwerktreffen mit Anmeldung."),
    ("Förderprogramme", "Neue Programme und nahende Fristen."),
    ("Gesuche und Angebote", "Was Unternehmen der Region suchen und anbieten."),
)


@transaction.atomic
def generate() -> dict[str, int]:
    topics = 0
    for position, (name, description) in enumerate(TOPICS, start=1):
        _topic, created = Topic.objects.get_or_create(
            name=name, defaults={"description": description, "position": position}
        )
        topics += created
    month = date_format(timezone.localdate(), "F Y")
    issue = NewsletterIssue.objects.create(
        subject=_("Newsletter %(month)s (demo)") % {"month": month},
        intro=_(
            "This issue was composed from the demo data of the portal for demonstration; "
            "it is a draft and has not been sent."
        ),
    )
    issue.topics.set(Topic.objects.all())
    items = fill_from_sources(issue)
    return {"topics": topics, "issues": 1, "items": items}
