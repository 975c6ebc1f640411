"""Gunicorn's configuration for the portal (``gunicorn -c clusterportal/gunicorn.conf.py``).

Read by ``scripts/serve`` and the systemd unit (deploy/systemd/). Every value comes from
the environment with a default that suits one machine (docs/operations/production.md):

- ``WEB_BIND``: address and port, default ``127.0.0.1:8000`` (behind a proxy on the same
  machine; ``0.0.0.0:8000`` when the proxy is elsewhere).
- ``WEB_WORKERS``: processes, default one per core plus one (at least two).
- ``WEB_THREADS``: threads per process, default 4: requests wait mostly on the
  database, and each process keeps one copy of the embedding model and vectors.
- ``WEB_TIMEOUT``: seconds a request may take before its worker is restarted (default 60;
  exports of large lists take several seconds).
- ``WEB_ACCESS_LOG``: ``1`` writes gunicorn's access log to stderr; off by default, as the
  portal logs its requests itself.
"""

from __future__ import annotations

import os
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError as error:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}") from error
    if number < 1:
        raise RuntimeError(f"{name} must be at least 1, not {number}")
    return number


_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()

wsgi_app = "clusterportal.wsgi:application"
bind = [address.strip() for address in os.environ.get("WEB_BIND", "127.0.0.1:8000").split(",")]
workers = _int("WEB_WORKERS", max(2, (_cores or 1) + 1))
threads = _int("WEB_THREADS", 4)
worker_class = "gthread"
timeout = _int("WEB_TIMEOUT", 60)
# SIGTERM: running requests get this long to finish before the workers are killed.
graceful_timeout = _int("WEB_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# A worker is replaced after this many requests (spread, so not all at once): bounds the
# growth of any slow leak.
max_requests = _int("WEB_MAX_REQUESTS", 5000)
max_requests_jitter = max(1, max_requests // 10)
# Heartbeat files in memory, not on a disk that may stall (Docker, slow volumes).
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"
accesslog = "-" if os.environ.get("WEB_ACCESS_LOG", "").lower() in {"1", "true", "yes"} else None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The proxy in front sets X-Forwarded-*; gunicorn trusts it only from these addresses.
forwarded_allow_ips = os.environ.get("WEB_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "clusterportal"
# Gunicorn 24+ opens a control socket in the user's home by default; nodes on one machine
# would share it, and systemd's ProtectHome forbids it. Signals (HUP, TERM) suffice.
control_socket_disable = True
