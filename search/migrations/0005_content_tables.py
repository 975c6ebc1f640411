"""Tables of the PostgreSQL content index (``search.content``, ``backends.content_postgres``);
created only on PostgreSQL (the Tantivy engine keeps content in its own index folder)."""

from django.db import migrations

CREATE = [
    """
    CREATE TABLE IF NOT EXISTS search_pg_content (
        type text NOT NULL,
        id bigint NOT NULL,
        version bigint NOT NULL,
        keywords text[] NOT NULL DEFAULT '{}',
        lat double precision,
        lon double precision,
        date bigint NOT NULL DEFAULT 0,
        body tsvector NOT NULL,
        PRIMARY KEY (type, id)
    )
    """,
    "CREATE INDEX IF NOT EXISTS search_pg_content_body ON search_pg_content USING gin (body)",
    "CREATE INDEX IF NOT EXISTS search_pg_content_keywords "
    "ON search_pg_content USING gin (keywords)",
    "CREATE INDEX IF NOT EXISTS search_pg_content_date ON search_pg_content (type, date DESC)",
    """
    CREATE TABLE IF NOT EXISTS search_pg_content_term (
        term text PRIMARY KEY
    )
    """,
]
DROP = [
    "DROP TABLE IF EXISTS search_pg_content",
    "DROP TABLE IF EXISTS search_pg_content_term",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_postgres_vectors")]

    operations = [migrations.RunPython(create, drop)]
