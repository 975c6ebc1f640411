"""Pages of the events under /veranstaltungen/: list, month calendar, detail with the
registration, calendar files and feeds, cancellation by link, and the organisers' pages
(their events, the form, the attendee list with check-in and export)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Min
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from classification.models import GrowthField
from core import audit, pagecache
from core.abuse import hit_rate_limit, rate_limited_response
from core.choices import AuditAction
from core.exports import Column, export_response
from directory.choices import NETWORK_KINDS, PublicationStatus
from directory.models import Organisation

from ..formatting import render_body
from ..pages import kept_event
from . import ical, permissions, registration, services
from .choices import EventFormat, RegistrationStatus
from .forms import EventDocumentForm, EventFilterForm, EventForm, RegistrationForm
from .models import Event, EventDocument

PAGE_SIZE = 20
FIRST_YEAR, LAST_YEAR = 2000, 2099


def _filters(request: HttpRequest) -> tuple[EventFilterForm, Any]:
    form = EventFilterForm(request.GET or None)
    events = services.filter_events(services.visible_events(), form.values() if request.GET else {})
    return form, events.prefetch_related("growth_fields")


# Upcoming events per page of the list (past ones: PAGE_SIZE).
UPCOMING_PAGE_SIZE = 50


@kept_event
def event_list(request: HttpRequest) -> HttpResponse:
    form, events = _filters(request)
    now = timezone.now()
    upcoming = events.filter(end__gte=now).order_by("start")
    # The lists change when the next upcoming event ends; the calendar link each day.
    pagecache.keep_until(request, upcoming.aggregate(first=Min("end"))["first"])
    pagecache.keep_until(request, pagecache.end_of_day(now))
    past = Paginator(events.filter(end__lt=now).order_by("-start"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    context = {
        "form": form,
        "upcoming": Paginator(upcoming, UPCOMING_PAGE_SIZE).get_page(request.GET.get("kommende")),
        "past": past,
        "page_range": past.paginator.get_elided_page_range(past.number),
        "query": form.query(),
        "calendar_url": reverse("content:event-calendar", args=[today.year, today.month]),
        "feeds": _feeds(form),
        "networks": permissions.managed_networks(request.user),
    }
    return render(request, "content/events/list.html", context)


def _feeds(form: EventFilterForm) -> list[tuple[str, str]]:
    feeds = [(_("All events"), reverse("content:event-feed"))]
    values = form.values()
    if values.get("field"):
        feeds.append(
            (
                _("Growth field %(name)s") % {"name": values["field"].display_name},
                reverse("content:event-feed-field", args=[values["field"].slug]),
            )
        )
    if values.get("network"):
        feeds.append(
            (
                values["network"].name,
                reverse("content:event-feed-network", args=[values["network"].slug]),
            )
        )
    return feeds


def calendar_today(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    url = reverse("content:event-calendar", args=[today.year, today.month])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


@kept_event
def calendar_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    pagecache.keep_until(request, pagecache.end_of_day())  # today is marked
    if not (FIRST_YEAR <= year <= LAST_YEAR) or not (1 <= month <= 12):
        raise Http404(_("The calendar shows the months of the years 2000 to 2099."))
    form, events = _filters(request)
    first = datetime.date(year, month, 1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    query = form.query()

    def link(day: datetime.date) -> str | None:
        if not (FIRST_YEAR <= day.year <= LAST_YEAR):
            return None
        url = reverse("content:event-calendar", args=[day.year, day.month])
        return f"{url}?{query}" if query else url

    context = {
        "form": form,
        "month": first,
        "weeks": services.month_grid(events, year, month),
        "previous": link(previous),
        "previous_month": previous,
        "next": link(following),
        "next_month": following,
        "query": query,
        "list_url": reverse("content:events") + (f"?{query}" if query else ""),
        "weekdays": [
            gettext_lazy("Monday"),
            gettext_lazy("Tuesday"),
            gettext_lazy("Wednesday"),
            gettext_lazy("Thursday"),
            gettext_lazy("Friday"),
            gettext_lazy("Saturday"),
            gettext_lazy("Sunday"),
        ],
    }
    return render(request, "content/events/calendar.html", context)


def _event(request: HttpRequest, slug: str) -> Event:
    event = (
        Event.objects.select_related("network", "district", "municipality")
        .prefetch_related("growth_fields", "documents")
        .filter(slug=slug)
        .first()
    )
    if event is None or not permissions.may_view(request.user, event):
        raise Http404(_("No event is published under this address."))
    return event


def json_ld(event: Event) -> dict[str, Any]:
    base = settings.PORTAL_URL.rstrip("/")
    mode = {
        EventFormat.ON_SITE: "OfflineEventAttendanceMode",
        EventFormat.ONLINE: "OnlineEventAttendanceMode",
        EventFormat.HYBRID: "MixedEventAttendanceMode",
    }[EventFormat(event.format)]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": timezone.localtime(event.start).isoformat(),
        "endDate": timezone.localtime(event.end).isoformat(),
        "eventAttendanceMode": f"https://schema.org/{mode}",
        "eventStatus": "https://schema.org/"
        + ("EventCancelled" if event.is_cancelled else "EventScheduled"),
        "url": base + event.get_absolute_url(),
    }
    if event.summary:
        data["description"] = event.summary
    locations: list[dict[str, Any]] = []
    if event.is_on_site:
        locations.append(
            {
                "@type": "Place",
                "name": event.venue_name or event.venue_place,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": event.venue_street,
                    "postalCode": event.venue_postal_code,
                    "addressLocality": event.venue_place,
                    "addressCountry": "DE",
                },
            }
        )
    if event.is_online:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    offer: dict[str, Any] = {
        "@type": "Offer",
        "url": base + event.get_absolute_url(),
        "availability": "https://schema.org/"
        + ("SoldOut" if services_places_full(event) else "InStock"),
    }
    if event.is_free:
        offer.update(price="0", priceCurrency="EUR")
    else:
        offer["description"] = event.price
    data["isAccessibleForFree"] = event.is_free
    data["offers"] = offer
    if event.network is not None:
        data["organizer"] = {
            "@type": "Organization",
            "name": event.network.name,
            "url": base + event.network.get_absolute_url(),
        }
    else:
        data["organizer"] = {
            "@type": "Organization",
            "name": settings.PORTAL_NAME,
            "url": base + "/",
        }
    return data


def services_places_full(event: Event) -> bool:
    left = registration.places_left(event)
    return left is not None and left <= 0


def changes_at(event: Event, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """The next moment the event's page looks different by time alone: registration
    closes, the event begins, the event ends."""
    now = now or timezone.now()
    moments = [m for m in (registration.closes_at(event), event.start, event.end) if m > now]
    return min(moments, default=None)


@kept_event
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    pagecache.keep_until(request, changes_at(event))
    form = RegistrationForm()
    if request.method == "POST":
        if hit_rate_limit(request, "event-registration"):
            return rate_limited_response(request, "event-registration")
        form = RegistrationForm(request.POST)
        if form.is_valid():
            try:
                outcome = registration.register(
                    event,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    organisation=form.cleaned_data["organisation"],
                )
            except registration.RegistrationClosed as error:
                form.add_error(None, str(error))
            else:
                if outcome.waiting:
                    messages.warning(
                        request,
                        _(
                            "The event is full: you are on the waiting list. We will write "
                            "to you as soon as a place is free."
                        ),
                    )
                else:
                    messages.success(
                        request,
                        _("You are registered. A confirmation is on its way to your inbox."),
                    )
                return redirect(event.get_absolute_url() + "#registration")
    left = registration.places_left(event)
    context = {
        "event": event,
        "body": render_body(event.description),
        "json_ld": json_ld(event),
        "form": form,
        "closed_reason": registration.closed_reason(event),
        "closes_at": registration.closes_at(event),
        "places_left": left,
        "may_edit": permissions.may_edit(request.user, event),
        "may_see_attendees": permissions.may_see_attendees(request.user, event),
        "is_staff": permissions.is_event_staff(request.user),
    }
    return render(
        request,
        "content/events/detail.html",
        context,
        status=400 if form.is_bound and form.errors else 200,
    )


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    return response


def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    return _ics_response(ical.calendar([event], event.title), event.slug)


def _feed_events() -> Any:
    since = timezone.now() - datetime.timedelta(days=90)
    return (
        services.visible_events()
        .filter(end__gte=since)
        .prefetch_related("growth_fields")
        .order_by("start")
    )


def feed_all(request: HttpRequest) -> HttpResponse:
    name = _("Events – %(portal)s") % {"portal": settings.PORTAL_NAME}
    return _ics_response(ical.calendar(_feed_events(), name), "veranstaltungen")


def feed_field(request: HttpRequest, slug: str) -> HttpResponse:
    field = GrowthField.objects.filter(slug=slug).first()
    if field is None:
        raise Http404(_("There is no such growth field."))
    name = _("Events: %(field)s") % {"field": field.display_name}
    return _ics_response(
        ical.calendar(_feed_events().filter(growth_fields=field), name), f"veranstaltungen-{slug}"
    )


def feed_network(request: HttpRequest, slug: str) -> HttpResponse:
    network = Organisation.objects.filter(
        slug=slug, kind__in=NETWORK_KINDS, status=PublicationStatus.PUBLISHED
    ).first()
    if network is None:
        raise Http404(_("There is no such network."))
    name = _("Events: %(network)s") % {"network": network.name}
    return _ics_response(
        ical.calendar(_feed_events().filter(network=network), name), f"veranstaltungen-{slug}"
    )


def event_document(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    event = _event(request, slug)
    document = EventDocument.objects.filter(event=event, pk=pk).first()
    if document is None or not document.file:
        raise Http404(_("This event has no such document."))
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, SuspiciousFileOperation) as error:
        raise Http404(_("This event has no such document.")) from error
    stored = document.file.name or ""
    extension = stored.rsplit(".", 1)[-1].lower() if "." in stored else ""
    filename = f"{slugify(document.title) or 'dokument'}.{extension}".rstrip(".")
    response = FileResponse(handle, filename=filename, as_attachment=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def cancel_registration(request: HttpRequest, token: str) -> HttpResponse:
    found = registration.registration_for_token(token)
    if found is None:
        raise Http404(_("This link is not valid. Perhaps the registration was deleted."))
    done = found.status == RegistrationStatus.CANCELLED
    if request.method == "POST" and not done:
        registration.cancel(found)
        messages.success(request, _("Your registration is cancelled."))
        return redirect(request.path)
    return render(
        request,
        "content/events/cancel_registration.html",
        {"registration": found, "event": found.event, "done": done},
    )


# --- organisers --------------------------------------------------------------------------


def _require_login(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def my_events(request: HttpRequest) -> HttpResponse:
    """The events of the networks one manages (drafts too); others' events are not here."""
    if (response := _require_login(request)) is not None:
        return response
    networks = permissions.managed_networks(request.user)
    events = Event.objects.filter(network__in=networks).select_related("network").order_by("-start")
    return render(request, "content/events/mine.html", {"networks": networks, "events": events})


def event_new(request: HttpRequest) -> HttpResponse:
    if (response := _require_login(request)) is not None:
        return response
    slug = request.GET.get("netzwerk", "")
    network = (
        Organisation.objects.filter(slug=slug[:200], kind__in=NETWORK_KINDS).first()
        if slug
        else None
    )
    if network is None:
        networks = permissions.managed_networks(request.user)
        if len(networks) == 1:
            return redirect(reverse("content:event-new") + f"?netzwerk={networks[0].slug}")
        return redirect("content:event-mine")  # lists the networks one may add events for
    if not permissions.may_create(request.user, network):
        raise PermissionDenied(_("Only the network's managers add its events."))
    return _edit(request, EventForm(request.POST or None, network=network), network)


def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    if (response := _require_login(request)) is not None:
        return response
    event = Event.objects.select_related("network").filter(slug=slug).first()
    if event is None:
        raise Http404(_("No event is published under this address."))
    if event.network is None or not permissions.manages_network(request.user, event.network):
        if permissions.is_event_staff(request.user):
            return redirect("admin:content_event_change", event.pk)
        raise PermissionDenied(_("Only the network's managers change its events."))
    form = EventForm(request.POST or None, instance=event, network=event.network)
    return _edit(request, form, event.network)


def _edit(request: HttpRequest, form: EventForm, network: Organisation) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        event = form.save(commit=False)
        event.network = network
        with transaction.atomic():
            services.save_event(event, form.cleaned_data["growth_fields"])
        messages.success(request, _("The event is saved."))
        return redirect(event.get_absolute_url())
    return render(
        request,
        "content/events/edit.html",
        {"form": form, "network": network, "event": form.instance if form.instance.pk else None},
    )


def _attendee_event(request: HttpRequest, slug: str) -> Event | HttpResponse:
    if (response := _require_login(request)) is not None:
        return response
    event = Event.objects.select_related("network").filter(slug=slug).first()
    if event is None:
        raise Http404(_("No event is published under this address."))
    if not permissions.may_see_attendees(request.user, event):
        raise PermissionDenied(_("Only the event's organiser sees who registered."))
    return event


def attendees(request: HttpRequest, slug: str) -> HttpResponse:
    """The printable check-in list; the organiser marks who came and saves (POST)."""
    found = _attendee_event(request, slug)
    if isinstance(found, HttpResponse):
        return found
    event = found
    if request.method == "POST":
        ids = {int(v) for v in request.POST.getlist("attended") if v.isdigit() and len(v) < 12}
        registration.set_attended(event, ids)
        messages.success(request, _("Attendance is saved."))
        return redirect("content:event-attendees", slug=event.slug)
    registrations = event.registrations.exclude(status=RegistrationStatus.CANCELLED).order_by(
        "status", "name"
    )
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
    waiting = [r for r in registrations if r.status == RegistrationStatus.WAITING]
    return render(
        request,
        "content/events/attendees.html",
        {"event": event, "confirmed": confirmed, "waiting": waiting},
    )


ATTENDEE_COLUMNS = (
    Column("name", gettext_lazy("Name")),
    Column("email", gettext_lazy("Email address")),
    Column("organisation", gettext_lazy("Organisation")),
    Column("status", gettext_lazy("Status")),
    Column("registered", gettext_lazy("Registered on")),
    Column("attended", gettext_lazy("Attended")),
)


def attendees_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    found = _attendee_event(request, slug)
    if isinstance(found, HttpResponse):
        return found
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("The list is available as CSV and XLSX."))
    rows = [
        {
            "name": r.name,
            "email": r.email,
            "organisation": r.organisation,
            "status": str(r.get_status_display()),
            "registered": timezone.localtime(r.created).strftime("%d.%m.%Y %H:%M"),
            "attended": _("yes") if r.attended else _("no"),
        }
        for r in found.registrations.exclude(status=RegistrationStatus.CANCELLED).order_by(
            "status", "name"
        )
    ]
    response = export_response(rows, ATTENDEE_COLUMNS, fmt, f"teilnehmende-{found.slug}")
    audit.record(
        AuditAction.EXPORT,
        request=request,
        obj=found,
        summary=f"attendee list ({fmt})",
        details={"rows": len(rows), "format": fmt},
    )
    response["Cache-Control"] = "private, no-store"
    return response  # type: ignore[return-value]


def document_add(request: HttpRequest, slug: str) -> HttpResponse:
    """An organiser adds slides or minutes (before or after the event)."""
    if (response := _require_login(request)) is not None:
        return response
    event = Event.objects.select_related("network").filter(slug=slug).first()
    if event is None:
        raise Http404(_("No event is published under this address."))
    if not permissions.may_edit(request.user, event):
        raise PermissionDenied(_("Only the network's managers change its events."))
    form = EventDocumentForm(
        request.POST or None, request.FILES or None, instance=EventDocument(event=event)
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("The document is added."))
        return redirect(event.get_absolute_url())
    return render(request, "content/events/document_add.html", {"event": event, "form": form})
