"""``migrate`` one node at a time on PostgreSQL (core/management/commands/migrate.py).

Two web nodes started together after a release both run ``migrate``; without the lock
one of them fails on the other's half-made tables. Here a lock held elsewhere (as by a
node that is migrating) makes the command wait and say so, and the command gives the
lock back when it is done.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from core.management.commands.migrate import MIGRATE_LOCK_KEY
from core.testing.processes import database_url

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def test_database(db: None) -> dict[str, Any]:
    if connection.vendor != "postgresql":
        pytest.skip("the lock is PostgreSQL's (SQLite serves one machine)")
    return dict(connection.settings_dict)


def connect(database: dict[str, Any]) -> psycopg.Connection[Any]:
    return psycopg.connect(database_url(database), autocommit=True)


def test_a_second_migrate_waits_for_the_first_then_finds_nothing_left(
    test_database: dict[str, Any],
) -> None:
    node = connect(test_database)  # a node in the middle of its migration
    try:
        assert node.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATE_LOCK_KEY]).fetchone() == (
            True,
        )
        process = subprocess.Popen(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": database_url(test_database),
                "PYTHONUNBUFFERED": "1",
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # Django takes a few seconds to start; then the command says that it waits.
        assert process.stdout is not None
        said: list[str] = []
        while line := process.stdout.readline():
            said.append(line)
            if "waiting for it" in line:
                break
        time.sleep(1.5)
        assert process.poll() is None, "".join(said) + process.communicate()[0]
        node.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_KEY])
        rest, _ = process.communicate(timeout=120)
        output = "".join(said) + rest
    finally:
        node.close()
    assert process.returncode == 0, output
    assert "Another process is migrating this database; waiting for it" in output
    assert "The other migration ended after" in output
    assert "No migrations to apply." in output


def test_migrate_gives_the_lock_back(test_database: dict[str, Any]) -> None:
    call_command("migrate", verbosity=0, interactive=False)
    other = connect(test_database)
    try:
        taken = other.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATE_LOCK_KEY]).fetchone()
        assert taken == (True,)
        other.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_KEY])
    finally:
        other.close()
