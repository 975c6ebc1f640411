"""Personal data as the GDPR asks: consents, access (a download), erasure, retention.

- Consents are records, never changed: a withdrawal is a new record (``record_consent``).
- ``export_user_data`` is everything held about an account, as JSON (Art. 15, 20).
- ``delete_account`` anonymises the account and its traces but keeps the organisation
  data it maintained, with the changes' history (Art. 17; the history then names an
  anonymous account).
- The apps above declare their own personal data (``register_personal_data``): one key
  of the download and, where they hold any, what deleting the account erases.
- ``erase_contact`` removes a contact person together with every earlier version of it.
- ``apply_retention`` deletes or empties what is kept no longer than its period
  (daily: ``manage.py apply_retention``).
"""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from messaging import services as outbox

from .consents import PRIVACY_CONSENT
from .models import (
    Account,
    AccountEmail,
    Claim,
    ConsentPurpose,
    ConsentRecord,
    LoginFailure,
    OrganisationEditor,
    PrivacyPolicy,
)

# What a person can consent to on their account page, with the wording shown.
# A changed wording gets a new version here; records keep text and version.
CONSENT_VERSIONS: dict[str, str] = {
    ConsentPurpose.NEWSLETTER: "newsletter-2026-11-30",
    ConsentPurpose.CONTACT: "contact-2026-11-30",
}
CONSENT_TEXTS: dict[str, str] = {
    ConsentPurpose.NEWSLETTER: "Ich möchte den Newsletter der Agentur per E-Mail erhalten.",
    ConsentPurpose.CONTACT: (
        "Die Agentur darf mich zu Angeboten, Veranstaltungen und Kooperationen kontaktieren."
    ),
}


def current_policy() -> PrivacyPolicy | None:
    return PrivacyPolicy.objects.filter(published__lte=timezone.now()).order_by("-version").first()


def consent_version() -> str:
    """The version a privacy consent given now refers to: the published policy's."""
    policy = current_policy()
    return f"policy-{policy.version}" if policy else PRIVACY_CONSENT.version


def shorten_ip(address: str) -> str:
    """The client's network instead of its address: IPv4 to /24, IPv6 to /48. Kept with a
    consent to show roughly where it came from (a burst of sign-ups from one network is
    recognisable), without naming one connection ("" for no valid address)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def record_consent(
    user: User | None,
    purpose: str,
    granted: bool,
    source: str,
    *,
    email: str = "",
    ip: str = "",
) -> ConsentRecord:
    """Write one consent decision of an account (``user``) or of a person known only by
    an address (``email``, e.g. a newsletter subscriber); ``ip`` is stored shortened."""
    if user is None and not email.strip():
        raise ValueError("A consent record names an account or an address")
    text = CONSENT_TEXTS.get(purpose) or str(PRIVACY_CONSENT.text)
    return ConsentRecord.objects.create(
        user=user,
        email=outbox.normalise_address(email) if email else "",
        ip=shorten_ip(ip),
        purpose=purpose,
        granted=granted,
        text=text,
        text_version=CONSENT_VERSIONS.get(purpose) or consent_version(),
        source=source,
    )


def consents_of(user: User) -> Any:
    """The account's consent records and those given under its confirmed address
    without an account (a newsletter subscription)."""
    condition = Q(user=user)
    address = confirmed_address(user)
    if address:
        condition |= Q(user__isnull=True, email=address)
    return ConsentRecord.objects.filter(condition)


def consent_state(user: User) -> dict[str, bool]:
    """Each purpose's latest decision (False where none was given)."""
    state = dict.fromkeys(CONSENT_TEXTS, False)
    records = ConsentRecord.objects.filter(user=user, purpose__in=list(state))
    for record in records.order_by("created", "pk"):
        state[record.purpose] = record.granted
    return state


# Personal data of the apps above: name → what to export and what to erase. Each app
# registers its own in ``AppConfig.ready()`` (``register_personal_data``), as it does its
# retention rules, so that this module imports no app above it.
Exporter = Callable[[User], Any]
Eraser = Callable[[User], None]


@dataclass(frozen=True)
class PersonalData:
    export: Exporter
    erase: Eraser | None


_personal_data: dict[str, PersonalData] = {}
# The keys ``export_user_data`` writes itself; a registered name may not take one.
BUILT_IN_KEYS = frozenset(
    {
        "exported",
        "account",
        "consents",
        "organisations_maintained",
        "claims",
        "change_requests",
        "changes_made",
        "emails",
    }
)


def register_personal_data(name: str, export: Exporter, erase: Eraser | None = None) -> None:
    """Add an app's personal data: ``export(user)`` returns what the data download lists
    under ``name`` (JSON-able); ``erase(user)`` deletes or anonymises it when the account is
    deleted (None: the app keeps nothing that is personal after the account is gone).
    Erasers run inside the deletion's transaction while ``user.email`` is still set."""
    if name in BUILT_IN_KEYS:
        raise ValueError(f"{name!r} is a key of the data download already")
    _personal_data[name] = PersonalData(export=export, erase=erase)


def registered_personal_data() -> dict[str, PersonalData]:
    return dict(_personal_data)


def confirmed_address(user: User) -> str:
    """The account's address, normalised, if its owner confirmed it (opened a link sent
    there), else "". Only a confirmed address makes what was filed under it without an
    account (an inquiry, a visitor's message) this account's: anyone can register with
    someone else's address, nobody can confirm it."""
    if not user.email:
        return ""
    confirmed = Account.objects.filter(user=user, email_verified_at__isnull=False).exists()
    return outbox.normalise_address(user.email) if confirmed else ""


def export_user_data(user: User) -> dict[str, Any]:
    """Everything the portal holds about this account: its own parts, then one key per
    app that registered personal data."""
    from directory.models import ChangeRequest

    account = Account.objects.filter(user=user).first()
    data: dict[str, Any] = {
        "exported": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "registered": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_verified": account.email_verified_at.isoformat()
            if account and account.email_verified_at
            else None,
            "staff": user.is_staff,
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "second_factor": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        },
        "consents": [
            {
                "purpose": c.purpose,
                "granted": c.granted,
                "text": c.text,
                "text_version": c.text_version,
                "source": c.source,
                "time": c.created.isoformat(),
                "email": c.email,
                "network": c.ip,
            }
            for c in consents_of(user).order_by("created", "pk")
        ],
        "organisations_maintained": [
            {"organisation": e.organisation.name, "since": e.created.isoformat(), "via": e.via}
            for e in OrganisationEditor.objects.filter(user=user).select_related("organisation")
        ],
        "claims": [
            {
                "organisation": c.organisation.name,
                "method": c.method,
                "status": c.status,
                "email": c.email,
                "message": c.message,
                "created": c.created.isoformat(),
            }
            for c in Claim.objects.filter(user=user).select_related("organisation")
        ],
        "change_requests": [
            {
                "organisation": r.organisation.name,
                "kind": r.kind,
                "changes": r.changes,
                "message": r.message,
                "status": r.status,
                "created": r.created.isoformat(),
            }
            for r in ChangeRequest.objects.filter(author=user).select_related("organisation")
        ],
        "changes_made": _changes_made(user),
        "emails": outbox.messages_to(user.email) if user.email else [],
    }
    for name, part in _personal_data.items():
        data[name] = part.export(user)
    return data


def _changes_made(user: User) -> list[dict[str, Any]]:
    """Entries of the change history that name this account as author."""
    from directory.models import ContactPerson, Organisation, Site

    entries = []
    for model in (Organisation, Site, ContactPerson):
        for h in model.history.filter(history_user=user).order_by("history_date"):  # type: ignore[attr-defined]
            entries.append(
                {
                    "what": model._meta.verbose_name,
                    "object": str(h.instance),
                    "time": h.history_date.isoformat(),
                    "type": {"+": "created", "~": "changed", "-": "deleted"}[h.history_type],
                }
            )
    return entries


@transaction.atomic
def delete_account(user: User) -> None:
    """Anonymise the account: no name, address, password, second factor, sessions or
    roles remain; organisation data and its history stay (naming an anonymous account).
    The apps' erasers run first, while the address is still known (they match by it)."""
    from directory.models import ChangeRequest

    for part in _personal_data.values():
        if part.erase is not None:
            part.erase(user)
    pk = user.pk
    # Consents given under the address without an account become the anonymous
    # account's: that a consent was given stays provable, to whom it was does not.
    consents_of(user).update(user=user, email="", ip="")
    outbox.forget_address(user.email)
    user.username = f"deleted-{pk}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    Account.objects.filter(user=user).delete()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    OrganisationEditor.objects.filter(user=user).delete()
    now = timezone.now()
    # What the person asked for and staff have not decided yet is withdrawn with them.
    Claim.objects.filter(user=user, status=Claim.Status.PENDING).update(
        status=Claim.Status.REJECTED, decided_at=now, decision_note="account deleted"
    )
    ChangeRequest.objects.filter(author=user, status=ChangeRequest.Status.PENDING).update(
        status=ChangeRequest.Status.REJECTED, decided_at=now, decision_note="account deleted"
    )
    Claim.objects.filter(user=user).update(email="", message="", code_hash="")
    ChangeRequest.objects.filter(author=user).update(author_email="", message="")
    for session in Session.objects.all().iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(pk):
            session.delete()


@transaction.atomic
def erase_contact(contact: Any) -> None:
    """Remove a contact person and every stored earlier version of them (an erasure
    request; an ordinary removal keeps the history)."""
    from directory.models import ContactPerson

    pk = contact.pk
    contact.delete()
    ContactPerson.history.filter(id=pk).delete()  # type: ignore[attr-defined]


# Retention rules of the apps above: name → function(now) → number of records deleted
# or emptied. Each app registers its own in ``AppConfig.ready()`` (``register_retention``),
# so that this module imports no app above it.
_retention_rules: dict[str, Callable[[datetime.datetime], int]] = {}


def register_retention(name: str, rule: Callable[[datetime.datetime], int]) -> None:
    """Add an app's retention rule to ``apply_retention``; ``name`` says what it removes
    ("relayed messages", "inquiries") in the command's report."""
    _retention_rules[name] = rule


@dataclass
class RetentionResult:
    accounts: int = 0
    messages: int = 0
    claims: int = 0
    throttling: int = 0
    emails: int = 0
    others: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        text = (
            f"deleted {self.accounts} unconfirmed account(s); emptied {self.messages} "
            f"decided change request(s) and {self.claims} decided claim(s); "
            f"dropped {self.throttling} throttling record(s) and {self.emails} old email(s)"
        )
        for name, count in self.others.items():
            text += f"; {name}: {count}"
        return text


@transaction.atomic
def apply_retention(now: datetime.datetime | None = None) -> RetentionResult:
    from directory.models import ChangeRequest

    now = now or timezone.now()
    result = RetentionResult()
    unconfirmed = now - datetime.timedelta(days=settings.RETENTION_UNCONFIRMED_ACCOUNT_DAYS)
    # Self-registrations never confirmed (staff-made or deactivated accounts stay).
    stale = User.objects.filter(
        is_active=False,
        last_login__isnull=True,
        date_joined__lt=unconfirmed,
        account__isnull=False,
        account__email_verified_at__isnull=True,
    )
    result.accounts = stale.count()
    stale.delete()
    decided = now - datetime.timedelta(days=settings.RETENTION_MESSAGES_DAYS)
    old_requests = ChangeRequest.objects.filter(decided_at__lt=decided).exclude(
        message="", author_email=""
    )
    result.messages = old_requests.update(message="", author_email="")
    old_claims = Claim.objects.filter(decided_at__lt=decided).exclude(message="", email="")
    result.claims = old_claims.update(message="", email="")
    result.emails = outbox.delete_finished(decided)
    window = now - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    result.throttling = LoginFailure.objects.filter(created__lt=window).delete()[0]
    result.throttling += AccountEmail.objects.filter(
        created__lt=now - datetime.timedelta(hours=1)
    ).delete()[0]
    for name, rule in _retention_rules.items():
        result.others[name] = rule(now)
    return result
