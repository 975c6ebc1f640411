"""Whole pages for visitors without a session, from the shared cache, keyed by what they
show: the search page and API, the map, organisations, networks, events, news, funding
programmes, the start page and the matching cost tens to hundreds of milliseconds to
make and are asked for again and again with the same parameters (the list of kept pages
with their generations and time limits: docs/operations/settings.md,
``PAGE_CACHE_SECONDS``).

A page is kept under its address (path and parameters), the language, whether htmx
asked for a part of it, and the **generation** of what it shows: ``bump("search")`` is
called by every write to the search index (organisations and every other kind of
content), so a page made before a change is never served after it, on any node. A page
is kept at most ``PAGE_CACHE_SECONDS``; 0 (the default) switches the cache off.

Only visitors without a session cookie and without pending messages get a kept page
(a signed-in person's page shows their name and rights); answers that are the same
whoever asks (the search API, the map's data) are kept for everyone (``everyone=True``).
The one per-visitor piece of such a page, the CSRF token of its forms and of htmx, is
stored as a placeholder and filled in for each visitor (``CSRF_PLACEHOLDER``; the context processor
``core.context_processors.portal`` renders the placeholder while a page is being kept).

Pages that show more than the index holds also name the generation of each app whose
rows they show (``of_app("content")``): every save, delete and change of a many-to-many
relation of a model of a watched app (``WATCHED_APPS``) advances its app's generation
when the transaction commits (at once outside one); a bulk write (``update()``,
``bulk_create()``, raw SQL) skips those signals and calls ``written(label)`` itself.

What changes with time alone (an event that ends, a registration deadline, an article
scheduled for later, the date of a deadline) is handled by the view: it tells
``keep_until(request, moment)`` the next moment its page would look different, and the
page is kept no longer than that (``end_of_day()`` for what depends on the date).

The generations and the pages live in Django's cache: with several processes or nodes
that must be a shared cache (``CACHE_URL``, Redis), or a change seen by one process
would not reach the pages kept by another; a system check refuses the page cache on a
per-process cache.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from .transactions import batch_of_transaction

logger = logging.getLogger(__name__)

CSRF_PLACEHOLDER = "csrf-placeholder-0f6c2a9e"
# The generation of everything the search finds (organisations and other content):
# advanced by every write to a search index (``search.pages``). The list and the
# profiles of organisations use it too: each change of an organisation re-indexes it.
SEARCH = "search"
CAPTURING = "_page_cache_capturing"
UNTIL = "_page_cache_until"
# The apps whose rows kept pages show (beyond what the search index holds): each has a
# generation ``of_app(label)`` advanced by every write to one of its models.
WATCHED_APPS = ("classification", "geo", "directory", "sourcing", "networks", "content")
# Models of those apps whose rows no kept page shows (a visitor's suggested correction
# waits for staff): their writes advance no generation.
UNSHOWN_MODELS = frozenset({"directory.changerequest"})
# Models with a generation of their own (``of_app("content.registration")``) instead of
# their app's: a registration for an event changes that event's page (the places left),
# not the news, funding or network pages of the same app. The pages that show them name
# that generation.
OWN_GENERATION_MODELS = frozenset({"content.registration"})
PREFIX = "page:"
# Response headers kept with a page (the others are set anew by the middleware).
KEPT_HEADERS = ("Content-Type", "Vary", "Content-Language", "Content-Disposition")


def enabled() -> bool:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0)) > 0


def _generation_key(name: str) -> str:
    return f"{PREFIX}generation:{name}"


def generation(name: str) -> int:
    value = cache.get(_generation_key(name))
    if value is None:
        cache.add(_generation_key(name), 1, timeout=None)
        value = cache.get(_generation_key(name), 1)
    return int(value)


def bump(*names: str) -> None:
    """What the pages of ``names`` show has changed: no page kept before is served again.
    Never fails the write that called it (a cache that is down keeps no pages either)."""
    if not enabled():
        return
    for name in names:
        key = _generation_key(name)
        try:
            try:
                cache.incr(key)
            except ValueError:  # not there yet (or evicted): any new value will do
                cache.set(key, generation(name) + 1, timeout=None)
        except Exception:
            logger.exception("could not advance the page generation %s", name)


def of_app(label: str) -> str:
    """The generation of every row of the app ``label`` (one of ``WATCHED_APPS``), or of
    a model with a generation of its own (``OWN_GENERATION_MODELS``, "app.model")."""
    return f"app:{label}"


class _Written:
    """The app generations written to in one transaction, advanced once it commits."""

    def __init__(self) -> None:
        self.labels: set[str] = set()
        self.flushed = False

    def flush(self) -> None:
        self.flushed = True
        bump(*(of_app(label) for label in sorted(self.labels)))


def written(*labels: str) -> None:
    """Rows of the apps ``labels`` (or of models with a generation of their own)
    changed: the pages kept so far are old. Advanced at every write and once more per
    label when the current transaction commits (a page made from the database between
    the two must not outlive it), as ``search.pages.changed``."""
    if not enabled() or not labels:
        return
    pending = batch_of_transaction("page_cache_written", _Written)
    if pending is not None:
        pending.labels.update(labels)
    bump(*(of_app(label) for label in labels))


def _model_written(sender: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    label = sender._meta.label_lower
    if label in UNSHOWN_MODELS:
        return
    written(label if label in OWN_GENERATION_MODELS else sender._meta.app_label)


def _relation_changed(sender: Any, action: str, **kwargs: Any) -> None:
    # ``sender`` is the relation's table, of the app of the model that declares it.
    if action.startswith("post_") and sender._meta.app_label in WATCHED_APPS:
        written(sender._meta.app_label)


def watch() -> None:
    """Connect the writes of every model of ``WATCHED_APPS`` (called once the models are
    loaded). Per model, so that deletes of other models stay fast deletes."""
    for label in WATCHED_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:  # not installed in this set-up
            continue
        for model in config.get_models():
            uid = f"core.pagecache.{model._meta.label_lower}"
            post_save.connect(_model_written, sender=model, dispatch_uid=uid)
            post_delete.connect(_model_written, sender=model, dispatch_uid=uid)
    m2m_changed.connect(_relation_changed, dispatch_uid="core.pagecache.relations")


def keep_until(request: HttpRequest, moment: datetime.datetime | None) -> None:
    """The page being made looks different from ``moment`` on (time alone changes it):
    it is kept no longer than that. The earliest of several moments counts."""
    if moment is None or not capturing(request):
        return
    earlier = getattr(request, UNTIL, None)
    if earlier is None or moment < earlier:
        setattr(request, UNTIL, moment)


def end_of_day(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next local midnight: where a page shows what depends on today's date."""
    today = timezone.localtime(now).date()
    midnight = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(midnight)


def _timeout(request: HttpRequest) -> int:
    """How long the page just made may be kept: ``PAGE_CACHE_SECONDS``, less where its
    view named an earlier moment (``keep_until``); 0: not at all."""
    seconds = int(settings.PAGE_CACHE_SECONDS)
    until = getattr(request, UNTIL, None)
    if until is not None:
        left = int((until - timezone.now()).total_seconds())
        seconds = min(seconds, max(left, 0))
    return seconds


def may_keep(request: HttpRequest, everyone: bool = False) -> bool:
    """Whether ``request`` may be answered with a kept page (and its answer kept);
    ``everyone``: the answer is the same whoever asks (data for a script, no page)."""
    if request.method not in ("GET", "HEAD"):
        return False
    if everyone:
        return True
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _generations(names: tuple[str, ...]) -> list[tuple[str, int]]:
    """The generations of ``names``, read in one round trip (a page names up to seven)."""
    found = cache.get_many([_generation_key(name) for name in names])
    return [
        (name, int(found[_generation_key(name)]))
        if _generation_key(name) in found
        else (name, generation(name))
        for name in names
    ]


def _key(request: HttpRequest, generations: tuple[str, ...]) -> str:
    parts = [
        request.get_full_path(),
        translation.get_language() or "",
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-History-Restore-Request", ""),
        *(f"{name}={value}" for name, value in _generations(generations)),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"{PREFIX}{digest}"


def _fill(request: HttpRequest, content: bytes) -> bytes:
    if CSRF_PLACEHOLDER.encode() in content:
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    return content


def keep_page(
    *generations: str, everyone: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., Any]]:
    """A view decorator: answer visitors without a session from the cache while none of
    ``generations`` changed. The answer says ``X-Page-Cache: hit`` or ``miss``.

    ``everyone=True`` for an answer that is the same whoever asks, signed in or not
    (the search API, the map's data: no name, no rights, no form, no message in it):
    then signed-in visitors share the kept answers too."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not enabled() or not may_keep(request, everyone):
                return view(request, *args, **kwargs)
            try:
                key = _key(request, generations)
                kept = cache.get(key)
            except Exception:
                logger.exception("page cache unavailable")
                return view(request, *args, **kwargs)
            if kept is not None:
                status, headers, content = kept
                response = HttpResponse(_fill(request, content), status=status)
                for name, value in headers:
                    response[name] = value
                response["X-Page-Cache"] = "hit"
                return response
            setattr(request, CAPTURING, True)
            try:
                response = view(request, *args, **kwargs)
            finally:
                setattr(request, CAPTURING, False)
            timeout = _timeout(request)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and timeout > 0
            ):
                headers = [(h, response[h]) for h in KEPT_HEADERS if h in response]
                try:
                    cache.set(
                        key, (response.status_code, headers, response.content), timeout=timeout
                    )
                except Exception:
                    logger.exception("could not keep a page")
            if not response.streaming:
                response.content = _fill(request, response.content)
            response["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorator


def capturing(request: HttpRequest) -> bool:
    return bool(getattr(request, CAPTURING, False))
