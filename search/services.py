"""Search: the one entry point views, the API, commands, tasks and tests call.

``search(query)`` plans the query, asks the configured engine, loads the
organisations of the page in one query and labels the facets. Index updates and
rebuilds also go through here, whichever engine is configured.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from classification.models import (
    CertificationStandard,
    GrowthField,
    WzCode,
    english_shown,
    localised,
)
from core.progress import Progress, silent
from directory.choices import (
    NETWORK_KINDS,
    EmployeeSizeClass,
    OrganisationKind,
    PublicationStatus,
)
from directory.models import Organisation, Site
from geo.models import District

from . import pages, partial, spelling, vocabulary
from .analysis import highlight_spans
from .backends.base import Cluster, Hit, SearchEngine
from .documents import DocumentReader, read_in_chunks
from .partial import UsedSpelling
from .query import FACETS, QueryPlan, SearchQuery, plan_query
from .vectors import VectorStats
from .vectors import build as build_vectors
from .vectors import remove as remove_vectors
from .vectors import schedule as schedule_vectors
from .vectors import update as update_vectors
from .vectors.store import VectorStore

_engines: dict[tuple[str, str], SearchEngine] = {}
_engines_lock = threading.Lock()

FACET_LABELS = {
    "kind": gettext_lazy("Kind"),
    "wz": gettext_lazy("Industry (WZ 2008)"),
    "district": gettext_lazy("District"),
    "growth": gettext_lazy("Growth field"),
    "network": gettext_lazy("Network"),
    "size": gettext_lazy("Employees"),
    "cert": gettext_lazy("Certification"),
}


def engine() -> SearchEngine:
    """The engine ``SEARCH_ENGINE`` names, one per process and index location."""
    name = settings.SEARCH_ENGINE
    location = str(settings.SEARCH_INDEX_DIR)
    key = (name, location)
    with _engines_lock:
        if key not in _engines:
            if name == "tantivy":
                from .backends.tantivy_engine import TantivyEngine

                _engines[key] = TantivyEngine(settings.SEARCH_INDEX_DIR)
            elif name == "postgres":
                from .backends.postgres_engine import PostgresEngine

                _engines[key] = PostgresEngine()
            else:
                raise ValueError(f"SEARCH_ENGINE must be 'tantivy' or 'postgres', not {name!r}")
        return _engines[key]


# -- writing ------------------------------------------------------------------------------


INDEX_CHUNK = 2000


def index_organisations(ids: Iterable[int]) -> int:
    """Bring the index up to date for these organisations (published ones in, others out)."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    reader = DocumentReader(vocabulary.analyser())
    written = 0
    indexed: list[int] = []
    removed: list[int] = []
    # In chunks: an import or a generator run may name more organisations than SQLite or
    # PostgreSQL take as parameters of one query, and memory stays flat.
    for start in range(0, len(ids), INDEX_CHUNK):
        chunk = ids[start : start + INDEX_CHUNK]
        documents = reader.read(chunk)
        found = {d.id for d in documents}
        gone = [pk for pk in chunk if pk not in found]
        engine().update(documents, remove=gone)
        written += len(documents)
        indexed += found
        removed += gone
    # Vectors: removed at once (cheap), computed without making the caller wait.
    remove_vectors(removed)
    schedule_vectors(indexed)
    pages.changed()
    return written


def remove_organisations(ids: Iterable[int]) -> None:
    ids = list(ids)
    engine().update([], remove=ids)
    remove_vectors(ids)
    pages.changed()


@dataclass
class RebuildStats:
    documents: int
    seconds: float
    engine: str
    # Organisation vectors (search.vectors): how many were computed, reused, cached.
    vectors: VectorStats = field(default_factory=VectorStats)


def rebuild_index(progress: Progress = silent, chunk: int = 2000) -> RebuildStats:
    """Build the whole index anew from the database; readers keep the old one meanwhile.

    Organisations saved while the rebuild runs are indexed again after the switch.
    """
    started = time.perf_counter()
    since = time.time()
    reader = DocumentReader(vocabulary.analyser())
    ids = reader.published_ids()
    label = _("Building the search index")
    progress(0, len(ids), label)
    eng = engine()
    made: list[VectorStats] = []
    previous = _current_vectors(eng)

    def fill(store: VectorStore) -> None:
        # Unchanged organisations keep the previous generation's vector, the others are
        # composed from the cache of piece vectors. Organisations with a text never
        # embedded wait until after the switch: the first build of a large directory
        # embeds for hours, and the new index must not wait for it.
        made.append(
            build_vectors(store, ids, progress=progress, previous=previous, defer_uncached=True)
        )

    eng.rebuild(
        read_in_chunks(reader, ids, chunk=chunk, encode=eng.encode),
        len(ids),
        lambda done: progress(done, len(ids), label),
        vectors=fill,
    )
    stats = made[0] if made else VectorStats()
    if stats.deferred:
        # Searches already use the new index; the semantic side finds these
        # organisations as their vectors arrive (progress as before).
        late = update_vectors(stats.deferred, progress=progress)
        stats.deferred = []
        stats.add(late)
    changed = list(
        Organisation.objects.filter(modified__gte=_aware(since)).values_list("pk", flat=True)
    )
    if changed:
        index_organisations(changed)
    pages.changed()
    return RebuildStats(len(ids), time.perf_counter() - started, eng.name, stats)


def _current_vectors(eng: SearchEngine) -> VectorStore | None:
    """The vector store readers use now, to copy unchanged vectors from (None where it
    cannot be read, such as an index of an earlier schema)."""
    try:
        return eng.vector_store()
    except Exception:
        return None


def _aware(timestamp: float) -> Any:
    import datetime

    return datetime.datetime.fromtimestamp(timestamp - 1, tz=datetime.UTC)


# -- reading ------------------------------------------------------------------------------


@dataclass
class ResultItem:
    organisation: Organisation
    score: float
    distance_km: float | None
    name_html: SafeString
    snippet_html: SafeString
    matched_codes: list[WzCode] = field(default_factory=list)
    # Partial matches: the words of the query (as typed) this organisation lacks.
    missing: list[str] = field(default_factory=list)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]
    # WZ: the selected code's ancestors, for a breadcrumb above the values.
    trail: list[FacetValue] = field(default_factory=list)


@dataclass
class Relaxation:
    """What to drop from a search that found nothing, and how many it would find then."""

    label: str
    params: dict[str, list[str]]
    total: int


@dataclass
class SearchResults:
    query: SearchQuery
    plan: QueryPlan
    items: list[ResultItem]
    total: int
    facets: list[Facet]
    relaxations: list[Relaxation]
    milliseconds: float
    # Facet counts of a large result are estimated from a sample.
    facets_approximate: bool = False
    # So is the number of hits of a large result (the PostgreSQL engine).
    total_approximate: bool = False
    # No organisation has every word: these are the best partial matches (any word),
    # each with the words it lacks (``ResultItem.missing``).
    partial: bool = False
    # Only a few organisations have every word: the page offers those with some of them.
    offer_partial: bool = False
    # Words searched by their near spellings, with the words of the hits that matched.
    corrections: list[UsedSpelling] = field(default_factory=list)


def plan(query: SearchQuery) -> QueryPlan:
    return plan_query(
        query,
        vocabulary.analyser(),
        engine(),
        vocabulary.synonyms(),
        vocabulary.wz_notes(),
        spelling.is_real_word,
    )


def search(query: SearchQuery, relax: bool = True) -> SearchResults:
    """The page of hits, the total and the facets for ``query``.

    With ``relax`` (the search page), a search of several words that no organisation
    has all of shows the best partial matches instead (``partial``), and a search
    without results says what to leave out (``relaxations``).
    """
    started = time.perf_counter()
    query_plan = plan(query)
    page: list[list[ResultItem]] = []
    # The hits are read from the database while the engine still counts the facets.
    result = engine().search(
        query, query_plan, on_page=lambda hits: page.append(_items(hits, query_plan))
    )
    is_partial = False
    # What to leave out for matches of every word (also beside partial matches).
    relaxations = _relaxations(query) if relax and result.total == 0 else []
    if relax and result.total == 0 and partial.wants_partial(query, query_plan):
        wider = partial.any_word(query)
        wider_plan = plan(wider)
        page.clear()
        found = engine().search(
            wider, wider_plan, on_page=lambda hits: page.append(_items(hits, wider_plan))
        )
        if found.total:
            result, is_partial = found, True
            query_plan, every_word_plan = wider_plan, query_plan
        else:
            page.clear()
    items = page[0] if page else _items(result.hits, query_plan)
    if relax and query.any_word and not is_partial:
        # Asked for any word (the page's "some of the words"): said as partial matches.
        every_word_plan = plan(partial.every_word(query))
        is_partial = len(every_word_plan.words) >= 2
    if is_partial:
        partial.mark_missing(items, every_word_plan, vocabulary.analyser())
    facets = _label_facets(query, result.facets, result.total) if query.facets else []
    return SearchResults(
        query=query,
        plan=query_plan,
        items=items,
        total=result.total,
        facets=facets,
        relaxations=relaxations,
        milliseconds=(time.perf_counter() - started) * 1000,
        facets_approximate=result.facets_approximate,
        total_approximate=result.total_approximate,
        partial=is_partial,
        offer_partial=relax
        and not is_partial
        and 0 < result.total < partial.OFFER_BELOW
        and partial.wants_partial(query, query_plan),
        corrections=partial.used_spellings(query_plan, items, vocabulary.analyser()),
    )


def answered_query(query: SearchQuery) -> SearchQuery:
    """The query the search page answers: ``query``, or its any-word form where no
    organisation has every word (the map and the exports show what the list shows)."""
    query_plan = plan(query)
    if not partial.wants_partial(query, query_plan):
        return query
    counted = engine().search(_copy(query, bbox=None), query_plan)
    return query if counted.total else partial.any_word(query)


def search_ids(query: SearchQuery, limit: int) -> list[int]:
    """Ids of the matches in the query's order, for exports (at most ``limit``)."""
    query = answered_query(query)
    return engine().ids(query, plan(query), limit)


HIT_FIELDS = (
    "id",
    "name",
    "slug",
    "kind",
    "website",
    "short_description",
    "description",
    "source",
    "status",
    "primary_wz__code",
    "primary_wz__title",
    "primary_wz__title_en",
)
SITE_COLUMNS = (
    "id",
    "organisation_id",
    "is_primary",
    "street",
    "postal_code",
    "place",
    "latitude",
    "longitude",
)


def organisations_for(ids: list[int], with_codes: bool = False) -> list[Organisation]:
    """The published organisations of ``ids`` in that order, with what a hit shows.

    Only the columns a hit shows (a district's boundary or a code's notes are large),
    read with plain row queries: each organisation gets ``primary_site_list`` (its main
    site, as ``directory.services`` lists do) and, with ``with_codes``,
    ``secondary_wz_list``. A page of hits costs three small queries and no prefetch
    machinery, which matters at a search's budget of a few milliseconds.
    """
    if not ids:
        return []
    # By primary key alone, unordered; whether published is checked on the rows: the
    # planner then reads the twenty rows, never an index of the status.
    found = (
        Organisation.objects.filter(pk__in=ids)
        .select_related("primary_wz")
        .only(*HIT_FIELDS)
        .order_by()
    )
    by_id = {o.pk: o for o in found if o.status == PublicationStatus.PUBLISHED}
    for org in by_id.values():
        org.primary_site_list = []  # type: ignore[attr-defined]
        org.secondary_wz_list = []  # type: ignore[attr-defined]
    rows = (
        Site.objects.filter(organisation_id__in=list(by_id))
        .order_by("organisation_id", "-is_primary", "pk")
        .values_list(*SITE_COLUMNS, "district__name", "district__ags")
    )
    for *columns, district_name, ags in rows:
        site = Site(**dict(zip(SITE_COLUMNS, columns, strict=True)))
        if district_name is not None:
            site.district = District(name=district_name, ags=ags)
        org = by_id[site.organisation_id]
        if not org.primary_site_list:  # type: ignore[attr-defined]
            org.primary_site_list.append(site)  # type: ignore[attr-defined]
    if with_codes:
        through = Organisation.secondary_wz.through.objects.filter(organisation_id__in=list(by_id))
        for org_id, pk, code, title, title_en in through.values_list(
            "organisation_id", "wzcode_id", "wzcode__code", "wzcode__title", "wzcode__title_en"
        ):
            wz = WzCode(id=pk, code=code, title=title, title_en=title_en)
            by_id[org_id].secondary_wz_list.append(wz)  # type: ignore[attr-defined]
    return [by_id[pk] for pk in ids if pk in by_id]


def names_and_urls(ids: list[int]) -> dict[int, tuple[str, str]]:
    """Name and profile address of published organisations: what a map marker shows."""
    from django.urls import reverse

    rows = Organisation.objects.published().filter(pk__in=ids).values_list("pk", "name", "slug")
    return {
        pk: (name, reverse("directory:organisation-detail", kwargs={"slug": slug}))
        for pk, name, slug in rows
    }


def _mark(text: str, spans: list[tuple[int, int]]) -> SafeString:
    out: list[str] = []
    pos = 0
    for start, end in spans:
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))


def _snippet(text: str, spans: list[tuple[int, int]], width: int = 220) -> SafeString:
    if not spans:
        short = text[:width]
        return mark_safe(escape(short) + ("…" if len(text) > width else ""))
    first = spans[0][0]
    start = max(0, first - width // 3)
    if start:
        start = text.rfind(" ", 0, start) + 1
    end = min(len(text), start + width)
    window = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    body = _mark(text[start:end], window)
    return mark_safe(("…" if start else "") + body + ("…" if end < len(text) else ""))


def _items(found: list[Hit], query_plan: QueryPlan) -> list[ResultItem]:
    wz_codes = {
        code
        for group in query_plan.groups
        for alt in group.alternatives
        if alt.kind == "wz"
        for code in alt.terms
    }
    organisations = organisations_for([h.id for h in found], with_codes=bool(wz_codes))
    hits = {h.id: h for h in found}
    analyser = vocabulary.analyser()
    terms, prefixes = query_plan.highlight_terms, query_plan.highlight_prefixes
    # Corrected words: the hits' words their near spellings matched are marked too.
    near = [(c.term, c.distance) for c in query_plan.corrections]
    items = []
    for org in organisations:
        hit = hits[org.pk]
        name_spans = highlight_spans(analyser, org.name, terms, prefixes, near)
        texts = [org.short_description, org.description]
        snippet = None
        for text in texts:
            if not text:
                continue
            spans = highlight_spans(analyser, text, terms, prefixes, near)
            if spans:
                snippet = _snippet(text, spans)
                break
        if snippet is None:
            snippet = _snippet(org.short_description or org.description or "", [])
        matched = []
        if wz_codes:
            own = [org.primary_wz, *org.secondary_wz_list]  # type: ignore[attr-defined]
            matched = [
                c for c in own if c is not None and any(c.code.startswith(w) for w in wz_codes)
            ]
        items.append(
            ResultItem(
                organisation=org,
                score=hit.score,
                distance_km=hit.distance_km,
                name_html=_mark(org.name, name_spans),
                snippet_html=snippet,
                matched_codes=matched,
            )
        )
    return items


LABELS_TTL = 60.0  # seconds; labels are reference data and names that rarely change


@dataclass
class _Labels:
    loaded: float
    district: dict[str, str]
    growth: dict[str, tuple[str, str]]  # id → (name, English name)
    cert: dict[str, tuple[str, str]]
    network: dict[str, str]
    wz: dict[str, tuple[str, str | None, str]]  # code → (title, parent code, English title)
    wz_children: dict[str | None, list[str]]
    # Ids asked for that are no network (any more): not looked up again for a minute.
    not_networks: set[str] = field(default_factory=set)


_labels_cache: list[_Labels] = []


def _labels() -> _Labels:
    """Facet labels, loaded once a minute instead of five queries per search."""
    now = time.monotonic()
    if _labels_cache and now - _labels_cache[0].loaded < LABELS_TTL:
        return _labels_cache[0]
    codes = WzCode.objects.filter(version="2008").values_list(
        "code", "title", "parent__code", "title_en"
    )
    wz: dict[str, tuple[str, str | None, str]] = {
        code: (title, parent, english) for code, title, parent, english in codes
    }
    children: dict[str | None, list[str]] = {}
    for code, (_title, parent, _english) in wz.items():
        children.setdefault(parent, []).append(code)
    labels = _Labels(
        loaded=now,
        district=dict(District.objects.values_list("ags", "name")),
        growth=_names(GrowthField),
        cert=_names(CertificationStandard),
        # Networks are organisations (a million rows): their names are read by id when a
        # facet first shows them, never by scanning the table.
        network={},
        wz=wz,
        wz_children=children,
    )
    _labels_cache[:] = [labels]
    return labels


def _names(model: type[GrowthField] | type[CertificationStandard]) -> dict[str, tuple[str, str]]:
    rows = model._default_manager.values_list("pk", "name", "name_en")
    return {str(pk): (name, english) for pk, name, english in rows}


def forget_labels() -> None:
    _labels_cache.clear()


def _label_facets(
    query: SearchQuery, counts: dict[str, dict[str, int]], total: int = 0
) -> list[Facet]:
    cached = _labels()
    _add_network_names(
        cached, counts.get("network", {}).keys() | set(query.filters.get("network", []))
    )
    labels: dict[str, dict[str, str]] = {
        "kind": {str(k): str(v) for k, v in OrganisationKind.choices},
        "size": {str(k): str(v) for k, v in EmployeeSizeClass.choices},
        "district": cached.district,
        # English names when English is shown (the cache holds both languages).
        "growth": {pk: localised(*names) for pk, names in cached.growth.items()},
        "cert": {pk: localised(*names) for pk, names in cached.cert.items()},
        "network": cached.network,
    }
    stale = any(
        value not in labels[f] and value != "none"  # "none": no site, no district
        for f in ("district", "growth", "cert")
        for value in counts.get(f, {})
    )
    if stale and time.monotonic() - cached.loaded > 0.5:
        forget_labels()  # a value added within the last minute: load again, once
        return _label_facets(query, counts, total)
    facets = []
    for name in FACETS:
        selected = set(query.filters.get(name, []))
        if name == "wz":
            facets.append(_wz_facet(cached, counts.get("wz", {}), selected, total))
            continue
        values = [
            FacetValue(value, _capfirst(labels[name].get(value, value)), count, value in selected)
            for value, count in counts.get(name, {}).items()
            if value in labels[name]
        ]
        for value in selected - {v.value for v in values}:
            values.append(FacetValue(value, labels[name].get(value, value), 0, True))
        values.sort(key=lambda v: (not v.selected, -v.count, v.label))
        facets.append(Facet(name, str(FACET_LABELS[name]), values))
    return facets


def _add_network_names(labels: _Labels, ids: Iterable[str]) -> None:
    missing = [pk for pk in ids if pk not in labels.network and pk not in labels.not_networks]
    if missing:
        asked = [int(pk) for pk in missing if pk.isdigit()]
        rows = Organisation.objects.filter(pk__in=asked, kind__in=NETWORK_KINDS)
        labels.network.update((str(pk), name) for pk, name in rows.values_list("pk", "name"))
        labels.not_networks.update(pk for pk in missing if pk not in labels.network)


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def _wz_facet(labels: _Labels, counts: dict[str, int], selected: set[str], total: int) -> Facet:
    """Sections, or the children of the deepest selected code, with their counts.

    The deepest chosen code counts what the search found; the codes above it in the
    trail are links back up without a count.
    """
    deepest = max(selected, key=len) if selected else None
    trail_codes: list[str] = []
    if deepest and deepest in labels.wz:
        node: str | None = deepest
        while node is not None:
            trail_codes.insert(0, node)
            node = labels.wz[node][1]
        children = labels.wz_children.get(deepest, [])
    else:
        children = labels.wz_children.get(None, [])

    def value(code: str, selected: bool) -> FacetValue:
        title, _parent, english = labels.wz[code]
        label = f"{code} {localised(title, english)}"
        return FacetValue(code, label, counts.get(code, 0), selected)

    trail = [value(code, True) for code in trail_codes]
    for crumb in trail:
        crumb.count = total if crumb.value == deepest and len(selected) == 1 else 0
    values = [value(code, False) for code in children if counts.get(code)]
    values.sort(key=lambda v: -v.count)
    return Facet("wz", str(FACET_LABELS["wz"]), values, trail)


def _ints(values: Iterable[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


RELAX_SECONDS = 0.3


def _relaxations(query: SearchQuery) -> list[Relaxation]:
    """For a search without results: how many each single relaxation would find."""
    options: list[tuple[str, SearchQuery, dict[str, list[str]]]] = []
    for name in query.facet_filters():
        relaxed = _copy(query, filters=query.facet_filters(without=name))
        options.append(
            (
                _("without the filter “%(facet)s”") % {"facet": FACET_LABELS[name]},
                relaxed,
                {name: []},
            )
        )
    if query.is_geo and query.radius_km:
        wider = min(query.radius_km * 2, 500)
        options.append(
            (
                _("within %(km)s km") % {"km": f"{wider:g}"},
                _copy(query, radius_km=wider),
                {"radius": [f"{wider:g}"]},
            )
        )
        options.append(
            (
                _("without the distance limit"),
                _copy(query, center=None, radius_km=None),
                {"radius": []},
            )
        )
    words = query.text.split()
    if len(words) > 1:
        for word in words:
            rest = " ".join(w for w in words if w != word)
            options.append(
                (_("without “%(word)s”") % {"word": word}, _copy(query, text=rest), {"q": [rest]})
            )
    relaxations = []
    started = time.perf_counter()
    for label, relaxed, params in options[:8]:
        if time.perf_counter() - started > RELAX_SECONDS:
            break  # an empty page must not wait for every alternative
        result = engine().search(relaxed, plan(relaxed))
        if result.total:
            relaxations.append(Relaxation(label, params, result.total))
    return relaxations


def _copy(query: SearchQuery, **changes: Any) -> SearchQuery:
    from dataclasses import replace

    return replace(query, facets=False, limit=0, offset=0, **changes)


# -- map and autocomplete -----------------------------------------------------------------


# Below this many matches in the viewport the map gets single points, above it clusters.
MAP_MAX_POINTS = 500


def cluster_level(zoom: int) -> int:
    """The precomputed cell level for a map zoom: about 60 pixels per cell."""
    from .documents import CLUSTER_LEVELS

    wanted = zoom + 2
    return min(CLUSTER_LEVELS, key=lambda level: abs(level - wanted))


def map_clusters(query: SearchQuery, zoom: int) -> tuple[list[Cluster], int]:
    query = answered_query(query)
    return engine().clusters(query, plan(query), cluster_level(zoom), MAP_MAX_POINTS)


@dataclass
class Suggestion:
    label: str
    url: str
    kind: str
    # The kind's name for people ("Veranstaltungen"); empty for organisations.
    kind_label: str = ""


# Content hits offered beside the organisations: at most this many of one type, and of
# all types together.
CONTENT_SUGGESTIONS_PER_TYPE = 2
CONTENT_SUGGESTIONS = 4


def content_suggestions(
    text: str, user: Any = None, limit: int = CONTENT_SUGGESTIONS
) -> list[Suggestion]:
    """The best hits of every other searchable type (news, events, funding programmes,
    requests, networks, pages …) for what has been typed so far, the last word taken as
    the beginning of a word. The words are planned once for all types; each type costs
    one look into the content index and one load of what ``user`` may see."""
    from .content import ContentQuery, content_plan, content_types, search_content

    plan_ = content_plan(text, prefix=True)
    if plan_.is_empty:
        return []
    scored: list[tuple[float, int, Suggestion]] = []
    for position, doc_type in enumerate(content_types()):
        if not doc_type.suggestible:
            continue
        query = ContentQuery(
            type=doc_type.name, text=text, page_size=CONTENT_SUGGESTIONS_PER_TYPE, facets=False
        )
        hits = search_content(query, plan=plan_).hits
        if not hits:
            continue
        objects = doc_type.load([hit.id for hit in hits], user)
        for hit in hits:
            obj = objects.get(hit.id)
            if obj is None:
                continue  # no longer visible to this user
            suggestion = Suggestion(
                doc_type.title(obj), doc_type.url(obj), doc_type.name, str(doc_type.label)
            )
            scored.append((-hit.score, position, suggestion))
    scored.sort(key=lambda row: (row[0], row[1]))
    return [suggestion for _score, _position, suggestion in scored[:limit]]


def suggest(prefix: str, limit: int = 6, user: Any = None) -> list[Suggestion]:
    """Organisations whose name begins with what was typed so far, then the best hits of
    the other kinds of content, then known terms (industries)."""
    from django.urls import reverse

    text = prefix.strip()[:100]
    if len(text) < 2 or not any(ch.isalnum() for ch in text):
        return []  # punctuation alone names nothing (it would match everything)
    query = SearchQuery(text=text, prefix=True, limit=limit, facets=False)
    result = search(query, relax=False)
    suggestions = [
        Suggestion(item.organisation.name, item.organisation.get_absolute_url(), "organisation")
        for item in result.items
    ]
    suggestions += content_suggestions(text, user)
    seen = {s.label.lower() for s in suggestions}
    named = Q(title__icontains=text) | (Q(title_en__icontains=text) if english_shown() else Q())
    for code in WzCode.objects.filter(named, version="2008", level__gte=4)[:3]:
        german = code.title_short or code.title
        label = f"{code.code} {localised(german, code.title_en)}"
        if label.lower() not in seen:
            suggestions.append(
                Suggestion(label, f"{reverse('search:search')}?wz={code.code}", "wz", _("industry"))
            )
    return suggestions
