"""Pages of the requests and offers: list with filters, facets and map; detail; the
posting form; the poster's own postings; the staff review queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import is_staff
from classification import suggestions
from classification.models import WzCode
from core import audit
from core.abuse import clean_text, hit_rate_limit, rate_limited_response
from core.choices import AuditAction
from search.forms import is_id

from ..models import Posting, PostingStatus
from . import services
from .forms import PostingFilterForm, PostingForm
from .listing import FACETS, facet_label, list_postings, map_features

WZ_SUGGESTIONS = 5


def _facet_groups(form: PostingFilterForm, facets: dict[str, dict[str, int]]) -> list[Any]:
    labels: dict[str, str] = {}
    for name in ("wz", "district"):
        labels.update({str(v): str(lbl) for v, lbl in form.fields[name].choices})  # type: ignore[attr-defined]
    groups = []
    for name in FACETS:
        counts = facets.get(name) or {}
        values = [
            {
                "value": value,
                "label": labels.get(value, facet_label(name, value)),
                "count": count,
            }
            for value, count in list(counts.items())[:12]
        ]
        groups.append({"name": name, "label": form.fields[name].label, "values": values})
    return groups


def posting_list(request: HttpRequest) -> HttpResponse:
    form = PostingFilterForm(request.GET)
    query = form.to_filter()
    result = list_postings(query)
    context: dict[str, Any] = {
        "form": form,
        "query": query,
        "result": result,
        "postings": result.postings,
        "facet_groups": _facet_groups(form, result.facets),
        "shows_generated": any(p.is_demo for p in result.postings),
        "map_data": {
            "markers": [
                {"lat": p.lat, "lon": p.lon, "label": p.title}
                for p in result.postings
                if p.lat is not None and p.lon is not None
            ]
        },
        "may_post": services.may_post(request.user),
        "geojson_url": reverse("sourcing:posting-geojson") + "?" + request.GET.urlencode(),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        return render(request, "sourcing/postings/_results.html", context)
    return render(request, "sourcing/postings/list.html", context)


def posting_geojson(request: HttpRequest) -> JsonResponse:
    form = PostingFilterForm(request.GET)
    data = map_features(form.to_filter())
    return JsonResponse(data, content_type="application/geo+json")


def _guarded_contact_url(pk: int) -> str:
    try:
        return reverse("sourcing:contact-posting", args=[pk])
    except NoReverseMatch:
        return ""


def _responses(pk: int) -> Any:
    try:
        from messaging.relay import conversations_about
    except ImportError:
        return None
    rows = []
    conversations = conversations_about(f"posting:{pk}").prefetch_related("participants")
    for conversation in conversations[:50]:
        senders = [p.name for p in conversation.participants.all() if p.side == "sender"]
        rows.append({"conversation": conversation, "senders": senders})
    return rows


def _matches(posting: Posting, user: Any) -> Any:
    try:
        from .matching import matches_for
    except ImportError:
        return None
    return matches_for(posting, user)


def posting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    posting = get_object_or_404(
        Posting.objects.select_related("organisation", "district", "created_by"), pk=pk
    )
    manages = services.may_manage(request.user, posting)
    if not (posting.is_open and posting.organisation.status == "published") and not manages:
        raise Http404(_("No such request or offer, or it is no longer shown."))
    codes = list(posting.wz_codes.order_by("code"))
    map_data = None
    if posting.lat is not None and posting.lon is not None:
        boundaries = []
        if posting.district and posting.district.geometry:
            boundaries.append(
                {"name": posting.district.name, "geometry": posting.district.geometry}
            )
        map_data = {
            "markers": [{"lat": posting.lat, "lon": posting.lon, "label": posting.place}],
            "boundaries": boundaries,
        }
    context: dict[str, Any] = {
        "posting": posting,
        "wz_codes": codes,
        "map_data": map_data,
        "manages": manages,
        "contact_url": _guarded_contact_url(pk) if posting.is_open else "",
        "responses": _responses(pk) if manages else None,
        "matches": _matches(posting, request.user) if posting.is_open else None,
        "is_staff": is_staff(request.user),
    }
    return render(request, "sourcing/postings/detail.html", context)


def _form_page(
    request: HttpRequest, form: PostingForm, posting: Posting | None, **extra: Any
) -> HttpResponse:
    context = {"form": form, "posting": posting, **extra}
    status = 400 if form.is_bound and form.errors and "wz_suggestions" not in extra else 200
    return render(request, "sourcing/postings/form.html", context, status=status)


def _wz_suggestions(
    request: HttpRequest, form_class_kwargs: dict[str, Any], posting: Posting | None
) -> HttpResponse:
    """ "Suggest codes" and "Add" beside each: the form back as typed, nothing saved."""
    data = request.POST.copy()
    add = clean_text(request.POST.get("wz_add", ""), 10)
    message = ""
    if add:
        known = WzCode.objects.filter(version="2008", level__gte=2, code=add).exists()
        present = [c.strip() for c in data.get("wz_codes", "").split(",") if c.strip()]
        if not known:
            message = _("%(code)s is no WZ 2008 code.") % {"code": add}
        elif add in present:
            message = _("%(code)s is already among the WZ codes.") % {"code": add}
        else:
            data["wz_codes"] = ", ".join([*present, add])
            message = _("%(code)s is added to the WZ codes; save to keep it.") % {"code": add}
    form = PostingForm(initial=data.dict(), **form_class_kwargs)
    probe = PostingForm(data, **form_class_kwargs)
    text = probe.suggestion_text()
    found = suggestions.suggest(text, WZ_SUGGESTIONS) if text.strip() else []
    return _form_page(request, form, posting, wz_suggestions=found, wz_message=message)


@login_required
def posting_create(request: HttpRequest) -> HttpResponse:
    if not services.may_post(request.user):
        raise PermissionDenied(
            _("Only editors of an organisation's profile and staff may post requests and offers.")
        )
    kwargs: dict[str, Any] = {"user": request.user}
    if request.method == "POST":
        if request.POST.get("wz_action") == "suggest" or request.POST.get("wz_add"):
            return _wz_suggestions(request, kwargs, None)
        if hit_rate_limit(request, "posting"):
            return rate_limited_response(request, "posting")
        form = PostingForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                with transaction.atomic():
                    posting = services.create_posting(
                        request.user,
                        form.cleaned_data["organisation"],
                        form.posting_data(),
                        wz_codes=form.cleaned_data["wz_codes"],
                    )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                if posting.status == PostingStatus.PUBLISHED:
                    messages.success(request, _("Your posting is published."))
                else:
                    messages.info(
                        request,
                        _("Your posting waits for review by the staff; you will hear by email."),
                    )
                return redirect(posting.get_absolute_url())
    else:
        form = PostingForm(**kwargs)
    return _form_page(request, form, None)


def _errors_to_form(form: PostingForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _managed(request: HttpRequest, pk: int) -> Posting:
    posting = get_object_or_404(Posting.objects.select_related("organisation"), pk=pk)
    if not services.may_manage(request.user, posting):
        raise PermissionDenied(
            _("Only the poster's organisation and staff may change this posting.")
        )
    return posting


@login_required
def posting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    posting = _managed(request, pk)
    kwargs: dict[str, Any] = {"user": request.user, "editing": True}
    if posting.status in (PostingStatus.CLOSED, PostingStatus.REJECTED):
        messages.error(request, _("A closed or rejected posting can no longer be changed."))
        return redirect(posting.get_absolute_url())
    if request.method == "POST":
        if request.POST.get("wz_action") == "suggest" or request.POST.get("wz_add"):
            return _wz_suggestions(request, kwargs, posting)
        if hit_rate_limit(request, "posting"):
            return rate_limited_response(request, "posting")
        form = PostingForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.posting_data()
            data.setdefault("expires_on", posting.expires_on)
            try:
                with transaction.atomic():
                    services.update_posting(
                        request.user, posting, data, wz_codes=form.cleaned_data["wz_codes"]
                    )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("The posting is saved."))
                return redirect(posting.get_absolute_url())
    else:
        form = PostingForm(initial=PostingForm.initial_for(posting), **kwargs)
    return _form_page(request, form, posting)


@login_required
@require_POST
def posting_close(request: HttpRequest, pk: int) -> HttpResponse:
    posting = _managed(request, pk)
    services.close_posting(request.user, posting)
    messages.success(request, _("The posting is closed and no longer shown."))
    return redirect("sourcing:posting-mine")


@login_required
@require_POST
def posting_extend(request: HttpRequest, pk: int) -> HttpResponse:
    posting = _managed(request, pk)
    try:
        services.extend_posting(request.user, posting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The posting is shown until %(date)s.")
            % {"date": posting.expires_on.strftime("%d.%m.%Y")},
        )
    return redirect(posting.get_absolute_url())


@login_required
def posting_mine(request: HttpRequest) -> HttpResponse:
    """ "My requests and offers": the postings of the organisations the user maintains."""
    organisations = services.postable_organisations(request.user)
    postings = (
        Posting.objects.filter(organisation__editors__user_id=int(request.user.pk or 0))
        .select_related("organisation")
        .order_by("-created")
    )
    return render(
        request,
        "sourcing/postings/mine.html",
        {
            "postings": postings,
            "may_post": organisations.exists(),
            "today": timezone.localdate(),
        },
    )


@login_required
def posting_review(request: HttpRequest) -> HttpResponse:
    """Staff: the postings waiting for review, each with approve and reject (with a note)."""
    if not is_staff(request.user):
        raise PermissionDenied(_("Only staff review postings."))
    if request.method == "POST":
        raw = request.POST.get("posting", "")
        if not is_id(raw):
            raise Http404
        posting = get_object_or_404(Posting, pk=int(raw))
        note = clean_text(request.POST.get("note", ""), 2000)
        approve = request.POST.get("decision") == "approve"
        if not approve and not note:
            messages.error(request, _("Say why in the note when you reject a posting."))
        else:
            try:
                services.review_posting(request.user, posting, approve=approve, note=note)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                audit.record(
                    AuditAction.REVIEW,
                    request=request,
                    obj=posting,
                    summary="approved" if approve else "rejected",
                )
                messages.success(
                    request,
                    (_("“%(title)s” is published.") if approve else _("“%(title)s” is rejected."))
                    % {"title": posting.title},
                )
        return redirect("sourcing:posting-review")
    pending = (
        Posting.objects.filter(status=PostingStatus.PENDING)
        .select_related("organisation", "created_by")
        .order_by("created")
    )
    return render(request, "sourcing/postings/review.html", {"pending": pending})
