"""Public pages of the funding programmes: the list with filters and text search, a
programme's page, the finder, following and the list of followed programmes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import pagecache
from directory.services import is_staff

from ..formatting import render_body
from ..pages import kept
from . import finder, services
from .forms import FinderForm, ProgrammeFilterForm
from .models import Follow, Programme
from .reminders import UNFOLLOW_SALT

PAGE_SIZE = 20


@kept
def programme_list(request: HttpRequest) -> HttpResponse:
    pagecache.keep_until(request, pagecache.end_of_day())  # deadlines are dates
    form = ProgrammeFilterForm(request.GET or None)
    filters = form.filters()
    today = timezone.localdate()
    queryset = services.filter_programmes(services.programmes_for(request.user), filters, today)
    text = filters.get("q", "")
    if text:
        ids = services.search_ids(text)
        order = Case(
            *[When(pk=pk, then=position) for position, pk in enumerate(ids)],
            output_field=IntegerField(),
        )
        queryset = queryset.filter(pk__in=ids).order_by(order) if ids else queryset.none()
    else:
        queryset = queryset.order_by("name")
    paginator = Paginator(services.with_calls(queryset), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [(p, services.deadline_of(p, today)) for p in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "content/funding/list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "total": paginator.count,
            "query": query.urlencode(),
            "has_demo": any(p.is_generated for p, _d in rows),
        },
    )


@kept
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    pagecache.keep_until(request, pagecache.end_of_day())
    programme = services.with_calls(services.programmes_for(request.user)).filter(slug=slug).first()
    if programme is None:
        raise Http404(_("No funding programme is published under this address."))
    staff = is_staff(request.user)
    return render(
        request,
        "content/funding/detail.html",
        {
            "programme": programme,
            "deadline": services.deadline_of(programme),
            "summary": render_body(programme.summary),
            "conditions": render_body(programme.conditions),
            "following": services.is_following(request.user, programme),
            "is_staff": staff,
            "stale": staff and programme.is_stale(),
            "districts": list(programme.districts.all()),
        },
    )


def finder_view(request: HttpRequest) -> HttpResponse:
    form = FinderForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        result = finder.find(form.answers())
    return render(request, "content/funding/finder.html", {"form": form, "result": result})


def _published(slug: str) -> Programme:
    programme = Programme.objects.published().filter(slug=slug).first()
    if programme is None:
        raise Http404(_("No funding programme is published under this address."))
    return programme


@login_required
@require_POST
def follow(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _published(slug)
    services.follow(request.user, programme)
    messages.success(
        request,
        _("You follow “%(name)s”. We remind you by email before its deadlines.")
        % {"name": programme.name},
    )
    return redirect(programme)


@login_required
@require_POST
def unfollow(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _published(slug)
    if services.unfollow(request.user, programme):
        messages.success(request, _("You no longer follow “%(name)s”.") % {"name": programme.name})
    if request.POST.get("next") == "followed":
        return redirect("content:funding-followed")
    return redirect(programme)


@login_required
def followed(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [(p, services.deadline_of(p, today)) for p in services.followed_by(request.user)]
    return render(request, "content/funding/followed.html", {"rows": rows})


def unfollow_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a reminder: a page with one button (a link scanner's GET changes
    nothing); the POST ends the follow without signing in."""
    try:
        follow_id = int(signing.loads(token, salt=UNFOLLOW_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return render(request, "content/funding/unfollow.html", {"invalid": True}, status=400)
    found: Any = Follow.objects.select_related("programme").filter(pk=follow_id).first()
    if request.method == "POST":
        if found is not None:
            found.delete()
        return render(request, "content/funding/unfollow.html", {"done": True, "follow": found})
    return render(request, "content/funding/unfollow.html", {"follow": found})
