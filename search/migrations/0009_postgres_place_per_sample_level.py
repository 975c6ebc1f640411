"""An index of the places per sample level of the PostgreSQL engine (``(lat, lon)`` of
the documents with ``sample < 1``, ``< 4``, ``< 16``), as the words have one
(``search_pg_document_body_s1`` …).

A search in a circle counts its matches on the smallest sample level that holds enough
of them. Without these, PostgreSQL read every document of the circle's bounding box
from the index on (lat, lon) into a bitmap and intersected it with the sample's: for
30 km around Ilmenau at a million documents, 165,040 rows for the sample's 2,264
(132 ms, docs/performance.md); with them it reads the sample's rows of the box alone.
A rebuild keeps them (it copies every index definition).
"""

from django.db import migrations

# search.backends.postgres_facets.SAMPLE_LEVELS, frozen here as a migration must be.
LEVELS = (1, 4, 16)


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for level in LEVELS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS search_pg_document_place_s{level} "
            f"ON search_pg_document (lat, lon) WHERE sample < {level}"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for level in LEVELS:
        schema_editor.execute(f"DROP INDEX IF EXISTS search_pg_document_place_s{level}")


class Migration(migrations.Migration):
    dependencies = [("search", "0008_postgres_rum_on_request")]

    operations = [migrations.RunPython(add, drop)]
