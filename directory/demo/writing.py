"""Writing and deleting generated rows in bulk, and the indexes a large run drops."""

from __future__ import annotations

import time
from collections.abc import Sequence
from itertools import chain
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.deletion import CASCADE, DO_NOTHING, SET_NULL
from django.utils import timezone
from django.utils.translation import gettext as _

from core.progress import Progress, silent

from ..choices import NETWORK_KINDS, Source
from ..models import Membership, Organisation, Site
from ..signals import organisations_changed
from .common import DEMO_TLD, SQLITE_MAX_VARIABLES

# --- Writing rows -----------------------------------------------------------------------


class _Table:
    """Rows of one table, written in bulk with the columns Django would use.

    Columns not named here get their model default, so a field added later with a
    default does not break the generator.
    """

    def __init__(self, model: type[models.Model], names: Sequence[str]) -> None:
        meta = model._meta
        self.model = model
        self.table = meta.db_table
        fields: list[Any] = [meta.get_field(name) for name in names]
        rest: list[Any] = [
            f
            for f in meta.concrete_fields
            if f.name not in names and not (f.primary_key and isinstance(f, models.AutoField))
        ]
        now = timezone.now()
        self.extra = tuple(
            f.get_db_prep_save(
                now
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                else f.get_default(),
                connection,
            )
            for f in rest
        )
        columns = [f.column for f in fields] + [f.column for f in rest]
        quote = connection.ops.quote_name
        self.columns = ", ".join(quote(c) for c in columns)
        # SQLite: INSERTs of many rows each, through the DB-API cursor (qmark style), the
        # constant columns bound once per statement. A statement per few thousand rows
        # costs a third less than ``executemany`` and lets the writer thread run without
        # Python's GIL most of the time.
        self.width = len(fields)
        self.per_statement = max(1, (SQLITE_MAX_VARIABLES - len(self.extra)) // self.width)
        constants = "".join(", ?" for _ in self.extra)
        self.insert = f"INSERT INTO {quote(self.table)} ({self.columns}) SELECT *{constants} FROM "
        self.placeholders = "(" + ", ".join(["?"] * self.width) + ")"
        self.full_sql = self._values_sql(self.per_statement)
        self.copy_sql = f"COPY {quote(self.table)} ({self.columns}) FROM STDIN"
        self.vendor = connection.vendor
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self.seconds = 0.0

    def _values_sql(self, rows: int) -> str:
        return f"{self.insert}(VALUES {', '.join([self.placeholders] * rows)})"

    def take(self) -> list[tuple[Any, ...]]:
        rows, self.rows = self.rows, []
        return rows

    def write(self, cursor: Any, rows: list[tuple[Any, ...]]) -> None:
        """Insert ``rows`` through a DB-API cursor (may run in the writer thread)."""
        if not rows:
            return
        started = time.perf_counter()
        extra = self.extra
        if self.vendor == "postgresql":
            # COPY is several times faster than INSERT on PostgreSQL.
            with cursor.copy(self.copy_sql) as copy:
                for row in rows:
                    copy.write_row(row + extra)
        else:
            per = self.per_statement
            for start in range(0, len(rows), per):
                chunk = rows[start : start + per]
                sql = self.full_sql if len(chunk) == per else self._values_sql(len(chunk))
                cursor.execute(sql, [*extra, *chain.from_iterable(chunk)])
        self.written += len(rows)
        self.seconds += time.perf_counter() - started


def demo_domain(slug: str, number: int) -> str:
    """A host name under the reserved TLD for an organisation's slug and demo number.

    A DNS label has at most 63 characters: a longer slug is cut and made unique again
    with the number.
    """
    if len(slug) > 63:
        slug = f"{slug[:52].rstrip('-')}-{number}"
    return f"{slug}.{DEMO_TLD}"


def _m2m_table(m2m: Any) -> _Table:
    through = m2m.remote_field.through
    return _Table(through, (m2m.m2m_field_name(), m2m.m2m_reverse_field_name()))


def _reserve_ids(model: type[models.Model], count: int, peek: bool = False) -> Any:
    """Primary keys for ``count`` new rows, so children can point at them before insert.

    With ``peek`` only the key the next row would most likely get.
    """
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if peek:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                sequence = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END "
                    f"FROM {sequence}"
                )
                return cursor.fetchone()[0]
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quote(table)}")
        highest = cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            # AUTOINCREMENT never reuses a key, not even one whose row was deleted.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            if row:
                highest = max(highest, row[0])
        if peek:
            return highest + 1
        return list(range(highest + 1, highest + 1 + count))


# Indexes with scattered keys that a large run drops and builds again at the end: inserting
# a million random names, host names and postal codes one by one into their B-trees costs
# more than the rest of the rows; building each index from the finished table takes seconds.
BULK_INDEX_THRESHOLD = 200_000
BULK_INDEXES: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (Organisation, ("name", "website", "primary_wz")),
    (Site, ("postal_code", "municipality", "district")),
)


def _single_column_indexes(table: str) -> dict[str, list[str]]:
    """Column → names of the plain (non-unique) one-column indexes on it."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexes: dict[str, list[str]] = {}
    for name, info in constraints.items():
        plain = info["index"] and not info["unique"] and not info["primary_key"]
        if plain and len(info["columns"]) == 1:
            indexes.setdefault(info["columns"][0], []).append(name)
    return indexes


def _drop_indexes(names: list[str]) -> None:
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")


def _drop_bulk_indexes() -> None:
    for model, field_names in BULK_INDEXES:
        existing = _single_column_indexes(model._meta.db_table)
        for field_name in field_names:
            column = model._meta.get_field(field_name).column  # type: ignore[union-attr]
            _drop_indexes(existing.get(column or "", []))


def _restore_bulk_indexes() -> None:
    """Create the indexes the models declare for the bulk fields where any is missing.

    Uses the schema editor's own statements (PostgreSQL adds a ``_like`` index for
    text columns), so the result is what ``migrate`` made.
    """
    # The editor only writes the statements: entered, SQLite's would refuse to work
    # inside the transaction the caller may hold.
    editor = connection.schema_editor()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # Deferred foreign-key checks still pending block CREATE INDEX: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model, field_names in BULK_INDEXES:
            existing = _single_column_indexes(model._meta.db_table)
            for field_name in field_names:
                model_field = model._meta.get_field(field_name)
                statements = editor._field_indexes_sql(model, model_field)  # type: ignore[attr-defined]
                names = existing.get(model_field.column, [])  # type: ignore[union-attr,arg-type]
                if len(names) != len(statements):
                    _drop_indexes(names)
                    for statement in statements:
                        cursor.execute(str(statement))


def delete_generated(
    progress: Progress = silent, chunk: int = 500, keep_networks: bool = False
) -> int:
    """Delete every generated organisation with what belongs to it; return how many.

    Real and hand-made organisations stay (and, with ``keep_networks``, the generated
    networks). Deleting goes table by table in SQL, the way ``on_delete`` says,
    without change history: generated records have none.
    """
    label = _("Deleting generated organisations")
    generated = Organisation.objects.filter(source=Source.GENERATED)
    if keep_networks:
        generated = generated.exclude(kind__in=NETWORK_KINDS)
    ids = list(generated.order_by("pk").values_list("pk", flat=True))
    progress(0, len(ids), label)
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            doomed = ids[start : start + chunk]
            # Members of a deleted network lose it from their documents too.
            members = Membership.objects.filter(network_id__in=doomed)
            organisations_changed(
                [*doomed, *members.values_list("organisation_id", flat=True)],
                sender=delete_generated,
            )
            _delete_rows(Organisation, doomed)
        progress(min(start + chunk, len(ids)), len(ids), label)
    return len(ids)


def _delete_rows(model: type[models.Model], pks: list[Any]) -> None:
    if not pks:
        return
    meta: Any = model._meta  # relations of every kind: typed loosely on purpose
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(pks))
    with connection.cursor() as cursor:
        for m2m in meta.many_to_many:
            through = m2m.remote_field.through
            column = through._meta.get_field(m2m.m2m_field_name()).column
            cursor.execute(
                f"DELETE FROM {quote(through._meta.db_table)} "
                f"WHERE {quote(column)} IN ({placeholders})",
                pks,
            )
        relation: Any
        for relation in meta.related_objects:
            related = relation.related_model
            if relation.many_to_many:
                through = relation.through
                m2m_field = relation.field
                column = through._meta.get_field(m2m_field.m2m_reverse_field_name()).column
                cursor.execute(
                    f"DELETE FROM {quote(through._meta.db_table)} "
                    f"WHERE {quote(column)} IN ({placeholders})",
                    pks,
                )
                continue
            on_delete = relation.on_delete
            lookup = Q(**{f"{relation.field.name}__in": pks})
            if on_delete is DO_NOTHING:
                continue
            if on_delete is CASCADE:
                children = list(related._base_manager.filter(lookup).values_list("pk", flat=True))
                for start in range(0, len(children), 500):
                    _delete_rows(related, children[start : start + 500])
            elif on_delete is SET_NULL:
                related._base_manager.filter(lookup).update(**{relation.field.name: None})
            else:
                # PROTECT, RESTRICT, SET(...): Django's collector applies or refuses them.
                model._base_manager.filter(pk__in=pks).delete()
                return
        cursor.execute(
            f"DELETE FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} IN ({placeholders})",
            pks,
        )
