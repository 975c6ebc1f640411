"""Pages of the inquiries: the public form and status page, and the staff inbox."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import is_staff
from classification.models import GrowthField
from classification.suggestions import suggest
from core import audit
from core.abuse import hit_rate_limit, rate_limited_response
from core.choices import AuditAction

from . import services
from .choices import OPEN_STATUSES, Helped, InquiryStatus
from .forms import (
    AssignForm,
    ForwardForm,
    InboxFilterForm,
    InquiryForm,
    NoteForm,
    ReplyForm,
    StatusForm,
)
from .models import Inquiry, InquiryAttachment, InquiryTopic
from .permissions import may_see, may_use_inbox, visible_inquiries

INBOX_PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
def inquiry_form(request: HttpRequest) -> HttpResponse:
    suggestions: list[Any] = []
    if request.method == "POST" and "suggest" in request.POST:
        # "Suggest codes": show codes for the message typed so far; nothing is stored.
        form = InquiryForm(initial={k: v for k, v in request.POST.items() if k != "attachment"})
        text = str(request.POST.get("message", ""))[:2000]
        suggestions = suggest(text) if text.strip() else []
        if not suggestions:
            messages.info(request, _("Describe your question first: codes are suggested from it."))
        return render(request, "inquiries/form.html", {"form": form, "suggestions": suggestions})
    if request.method == "POST":
        if hit_rate_limit(request, "inquiry"):
            return rate_limited_response(request, "inquiry")
        form = InquiryForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            inquiry = services.file_inquiry(
                services.NewInquiry(
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    organisation_name=data["organisation_name"],
                    topic=data["topic"],
                    growth_field=data["growth_field"],
                    wz_code=data["wz_code"],
                    district=data["district"],
                    place=data["place"],
                    urgency=data["urgency"],
                    message=data["message"],
                ),
                attachment=data["attachment"],
                attachment_kind=form.attachment_kind,
            )
            messages.success(
                request,
                _(
                    "Thank you: your inquiry has the reference number %(ref)s. We have sent "
                    "you a confirmation with the link to this page."
                )
                % {"ref": inquiry.reference},
            )
            return redirect(inquiry.status_url())
    else:
        # A growth field's page links here with its field chosen (?growth=<slug>), the
        # accessibility statement with its topic (?thema=<slug>) when staff set one up.
        initial: dict[str, Any] = {}
        growth = GrowthField.objects.filter(slug=str(request.GET.get("growth", ""))[:200]).first()
        if growth:
            initial["growth_field"] = growth
        topic = InquiryTopic.objects.filter(slug=str(request.GET.get("thema", ""))[:120]).first()
        if topic:
            initial["topic"] = topic
        form = InquiryForm(initial=initial or None)
    return render(request, "inquiries/form.html", {"form": form, "suggestions": suggestions})


def status(request: HttpRequest, token: str) -> HttpResponse:
    inquiry = get_object_or_404(Inquiry, token=token)
    response = render(
        request,
        "inquiries/status.html",
        {"inquiry": inquiry, "replies": inquiry.replies.all()},
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "same-origin"  # the token never leaves the portal
    return response


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, token: str, answer: str) -> HttpResponse:
    """The link in the mail opens this page; only its button records (link prefetchers
    and mail scanners open links, they do not press buttons)."""
    inquiry = get_object_or_404(Inquiry, token=token)
    if answer not in (Helped.YES, Helped.NO) or not inquiry.replies.exists():
        raise Http404
    if request.method == "POST":
        services.record_helped(inquiry, answer)
        messages.success(request, _("Thank you for your feedback."))
        return redirect(inquiry.status_url())
    return render(request, "inquiries/feedback.html", {"inquiry": inquiry, "answer": answer})


def _inbox_user(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_staff(request.user) or not may_use_inbox(request.user):
        return render(request, "inquiries/no_access.html", status=403)
    return None


def inbox(request: HttpRequest) -> HttpResponse:
    refused = _inbox_user(request)
    if refused:
        return refused
    mine = visible_inquiries(request.user)
    form = InboxFilterForm(request.GET or None)
    cases = mine.select_related("topic", "expert", "team")
    if form.is_valid():
        f = form.cleaned_data
        if f["status"]:
            cases = cases.filter(status=f["status"])
        for name in ("topic", "expert", "team"):
            if f[name]:
                cases = cases.filter(**{name: f[name]})
        if f["overdue"]:
            cases = cases.filter(
                status__in=OPEN_STATUSES,
                first_answer_at__isnull=True,
                due_at__lt=timezone.now(),
            )
    counts = dict(mine.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    per_status = [(value, label, counts.get(value, 0)) for value, label in InquiryStatus.choices]
    paginator = Paginator(cases.order_by("-created", "-pk"), INBOX_PAGE_SIZE)
    asked = request.GET.get("page") or "1"
    missing_page = None
    try:
        page = paginator.page(asked)
    except InvalidPage:
        # Not a page number, or past the end: say so and lead to the last page.
        page = paginator.page(paginator.num_pages)
        missing_page = {"number": asked[:20], "last": paginator.num_pages}
    now = timezone.now()
    rows = [] if missing_page else [(c, services.is_overdue(c, now)) for c in page.object_list]
    return render(
        request,
        "inquiries/inbox.html",
        {
            "form": form,
            "rows": rows,
            "per_status": per_status,
            "total": paginator.count,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "missing_page": missing_page,
        },
        status=404 if missing_page else 200,
    )


def _case_or_404(request: HttpRequest, reference: str) -> Inquiry:
    inquiry = get_object_or_404(
        Inquiry.objects.select_related("topic", "expert", "team", "team__lead"),
        reference=reference,
    )
    if not may_see(request.user, inquiry):
        raise Http404  # the case's existence is not told to those who may not see it
    return inquiry


@require_http_methods(["GET", "POST"])
def case(request: HttpRequest, reference: str) -> HttpResponse:
    refused = _inbox_user(request)
    if refused:
        return refused
    inquiry = _case_or_404(request, reference)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms: dict[str, Any] = {
        "note_form": NoteForm(request.POST if action == "note" else None),
        "reply_form": ReplyForm(request.POST if action == "reply" else None),
        "status_form": StatusForm(
            request.POST if action == "status" else None, initial={"status": inquiry.status}
        ),
        "assign_form": AssignForm(
            request.POST if action == "assign" else None,
            initial={"expert": inquiry.expert_id, "team": inquiry.team_id},
        ),
        "forward_form": ForwardForm(request.POST if action == "forward" else None),
    }
    user = request.user
    done = ""
    if action in ("reply", "forward") and not inquiry.email:
        # The asker deleted their account (inquiries.privacy): nobody to write to.
        form = forms["reply_form" if action == "reply" else "forward_form"]
        form.is_valid()
        form.add_error(None, _("The asker has deleted their account: the case can only be closed."))
    elif action == "note" and forms["note_form"].is_valid():
        services.add_note(inquiry, forms["note_form"].cleaned_data["text"], user)
        done = _("Note added.")
    elif action == "reply" and forms["reply_form"].is_valid():
        try:
            services.send_reply(inquiry, forms["reply_form"].cleaned_data["text"], user)
            done = _("Reply sent to the asker.")
        except ValueError:
            forms["reply_form"].add_error("text", _("The reply is empty."))
    elif action == "status" and forms["status_form"].is_valid():
        services.change_status(inquiry, forms["status_form"].cleaned_data["status"], user)
        done = _("Status changed.")
    elif action == "assign" and forms["assign_form"].is_valid():
        data = forms["assign_form"].cleaned_data
        services.assign(inquiry, expert=data["expert"], team=data["team"], actor=user)
        done = _("Case reassigned.")
    elif action == "forward" and forms["forward_form"].is_valid():
        data = forms["forward_form"].cleaned_data
        try:
            count = services.forward(inquiry, data["organisation"], data["note"], user)
            done = _("Forwarded to %(n)d manager(s) of %(org)s; the asker was told.") % {
                "n": count,
                "org": data["organisation"].name,
            }
        except ValueError as error:
            forms["forward_form"].add_error("organisation", str(error))
    if done:
        audit.record(
            AuditAction.CHANGE,
            request=request,
            obj=inquiry,
            summary=action,
            details={"action": action},
        )
        messages.success(request, done)
        if may_see(user, inquiry):
            return redirect(inquiry.get_absolute_url())
        return redirect("inquiries:inbox")
    return render(
        request,
        "inquiries/case.html",
        {
            "inquiry": inquiry,
            "overdue": services.is_overdue(inquiry),
            "events": inquiry.events.select_related("actor"),
            "notes": inquiry.notes.select_related("author"),
            "replies": inquiry.replies.all(),
            "attachments": inquiry.attachments.all(),
            **forms,
        },
        status=400 if action and not done else 200,
    )


def attachment(request: HttpRequest, reference: str, pk: int) -> HttpResponse | FileResponse:
    refused = _inbox_user(request)
    if refused:
        return refused
    inquiry = _case_or_404(request, reference)
    item = get_object_or_404(InquiryAttachment, inquiry=inquiry, pk=pk)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValidationError) as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=item.filename, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
