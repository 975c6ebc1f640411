"""The PostgreSQL engine at scale (docs/search.md, "The PostgreSQL engine"): a fixed sample
bucket and the quality factor per document, partial text indexes over the sample buckets
(facet counts of a large result are estimated on them), an index to list the best
profiles first, and the RUM index where the ``rum`` extension is installed.

Rows written before get their bucket and factor here; a rebuild writes them anyway.
"""

from django.db import DatabaseError, migrations, transaction

# search.backends.postgres_sql.SAMPLE_LEVELS, frozen here as a migration must be.
SAMPLE_LEVELS = (1, 4, 16)

ADD = [
    "ALTER TABLE search_pg_document ADD COLUMN IF NOT EXISTS sample smallint NOT NULL DEFAULT 0",
    "ALTER TABLE search_pg_document ADD COLUMN IF NOT EXISTS boost double precision "
    "NOT NULL DEFAULT 1",
    # The bucket of search.backends.tantivy_engine.sample_bucket, the factors of
    # search.query.QUALITY_FACTORS at the time of this migration.
    "UPDATE search_pg_document SET sample = (((id * 2654435761) & 4294967295) * 64) >> 32, "
    "boost = (CASE WHEN quality @> ARRAY['verified'] THEN 1.25 ELSE 1 END) * "
    "(CASE WHEN quality @> ARRAY['complete'] THEN 1.1 ELSE 1 END)",
    "CREATE INDEX IF NOT EXISTS search_pg_document_sample ON search_pg_document (sample)",
    "CREATE INDEX IF NOT EXISTS search_pg_document_boost ON search_pg_document (boost DESC, id)",
    *(
        f"CREATE INDEX IF NOT EXISTS search_pg_document_body_s{level} "
        f"ON search_pg_document USING gin (body) WHERE sample < {level}"
        for level in SAMPLE_LEVELS
    ),
]
RUM = (
    "CREATE INDEX IF NOT EXISTS search_pg_document_rum "
    "ON search_pg_document USING rum (body rum_tsvector_ops)"
)


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in ADD:
        schema_editor.execute(statement)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        available = cursor.fetchone() is not None
    if not available:
        return  # GIN alone: the engine ranks every match (docs/search.md)
    try:
        # In a savepoint: a role that may not create the extension keeps GIN alone.
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS rum")
            schema_editor.execute(RUM)
    except DatabaseError:  # a refusal (permissions): no RUM, GIN serves
        return


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS search_pg_document_rum")
    for level in SAMPLE_LEVELS:
        schema_editor.execute(f"DROP INDEX IF EXISTS search_pg_document_body_s{level}")
    schema_editor.execute("DROP INDEX IF EXISTS search_pg_document_boost")
    schema_editor.execute("DROP INDEX IF EXISTS search_pg_document_latlon")
    schema_editor.execute(
        "CREATE INDEX search_pg_document_latlon ON search_pg_document (lat, lon)"
    )
    schema_editor.execute("DROP INDEX IF EXISTS search_pg_document_sample")
    schema_editor.execute("ALTER TABLE search_pg_document DROP COLUMN IF EXISTS boost")
    schema_editor.execute("ALTER TABLE search_pg_document DROP COLUMN IF EXISTS sample")


class Migration(migrations.Migration):
    dependencies = [("search", "0005_content_tables")]

    operations = [migrations.RunPython(add, drop)]
