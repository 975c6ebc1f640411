"""Tables of the PostgreSQL search engine; created only on PostgreSQL (SQLite has no use)."""

from django.db import migrations

LEVELS = "6, 8, 10, 12, 14, 16, 18"

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS fuzzystrmatch",
    """
    CREATE TABLE IF NOT EXISTS search_pg_document (
        id bigint PRIMARY KEY,
        name_sort text NOT NULL,
        kind text NOT NULL,
        size text NOT NULL,
        district text NOT NULL,
        wz text[] NOT NULL,
        growth text[] NOT NULL,
        network text[] NOT NULL,
        cert text[] NOT NULL,
        quality text[] NOT NULL,
        lat double precision,
        lon double precision,
        cells bigint[] NOT NULL,
        updated bigint NOT NULL,
        body tsvector NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS search_pg_document_body ON search_pg_document USING gin (body)",
    "CREATE INDEX IF NOT EXISTS search_pg_document_wz ON search_pg_document USING gin (wz)",
    "CREATE INDEX IF NOT EXISTS search_pg_document_growth ON search_pg_document USING gin (growth)",
    "CREATE INDEX IF NOT EXISTS search_pg_document_network ON search_pg_document USING gin (network)",
    "CREATE INDEX IF NOT EXISTS search_pg_document_cert ON search_pg_document USING gin (cert)",
    "CREATE INDEX IF NOT EXISTS search_pg_document_kind ON search_pg_document (kind)",
    "CREATE INDEX IF NOT EXISTS search_pg_document_district ON search_pg_document (district)",
    "CREATE INDEX IF NOT EXISTS search_pg_document_name ON search_pg_document (name_sort)",
    "CREATE INDEX IF NOT EXISTS search_pg_document_updated ON search_pg_document (updated)",
    "CREATE INDEX IF NOT EXISTS search_pg_document_latlon ON search_pg_document (lat, lon)",
    """
    CREATE TABLE IF NOT EXISTS search_pg_term (
        term text PRIMARY KEY,
        documents integer NOT NULL DEFAULT 0
    )
    """,
    "CREATE INDEX IF NOT EXISTS search_pg_term_prefix ON search_pg_term (term text_pattern_ops)",
]
DROP = ["DROP TABLE IF EXISTS search_pg_document", "DROP TABLE IF EXISTS search_pg_term"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
