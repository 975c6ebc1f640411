"""Django's ``migrate``, one node at a time on PostgreSQL.

Every web node runs ``migrate`` before it starts (``scripts/serve``, the systemd unit's
``ExecStartPre``). Two nodes started together after a release would otherwise run the
same migrations at once, and one of them fails (say, "duplicate key value … pg_type"
while both create ``django_migrations``) and its node does not come up. Here the
command first takes a PostgreSQL advisory lock of the database; a second node waits
for it (saying so every few seconds), then finds the migrations applied and goes on.
The lock belongs to the connection, so a node that dies while migrating releases it.
SQLite serves one machine and needs no lock.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

# Any constant 64-bit key: it names this lock in pg_locks (objid), per database.
MIGRATE_LOCK_KEY = 0x6D6967726174  # "migrat"
WAIT_STEP_SECONDS = 0.5
SAY_EVERY_SECONDS = 10.0


class Command(DjangoMigrate):
    help = (
        DjangoMigrate.help + " On PostgreSQL several nodes starting at once migrate one after "
        "the other (an advisory lock)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            super().handle(*args, **options)
            return
        self._lock(connection, options["verbosity"])
        try:
            super().handle(*args, **options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_KEY])

    def _lock(self, connection: Any, verbosity: int) -> None:
        # Polled rather than blocking: a statement timeout of the role cannot cut the
        # wait short, and the operator sees why the start takes long.
        started = time.monotonic()
        said: float | None = None
        with connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATE_LOCK_KEY])
                if cursor.fetchone()[0]:
                    break
                now = time.monotonic()
                if verbosity >= 1 and (said is None or now - said >= SAY_EVERY_SECONDS):
                    said = now
                    self.stdout.write(
                        "Another process is migrating this database; waiting for it "
                        f"({now - started:.0f} s so far)."
                    )
                time.sleep(WAIT_STEP_SECONDS)
        if said is not None:
            self.stdout.write(
                f"The other migration ended after {time.monotonic() - started:.0f} s; going on."
            )
