"""Both engines run the same behaviour tests; PostgreSQL's only where the database is."""

from search.testing import engine_name  # noqa: F401  (a fixture)
