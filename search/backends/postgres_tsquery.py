"""Query plans as PostgreSQL ``tsquery`` texts, shared by the engine of organisations
(``postgres_engine``) and the index of other content (``content_postgres``): each word's
alternatives (terms, phrases, near spellings, prefixes, WZ codes) ORed, the words ANDed
(or ORed where any word may match); near spellings find documents but add nothing to
their rank."""

from __future__ import annotations

import dataclasses

from ..query import MAX_PREFIX_TERMS, Alternative, QueryPlan


@dataclasses.dataclass
class TsWords:
    """A query plan as tsquery texts."""

    # What a document must match (None: anything).
    must: str | None
    # What adds to its rank (near spellings find documents but add nothing).
    ranked: str | None
    # Each optional word with its alternatives, alone.
    optional: list[str] = dataclasses.field(default_factory=list)


def lexeme(term: str) -> str:
    """A term as a tsquery operand, taken literally."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


class TsQueries:
    """A query plan as tsquery texts; the content index (``content_postgres``) shares it.
    Near spellings and prefixes come from the subclass's own table of terms."""

    def _near_terms(self, term: str, distance: int) -> list[str]:
        raise NotImplementedError

    def terms_with_prefix(self, prefix: str, limit: int) -> list[str]:
        raise NotImplementedError

    def _alternative(self, alt: Alternative) -> str | None:
        if alt.kind == "terms":
            return "(" + " & ".join(lexeme(t) for t in alt.terms) + ")"
        if alt.kind == "phrase":
            return "(" + " <-> ".join(lexeme(t) for t in alt.terms) + ")"
        if alt.kind == "fuzzy":
            near = self._near_terms(alt.terms[0], alt.distance)
            return "(" + " | ".join(lexeme(t) for t in near) + ")" if near else None
        if alt.kind == "prefix":
            found = self.terms_with_prefix(alt.terms[0], MAX_PREFIX_TERMS)
            return "(" + " | ".join(lexeme(t) for t in found) + ")" if found else None
        if alt.kind == "wz":
            return "(" + " | ".join(lexeme(f"wz:{c}") for c in alt.terms) + ")"
        raise ValueError(alt.kind)  # pragma: no cover - the planner makes no other kinds

    def _tsquery(self, plan: QueryPlan) -> tuple[str | None, str | None]:
        """(what must match, what only adds to the rank) as tsquery texts."""
        words = self._words(plan)
        return words.must, words.ranked

    def _words(self, plan: QueryPlan) -> TsWords:
        """What must match, what only adds to the rank, and each optional word alone."""
        required: list[str] = []
        optional: list[str] = []
        # Near spellings find documents but add nothing to their rank: a match as typed
        # ranks above a corrected one.
        rank_required: list[str] = []
        rank_optional: list[str] = []
        for group in plan.groups:
            texts = [(a.kind, self._alternative(a)) for a in group.alternatives]
            parts = [p for _kind, p in texts if p]
            if not parts:
                if group.optional:
                    continue
                return TsWords("''", None)  # a word nothing can match: no hit
            text = "(" + " | ".join(parts) + ")"
            (optional if group.optional else required).append(text)
            exact = [p for kind, p in texts if p and kind != "fuzzy"]
            if exact:
                rank_text = "(" + " | ".join(exact) + ")"
                (rank_optional if group.optional else rank_required).append(rank_text)
        must = " & ".join(required) if required else None
        ranked = " & ".join(rank_required) if rank_required else None
        if rank_optional:
            ranked = " | ".join([*([ranked] if ranked else []), *rank_optional])
        if must is None and optional:
            # Only optional groups (any word may match): a document must match one.
            must = " | ".join(optional)
        elif must is None and plan.groups and all(g.optional for g in plan.groups):
            return TsWords("''", None)  # any word may match, but none can: no hit
        return TsWords(must, ranked, optional)
