"""Quality labels over time: reminders before a label ends, and the day it ends.

Run daily (``manage.py check_network_labels``, docs/operations/scheduled-tasks.md):

- 90 and 30 days before ``valid_until`` (``LABEL_REMINDER_DAYS``) the network's managers
  (its organisation editors) and the staff who maintain labels get a mail, once per label,
  stage and end date: a prolonged label is reminded again before its new end;
- on the first run after a label ended, its network's search document is rebuilt, so the
  label filter stops finding it on that day (``expiry_indexed`` remembers it was done).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import pagecache
from directory.choices import PublicationStatus
from messaging.services import enqueue

from .models import QualityLabel
from .signals import report


@dataclass(frozen=True)
class LabelRun:
    reminded: int  # mails written
    expired: int  # labels whose end reached the search today


def staff_addresses() -> list[str]:
    """Active staff who may change quality labels (the Editor group, administrators)."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    permission = Q(groups__permissions__codename="change_qualitylabel") | Q(
        user_permissions__codename="change_qualitylabel"
    )
    found = users.filter(permission | Q(is_superuser=True)).distinct()
    return sorted({user.email.lower() for user in found})


def manager_addresses(label: QualityLabel) -> list[str]:
    editors = label.network.editors.select_related("user")
    return sorted({e.user.email.lower() for e in editors if e.user.is_active and e.user.email})


def _absolute(path: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + path


def _remind(label: QualityLabel, days: int, staff: list[str]) -> int:
    assert label.valid_until is not None
    context: dict[str, Any] = {
        "label": label,
        "network": label.network,
        "days": days,
        "page_url": _absolute(label.network.get_absolute_url()),
        "admin_url": _absolute(reverse("admin:networks_qualitylabel_change", args=[label.pk])),
    }
    subject = _("The label “%(label)s” of %(network)s ends on %(date)s") % {
        "label": label.title,
        "network": label.network.name,
        "date": label.valid_until.strftime("%d.%m.%Y"),
    }
    written = 0
    for address in sorted(set(manager_addresses(label)) | set(staff)):
        enqueue(
            to=address,
            subject=subject,
            template="networks/email/label_reminder",
            context={**context, "for_staff": address in staff},
            key=f"label-reminder:{label.pk}:{days}:{label.valid_until.isoformat()}:{address}",
        )
        written += 1
    return written


def _due(today: datetime.date, nearer: int, farther: int, field: str) -> Any:
    """Labels ending in more than ``nearer`` and at most ``farther`` days, not yet
    reminded at this stage for their present end date."""
    return (
        QualityLabel.objects.filter(
            valid_until__gt=today + datetime.timedelta(days=nearer),
            valid_until__lte=today + datetime.timedelta(days=farther),
        )
        .exclude(network__status=PublicationStatus.ARCHIVED)
        .exclude(**{field: F("valid_until")})
        .select_related("network")
    )


def check_labels(today: datetime.date | None = None) -> LabelRun:
    """Send the due reminders and tell the search about labels that ended."""
    today = today or timezone.localdate()
    staff = staff_addresses()
    first, second = settings.LABEL_REMINDER_DAYS
    reminded = 0
    # The later stage first: a label that skipped the first (recorded or prolonged late)
    # gets one mail, and never the first stage's after it.
    for label in _due(today, -1, second, "reminded_30"):
        with transaction.atomic():
            reminded += _remind(label, second, staff)
            QualityLabel.objects.filter(pk=label.pk).update(
                reminded_30=label.valid_until, reminded_90=label.valid_until
            )
    for label in _due(today, second, first, "reminded_90"):
        with transaction.atomic():
            reminded += _remind(label, first, staff)
            QualityLabel.objects.filter(pk=label.pk).update(reminded_90=label.valid_until)
    with transaction.atomic():
        ended = list(
            QualityLabel.objects.select_for_update()
            .filter(valid_until__lt=today, expiry_indexed=False)
            .values_list("pk", "network_id")
        )
        if ended:
            # A bulk update sends no signal: the search is told here.
            QualityLabel.objects.filter(pk__in=[pk for pk, _network in ended]).update(
                expiry_indexed=True
            )
            report(network for _pk, network in ended)
            pagecache.written("networks")
    return LabelRun(reminded=reminded, expired=len(ended))
