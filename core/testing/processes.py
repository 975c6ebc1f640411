"""Real processes for tests of faults and of several nodes: a private PostgreSQL server
that a test may stop and restart, the portal's commands and web server as subprocesses,
and killing one of them at a chosen moment of its work.

A test that restarts PostgreSQL must never restart the server the test suite runs on
(other tests, other workers use it): ``PrivatePostgres`` makes a throw-away cluster in
a temporary folder (``initdb``, Debian's PostgreSQL binaries) on a free port, filled
with a copy of the test database (``pg_dump | pg_restore``: schema and reference data in
a second). It needs the server binaries and, when run as root, the ``postgres`` user.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from messaging.testing import free_port

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def missing_postgres_server() -> str | None:
    """Why a private PostgreSQL server cannot be made here, or None."""
    if not (PG_BIN / "initdb").exists():
        return f"no PostgreSQL server binaries in {PG_BIN}"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser to become the postgres user"
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        return "pg_dump/pg_restore missing"
    return None


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class PrivatePostgres:
    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "portal") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args]),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("-o", options, "-l", str(self.root / "server.log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "-w", "stop")

    def copy_database(self, source_url: str, database: str = "portal") -> None:
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", database],
            check=True,
            capture_output=True,
        )
        dump = subprocess.Popen(["pg_dump", "-Fc", source_url], stdout=subprocess.PIPE)
        subprocess.run(
            ["pg_restore", "--no-owner", "-d", self.url(database)],
            stdin=dump.stdout,
            check=True,
            capture_output=True,
        )
        assert dump.wait() == 0


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    # In /tmp itself: the postgres user cannot enter pytest's folders (root's, mode 700).
    root = Path(tempfile.mkdtemp(prefix="clusterportal-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    server = PrivatePostgres(root, free_port())
    subprocess.run(
        _as_postgres(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(server.data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    server.start()
    try:
        yield server
    finally:
        with suppress(subprocess.CalledProcessError):  # already stopped
            server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


def database_url(settings_dict: Mapping[str, Any]) -> str:
    """The URL of a Django PostgreSQL connection's database (the test database)."""
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}@{host}:{port}/{settings_dict['NAME']}"


def portal_env(database: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a portal process: production-like, on ``database``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "DATABASE_", "SEARCH_"))
    }
    env.update(
        {
            "DATABASE_URL": database,
            "DATA_DIR": str(data_dir),
            "SEARCH_ENGINE": "postgres",
            "SECRET_KEY": "fault-drill-" + "k" * 50,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "WARM_UP_AT_START": "0",
            "LANGUAGE": "en",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def manage(
    *args: str, env: Mapping[str, str], timeout: float = 300, check: bool = True
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=dict(env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and done.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        )
    return done


def start_manage(*args: str, env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """A command running in the background, its stdout and stderr in one pipe."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=dict(env),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def kill_when(process: subprocess.Popen[bytes], pattern: str, timeout: float = 300) -> str:
    """Read the process's output (progress bars included, which end lines with \\r) until
    ``pattern`` appears, then kill it with SIGKILL, as a power cut or the OOM killer
    would. Returns the output read. Fails if the process ends or the time runs out first."""
    assert process.stdout is not None
    wanted = re.compile(pattern)
    output = b""
    deadline = time.monotonic() + timeout
    fd = process.stdout.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            output += chunk
            if wanted.search(output.decode("utf-8", "replace")):
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=30)
                return output.decode("utf-8", "replace")
    process.kill()
    process.wait(timeout=30)
    raise AssertionError(
        f"{pattern!r} never appeared before the process ended:\n"
        + output.decode("utf-8", "replace")[-3000:]
    )


def start_web(env: Mapping[str, str], port: int, workers: int = 2) -> subprocess.Popen[bytes]:
    """The portal under gunicorn on loopback, with the production configuration."""
    web_env = {
        **env,
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": str(workers),
        "WEB_THREADS": "4",
        "WEB_GRACEFUL_TIMEOUT": "5",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "clusterportal" / "gunicorn.conf.py")],
        env=web_env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def http_get(url: str, timeout: float = 10) -> tuple[int, str]:
    """Status and body of a GET; a refused or reset connection is status 0."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        return 0, str(error)


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _body = http_get(url, timeout=5)
        if status == 200:
            return
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer 200 within {timeout} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
