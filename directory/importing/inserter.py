"""Plain multi-row INSERTs for new objects and their history."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from typing import Any

from django.db import connections, models, router
from django.utils import timezone
from simple_history.utils import (
    get_history_manager_for_model,
)


def _adapt_now(now: Any, adapted: Any, ops: Any, value: Any) -> Any:
    return adapted if value is now else ops.adapt_datetimefield_value(value)


@dataclass
class _InsertPlan:
    sql: str = ""
    attnames: list[str] = field(default_factory=list)
    defaults: dict[str, Any] = field(default_factory=dict)
    convert: dict[str, Any] = field(default_factory=dict)
    timestamps: list[str] = field(default_factory=list)
    values: Any = None


class Inserter:
    """Plain multi-row INSERTs for new rows and their history, with ids reserved up front.

    The ORM's ``bulk_create`` prepares every value through several layers of field
    methods, which costs more than everything else an import does; rows built
    here are already clean, so they go to ``executemany`` directly. Reserving the
    ids first lets history rows, links and link history refer to them without
    reading anything back. SQLite (the write lock is held for the whole
    transaction) and PostgreSQL (sequences) are supported, as is the project.
    """

    def __init__(self, model: type[models.Model], reason: str, user_id: int | None) -> None:
        self.connection = connections[router.db_for_write(model)]
        self.reason = reason
        self.user_id = user_id
        self.now = timezone.now()
        self._next: dict[str, int] = {}
        self._plans: dict[tuple[type[models.Model], bool], _InsertPlan] = {}

    def reserve(self, model: type[models.Model], count: int) -> list[int]:
        """``count`` new primary keys of ``model`` that no other insert will use."""
        if count == 0:
            return []
        meta = model._meta
        table = meta.db_table
        column = meta.pk.column if meta.pk is not None and meta.pk.column else "id"
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [quote(table), column, count],
                )
                return [row[0] for row in cursor.fetchall()]
            if self.connection.vendor != "sqlite":
                raise NotImplementedError(f"bulk import on {self.connection.vendor}")
            if table not in self._next:
                cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")
                top = (cursor.fetchone() or [0])[0] or 0
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                sequence = cursor.fetchone()
                self._next[table] = max(top, sequence[0] if sequence else 0) + 1
        start = self._next[table]
        self._next[table] = start + count
        return list(range(start, start + count))

    def _plan(self, model: type[models.Model], with_pk: bool) -> _InsertPlan:
        key = (model, with_pk)
        if key not in self._plans:
            ops = self.connection.ops
            now = ops.adapt_datetimefield_value(self.now)
            plan = _InsertPlan()
            names = []
            for model_field in model._meta.concrete_fields:
                if model_field.primary_key and not with_pk:
                    continue
                attname = model_field.attname
                plan.attnames.append(attname)
                plan.defaults[attname] = model_field.get_default()
                names.append(ops.quote_name(model_field.column or attname))
                internal = model_field.get_internal_type()
                if getattr(model_field, "auto_now", False) or getattr(
                    model_field, "auto_now_add", False
                ):
                    plan.timestamps.append(attname)
                if internal == "DateTimeField":
                    plan.convert[attname] = partial(_adapt_now, self.now, now, ops)
                elif internal == "DateField":
                    plan.convert[attname] = ops.adapt_datefield_value
                elif internal in ("JSONField", "DecimalField", "UUIDField", "DurationField"):
                    plan.convert[attname] = partial(
                        model_field.get_db_prep_save, connection=self.connection
                    )
            plan.sql = "INSERT INTO {} ({}) VALUES ({})".format(
                ops.quote_name(model._meta.db_table),
                ", ".join(names),
                ", ".join(["%s"] * len(names)),
            )
            plan.values = itemgetter(*plan.attnames)
            self._plans[key] = plan
        return self._plans[key]

    def insert(
        self, model: type[models.Model], rows: list[dict[str, Any]], with_pk: bool = True
    ) -> None:
        """Insert ``rows`` (attname → value; missing fields get their defaults).

        Timestamps the model sets itself (``created``, ``modified``) are filled in
        ``rows``, so a history row copied from one afterwards has them too.
        """
        if not rows:
            return
        plan = self._plan(model, with_pk)
        defaults, convert, values_of = plan.defaults, plan.convert.items(), plan.values
        for attname in plan.timestamps:
            for row in rows:
                row.setdefault(attname, self.now)
        values = []
        for row in rows:
            merged = {**defaults, **row}
            for attname, function in convert:
                if merged[attname] is not None:
                    merged[attname] = function(merged[attname])
            values.append(values_of(merged))
        with self.connection.cursor() as cursor:
            for start in range(0, len(values), 2000):
                cursor.executemany(plan.sql, values[start : start + 2000])

    def insert_with_history(self, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        """Insert new objects (their ``id`` set) and one "+" history record each."""
        self.insert(model, rows)
        history_model = get_history_manager_for_model(model).model
        self.insert(history_model, [self.history_row(row) for row in rows], with_pk=False)

    def history_row(self, row: dict[str, Any], history_type: str = "+") -> dict[str, Any]:
        return {
            **row,
            "history_date": self.now,
            "history_change_reason": self.reason,
            "history_type": history_type,
            "history_user_id": self.user_id,
        }
