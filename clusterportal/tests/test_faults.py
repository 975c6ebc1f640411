"""Faults in production: processes killed in the middle of their work, PostgreSQL
restarted under load. After each, nothing is lost, nothing is half-written, no email
goes out twice, and the search index and the vectors agree with the database again.

Everything runs against a private PostgreSQL server (``core.testing.processes``) with
the portal's own commands and gunicorn as real processes, killed with SIGKILL: the
production set-up (several processes on one database) is PostgreSQL's, so these run in
the PostgreSQL pass of the suite. The drill takes about a minute.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from core.testing.processes import (
    PrivatePostgres,
    database_url,
    http_get,
    kill_when,
    manage,
    missing_postgres_server,
    portal_env,
    private_postgres,
    start_manage,
    start_web,
    stop,
    wait_for,
)
from messaging.testing import free_port
from search import vectors

pytestmark = [
    # The test database is copied into the private server (schema and reference data).
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the production set-up with several processes runs on PostgreSQL",
    ),
    pytest.mark.skipif(
        missing_postgres_server() is not None, reason=str(missing_postgres_server())
    ),
]

IMPORT_ROWS = 1500


class Drill:
    def __init__(self, server: PrivatePostgres, env: dict[str, str]) -> None:
        self.server = server
        self.env = env

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.server.url(), autocommit=True) as db:
            cursor = db.execute(query, params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    def one(self, query: str, *params: Any) -> Any:
        return self.sql(query, *params)[0][0]

    def drift(self) -> tuple[int, str]:
        """``check_search_index``: exit status 0 when index and vectors agree."""
        done = manage("check_search_index", "--no-progress", env=self.env, check=False)
        return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def drill(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: Any, django_db_blocker: Any
) -> Iterator[Drill]:
    tmp = tmp_path_factory.mktemp("faults")
    with django_db_blocker.unblock():
        source = database_url(connection.settings_dict)
    with private_postgres() as server:
        # The test database holds the schema and the reference data, nothing else.
        server.copy_database(source)
        env = portal_env(server.url(), tmp / "data", MESSAGING_SENDING_TIMEOUT="0")
        manage("generate_demo_data", "--count", "150", "--no-progress", env=env)
        manage("rebuild_search_index", "--no-progress", env=env)
        yield Drill(server, env)


def organisation_list(path: Path, rows: int, prefix: str) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Agentur-ID", "Firmenname", "Straße", "PLZ", "Ort", "WZ 2008"])
    for n in range(rows):
        writer.writerow(
            [
                f"{prefix}-{n:05d}",
                f"{prefix} Drehteile {n} GmbH",
                f"Am Werk {n}",
                "99084",
                "Erfurt",
                "25.62.0",
            ]
        )
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_an_import_killed_while_writing_leaves_nothing_and_the_next_run_writes_all(
    drill: Drill, tmp_path: Path
):
    before = drill.one("SELECT count(*) FROM directory_organisation")
    listing = organisation_list(tmp_path / "liste.csv", IMPORT_ROWS, "KILL")
    process = start_manage("import_organisations", str(listing), "--commit", env=drill.env)
    output = kill_when(process, rf"Speichern:.*\b[1-9]\d*/{IMPORT_ROWS}\b")
    assert process.returncode == -9, output
    # Killed mid-transaction: not one row of the list, no history, the index as before.
    assert drill.one("SELECT count(*) FROM directory_organisation") == before
    assert drill.one("SELECT count(*) FROM directory_organisation WHERE name LIKE 'KILL %%'") == 0
    assert drill.drift()[0] == 0

    manage("import_organisations", str(listing), "--commit", "--no-progress", env=drill.env)
    assert drill.one("SELECT count(*) FROM directory_organisation") == before + IMPORT_ROWS
    # Each row once, even after the interrupted run.
    assert (
        drill.one(
            "SELECT count(*) FROM (SELECT name FROM directory_organisation "
            "WHERE name LIKE 'KILL %%' GROUP BY name HAVING count(*) > 1) AS twice"
        )
        == 0
    )
    status, report = drill.drift()
    assert status == 0, report
    assert (
        drill.one(
            "SELECT count(*) FROM search_pg_document d "
            "JOIN directory_organisation o ON o.id = d.id WHERE o.name LIKE 'KILL %%'"
        )
        == IMPORT_ROWS
    )


def test_an_index_build_killed_midway_leaves_the_previous_index_answering(drill: Drill):
    indexed = drill.one("SELECT count(*) FROM search_pg_document")
    assert indexed > 0
    process = start_manage("rebuild_search_index", env=drill.env)
    output = kill_when(process, r"Suchindex wird aufgebaut")
    assert process.returncode == -9, output
    # The rebuild writes in one transaction: readers still have every document.
    assert drill.one("SELECT count(*) FROM search_pg_document") == indexed
    status, report = drill.drift()
    assert status == 0, report
    done = manage("rebuild_search_index", "--no-progress", env=drill.env)
    assert f"Indexed {indexed:,} organisations" in done.stdout


def test_a_vector_build_killed_midway_is_found_by_the_drift_check_and_repaired(
    drill: Drill, tmp_path: Path
):
    published = drill.one("SELECT count(*) FROM search_pg_document")
    if published <= 2 * vectors.CHUNK:  # killed after the first chunk, before the last
        listing = organisation_list(tmp_path / "mehr.csv", 2 * vectors.CHUNK, "VEC")
        manage("import_organisations", str(listing), "--commit", "--no-progress", env=drill.env)
        published = drill.one("SELECT count(*) FROM search_pg_document")
    # As after a change of the embedding model: every vector must be computed anew.
    drill.sql("DELETE FROM search_pg_vector")
    process = start_manage("rebuild_search_index", env=drill.env)
    output = kill_when(process, rf"Vektoren werden berechnet:.*\b[1-9]\d*/{published}\b")
    assert process.returncode == -9, output
    held = drill.one("SELECT count(*) FROM search_pg_vector")
    assert held < published
    status, report = drill.drift()
    assert status == 1, report
    # The commands speak the portal's language (German): what the operator reads.
    assert "Fehlende Vektoren" in report
    repaired = manage("check_search_index", "--repair", "--no-progress", env=drill.env)
    assert "Repariert" in repaired.stdout
    status, report = drill.drift()
    assert status == 0, report
    assert "Der Suchindex stimmt mit der Datenbank überein" in report
    assert drill.one("SELECT count(*) FROM search_pg_vector") == published


class SlowInbox:
    """An SMTP server that takes its time per mail, so a sender can be killed mid-batch."""

    def __init__(self) -> None:
        self.recipients: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(0.25)
        self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def test_a_sender_killed_mid_batch_sends_no_mail_twice_and_reports_the_unknown_one(
    drill: Drill,
):
    inbox = SlowInbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = {
        **drill.env,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "MESSAGING_RATE_PER_MINUTE": "1000",
    }
    addresses = [f"empfaenger{n}@drill.example" for n in range(20)]
    try:
        drill.sql("DELETE FROM messaging_message")
        for address in addresses:
            drill.sql(
                'INSERT INTO messaging_message (key, "to", subject, body_text, body_html, '
                "category, status, attempts, next_attempt, last_error, created, modified) "
                "VALUES (%s, %s, 'Drill', 'Hallo', '', 'transactional', 'queued', 0, now(), "
                "'', now(), now())",
                f"drill:{address}",
                address,
            )
        process = start_manage("send_queued_mail", env=env)
        deadline = time.monotonic() + 60
        while len(inbox.recipients) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.kill()
        process.wait()
        assert 5 <= len(inbox.recipients) < len(addresses)

        done = manage("send_queued_mail", env=env)
        statuses = dict(drill.sql("SELECT status, count(*) FROM messaging_message GROUP BY 1"))
    finally:
        smtp.stop()
    delivered = Counter(inbox.recipients)
    assert max(delivered.values()) == 1  # nobody got a mail twice
    # At most the one being handed over when the sender died has an unknown outcome:
    # reported, not sent again by itself (it may or may not have arrived).
    assert statuses.get("unknown", 0) <= 1
    assert statuses.get("sent", 0) + statuses.get("unknown", 0) == len(addresses)
    assert set(delivered) | set(addresses) == set(addresses)
    assert len(delivered) >= statuses.get("sent", 0)
    if statuses.get("unknown"):
        assert "unknown outcome" in done.stdout + done.stderr


class Load:
    """Visitors asking the portal for a mix of pages, one after the other, in threads."""

    PATHS = ("/organisationen/", "/suche/?q=Drehteile", "/api/v1/search?q=Werk", "/")

    def __init__(self, base: str, visitors: int = 4) -> None:
        self.base = base
        self.outcomes: list[tuple[float, int, str]] = []
        self._running = threading.Event()
        self._threads = [threading.Thread(target=self._visit, args=(n,)) for n in range(visitors)]

    def _visit(self, offset: int) -> None:
        n = offset
        while self._running.is_set():
            status, body = http_get(self.base + self.PATHS[n % len(self.PATHS)], timeout=15)
            self.outcomes.append((time.monotonic(), status, "" if status == 200 else body))
            n += 1

    def __enter__(self) -> Load:
        self._running.set()
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._running.clear()
        for thread in self._threads:
            thread.join(timeout=30)

    def statuses(self, after: float = 0.0, before: float = float("inf")) -> Counter[int]:
        return Counter(status for at, status, _body in self.outcomes if after < at < before)


@pytest.fixture
def web(drill: Drill) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    process = start_web(drill.env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/organisationen/", timeout=90)
        yield process, base
    finally:
        stop(process)


def workers_of(master: subprocess.Popen[bytes]) -> set[int]:
    found = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True)
    return {int(pid) for pid in found.stdout.split()}


def test_a_web_worker_killed_under_load_is_replaced_and_the_others_answer_on(
    web: tuple[subprocess.Popen[bytes], str],
):
    master, base = web
    workers = workers_of(master)
    assert len(workers) == 2
    victim = min(workers)
    with Load(base) as load:
        time.sleep(2)
        killed = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        time.sleep(6)
    # Only requests the killed worker was answering at that moment can fail (4 threads).
    failed = sum(n for status, n in load.statuses().items() if status != 200)
    assert failed <= 4, load.statuses()
    assert load.statuses()[500] == 0
    assert set(load.statuses(after=killed + 3)) == {200}, load.statuses(after=killed + 3)
    replaced = workers_of(master)
    assert len(replaced) == 2 and victim not in replaced


def test_postgresql_restarted_under_load_gives_503_pages_and_the_portal_recovers_by_itself(
    drill: Drill, web: tuple[subprocess.Popen[bytes], str]
):
    _master, base = web
    with Load(base) as load:
        time.sleep(2)
        down = time.monotonic()
        drill.server.stop("fast")
        time.sleep(3)
        # Surely away until the start begins: pg_ctl notices the server accepting
        # connections only some time after it does, so answers just before ``up`` may be
        # good ones already.
        starting = time.monotonic()
        drill.server.start()
        up = time.monotonic()
        time.sleep(5)
    during = [o for o in load.outcomes if down + 0.5 < o[0] < starting]
    assert during and all(status == 503 for _at, status, _body in during), load.statuses()
    # The page says what happened (JSON for the API), never a traceback.
    assert all("kurz nicht erreichbar" in body or '"error"' in body for _at, _s, body in during)
    statuses = load.statuses()
    assert statuses[500] == 0 and statuses[0] == 0, statuses
    # Back without restarting the portal: the last seconds are all answered.
    assert set(load.statuses(after=up + 3)) == {200}, load.statuses(after=up + 3)
    first_good = min(at for at, status, _body in load.outcomes if at > up and status == 200)
    print(
        f"\nPostgreSQL down {up - down:.1f} s; portal answering again {first_good - up:.2f} s "
        f"after it was back; {dict(statuses)}"
    )
