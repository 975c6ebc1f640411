"""Where the time of ``bench/load.py`` goes (``--profile``).

Two views over the measured run:

- **CPU per program**: the processor time of every process on the machine, read from
  ``/proc`` twice a second (``CpuWatch``), summed by program (the web workers, PostgreSQL, Redis,
  the load generator): which one holds the two cores.
- **The web workers' Python**: py-spy samples each worker from outside, counting only
  the threads that hold the interpreter lock (``--gil``: the Python work that the
  threads of a worker wait on each other for), written as collapsed stacks to
  ``bench/out/load-profile-<pid>.txt``; the summary names the functions of the portal
  and of Django that are on the stack in the most samples.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

# Programs by what their command line holds, first match wins.
PROGRAMS = (
    ("gunicorn", "web workers (gunicorn)"),
    ("locust", "load generator (locust)"),
    ("postgres", "PostgreSQL"),
    ("redis", "Redis"),
    ("py-spy", "sampler (py-spy)"),
)


def _program(pid: str) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
    for needle, name in PROGRAMS:
        if needle in command:
            return name
    return "other"


def _ticks() -> dict[int, tuple[str, int]]:
    """Processor ticks (user + system) so far of every live process, with its program."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # utime and stime are fields 14 and 15 of stat(5); after the name, 12 and 13.
        found[int(entry)] = (_program(entry), int(fields[11]) + int(fields[12]))
    return found


class CpuWatch:
    """Processor time by program while it runs: every process read twice a second, so
    that those that start and end in between (the load generator, a database
    connection's backend) count too, all but their last half second."""

    def __init__(self) -> None:
        self._first = _ticks()
        self._last: dict[int, tuple[str, int]] = dict(self._first)
        self._used: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._started = time.monotonic()
        self._thread.start()

    def _read(self) -> None:
        for pid, (program, ticks) in _ticks().items():
            # A process first seen now started during the run: all its time counts.
            _name, before = self._last.get(pid, (program, 0))
            self._used[program] += max(ticks - before, 0)
            self._last[pid] = (program, ticks)

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            self._read()

    def stop(self) -> dict[str, float]:
        """Cores used on average per program since the start."""
        self._stop.set()
        self._thread.join()
        self._read()
        seconds = time.monotonic() - self._started
        hertz = os.sysconf("SC_CLK_TCK")
        used = {name: ticks / hertz / seconds for name, ticks in self._used.items()}
        return {
            name: round(cores, 2)
            for name, cores in sorted(used.items(), key=lambda item: -item[1])
            if cores >= 0.005
        }


def workers(master: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


def sample(pids: list[int], seconds: int, out: Path) -> list[subprocess.Popen[bytes]]:
    """Start py-spy on each worker for ``seconds``; collapsed stacks to ``out``."""
    spy = str(Path(sys.executable).parent / "py-spy")  # installed by the bench extra
    started = []
    for pid in pids:
        command = [spy, "record", "--pid", str(pid), "--duration", str(seconds)]
        command += ["--rate", "50", "--gil", "--nonblocking", "--format", "raw"]
        command += ["--output", str(out / f"load-profile-{pid}.txt")]
        started.append(
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
    return started


def _ours(frame: str) -> str | None:
    """``function (module)`` for a frame of the portal or of Django, else None."""
    name, _, where = frame.partition(" (")
    path = where.split(":", 1)[0]
    if "site-packages/django/" in path:
        module = "django/" + path.split("site-packages/django/", 1)[1]
    elif "site-packages" in path or "/lib/python" in path or not path or "<" in path:
        return None
    else:
        module = path.split("/main/", 1)[-1]
    return f"{name} ({module})"


# Frames under every request (threads, the WSGI server, Django's handler and the
# middleware chain) are left out of the summary where nearly every sample holds them.
BASE_SHARE = 0.8


def summary(out: Path, top: int = 30) -> tuple[int, list[tuple[str, float]]]:
    """All samples, and the functions below the request's base that are on the stack
    in the largest shares of them."""
    total = 0
    inclusive: Counter[str] = Counter()
    for path in out.glob("load-profile-*.txt"):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if not count.isdigit():
                continue
            n = int(count)
            total += n
            seen = {ours for frame in stack.split(";") if (ours := _ours(frame))}
            for function in seen:
                inclusive[function] += n
    if not total:
        return 0, []
    shares = [(f, n / total) for f, n in inclusive.most_common() if n / total < BASE_SHARE]
    return total, shares[:top]
