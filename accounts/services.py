"""Staff groups: bring the database in line with ``accounts.roles`` and assign people."""

from __future__ import annotations

import base64
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.hashers import make_password
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import AbstractUser, Group, Permission, User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, get_random_string, salted_hmac
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.abuse import client_ip as client_ip  # the one reading of CLIENT_IP_HEADER
from messaging import services as outbox

from .models import (
    Account,
    AccountEmail,
    Claim,
    ConsentPurpose,
    ConsentRecord,
    LoginFailure,
    OrganisationEditor,
)
from .permissions import Action, can, forget_roles, holds_role
from .roles import ALL, CUSTOM_PERMISSIONS, ROLES, Grant

if TYPE_CHECKING:
    from directory.models import Organisation


@dataclass(frozen=True)
class GroupSetupResult:
    created: list[str]
    updated: list[str]
    unchanged: list[str]

    def __str__(self) -> str:
        return (
            f"created {len(self.created)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}"
        )


def ensure_permissions(using: str = "default") -> None:
    """Create Django's and our custom permissions for every app before groups refer to them.

    ``post_migrate`` creates each app's permissions when that app's signal fires; the
    groups are set up once for all apps, so they must not depend on signal order.
    """
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    for (app_label, model_name, action), name in CUSTOM_PERMISSIONS.items():
        owner = _app_config(app_label)
        if owner is None:
            continue
        model = owner.get_model(model_name)
        content_type = ContentType.objects.db_manager(using).get_for_model(
            model, for_concrete_model=False
        )
        Permission.objects.db_manager(using).get_or_create(
            content_type=content_type, codename=f"{action}_{model_name}", defaults={"name": name}
        )


def _app_config(app_label: str) -> AppConfig | None:
    try:
        return global_apps.get_app_config(app_label)
    except LookupError as exc:
        if global_apps.stored_app_configs:
            # A transactional test narrowed the registry (``available_apps``); the
            # permissions of the apps left out were flushed with it.
            return None
        raise ImproperlyConfigured(f"Role grant names unknown app {app_label!r}") from exc


def _permissions_for_grant(grant: Grant, using: str) -> list[Permission]:
    app_config = _app_config(grant.app_label)
    if app_config is None:
        return []
    if grant.model == "*":
        models = list(app_config.get_models())
    else:
        models = [app_config.get_model(grant.model)]
    content_types = ContentType.objects.db_manager(using).get_for_models(
        *models, for_concrete_models=False
    )
    permissions = (
        Permission.objects.using(using)
        .select_related("content_type")
        .filter(content_type__in=list(content_types.values()))
    )
    if grant.actions == ALL:
        return list(permissions)
    wanted = {f"{action}_{model._meta.model_name}" for model in models for action in grant.actions}
    found = list(permissions.filter(codename__in=wanted))
    missing = wanted - {p.codename for p in found}
    if missing and grant.model != "*":
        raise ImproperlyConfigured(
            f"Role grant {grant} names permissions that do not exist: {sorted(missing)}"
        )
    return found


def role_permissions(role_name: str, using: str = "default") -> set[Permission]:
    role = ROLES[role_name]
    permissions: set[Permission] = set()
    for grant in role.grants:
        permissions.update(_permissions_for_grant(grant, using))
    return permissions


@transaction.atomic
def setup_groups(using: str = "default") -> GroupSetupResult:
    """Create or update every staff group so it has exactly the permissions of its role.

    Idempotent; runs after each ``migrate`` so new models' permissions reach the groups.
    """
    ensure_permissions(using)
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    for role_name in ROLES:
        group, was_created = Group.objects.using(using).get_or_create(name=role_name)
        wanted = {p.pk for p in role_permissions(role_name, using)}
        current = set(group.permissions.values_list("pk", flat=True))
        if wanted != current:
            group.permissions.set(wanted)
        if was_created:
            created.append(role_name)
        elif wanted != current:
            updated.append(role_name)
        else:
            unchanged.append(role_name)
    return GroupSetupResult(created, updated, unchanged)


def _forget_cached_permissions(user: AbstractUser) -> None:
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)


def grant_role(user: AbstractUser, role_name: str) -> None:
    """Put a person into a staff group; staff status is what lets them into the back office."""
    if role_name not in ROLES:
        raise ValueError(f"Unknown role {role_name!r}; known: {', '.join(ROLES)}")
    group = Group.objects.filter(name=role_name).first()
    if group is None:
        setup_groups()
        group = Group.objects.get(name=role_name)
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    _forget_cached_permissions(user)


def revoke_role(user: AbstractUser, role_name: str) -> None:
    """Take a person out of a staff group; without any group they lose back-office access."""
    user.groups.remove(*Group.objects.filter(name=role_name))
    if not user.is_superuser and not user.groups.exists():
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    _forget_cached_permissions(user)


# --- Accounts: registration, verification, login, two factors --------------------------


logger = logging.getLogger(__name__)


class AccountError(Exception):
    """A request the account flows refuse, with a message for the person."""


class TooManyAttempts(AccountError):
    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _key(kind: str, value: str) -> str:
    """A keyed hash: lets the throttle tables count without holding addresses."""
    return salted_hmac(f"accounts.{kind}", value.lower(), algorithm="sha256").hexdigest()


def user_by_email(email: str) -> User | None:
    """The account that signs in with this address (its user name, or for accounts
    made in the back office with another user name, its one email address)."""
    model = get_user_model()
    email = normalise_email(email)
    found = model.objects.filter(username=email).first()
    if found is None:
        same = list(model.objects.filter(email__iexact=email)[:2])
        found = same[0] if len(same) == 1 else None
    return found


def login_name(email: str) -> str:
    user = user_by_email(email)
    return user.get_username() if user is not None else normalise_email(email)


class VerificationTokens(PasswordResetTokenGenerator):
    """Tokens for a link that verifies an address; void once the account is active."""

    key_salt = "accounts.VerificationTokens"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        # The password hash: a later registration of the same address voids earlier links.
        return f"{user.pk}{user.is_active}{user.email}{user.password}{timestamp}"

    def check_token(self, user: User | None, token: str | None) -> bool:
        """As Django's, but valid ``ACCOUNT_VERIFICATION_DAYS`` (not the reset timeout)."""
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age = self._num_seconds(self._now()) - ts
        return age <= settings.ACCOUNT_VERIFICATION_DAYS * 24 * 3600


verification_tokens = VerificationTokens()


def limit_per_hour(kind: str, value: str, limit: int, message: str) -> None:
    """Refuse the ``limit``+1st action of a kind for one value (an address, a client)
    within an hour; counts the action otherwise."""
    key = _key(kind, value)
    since = timezone.now() - timedelta(hours=1)
    AccountEmail.objects.filter(created__lt=since).delete()
    if AccountEmail.objects.filter(key=key, created__gte=since).count() >= limit:
        raise TooManyAttempts(message, retry_after=3600)
    AccountEmail.objects.create(key=key)


def limit_account_emails(email: str) -> None:
    """Refuse a further account email to an address that had its hourly share."""
    limit_per_hour(
        "mail",
        email,
        settings.ACCOUNT_EMAILS_PER_HOUR,
        _("We have sent several emails to this address in the last hour. Please wait."),
    )


def _send(
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    request: HttpRequest | None,
    *,
    key: str | None = None,
) -> None:
    """Write an account email into the outbox (``messaging``), in the caller's
    transaction; it leaves after the commit. ``template`` names the text part, the HTML
    part is its ``.html`` twin. Links point to the host the request came to."""
    base_url = (
        request.build_absolute_uri("/").rstrip("/") if request is not None else settings.PORTAL_URL
    )
    outbox.enqueue(
        to=to,
        subject=subject,
        template=template.removesuffix(".txt"),
        context={**context, "base_url": base_url},
        key=key,
    )


def send_password_reset(to: str, subject: str, context: dict[str, Any]) -> None:
    """The password-reset link (Django's reset form builds the context), through the outbox."""
    outbox.enqueue(
        to=to,
        subject=subject,
        template="accounts/email/password_reset",
        context=context,
        key=f"password-reset:{context['uid']}:{context['token']}",
    )


def register(
    request: HttpRequest,
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    consent_text: str,
    consent_version: str,
    source: str = "registration form",
) -> User | None:
    """Create an inactive account and send the link that verifies its address.

    An address that already has an account gets an email that says so instead (the
    page answers the same either way: nobody learns who is registered). Returns the
    new user, or None where the address was taken.
    """
    email = normalise_email(email)
    limit_account_emails(email)
    existing = user_by_email(email)
    if existing is not None and not _unconfirmed_registration(existing):
        # Hash the password as a new registration does, so that the answer takes as long
        # for a taken address as for a free one (docs/accounts.md).
        make_password(password)
        _send(
            email,
            _("Registration with your address"),
            "accounts/email/already_registered.txt",
            {"user": existing},
            request,
        )
        return None
    model = get_user_model()
    with transaction.atomic():
        # An address registered but never confirmed is registered anew: whoever
        # registered it first cannot keep it (the link goes to the mailbox, and
        # activating asks for the password of the latest registration).
        user = existing or model(username=email, email=email, is_active=False)
        user.first_name = first_name
        user.last_name = last_name
        user.set_password(password)
        user.save()
        Account.objects.get_or_create(user=user)
        ConsentRecord.objects.create(
            user=user,
            purpose=ConsentPurpose.PRIVACY,
            granted=True,
            text=consent_text,
            text_version=consent_version,
            source=source,
        )
        send_verification(request, user)
    return user


def _unconfirmed_registration(user: User) -> bool:
    """A self-registration whose address was never confirmed (staff-made or deactivated
    accounts are not: they have no Account row without a verified date)."""
    account = Account.objects.filter(user=user).first()
    return (
        not user.is_active
        and user.last_login is None
        and account is not None
        and account.email_verified_at is None
    )


def send_verification(request: HttpRequest, user: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = verification_tokens.make_token(user)
    _send(
        user.email,
        _("Please confirm your email address"),
        "accounts/email/verify.txt",
        {
            "user": user,
            "link": request.build_absolute_uri(
                reverse("accounts:verify", kwargs={"uidb64": uid, "token": token})
            ),
            "days": settings.ACCOUNT_VERIFICATION_DAYS,
        },
        request,
    )


def resend_verification(request: HttpRequest, email: str) -> None:
    """Send a new link to an account that is not verified yet; silent otherwise."""
    email = normalise_email(email)
    user = user_by_email(email)
    if user is None or user.is_active:
        return
    limit_account_emails(email)
    send_verification(request, user)


def verification_user(uidb64: str, token: str) -> User:
    """The not yet active account a valid verification link names, or AccountError."""
    model = get_user_model()
    try:
        user = model.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, model.DoesNotExist) as exc:
        raise AccountError(_("This link does not name an account.")) from exc
    if not verification_tokens.check_token(user, token):
        raise AccountError(_("This link has expired or was already used. Ask for a new one below."))
    return user


def verify_email(uidb64: str, token: str, password: str) -> User:
    """Activate the account a verification link names, with the password chosen at
    registration (so that only the person who registered and reads the mailbox can)."""
    user = verification_user(uidb64, token)
    if not user.check_password(password):
        raise AccountError(
            _(
                "This is not the password chosen at registration. Register again with "
                "this address to choose a new one."
            )
        )
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        account, _created = Account.objects.get_or_create(user=user)
        account.email_verified_at = timezone.now()
        account.save(update_fields=["email_verified_at"])
    return user


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)


def _locked_for(key: str, limit: int) -> int:
    """Seconds until ``key`` may try again (0: now)."""
    failures = LoginFailure.objects.filter(key=key, created__gte=_window_start())
    if failures.count() < limit:
        return 0
    oldest = failures.order_by("created").values_list("created", flat=True).first()
    assert oldest is not None
    until = oldest + timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    return max(1, int((until - timezone.now()).total_seconds()))


def check_credentials(request: HttpRequest, email: str, password: str) -> User:
    """The user these credentials name, or AccountError; counts and throttles failures.

    A locked address or client is refused before the password is looked at, so a
    guesser learns nothing more during the lock.
    """
    email = normalise_email(email)
    by_account, by_ip = _key("login", email), _key("ip", client_ip(request))
    wait = max(
        _locked_for(by_account, settings.LOGIN_FAILURES_PER_ACCOUNT),
        _locked_for(by_ip, settings.LOGIN_FAILURES_PER_IP),
    )
    if wait:
        minutes = max(1, round(wait / 60))
        raise TooManyAttempts(
            ngettext(
                "Too many failed attempts. Please try again in %(n)d minute.",
                "Too many failed attempts. Please try again in %(n)d minutes.",
                minutes,
            )
            % {"n": minutes},
            retry_after=wait,
        )
    # One password hash on every path (unknown address, wrong password, unconfirmed
    # account): an unconfirmed account's password is checked here instead of in
    # authenticate(), which would hash it a second time (docs/accounts.md).
    inactive = user_by_email(email)
    if inactive is not None and not inactive.is_active:
        user = None
        if inactive.check_password(password):
            raise AccountError(
                _(
                    "Your email address is not confirmed yet. Follow the link in the email "
                    "we sent, or ask for a new one."
                )
            )
    else:
        user = authenticate(request, username=login_name(email), password=password)
    if user is None:
        LoginFailure.objects.filter(created__lt=_window_start()).delete()
        LoginFailure.objects.bulk_create([LoginFailure(key=by_account), LoginFailure(key=by_ip)])
        raise AccountError(_("Email address and password do not match an account."))
    LoginFailure.objects.filter(key=by_account).delete()
    return user


def needs_second_factor(user: User) -> bool:
    """Every staff account signs in with a one-time code as well (issue 4)."""
    return bool(getattr(user, "is_staff", False))


def totp_device(user: User, confirmed: bool | None = True) -> TOTPDevice | None:
    devices = TOTPDevice.objects.devices_for_user(user, confirmed=confirmed)
    return devices.order_by("-pk").first()


def start_totp_setup(user: User) -> TOTPDevice:
    """An unconfirmed authenticator for ``user`` (the same one until it is confirmed)."""
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=str(_("Authenticator app")), confirmed=False
        )
    return device


RECOVERY_CODES = 10


def confirm_totp_setup(user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with a first code; returns new recovery codes."""
    device = start_totp_setup(user)
    if not device.verify_token(_digits(code)):
        raise AccountError(_("This code is not valid. Enter the current six-digit code."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(user)
    return device, codes


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes (each works once, instead of the app's code)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=str(_("Recovery codes")))
    codes = []
    for _i in range(RECOVERY_CODES):
        code = get_random_string(10, "abcdefghjkmnpqrstuvwxyz23456789")
        StaticToken.objects.create(device=device, token=code)
        codes.append(code)
    return codes


def _digits(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace())


def verify_second_factor(user: User, code: str) -> Device:
    """The device that accepts ``code``: six digits are the app's current code, anything
    else a recovery code (each device counts only its own failures)."""
    code = _digits(code)
    if code.isdigit() and len(code) == 6:
        devices: list[Device] = [d for d in [totp_device(user)] if d is not None]
    else:
        code = code.lower()
        devices = list(StaticDevice.objects.devices_for_user(user, confirmed=True))
    for device in devices:
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            raise AccountError(
                _("Too many wrong codes. Wait a little, then enter the current code.")
            )
        if device.verify_token(code):
            return device
    raise AccountError(_("This code is not valid. Enter the current six-digit code."))


def complete_login(request: HttpRequest, user: User, device: Device | None) -> None:
    """Log in; staff sessions are shorter and carry the verified second factor."""
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    if getattr(user, "is_staff", False):
        request.session.set_expiry(settings.STAFF_SESSION_AGE)


def totp_secret(device: TOTPDevice) -> str:
    """The key in base32, for typing into an app that cannot scan the QR code."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def account_of(user: User) -> Account:
    account, _created = Account.objects.get_or_create(user=user)
    return account


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


# --- Claims: a registered user becomes an organisation's editor --------------------------

CLAIM_CODE_ATTEMPTS = 5
CLAIM_CODE_HOURS = 24


def organisation_domain(organisation: Organisation) -> str:
    """The organisation's own web domain (without ``www.``), or "" without a website."""
    host = (urlsplit(organisation.website).hostname or "").lower() if organisation.website else ""
    return host.removeprefix("www.")


def address_at_domain(email: str, domain: str) -> bool:
    host = normalise_email(email).rpartition("@")[2]
    return bool(domain) and (host == domain or host.endswith("." + domain))


def _code_hash(claim: Claim, code: str) -> str:
    return salted_hmac("accounts.claim", f"{claim.pk}:{code}", algorithm="sha256").hexdigest()


def grant_editor(
    user: User, organisation: Organisation, via: str, by: User | None = None
) -> OrganisationEditor:
    """Make ``user`` an editor of the organisation; the history names ``by`` (the staff
    member who decided) or, for a confirmed domain code, the user."""
    role = OrganisationEditor.objects.filter(user=user, organisation=organisation).first()
    if role is None:
        role = OrganisationEditor(user=user, organisation=organisation, via=via)
        role._history_user = by or user  # type: ignore[attr-defined]
        role.save()
    forget_roles(user)
    return role


def revoke_editor(user: User, organisation: Organisation, by: User | None = None) -> None:
    for role in OrganisationEditor.objects.filter(user=user, organisation=organisation):
        role._history_user = by  # type: ignore[attr-defined]
        role.delete()
    forget_roles(user)


def _require_claimable(user: User, organisation: Organisation) -> None:
    if holds_role(user, organisation):
        raise AccountError(_("You already maintain this profile."))
    if not can(user, Action.CLAIM, organisation):
        raise AccountError(_("This profile cannot be claimed with your account."))


def start_domain_claim(
    request: HttpRequest, user: User, organisation: Organisation, email: str
) -> Claim:
    """Send a code to an address at the organisation's own web domain."""
    _require_claimable(user, organisation)
    domain = organisation_domain(organisation)
    if not domain:
        raise AccountError(
            _("This profile has no website, so its domain cannot confirm you. Ask for a review.")
        )
    if not address_at_domain(email, domain):
        raise AccountError(
            _("The address must end in @%(domain)s (or a subdomain of it).") % {"domain": domain}
        )
    email = normalise_email(email)
    pending = Claim.objects.filter(
        user=user, organisation=organisation, method=Claim.Method.DOMAIN, status="pending"
    ).first()
    if pending is not None and pending.attempts >= CLAIM_CODE_ATTEMPTS:
        # The tries belong to the claim, not to one code: new codes do not renew them.
        raise AccountError(
            _("Too many wrong codes for this profile. Please ask the staff for a review.")
        )
    limit_account_emails(email)
    limit_account_emails(f"user-{user.pk}@claims")  # also per account, whatever the address
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        claim = (
            Claim.objects.select_for_update()
            .filter(
                user=user,
                organisation=organisation,
                method=Claim.Method.DOMAIN,
                status=Claim.Status.PENDING,
            )
            .first()
        ) or Claim(user=user, organisation=organisation, method=Claim.Method.DOMAIN)
        claim.email = email
        claim.code_sent_at = timezone.now()
        claim.save()
        claim.code_hash = _code_hash(claim, code)
        claim.save(update_fields=["code_hash"])
        _send(
            email,
            _("Your code for %(organisation)s") % {"organisation": organisation.name},
            "accounts/email/claim_code.txt",
            {"user": user, "organisation": organisation, "code": code, "hours": CLAIM_CODE_HOURS},
            request,
            key=f"claim-code:{claim.pk}:{claim.code_hash}",
        )
    return claim


def confirm_claim_code(user: User, claim: Claim, code: str) -> OrganisationEditor:
    """Check the code sent for a domain claim; the right one makes the user an editor."""
    if claim.user_id != user.pk or claim.method != Claim.Method.DOMAIN:
        raise AccountError(_("This claim is not yours."))
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        try:
            return _check_claim_code(user, claim, code)
        except AccountError as error:
            refused = error  # leave the block normally: a counted try must be kept
    raise refused


def _check_claim_code(user: User, claim: Claim, code: str) -> OrganisationEditor:
    if not can(user, Action.CLAIM, claim.organisation):
        raise AccountError(_("This profile cannot be claimed with your account."))
    if claim.status != Claim.Status.PENDING:
        raise AccountError(_("This claim is already decided."))
    expired = claim.code_sent_at is None or timezone.now() - claim.code_sent_at > timedelta(
        hours=CLAIM_CODE_HOURS
    )
    if claim.attempts >= CLAIM_CODE_ATTEMPTS:
        raise AccountError(
            _("Too many wrong codes for this profile. Please ask the staff for a review.")
        )
    if expired:
        raise AccountError(_("This code is no longer valid. Ask for a new one."))
    if not constant_time_compare(claim.code_hash, _code_hash(claim, _digits(code))):
        claim.attempts += 1
        claim.save(update_fields=["attempts"])
        left = CLAIM_CODE_ATTEMPTS - claim.attempts
        raise AccountError(
            ngettext(
                "This code is wrong. %(n)d more try.",
                "This code is wrong. %(n)d more tries.",
                left,
            )
            % {"n": left}
            if left
            else _("Too many wrong codes for this profile. Please ask the staff for a review.")
        )
    claim.status = Claim.Status.VERIFIED
    claim.decided_at = timezone.now()
    claim.save(update_fields=["status", "decided_at"])
    return grant_editor(user, claim.organisation, OrganisationEditor.Via.DOMAIN)


@transaction.atomic
def request_claim_review(user: User, organisation: Organisation, message: str) -> Claim:
    """Ask staff to confirm the user as the profile's editor (the reviewers get an email
    in the same transaction: ``accounts.notifications``)."""
    _require_claimable(user, organisation)
    if not message.strip():
        raise AccountError(_("Please tell the staff who you are in the organisation."))
    existing = Claim.objects.filter(
        user=user, organisation=organisation, method=Claim.Method.REVIEW, status="pending"
    ).first()
    if existing is not None:
        existing.message = message.strip()
        existing.save(update_fields=["message"])
        return existing
    return Claim.objects.create(
        user=user, organisation=organisation, method=Claim.Method.REVIEW, message=message.strip()
    )


def decide_claim(
    request: HttpRequest | None, claim: Claim, staff: User, accept: bool, note: str = ""
) -> None:
    """A staff decision on a claim; the user gets an email either way."""
    if not can(staff, Action.REVIEW, claim.organisation):
        raise AccountError(_("You may not decide claims."))
    if claim.status != Claim.Status.PENDING:
        raise AccountError(_("This claim is already decided."))
    with transaction.atomic():
        claim.status = Claim.Status.VERIFIED if accept else Claim.Status.REJECTED
        claim.decided_at = timezone.now()
        claim.decided_by = staff
        claim.decision_note = note
        claim.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
        if accept:
            grant_editor(claim.user, claim.organisation, OrganisationEditor.Via.REVIEW, staff)
        if claim.user.email:
            _send(
                claim.user.email,
                _("Your claim for %(organisation)s") % {"organisation": claim.organisation.name},
                "accounts/email/claim_decided.txt",
                {"claim": claim, "accepted": accept},
                request,
                key=f"claim-decided:{claim.pk}",
            )
