"""Pages of long lists without counting every row on each request.

``Paginator`` counts exactly up to ``EXACT_LIMIT`` rows (a count of at most that many
rows, whatever the list's length). Above, on PostgreSQL, it takes the planner's estimate
of the filtered list (the statistics ``ANALYZE`` keeps) and says so: ``estimated`` is
true and the pages show "about N". SQLite has no estimate and counts exactly.

An estimate may be too high or too low. Every page beyond the estimated last one may be
asked for: a page with rows is shown (and the list grows to the next page when one more
row follows), a page without rows leads to an exact count, so that a page that does not
exist is said to be missing with the list's true length, as before.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.core.paginator import Paginator as DjangoPaginator
from django.db import connections
from django.db.models import QuerySet

EXACT_LIMIT = 10_000


def planner_estimate(queryset: QuerySet[Any]) -> int | None:
    """The rows PostgreSQL's planner expects ``queryset`` to return; None elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _rounded(value: int) -> int:
    """Two significant digits: an estimate pretends no more precision than it has."""
    digits = max(0, len(str(value)) - 2)
    return int(round(value, -digits))


if TYPE_CHECKING:
    _Base = DjangoPaginator[Any]
else:
    _Base = DjangoPaginator


class Paginator(_Base):
    """Django's paginator over a queryset, with a bounded count (see the module)."""

    exact_limit = EXACT_LIMIT

    def __init__(
        self, object_list: Any, per_page: int, count: int | None = None, **kwargs: Any
    ) -> None:
        """``count``: the list's length where the caller knows it already (no count then)."""
        super().__init__(object_list, per_page, **kwargs)
        self.estimated = False
        if count is not None:
            self.__dict__["count"] = count

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        bounded = queryset.order_by().values("pk")[: self.exact_limit + 1].count()
        if bounded <= self.exact_limit:
            return bounded
        estimate = planner_estimate(queryset)
        if estimate is None:
            return queryset.count()
        self.estimated = True
        return max(_rounded(estimate), self.exact_limit + 1)

    def exact_count(self) -> int:
        """Count every row (a page past the estimated end needs the true length)."""
        rows = self.object_list
        self._known(rows.count() if isinstance(rows, QuerySet) else len(rows), exact=True)
        return int(self.count)

    def validate_number(self, number: Any) -> int:
        if not self.count or not self.estimated:
            return int(super().validate_number(number))
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number  # checked against the rows themselves in page()

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not self.estimated:
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return Page(self._rows(bottom, top), number, self)
        rows = self._rows(bottom, bottom + self.per_page + 1)
        if not rows:
            self.exact_count()
            return super().page(number)  # EmptyPage, said with the true length
        if len(rows) <= self.per_page:
            # The list's last page: its true length is known now.
            self._known(bottom + len(rows), exact=True)
        elif bottom + len(rows) > self.count:
            self._known(bottom + len(rows), exact=False)  # the estimate fell short
        return Page(rows[: self.per_page], number, self)

    def _rows(self, bottom: int, top: int) -> Any:
        """The rows of a page: their keys first (from an index alone where one covers the
        filter and the order, however far down the list), then the rows by key."""
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or top <= bottom:
            return queryset[bottom:top]
        keys = list(queryset.prefetch_related(None).values_list("pk", flat=True)[bottom:top])
        by_key = {row.pk: row for row in queryset.order_by().filter(pk__in=keys)}
        return [by_key[key] for key in keys if key in by_key]

    def _known(self, count: int, exact: bool) -> None:
        self.__dict__["count"] = count
        self.__dict__.pop("num_pages", None)
        self.estimated = not exact
