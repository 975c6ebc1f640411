"""Matching rows to the organisations they update, and possible duplicates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz, process

from core.progress import Progress, track

from ..models import (
    ExternalIdentifier,
    Organisation,
    Site,
)
from .columns import (
    IDENTIFIER_TARGETS,
    fold,
)
from .lookups import (
    BATCH_SIZE,
    normalise_website,
    similarity_key,
)
from .report import (
    EntryLevel,
    ReportEntry,
)
from .rows import (
    ParsedRow,
)

# token_set_ratio (0–100) from which two names in one postal code count as "similar".
SIMILAR_NAME_THRESHOLD = 90
# Below this, a portal ID in the file and the name of that organisation disagree too much.
PORTAL_ID_NAME_THRESHOLD = 50


IDENTIFIER_LABELS = {
    "portal_id": gettext_lazy("portal ID"),
    "agency_id": gettext_lazy("agency ID"),
    "register_number": gettext_lazy("register number"),
    "vat_id": gettext_lazy("VAT ID"),
}


def match_rows(rows: list[ParsedRow]) -> None:
    """Find the organisation each row updates, by portal ID or external identifier."""
    wanted: dict[str, set[str]] = defaultdict(set)
    portal_ids = set()
    for row in rows:
        if row.portal_id is not None:
            portal_ids.add(row.portal_id)
        for target, value in row.identifiers.items():
            if value:
                wanted[IDENTIFIER_TARGETS[target]].add(value)
    by_identifier: dict[tuple[str, str], int] = {}
    for scheme, values in wanted.items():
        items = sorted(values)
        for start in range(0, len(items), BATCH_SIZE):
            for org_id, value in ExternalIdentifier.objects.filter(
                scheme=scheme, value__in=items[start : start + BATCH_SIZE]
            ).values_list("organisation_id", "value"):
                by_identifier[(scheme, value)] = org_id
    names: dict[int, str] = {}
    id_list = sorted(portal_ids)
    for start in range(0, len(id_list), BATCH_SIZE):
        names.update(
            Organisation.objects.filter(pk__in=id_list[start : start + BATCH_SIZE]).values_list(
                "pk", "name"
            )
        )
    seen_identifier: dict[tuple[str, str], int] = {}
    seen_org: dict[int, int] = {}
    for row in rows:
        matches: dict[int, str] = {}
        if row.portal_id is not None:
            if row.portal_id not in names:
                row.error(
                    "portal_id",
                    _("No organisation has the portal ID %(id)d") % {"id": row.portal_id},
                )
            else:
                existing = names[row.portal_id]
                if row.name and (
                    fuzz.token_set_ratio(similarity_key(row.name), similarity_key(existing))
                    < PORTAL_ID_NAME_THRESHOLD
                ):
                    row.error(
                        "portal_id",
                        _(
                            "Portal ID %(id)d belongs to “%(existing)s”, not to “%(name)s”; "
                            "remove the portal ID column when the list comes from elsewhere"
                        )
                        % {"id": row.portal_id, "existing": existing, "name": row.name},
                    )
                else:
                    matches[row.portal_id] = "portal_id"
            key = ("portal", str(row.portal_id))
            if key in seen_identifier:
                row.error(
                    "portal_id",
                    _("The portal ID %(value)s appears also in row %(row)d")
                    % {"value": row.portal_id, "row": seen_identifier[key]},
                )
            seen_identifier[key] = row.number
        for target, value in row.identifiers.items():
            if not value:
                continue
            scheme = IDENTIFIER_TARGETS[target]
            key = (scheme, value)
            if key in seen_identifier:
                row.error(
                    target,
                    _("The %(label)s %(value)s appears also in row %(row)d")
                    % {
                        "label": IDENTIFIER_LABELS[target],
                        "value": value,
                        "row": seen_identifier[key],
                    },
                )
            seen_identifier[key] = row.number
            owner = by_identifier.get(key)
            if owner is not None:
                matches.setdefault(owner, target)
        if len(matches) > 1:
            row.error(
                next(iter(matches.values())),
                _(
                    "The identifiers of this row belong to different organisations "
                    "(portal IDs %(ids)s)"
                )
                % {"ids": ", ".join(str(pk) for pk in sorted(matches))},
            )
            continue
        if matches:
            org_id = next(iter(matches))
            if org_id in seen_org:
                row.error(
                    matches[org_id],
                    _("Row %(row)d updates the same organisation (portal ID %(id)d)")
                    % {"row": seen_org[org_id], "id": org_id},
                )
                continue
            seen_org[org_id] = row.number
            row.match_id = org_id


@dataclass
class _Known:
    """An organisation (or an earlier row) the duplicate check compares with."""

    org_id: int | None
    name: str
    row: int | None = None


def _duplicate_entry(row: ParsedRow, target: str, value: str, reason: str, known: _Known) -> None:
    row.entries.append(
        ReportEntry(
            row.number,
            row.columns.get(target, ""),
            value,
            reason,
            EntryLevel.DUPLICATE,
            organisation_id=known.org_id,
            organisation_name=known.name,
            other_row=known.row,
        )
    )


def _who(known: _Known) -> str:
    if known.row is not None:
        return _("row %(row)d (“%(name)s”)") % {"row": known.row, "name": known.name}
    return _("the existing organisation “%(name)s” (portal ID %(id)d)") % {
        "name": known.name,
        "id": known.org_id,
    }


def find_duplicates(rows: list[ParsedRow], progress: Progress) -> None:
    """Report rows that look like an existing organisation or an earlier row.

    Same website (normalised), same folded name in the same postal code, or a
    similar name (legal forms left out, token_set_ratio ≥ SIMILAR_NAME_THRESHOLD,
    the same numbers in both) in the same postal code. A row is never a duplicate
    of the organisation it updates.
    """
    websites = {
        normalise_website(row.fields["website"]) for row in rows if row.fields.get("website")
    }
    codes = {row.site["postal_code"] for row in rows if row.site}
    db_websites: dict[str, list[_Known]] = defaultdict(list)
    if websites:
        for org_id, name, url in (
            Organisation.objects.exclude(website="")
            .values_list("pk", "name", "website")
            .iterator(chunk_size=5000)
        ):
            key = normalise_website(url)
            if key in websites:
                db_websites[key].append(_Known(org_id, name))
    db_names: dict[tuple[str, str], list[_Known]] = defaultdict(list)
    db_by_code: dict[str, dict[str, list[_Known]]] = defaultdict(lambda: defaultdict(list))
    code_list = sorted(codes)
    for start in range(0, len(code_list), BATCH_SIZE):
        sites = (
            Site.objects.filter(postal_code__in=code_list[start : start + BATCH_SIZE])
            .values_list("organisation_id", "organisation__name", "postal_code")
            .distinct()
        )
        for org_id, name, code in sites.iterator(chunk_size=5000):
            stored = _Known(org_id, name)
            folded = fold(name)
            db_names[(folded, code)].append(stored)
            key = similarity_key(name, folded)
            if key:
                db_by_code[code][key].append(stored)

    file_websites: dict[str, _Known] = {}
    file_names: dict[tuple[str, str], _Known] = {}
    file_by_code: dict[str, dict[str, list[_Known]]] = defaultdict(lambda: defaultdict(list))

    def others(candidates: Iterable[_Known], row: ParsedRow) -> _Known | None:
        for known in candidates:
            if known.org_id is None or known.org_id != row.match_id:
                return known
        return None

    for row in track(rows, len(rows), _("Checking for duplicates"), progress):
        if not row.name:
            continue
        website = row.fields.get("website") or ""
        if website:
            key = normalise_website(website)
            known = others(db_websites.get(key, []), row) or others(
                [file_websites[key]] if key in file_websites else [], row
            )
            if known is not None:
                _duplicate_entry(
                    row,
                    "website",
                    website,
                    _("Same website as %(who)s") % {"who": _who(known)},
                    known,
                )
            file_websites.setdefault(key, _Known(row.match_id, row.name, row.number))
        if not row.site:
            continue
        code = row.site["postal_code"]
        folded = fold(row.name)
        name_key = (folded, code)
        exact = others(db_names.get(name_key, []), row) or others(
            [file_names[name_key]] if name_key in file_names else [], row
        )
        if exact is not None:
            _duplicate_entry(
                row,
                "name",
                row.name,
                _("Same name and postal code as %(who)s") % {"who": _who(exact)},
                exact,
            )
        file_names.setdefault(name_key, _Known(row.match_id, row.name, row.number))
        key = similarity_key(row.name, folded)
        if not key:
            continue
        if exact is None:
            similar = _similar(key, db_by_code.get(code), row) or _similar(
                key, file_by_code.get(code), row
            )
            if similar is not None:
                _duplicate_entry(
                    row,
                    "name",
                    row.name,
                    _("Name similar to %(who)s in postal code %(code)s")
                    % {"who": _who(similar), "code": code},
                    similar,
                )
        file_by_code[code][key].append(_Known(row.match_id, row.name, row.number))


def _similar(key: str, candidates: dict[str, list[_Known]] | None, row: ParsedRow) -> _Known | None:
    if not candidates:
        return None
    numbers = _numbers(key)
    if len(candidates) <= 50:
        scorer = fuzz.token_set_ratio
        matches = [
            match for match in candidates if scorer(key, match, score_cutoff=SIMILAR_NAME_THRESHOLD)
        ]
    else:
        matches = [
            match
            for match, _score, _index in process.extract(
                key,
                list(candidates),
                scorer=fuzz.token_set_ratio,
                score_cutoff=SIMILAR_NAME_THRESHOLD,
                limit=10,
            )
        ]
    for match in matches:
        if _numbers(match) != numbers:
            continue
        for known in candidates[match]:
            if known.org_id is None or known.org_id != row.match_id:
                return known
    return None


def _numbers(key: str) -> frozenset[str]:
    return frozenset(token for token in key.split() if token.isdigit())
