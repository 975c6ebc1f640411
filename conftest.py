"""Test set-up shared by every app.

The official reference data (WZ, postal codes, districts, vocabularies, synonyms) is
imported once per test database, before any test runs, so tests see what a real
installation sees. Tests that need ``transaction=True`` (live server, browser)
must pass ``available_apps`` without ``classification``, ``geo`` and ``search`` so the
flush after them keeps that data (see ``core.testing.TRANSACTIONAL_APPS``).

The search index of a test run lives in a temporary folder, never in ``var/``.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command

pytest_plugins = ["core.testing.browser"]


@pytest.fixture(scope="session", autouse=True)
def _search_index_in_tmp(tmp_path_factory):
    settings.SEARCH_INDEX_DIR = tmp_path_factory.mktemp("search-index")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("import_reference_data", "--no-progress", verbosity=0)
