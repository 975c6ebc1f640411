"""The PostgreSQL engine stores each document's version (``SearchDocument.version``) for the
consistency check; rows written before read 0 and count as stale until repaired or rebuilt."""

from django.db import migrations


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE search_pg_document "
            "ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 0"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_pg_document DROP COLUMN IF EXISTS version")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgres_search_tables")]

    operations = [migrations.RunPython(add, drop)]
