"""Account pages: registration, verification, login with a second factor, password."""

from __future__ import annotations

import time
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from core import audit
from core.abuse import hit_rate_limit, rate_limited_response
from core.choices import AuditAction
from messaging import relay

from . import privacy, services
from .consents import PRIVACY_CONSENT
from .forms import (
    ActivateForm,
    ClaimCodeForm,
    CodeForm,
    DeleteAccountForm,
    DomainClaimForm,
    LoginForm,
    OutboxPasswordResetForm,
    RegistrationForm,
    ResendForm,
    ReviewClaimForm,
)
from .models import Claim
from .permissions import Action, can, editable_organisations, holds_role

PENDING = "accounts.pending_login"
PENDING_SECONDS = 300
RECOVERY_CODES = "accounts.recovery_codes"


def _next_url(request: HttpRequest, default: str = "") -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default or reverse(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password1", "password2")
@never_cache
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST" and hit_rate_limit(request, "default", "register"):
        return rate_limited_response(request, "default")
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.register(
                    request,
                    email=data["email"],
                    password=data["password1"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    consent_text=str(PRIVACY_CONSENT.text),
                    consent_version=privacy.consent_version(),
                )
            except services.TooManyAttempts as error:
                form.add_error(None, str(error))
                status = 429
            else:
                request.session["accounts.registered_email"] = services.normalise_email(
                    data["email"]
                )
                return redirect("accounts:register-sent")
        else:
            status = 400
    return render(request, "accounts/register.html", {"form": form}, status=status)


def register_sent(request: HttpRequest) -> HttpResponse:
    email = request.session.get("accounts.registered_email", "")
    return render(
        request,
        "accounts/register_sent.html",
        {"email": email, "resend": ResendForm(initial={"email": email})},
    )


@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    form = ResendForm(request.POST)
    if form.is_valid():
        try:
            services.resend_verification(request, form.cleaned_data["email"])
        except services.TooManyAttempts as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _(
                    "If this address has an account that is not confirmed yet, we have sent "
                    "a new link to it."
                ),
            )
    else:
        messages.error(request, _("Please enter a valid email address."))
    return redirect("accounts:register-sent")


@sensitive_post_parameters("password")
@never_cache
def verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link from the verification email: a form that activates the account with its
    password (opening the link changes nothing; mail scanners open links) and signs in."""
    try:
        services.verification_user(uidb64, token)
    except services.AccountError as error:
        return render(
            request,
            "accounts/verify_failed.html",
            {"error": str(error), "resend": ResendForm()},
            status=400,
        )
    form = ActivateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = services.verify_email(uidb64, token, form.cleaned_data["password"])
            except services.AccountError as error:
                form.add_error("password", str(error))
            else:
                services.complete_login(request, user, None)
                messages.success(request, _("Your email address is confirmed. Welcome!"))
                return redirect("accounts:account")
    return render(request, "accounts/verify.html", {"form": form}, status=status)


@sensitive_post_parameters("password")
@never_cache
def login(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return HttpResponseRedirect(next_url)
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = services.check_credentials(
                    request, form.cleaned_data["email"], form.cleaned_data["password"]
                )
            except services.TooManyAttempts as error:
                form.add_error(None, str(error))
                status = 429
            except services.AccountError as error:
                form.add_error(None, str(error))
            else:
                if services.needs_second_factor(user):
                    request.session.cycle_key()
                    request.session[PENDING] = {
                        "user": user.pk,
                        "at": time.time(),
                        "next": next_url,
                    }
                    return redirect("accounts:second-factor")
                services.complete_login(request, user, None)
                return HttpResponseRedirect(next_url)
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@sensitive_post_parameters("code")
@never_cache
def second_factor(request: HttpRequest) -> HttpResponse:
    """The second step of a staff login: the authenticator's code, or its set-up."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        messages.error(request, _("Please sign in with your password first."))
        return redirect("accounts:login")
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING, None)
        return redirect("accounts:login")
    setting_up = services.totp_device(user) is None
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            code = form.cleaned_data["code"]
            try:
                if setting_up:
                    device, codes = services.confirm_totp_setup(user, code)
                else:
                    device, codes = services.verify_second_factor(user, code), []
            except services.AccountError as error:
                form.add_error("code", str(error))
                audit.record(
                    AuditAction.TWO_FACTOR,
                    user=user,
                    request=request,
                    obj=user,
                    summary="wrong code",
                    force=user.is_staff,
                )
            else:
                if setting_up:
                    audit.record(
                        AuditAction.TWO_FACTOR,
                        user=user,
                        request=request,
                        obj=user,
                        summary="authenticator set up",
                        force=user.is_staff,
                    )
                request.session.pop(PENDING, None)
                services.complete_login(request, user, device)
                if codes:
                    request.session[RECOVERY_CODES] = codes
                    return redirect("accounts:recovery-codes")
                return HttpResponseRedirect(pending["next"])
    context: dict[str, Any] = {"form": form, "setting_up": setting_up}
    if setting_up:
        device = services.start_totp_setup(user)
        qr = segno.make(device.config_url, error="m")
        context["qr_svg"] = qr.svg_inline(scale=4, dark="#000", light="#fff")
        secret = services.totp_secret(device)
        context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render(request, "accounts/second_factor.html", context, status=status)


@login_required
@never_cache
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once (after set-up, or when asked for new ones)."""
    if request.method == "POST":
        request.session[RECOVERY_CODES] = services.new_recovery_codes(request.user)  # type: ignore[arg-type]
        audit.record(
            AuditAction.TWO_FACTOR,
            request=request,
            obj=request.user,  # type: ignore[arg-type]
            summary="new recovery codes",
        )
        return redirect("accounts:recovery-codes")
    codes = request.session.pop(RECOVERY_CODES, None)
    if not codes:
        return redirect("accounts:account")
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    state = privacy.consent_state(user)  # type: ignore[arg-type]
    return render(
        request,
        "accounts/account.html",
        {
            "account": services.account_of(user),  # type: ignore[arg-type]
            "consents": user.consents.all(),  # type: ignore[union-attr]
            "has_totp": services.totp_device(user) is not None,  # type: ignore[arg-type]
            "recovery_left": services.recovery_codes_left(user),  # type: ignore[arg-type]
            "organisations": editable_organisations(user),
            "waiting_conversations": relay.waiting_for(user),
            "consent_choices": [
                (purpose, text, state[purpose]) for purpose, text in privacy.CONSENT_TEXTS.items()
            ],
            "claims": user.claims.filter(status=Claim.Status.PENDING).select_related(  # type: ignore[union-attr]
                "organisation"
            ),
        },
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset; an address gets at most ``ACCOUNT_EMAILS_PER_HOUR`` emails an hour,
    and the page looks the same whether or not the address has an account."""

    template_name = "accounts/password_form.html"
    form_class = OutboxPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")
    extra_email_context = {"site_name": settings.PORTAL_NAME}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if hit_rate_limit(request, "address", "password-reset"):
            return rate_limited_response(request, "address")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            services.limit_account_emails(form.cleaned_data["email"])
        except services.TooManyAttempts:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_form.html",
    success_url=reverse_lazy("accounts:password-reset-complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
password_change = auth_views.PasswordChangeView.as_view(
    template_name="accounts/password_form.html",
    success_url=reverse_lazy("accounts:password-change-done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)
logout = auth_views.LogoutView.as_view()


def admin_login(request: HttpRequest) -> HttpResponse:
    """The back office signs in through the portal's login (with its second factor).

    A signed-in account without back-office access is told so: sending it to the login
    again would bounce between the two login pages forever.
    """
    next_url = _next_url(request, default=reverse("admin:index"))
    if not request.user.is_authenticated:
        return redirect_to_login(next_url, reverse("accounts:login"))
    if request.user.is_active and request.user.is_staff:
        return HttpResponseRedirect(next_url)
    return render(request, "accounts/staff_only.html", status=403)


# --- Claims --------------------------------------------------------------------------


def claim(request: HttpRequest, slug: str) -> HttpResponse:
    """Become the editor of a profile: a code to the organisation's domain, or a review."""
    from directory.models import Organisation

    organisation = Organisation.objects.published().filter(slug=slug).first()
    if organisation is None:
        raise Http404(_("No organisation is published under this address."))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    if holds_role(user, organisation):
        return redirect("directory:organisation-edit", slug=slug)
    domain = services.organisation_domain(organisation)
    domain_form = DomainClaimForm(request.POST if "send_code" in request.POST else None)
    review_form = ReviewClaimForm(request.POST if "ask_review" in request.POST else None)
    status = 200
    if not can(user, Action.CLAIM, organisation):
        messages.error(request, _("This profile cannot be claimed with your account."))
        status = 403
    elif request.method == "POST":
        status = 400
        try:
            if "send_code" in request.POST and domain_form.is_valid():
                pending = services.start_domain_claim(
                    request, user, organisation, domain_form.cleaned_data["email"]
                )
                return redirect("accounts:claim-code", pk=pending.pk)
            if "ask_review" in request.POST and review_form.is_valid():
                services.request_claim_review(
                    user, organisation, review_form.cleaned_data["message"]
                )
                messages.success(
                    request, _("Your request is with the staff. We will email you the decision.")
                )
                return redirect("accounts:account")
        except services.AccountError as error:
            (domain_form if "send_code" in request.POST else review_form).add_error(
                None, str(error)
            )
    return render(
        request,
        "accounts/claim.html",
        {
            "organisation": organisation,
            "domain": domain,
            "domain_form": domain_form,
            "review_form": review_form,
        },
        status=status,
    )


@login_required
def claim_code(request: HttpRequest, pk: int) -> HttpResponse:
    pending = get_object_or_404(Claim, pk=pk, user=request.user, method=Claim.Method.DOMAIN)
    form = ClaimCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.confirm_claim_code(request.user, pending, form.cleaned_data["code"])  # type: ignore[arg-type]
            except services.AccountError as error:
                form.add_error("code", str(error))
            else:
                messages.success(request, _("Confirmed: you maintain this profile now."))
                return redirect("directory:organisation-edit", slug=pending.organisation.slug)
    return render(
        request, "accounts/claim_code.html", {"claim": pending, "form": form}, status=status
    )


# --- Privacy ---------------------------------------------------------------------------


@login_required
@require_POST
def consents(request: HttpRequest) -> HttpResponse:
    """Give or withdraw the optional consents; each change is a new record."""
    state = privacy.consent_state(request.user)  # type: ignore[arg-type]
    changed = 0
    for purpose in privacy.CONSENT_TEXTS:
        wanted = request.POST.get(purpose) == "on"
        if wanted != state[purpose]:
            privacy.record_consent(request.user, purpose, wanted, "account page")  # type: ignore[arg-type]
            changed += 1
    if changed:
        messages.success(request, _("Your consents are saved."))
    return redirect("accounts:account")


@login_required
def data_download(request: HttpRequest) -> HttpResponse:
    """All data held about the account, as a JSON file."""
    data = privacy.export_user_data(request.user)  # type: ignore[arg-type]
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="meine-daten.json"'
    return response


@login_required
@sensitive_post_parameters("password")
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not request.user.check_password(form.cleaned_data["password"]):  # type: ignore[union-attr]
            form.add_error("password", _("This is not your password."))
        else:
            user = request.user
            auth_logout(request)
            privacy.delete_account(user)  # type: ignore[arg-type]
            messages.success(
                request,
                _("Your account is deleted. The organisation data you maintained remains."),
            )
            return redirect("home")
    return render(
        request,
        "accounts/delete_account.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def privacy_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/privacy_policy.html", {"policy": privacy.current_policy()})
