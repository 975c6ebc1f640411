"""Organisation vectors of the PostgreSQL engine (``search.vectors.store``); created only on
PostgreSQL, like the engine's other tables. Vectors are float16 bytes scored with numpy
(pgvector is not available everywhere the portal runs)."""

from django.db import migrations

CREATE = [
    """
    CREATE TABLE IF NOT EXISTS search_pg_vector (
        id bigint PRIMARY KEY,
        version bigint,
        vector bytea,
        changed bigint NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS search_pg_vector_changed ON search_pg_vector (changed)",
    """
    CREATE TABLE IF NOT EXISTS search_pg_vector_state (
        id integer PRIMARY KEY CHECK (id = 1),
        epoch bigint NOT NULL,
        counter bigint NOT NULL
    )
    """,
    "INSERT INTO search_pg_vector_state (id, epoch, counter) VALUES (1, 0, 0) "
    "ON CONFLICT DO NOTHING",
]
DROP = ["DROP TABLE IF EXISTS search_pg_vector", "DROP TABLE IF EXISTS search_pg_vector_state"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_postgres_document_version")]

    operations = [migrations.RunPython(create, drop)]
