"""The RUM index of the PostgreSQL engine only where a statement asks for it: a partial
index over every row (``sample >= 0``, always true) that the planner uses only for
statements with that condition, the engine's ordered reads of the best candidates.

Its bitmap scans are many times slower than those of the GIN index on the same column
(a need of three words in a 20 km circle at 100,000 documents: 88 against 3 ms), and
the planner, costing both alike, took either (docs/search.md, "The PostgreSQL engine").
"""

from django.db import migrations

# search.backends.postgres_engine.RUM_ROWS, frozen here as a migration must be.
PARTIAL = (
    "CREATE INDEX search_pg_document_rum ON search_pg_document "
    "USING rum (body rum_tsvector_ops) WHERE sample >= 0"
)
WHOLE = (
    "CREATE INDEX search_pg_document_rum ON search_pg_document "
    "USING rum (body rum_tsvector_ops)"
)


def _predicate(schema_editor) -> str | None:
    """The RUM index's condition ('' for none), None where there is no RUM index."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(pg_get_expr(indpred, indrelid), '') FROM pg_index "
            "WHERE indexrelid = to_regclass('search_pg_document_rum')"
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def partial(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    if _predicate(schema_editor) != "":
        return  # no RUM (GIN alone), or partial already
    schema_editor.execute("DROP INDEX search_pg_document_rum")
    schema_editor.execute(PARTIAL)


def whole(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    if not _predicate(schema_editor):
        return
    schema_editor.execute("DROP INDEX search_pg_document_rum")
    schema_editor.execute(WHOLE)


class Migration(migrations.Migration):
    dependencies = [("search", "0007_postgres_cells_names")]

    operations = [migrations.RunPython(partial, whole)]
