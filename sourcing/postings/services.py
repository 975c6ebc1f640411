"""Requests and offers: every state change, called by the views, the admin, the API,
the commands and the tests.

Who may post: an organisation's editors for it, staff for any organisation. A posting
is published at once where its organisation has an editor and a profile confirmed
within ``PROFILE_VERIFICATION_DAYS``, or where staff post it; otherwise it waits for
staff review. Every write reports the changed ids to the search (``_reindex``), after
the commit, so the index follows each write path.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_registered, is_staff
from core import pagecache
from directory.choices import PublicationStatus
from directory.models import Organisation
from messaging.choices import MailList
from messaging.services import enqueue

from ..models import Posting, PostingStatus

log = logging.getLogger(__name__)

TYPE_NAME = "posting"


def default_days() -> int:
    return int(getattr(settings, "POSTING_DEFAULT_DAYS", 60))


def max_days() -> int:
    return int(getattr(settings, "POSTING_MAX_DAYS", 180))


def reminder_days() -> int:
    return int(getattr(settings, "POSTING_REMINDER_DAYS", 7))


def _reindex(ids: Iterable[int]) -> None:
    """Tell the search which postings changed, after the commit."""
    ids = [int(i) for i in ids]
    if not ids:
        return

    def run() -> None:
        from search import registry

        try:
            registry.changed(TYPE_NAME, ids)
        except ModuleNotFoundError as error:  # a search without content types
            if "search.content" not in str(error):
                raise
        except LookupError:  # the type is not registered (an app set without sourcing)
            log.warning("postings %s changed, but no search type %r", ids, TYPE_NAME)

    transaction.on_commit(run)


def _published(ids: Iterable[int]) -> None:
    """After the commit: the matching computes the matches of newly published postings."""
    ids = [int(i) for i in ids]

    def run() -> None:
        try:
            from .matching import on_published
        except ImportError:
            return
        for posting in Posting.objects.filter(pk__in=ids, status=PostingStatus.PUBLISHED):
            on_published(posting)

    if ids:
        transaction.on_commit(run)


# -- who may do what ------------------------------------------------------------------


def postable_organisations(user: Any) -> Any:
    """The organisations ``user`` may post for: their own as editor; staff any."""
    if is_staff(user):
        return Organisation.objects.exclude(status=PublicationStatus.ARCHIVED).order_by("name")
    if not is_registered(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        editors__user=user, status=PublicationStatus.PUBLISHED
    ).order_by("name")


def postable_organisations_for_staff() -> Any:
    return Organisation.objects.exclude(status=PublicationStatus.ARCHIVED)


def may_post(user: Any) -> bool:
    return is_staff(user) or (is_registered(user) and postable_organisations(user).exists())


def may_manage(user: Any, posting: Posting) -> bool:
    """The poster's rights (edit, close, see who responded): staff, or an editor of the
    posting's organisation."""
    if is_staff(user):
        return True
    if not is_registered(user):
        return False
    return posting.organisation.editors.filter(user=user).exists()


def may_view(user: Any, posting: Posting) -> bool:
    return posting.is_open or may_manage(user, posting)


def verified_recently(organisation: Organisation, today: datetime.date | None = None) -> bool:
    """A confirmed editor and a profile confirmed within PROFILE_VERIFICATION_DAYS."""
    today = today or timezone.localdate()
    days = int(getattr(settings, "PROFILE_VERIFICATION_DAYS", 365))
    return (
        organisation.last_verified is not None
        and organisation.last_verified >= today - datetime.timedelta(days=days)
        and organisation.editors.exists()
    )


def check_expiry(expires_on: datetime.date | None, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if expires_on is None:
        return
    if expires_on < today:
        raise ValidationError({"expires_on": _("The expiry date lies in the past.")})
    if expires_on > today + datetime.timedelta(days=max_days()):
        raise ValidationError(
            {"expires_on": _("A posting runs at most %(days)d days.") % {"days": max_days()}}
        )


# -- writes -----------------------------------------------------------------------------


def _save_posting(posting: Posting, wz_codes: Iterable[Any] | None) -> None:
    posting.full_clean(exclude=["wz_codes"])
    posting.save()
    if wz_codes is not None:
        posting.wz_codes.set(list(wz_codes))


@transaction.atomic
def create_posting(
    user: Any,
    organisation: Organisation,
    data: dict[str, Any],
    *,
    wz_codes: Iterable[Any] = (),
    source: str = "",
) -> Posting:
    """Write a posting for ``organisation``; published at once or pending review."""
    if not postable_organisations(user).filter(pk=organisation.pk).exists():
        raise PermissionDenied(_("You may not post for this organisation."))
    today = timezone.localdate()
    expires_on = data.get("expires_on") or today + datetime.timedelta(days=default_days())
    check_expiry(expires_on, today)
    posting = Posting(
        **{k: v for k, v in data.items() if k != "expires_on"},
        organisation=organisation,
        created_by=user if is_registered(user) else None,
        expires_on=expires_on,
        source=source,
    )
    if is_staff(user) or verified_recently(organisation, today):
        posting.status = PostingStatus.PUBLISHED
        posting.published_at = timezone.now()
    else:
        posting.status = PostingStatus.PENDING
    _save_posting(posting, wz_codes)
    if posting.status == PostingStatus.PENDING:
        _notify_reviewers(posting)
    else:
        _published([posting.pk])
    _reindex([posting.pk])
    return posting


@transaction.atomic
def update_posting(
    user: Any, posting: Posting, data: dict[str, Any], *, wz_codes: Iterable[Any] | None = None
) -> Posting:
    if not may_manage(user, posting):
        raise PermissionDenied(_("You may not change this posting."))
    if posting.status in (PostingStatus.CLOSED, PostingStatus.REJECTED):
        raise ValidationError(_("A closed or rejected posting can no longer be changed."))
    old_expiry = posting.expires_on
    for name, value in data.items():
        setattr(posting, name, value)
    if posting.expires_on != old_expiry:
        check_expiry(posting.expires_on)
        posting.reminded_at = None  # a new expiry, a new reminder
        if posting.status == PostingStatus.EXPIRED:
            posting.status = PostingStatus.PUBLISHED
    _save_posting(posting, wz_codes)
    _reindex([posting.pk])
    return posting


@transaction.atomic
def extend_posting(user: Any, posting: Posting, days: int | None = None) -> Posting:
    """Run the posting another ``days`` (default POSTING_DEFAULT_DAYS) from today."""
    days = min(days or default_days(), max_days())
    return update_posting(
        user, posting, {"expires_on": timezone.localdate() + datetime.timedelta(days=days)}
    )


@transaction.atomic
def close_posting(user: Any, posting: Posting) -> Posting:
    if not may_manage(user, posting):
        raise PermissionDenied(_("You may not close this posting."))
    if posting.status != PostingStatus.CLOSED:
        posting.status = PostingStatus.CLOSED
        posting.closed_at = timezone.now()
        posting.save(update_fields=["status", "closed_at", "modified"])
        _reindex([posting.pk])
    return posting


@transaction.atomic
def review_posting(user: Any, posting: Posting, *, approve: bool, note: str = "") -> Posting:
    """Staff decide a pending posting; the poster is told by mail."""
    if not is_staff(user):
        raise PermissionDenied(_("Only staff review postings."))
    if posting.status != PostingStatus.PENDING:
        raise ValidationError(_("This posting does not wait for review."))
    posting.review_note = note
    posting.reviewed_by = user
    if approve:
        posting.status = PostingStatus.PUBLISHED
        posting.published_at = timezone.now()
        if posting.expires_on < timezone.localdate():
            posting.expires_on = timezone.localdate() + datetime.timedelta(days=default_days())
    else:
        posting.status = PostingStatus.REJECTED
    posting.save()
    _tell_poster_of_review(posting)
    if approve:
        _published([posting.pk])
    _reindex([posting.pk])
    return posting


def bulk_set_status(ids: Iterable[int], status: str) -> int:
    """A bulk change (admin actions): the status of many postings, index in step."""
    ids = list(ids)
    now = timezone.now()
    with transaction.atomic():
        postings = Posting.objects.filter(pk__in=ids)
        extra: dict[str, Any] = {}
        if status == PostingStatus.PUBLISHED:
            postings.filter(published_at__isnull=True).update(published_at=now)
        if status == PostingStatus.CLOSED:
            extra["closed_at"] = now
        count = postings.update(status=status, modified=now, **extra)
        _reindex(ids)
        pagecache.written("sourcing")  # a bulk update sends no signal
        if status == PostingStatus.PUBLISHED:
            _published(ids)
    return count


# -- expiry and reminders ---------------------------------------------------------------


def expire_postings(today: datetime.date | None = None) -> tuple[int, int]:
    """Expire published postings past their date and remind posters of those that expire
    in POSTING_REMINDER_DAYS days (once each: the outbox key). Returns (expired, reminded)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        due = list(
            Posting.objects.filter(
                status=PostingStatus.PUBLISHED, expires_on__lt=today
            ).values_list("pk", flat=True)
        )
        if due:
            Posting.objects.filter(pk__in=due).update(
                status=PostingStatus.EXPIRED, modified=timezone.now()
            )
            _reindex(due)
            pagecache.written("sourcing")
    reminded = 0
    soon = today + datetime.timedelta(days=reminder_days())
    candidates = Posting.objects.filter(
        status=PostingStatus.PUBLISHED,
        expires_on__gte=today,
        expires_on__lte=soon,
        reminded_at__isnull=True,
    ).select_related("organisation", "created_by")
    for posting in candidates:
        with transaction.atomic():
            if _send_reminder(posting):
                reminded += 1
            Posting.objects.filter(pk=posting.pk).update(reminded_at=timezone.now())
    return len(due), reminded


def poster_addresses(posting: Posting) -> list[str]:
    """Who is told about a posting: its creator, else the organisation's editors."""
    user = posting.created_by
    if user is not None and user.is_active and user.email:
        return [user.email]
    return sorted(
        {
            e.user.email
            for e in posting.organisation.editors.select_related("user")
            if e.user.is_active and e.user.email
        }
    )


def _absolute(path: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + path


def _send_reminder(posting: Posting) -> bool:
    addresses = poster_addresses(posting)
    for address in addresses:
        enqueue(
            to=address,
            subject=_("Your posting “%(title)s” expires on %(date)s")
            % {"title": posting.title, "date": posting.expires_on.strftime("%d.%m.%Y")},
            template="sourcing/postings/email/reminder",
            context={
                "posting": posting,
                "url": _absolute(posting.get_absolute_url()),
                "manage_url": _absolute(reverse("sourcing:posting-edit", args=[posting.pk])),
            },
            key=f"posting-reminder:{posting.pk}:{posting.expires_on.isoformat()}:{address}",
            category=MailList.POSTING_REMINDERS,
        )
    return bool(addresses)


def _tell_poster_of_review(posting: Posting) -> None:
    approved = posting.status == PostingStatus.PUBLISHED
    subject = (
        _("Your posting “%(title)s” is published")
        if approved
        else _("Your posting “%(title)s” was not published")
    ) % {"title": posting.title}
    for address in poster_addresses(posting):
        enqueue(
            to=address,
            subject=subject,
            template="sourcing/postings/email/reviewed",
            context={
                "posting": posting,
                "approved": approved,
                "url": _absolute(posting.get_absolute_url()),
            },
            key=f"posting-review:{posting.pk}:{posting.status}:{address}",
        )


def _notify_reviewers(posting: Posting) -> None:
    from django.contrib.auth import get_user_model

    staff = (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    for address in sorted(set(staff))[:20]:
        enqueue(
            to=address,
            subject=_("A posting waits for review: %(title)s") % {"title": posting.title},
            template="messaging/email/notice",
            context={
                "text": _("%(organisation)s posted “%(title)s”. It waits for review.")
                % {"organisation": posting.organisation.name, "title": posting.title},
                "link": _absolute(reverse("sourcing:posting-review")),
            },
            key=f"posting-pending:{posting.pk}:{address}",
        )


def organisations_withdrawn(organisation_ids: Iterable[int]) -> None:
    """An organisation was hidden, archived or deleted: its postings leave the index."""
    wanted = sorted({int(i) for i in organisation_ids})
    ids: list[int] = []
    for start in range(0, len(wanted), 5000):  # SQLite's limit of query parameters
        chunk = wanted[start : start + 5000]
        ids.extend(Posting.objects.filter(organisation_id__in=chunk).values_list("pk", flat=True))
    for start in range(0, len(ids), 5000):
        # Touched, so that the list's snapshot of open postings is read anew.
        Posting.objects.filter(pk__in=ids[start : start + 5000]).update(modified=timezone.now())
    _reindex(ids)
