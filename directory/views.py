"""Public pages of the directory: organisation list and profile."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import InvalidPage
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import Action, can
from accounts.services import TooManyAttempts, client_ip
from classification import suggestions
from classification.models import WzCode
from core.abuse import hit_rate_limit, rate_limited_response
from core.pagecache import SEARCH, keep_page, of_app
from core.pagination import Paginator

from . import actions, freshness, services
from .filtersets import OrganisationFilterSet
from .forms import ContactForm, CorrectionForm, MemberForm, ProfileForm, SiteForm
from .models import ChangeRequest, ContactPerson, Membership, Organisation, Site

PAGE_SIZE = 25
WZ_SUGGESTIONS = 5


@keep_page(SEARCH)
def organisation_list(request: HttpRequest) -> HttpResponse:
    filterset = OrganisationFilterSet(request.GET, services.organisation_list_queryset())
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    asked = request.GET.get("page") or "1"
    missing_page = None
    try:
        page = paginator.page(asked)
        organisations = list(page.object_list)
    except InvalidPage:
        # Say that the page does not exist and lead to the last one; the list's count
        # stays true (never "page 10 of 10" above "no organisation matches"), and exact.
        paginator.exact_count()
        page = paginator.page(paginator.num_pages)
        organisations = []
        missing_page = {
            "number": asked[:20],
            "last": paginator.num_pages,
            "url": _list_url(request, page=paginator.num_pages),
        }
    context = {
        "filter_form": filterset.form,
        "is_filtered": filterset.is_filtered,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "organisations": organisations,
        "shows_generated": any(o.is_generated for o in organisations),
        "missing_page": missing_page,
    }
    partial = request.htmx and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    template = (
        "directory/_organisation_results.html" if partial else "directory/organisation_list.html"
    )
    # htmx swaps no error answers: its partial says the same with a 200.
    status = 404 if missing_page and not partial else 200
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _list_url(request: HttpRequest, **changes: Any) -> str:
    params = request.GET.copy()
    for name, value in changes.items():
        params[name] = str(value)
    return f"{reverse('directory:organisation-list')}?{params.urlencode()}"


# The profile shows rows the index does not hold (contacts, memberships, sites).
@keep_page(SEARCH, *(of_app(label) for label in ("classification", "geo", "directory")))
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organisation = services.organisation_detail(slug, request.user)
    except Organisation.DoesNotExist as exc:
        raise Http404(_("No organisation is published under this address.")) from exc
    if organisation.is_network:
        # A network's canonical page is its network profile, resolved by name so that
        # the directory knows no app above it.
        try:
            return redirect(
                reverse("networks:detail", kwargs={"slug": organisation.slug}), permanent=True
            )
        except NoReverseMatch:
            pass
    all_contacts = list(organisation.contacts.all())
    contacts = services.visible_contacts(organisation, request.user)
    description = services.localized_description(organisation)
    context = {
        "organisation": organisation,
        "description": description,
        "wz_paths": services.organisation_wz_paths(organisation),
        "sites": organisation.site_list,  # type: ignore[attr-defined]
        "map_data": services.site_map_data(organisation.site_list),  # type: ignore[attr-defined]
        "contacts": contacts,
        "hidden_contacts": len(all_contacts) - len(contacts),
        "members": services.network_members(organisation) if organisation.is_network else None,
        "json_ld": services.organisation_json_ld(organisation, request),
        "is_staff": services.is_staff(request.user),
        "may_edit": can(request.user, Action.EDIT, organisation),
        # Anonymous visitors see the offer too; the claim page asks them to sign in.
        "may_claim": can(request.user, Action.CLAIM, organisation)
        or not request.user.is_authenticated,
    }
    return render(request, "directory/organisation_detail.html", context)


# --- Self-service: organisation editors, network managers, corrections -----------------


def _organisation_for(request: HttpRequest, slug: str, action: Action) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not can(request.user, action, organisation):
        if organisation is not None and not request.user.is_authenticated:
            raise _LoginNeeded
        raise Http404(_("No organisation you may change is published under this address."))
    return organisation


class _LoginNeeded(Exception):
    pass


def _editing(view: Any) -> Any:
    """Anonymous visitors are sent to the login; others without the right get a 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _LoginNeeded:
            return redirect_to_login(request.get_full_path())

    return wrapper


@_editing
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation_for(request, slug, Action.EDIT)
    if request.method == "POST" and ("wz_action" in request.POST or "wz_add" in request.POST):
        return _wz_suggestions(request, organisation)
    form = ProfileForm(request.POST or None, instance=organisation)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            fresh = Organisation.objects.get(pk=organisation.pk)
            try:
                result = actions.update_profile(request.user, fresh, form.profile_data())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if result.saved:
                    messages.success(request, _("Your changes are saved."))
                if result.review is not None:
                    messages.info(
                        request,
                        _("Your change to %(fields)s waits for review by the staff.")
                        % {"fields": ", ".join(_field_labels(result.review.changes))},
                    )
                if not result.saved and result.review is None:
                    messages.info(request, _("Nothing was changed."))
                return redirect("directory:organisation-edit", slug=fresh.slug)
    organisation = Organisation.objects.get(pk=organisation.pk)
    return render(
        request,
        "directory/organisation_edit.html",
        _edit_context(request, organisation, form),
        status=status,
    )


def _edit_context(
    request: HttpRequest, organisation: Organisation, form: ProfileForm
) -> dict[str, Any]:
    return {
        "organisation": organisation,
        "form": form,
        "contacts": organisation.contacts.all(),
        "sites": organisation.sites.all(),
        "pending": organisation.change_requests.filter(
            status=ChangeRequest.Status.PENDING, kind=ChangeRequest.Kind.EDIT
        ),
        "members": organisation.members.select_related("organisation")
        if can(request.user, Action.MEMBERS, organisation)
        else None,
        "member_form": MemberForm(),
    }


def _wz_suggestions(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    """The editor's "Suggest codes" (and "Add" beside each suggestion): the form comes
    back as typed, nothing saved, with the WZ codes suggested for the name and the
    descriptions; "Add" puts a code into the WZ fields. A plain form submit, so it works
    without JavaScript; htmx swaps only the form."""
    add = request.POST.get("wz_add", "").strip()[:10]
    known = add and WzCode.objects.filter(version="2008", level__gte=4, code=add).exists()
    form, placed = ProfileForm.as_typed(request.POST, organisation, add if known else "")
    message = ""
    if add and not known:
        message = _("%(code)s is no WZ 2008 code.") % {"code": add}
    elif placed == "primary":
        message = _("%(code)s is now the main WZ code; save to keep it.") % {"code": add}
    elif placed == "further":
        message = _("%(code)s is added to the further WZ codes; save to keep it.") % {"code": add}
    elif placed == "present":
        message = _("%(code)s is already among the WZ codes.") % {"code": add}
    text = form.suggestion_text()
    context = _edit_context(request, Organisation.objects.get(pk=organisation.pk), form)
    context["wz_suggestions"] = suggestions.suggest(text, WZ_SUGGESTIONS) if text.strip() else []
    context["wz_message"] = message
    return render(request, "directory/organisation_edit.html", context)


def _field_labels(changes: dict[str, Any]) -> list[str]:
    labels = {
        "name": _("name"),
        "website": _("website"),
        "primary_wz": _("WZ codes"),
        "secondary_wz": _("WZ codes"),
        "site": _("address"),
    }
    return list(dict.fromkeys(str(labels.get(k, k)) for k in changes))


def _part_page(
    request: HttpRequest,
    organisation: Organisation,
    form: Any,
    title: str,
    delete_name: str,
    pk: int | None,
) -> HttpResponse:
    """The form page of a contact or a site (with its remove button once it exists)."""
    return render(
        request,
        "directory/part_edit.html",
        {
            "organisation": organisation,
            "form": form,
            "title": title,
            "delete_url": reverse(delete_name, args=[organisation.slug, pk]) if pk else None,
        },
        status=400 if form.errors else 200,
    )


@_editing
def contact_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    organisation = _organisation_for(request, slug, Action.CONTACTS)
    contact = get_object_or_404(ContactPerson, pk=pk, organisation=organisation) if pk else None
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        actions.save_contact(request.user, organisation, form.save(commit=False))
        messages.success(request, _("The contact is saved."))
        return redirect("directory:organisation-edit", slug=slug)
    title = _("Change contact") if contact else _("Add contact")
    return _part_page(request, organisation, form, title, "directory:contact-delete", pk)


@_editing
@require_POST
def contact_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _organisation_for(request, slug, Action.CONTACTS)
    contact = get_object_or_404(ContactPerson, pk=pk, organisation=organisation)
    actions.delete_contact(request.user, contact)
    messages.success(request, _("The contact is removed."))
    return redirect("directory:organisation-edit", slug=slug)


@_editing
def site_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    organisation = _organisation_for(request, slug, Action.SITES)
    site = get_object_or_404(Site, pk=pk, organisation=organisation) if pk else None
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        try:
            review = actions.save_site(request.user, organisation, form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if review is not None:
                messages.info(request, _("The address waits for review by the staff."))
            else:
                messages.success(request, _("The site is saved."))
            return redirect("directory:organisation-edit", slug=slug)
    title = _("Change site") if site else _("Add site")
    return _part_page(request, organisation, form, title, "directory:site-delete", pk)


@_editing
@require_POST
def site_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _organisation_for(request, slug, Action.SITES)
    site = get_object_or_404(Site, pk=pk, organisation=organisation)
    try:
        review = actions.delete_site(request.user, site)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if review is not None:
            messages.info(request, _("The removal waits for review by the staff."))
        else:
            messages.success(request, _("The site is removed."))
    return redirect("directory:organisation-edit", slug=slug)


@_editing
@require_POST
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    network = _organisation_for(request, slug, Action.MEMBERS)
    form = MemberForm(request.POST)
    if form.is_valid():
        wanted = form.cleaned_data["member"].strip()
        member = (
            Organisation.objects.published().filter(Q(slug=wanted) | Q(name__iexact=wanted)).first()
        )
        if member is None:
            messages.error(
                request, _("No published organisation is called “%(name)s”.") % {"name": wanted}
            )
        else:
            try:
                actions.add_member(request.user, network, member)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("%(name)s is now a member.") % {"name": member.name})
    return redirect("directory:organisation-edit", slug=slug)


@_editing
@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = _organisation_for(request, slug, Action.MEMBERS)
    membership = get_object_or_404(Membership, pk=pk, network=network)
    actions.remove_member(request.user, membership)
    messages.success(request, _("The membership is removed."))
    return redirect("directory:organisation-edit", slug=slug)


def suggest_correction(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = Organisation.objects.published().filter(slug=slug).first()
    if organisation is None:
        raise Http404(_("No organisation is published under this address."))
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and hit_rate_limit(request, "default", "correction"):
        return rate_limited_response(request, "default")
    if request.method == "POST" and form.is_valid():
        try:
            actions.suggest_correction(
                request.user,
                organisation,
                form.cleaned_data["message"],
                form.cleaned_data["email"],
                client=client_ip(request),
            )
        except TooManyAttempts as error:
            form.add_error(None, str(error))
            return render(
                request,
                "directory/correction.html",
                {"organisation": organisation, "form": form},
                status=429,
            )
        messages.success(request, _("Thank you. The staff will check your suggestion."))
        return redirect(organisation)
    return render(
        request,
        "directory/correction.html",
        {"organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )


def confirm_profile(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The link of a re-verification email: one button confirms the profile.

    The link itself (a GET) changes nothing, because mail scanners open links; the
    signed token stands in for a login.
    """
    try:
        organisation = freshness.organisation_for_token(token)
    except (signing.BadSignature, Organisation.DoesNotExist) as exc:
        raise Http404(_("This link is not valid (any more). Sign in to confirm.")) from exc
    if organisation.slug != slug:
        raise Http404(_("This link is not valid (any more). Sign in to confirm."))
    if request.method == "POST":
        freshness.confirm(organisation, request.user)
        messages.success(request, _("Thank you: the profile is confirmed."))
        return redirect(organisation)
    return render(request, "directory/confirm_profile.html", {"organisation": organisation})


@_editing
@require_POST
def confirm_profile_signed_in(request: HttpRequest, slug: str) -> HttpResponse:
    """An editor confirms from the edit page that the profile is up to date."""
    organisation = _organisation_for(request, slug, Action.EDIT)
    freshness.confirm(organisation, request.user)
    messages.success(request, _("Thank you: the profile is confirmed."))
    return redirect("directory:organisation-edit", slug=slug)
