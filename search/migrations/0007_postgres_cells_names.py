"""The PostgreSQL engine's map clusters kept per zoom level (``search_pg_cell``, see
``search.backends.postgres_cells``), an index to read the strips along a view's edge by
longitude, and a RUM index of the names alone (weight A) from which a common word's best
candidates are taken (docs/search.md, "The PostgreSQL engine").

Documents written before are summed into the cells here; a rebuild sums them anyway.
"""

from django.db import DatabaseError, migrations, transaction

# search.documents.CLUSTER_LEVELS, frozen here as a migration must be.
LEVELS = (6, 8, 10, 12, 14, 16, 18)

ADD = [
    """
    CREATE TABLE IF NOT EXISTS search_pg_cell (
        level smallint NOT NULL,
        row integer NOT NULL,
        col integer NOT NULL,
        n integer NOT NULL,
        lat double precision NOT NULL,
        lon double precision NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS search_pg_cell_rows ON search_pg_cell (level, row, col)",
    "CREATE INDEX IF NOT EXISTS search_pg_cell_cols ON search_pg_cell (level, col, row)",
    "CREATE INDEX IF NOT EXISTS search_pg_document_lonlat ON search_pg_document (lon, lat)",
    "DELETE FROM search_pg_cell",
    *(
        "INSERT INTO search_pg_cell (level, row, col, n, lat, lon) "
        f"SELECT {level}, cells[{position}] / {1 << level}, mod(cells[{position}], {1 << level}), "
        "count(*), sum(lat), sum(lon) FROM search_pg_document "
        f"WHERE lat IS NOT NULL AND cells[{position}] >= 0 GROUP BY cells[{position}]"
        for position, level in enumerate(LEVELS, start=1)
    ),
]
NAMES = (
    "CREATE INDEX IF NOT EXISTS search_pg_document_names ON search_pg_document "
    "USING rum (ts_filter(body, '{a}') rum_tsvector_ops)"
)


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in ADD:
        schema_editor.execute(statement)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('search_pg_document_rum') IS NOT NULL")
        rum = cursor.fetchone()[0]
    if not rum:
        return  # GIN alone: the engine ranks every match (docs/search.md)
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(NAMES)
    except DatabaseError:
        return
    # Statistics of the indexed expression: the planner orders by it through the index.
    schema_editor.execute("ANALYZE search_pg_document")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS search_pg_document_names")
    schema_editor.execute("DROP INDEX IF EXISTS search_pg_document_lonlat")
    schema_editor.execute("DROP TABLE IF EXISTS search_pg_cell")


class Migration(migrations.Migration):
    dependencies = [("search", "0006_postgres_sample_boost_rum")]

    operations = [migrations.RunPython(add, drop)]
