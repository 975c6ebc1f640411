"""Load test: the production set-up (gunicorn, PostgreSQL, the PostgreSQL search engine,
Redis as the shared cache) on loopback under the request mix of ``bench/locustfile.py``.

    .venv/bin/python bench/load.py --prepare 100000          # build the database once
    .venv/bin/python bench/load.py                            # page cache on (default)
    .venv/bin/python bench/load.py --no-page-cache            # the figure before caching
    .venv/bin/python bench/load.py --users 64 --seconds 120 --workers 3 --threads 8
    .venv/bin/python bench/load.py --profile    # and where the time goes (load_profile.py)
    .venv/bin/python bench/load.py --rate 30    # 30 requests/s offered: latency below the limit

Bounded in time and count: a warm-up (not counted), then ``--seconds`` of closed-loop
load by ``--users`` visitors (with ``--rate``, the visitors together ask at most that
many requests per second: the latency at a given traffic rather than at the limit); it
stops by itself and prints requests per second, percentiles per kind of request and the
errors. Rate limits of the public forms are lifted for the run (every visitor comes from
127.0.0.1). Figures and method: docs/performance.md, "Load". Needs locust
(``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import load_profile

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/clusterportal_bench_load"
LIFTED = dict.fromkeys(
    (
        "RATE_LIMIT_DEFAULT_PER_HOUR",
        "RATE_LIMIT_CONTACT_PER_HOUR",
        "RATE_LIMIT_POSTING_PER_HOUR",
        "RATE_LIMIT_INQUIRY_PER_HOUR",
        "RATE_LIMIT_ADDRESS_PER_HOUR",
        "RATE_LIMIT_NEWSLETTER_PER_HOUR",
        "CORRECTIONS_PER_HOUR",
        "LOGIN_FAILURES_PER_IP",
        "LOGIN_FAILURES_PER_ACCOUNT",
    ),
    "1000000000",
)


def portal_env(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": args.database_url,
            "SEARCH_ENGINE": "postgres",
            "DEBUG": "0",
            "SECRET_KEY": "load-test-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATA_DIR": str(data_dir),
            "CACHE_URL": args.cache_url,
            "PAGE_CACHE_SECONDS": "300" if args.page_cache else "0",
            "LOG_LEVEL": "WARNING",
            # Plain http on loopback: cookies marked Secure would never come back.
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            **LIFTED,
        }
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    print("  manage.py", " ".join(args), flush=True)
    subprocess.run([sys.executable, "manage.py", *args], env=env, cwd=common.ROOT, check=True)


def prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    """The database of the load test: generated in bulk with the index hook off, then the
    text index rebuilt and every organisation's vector computed (the drift check's
    repair), as an operator fills a new portal."""
    common.recreate_postgres(args.database_url)
    bulk = {**env, "SEARCH_AUTO_UPDATE": "0"}
    manage(bulk, "migrate", "--noinput", "-v", "0")
    manage(bulk, "import_reference_data", "--no-progress")
    manage(bulk, "generate_demo_data", "--count", str(args.prepare), "--no-progress")
    for generator in DEMO_GENERATORS:
        manage(bulk, generator)
    manage(env, "rebuild_search_index", "--no-progress")
    manage(env, "check_search_index", "--repair", "--no-progress")
    # Planner statistics now, not whenever autovacuum gets to the bulk-written tables
    # (a database copied from this one as a template has none either: run it there too).
    import psycopg

    with psycopg.connect(args.database_url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


DEMO_GENERATORS = (
    "generate_demo_postings",
    "generate_demo_networks",
    "generate_demo_funding",
    "generate_demo_events",
    "generate_demo_news",
)


def collect(env: dict[str, str], out: Path) -> None:
    """What the visitors ask for, read from the database in a child process."""
    script = common.ROOT / "bench" / "load_visitors.py"
    env = {**env, "DJANGO_SETTINGS_MODULE": "clusterportal.settings"}
    subprocess.run([sys.executable, str(script), str(out)], env=env, cwd=common.ROOT, check=True)


def start_web(args: argparse.Namespace, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """gunicorn with the production configuration (clusterportal/gunicorn.conf.py)."""
    web_env = {
        **env,
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": str(args.workers),
        "WEB_THREADS": str(args.threads),
    }
    config = str(common.ROOT / "clusterportal" / "gunicorn.conf.py")
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", config], env=web_env, cwd=common.ROOT
    )


def wait_for(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                if answer.status == 200:
                    return
        except Exception:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {timeout} s")


def run_locust(
    args: argparse.Namespace, host: str, data: Path, seconds: int, prefix: Path
) -> list[dict[str, str]]:
    env = {
        **os.environ,
        "LOAD_DATA": str(data),
        "LOAD_CACHE_OUT": f"{prefix}_kept.json",
        "LOAD_RATE_PER_VISITOR": str(args.rate / args.users if args.rate else 0),
    }
    subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(common.ROOT / "bench" / "locustfile.py"),
            "--headless", "--host", host, "--users", str(args.users),
            "--spawn-rate", str(args.users), "--run-time", f"{seconds}s",
            "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
            "--loglevel", "WARNING", "--exit-code-on-error", "0",
        ],
        env=env,
        check=True,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def failures(prefix: Path) -> list[dict[str, str]]:
    """Each kind of failure locust saw, with its count and message (a refused form's
    message says why, see ``refusal`` in the locustfile)."""
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def kept_shares(prefix: Path) -> dict[str, tuple[int, int]]:
    """Per kind of request (and all together): the answers from the page cache and the
    answers that went through it (hit or miss; signed-in visitors' pages and form posts
    do not)."""
    path = Path(f"{prefix}_kept.json")
    if not path.exists():
        return {}
    counted = json.loads(path.read_text(encoding="utf-8"))
    shares = {}
    for name, outcomes in sorted(counted.items()):
        keepable = outcomes.get("hit", 0) + outcomes.get("miss", 0)
        if keepable:
            shares[name] = (outcomes.get("hit", 0), keepable)
    every = sum(sum(outcomes.values()) for outcomes in counted.values())
    hits = sum(hit for hit, _n in shares.values())
    if every:
        shares["all answers"] = (hits, every)
    return shares


def _ms(value: str) -> float:
    """A percentile of locust's summary; "N/A" (no request in the run) as not a number."""
    try:
        return float(value)
    except ValueError:
        return float("nan")


def report(rows: list[dict[str, str]], args: argparse.Namespace) -> dict[str, Any]:
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(
        f"\n{args.users} visitors, {args.workers} workers × {args.threads} threads, "
        f"page cache {'on' if args.page_cache else 'off'}, {args.seconds} s"
        + (f", {args.rate:g} requests/s offered" if args.rate else ", closed loop")
    )
    print(f"{'request':<32}{'count':>8}{'fail':>6}{'p50':>7}{'p95':>7}{'p99':>7}{'req/s':>8}")
    for row in rows:
        print(
            f"{row['Name'][:31]:<32}{row['Request Count']:>8}{row['Failure Count']:>6}"
            f"{row['50%']:>7}{row['95%']:>7}{row['99%']:>7}{float(row['Requests/s']):>8.1f}"
        )
    figures = {
        "requests_per_second": round(float(total["Requests/s"]), 1),
        "p50_ms": _ms(total["50%"]),
        "p95_ms": _ms(total["95%"]),
        "p99_ms": _ms(total["99%"]),
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
    }
    print(
        f"\nTotal: {figures['requests_per_second']} requests/s, p50 {figures['p50_ms']:.0f} ms, "
        f"p95 {figures['p95_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms, "
        f"{figures['failures']} failed of {figures['requests']} "
        f"(target: ≥ 300 requests/s, p99 < 300 ms, no errors)"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_LOAD_URL", DEFAULT_URL))
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--prepare", type=int, metavar="COUNT", help="build the database first")
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--page-cache", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="requests/s the visitors offer together (default: none, a closed loop)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="CPU per program and the workers' Python stacks"
    )
    args = parser.parse_args()
    common.OUT.mkdir(parents=True, exist_ok=True)
    data_dir = common.OUT / "load-data"
    env = portal_env(args, data_dir)
    if args.prepare:
        prepare(args, env)
    data_file = common.OUT / "load-visitors.json"
    collect(env, data_file)
    subprocess.run(["redis-cli", "-n", args.cache_url.rsplit("/", 1)[-1], "flushdb"], check=False)
    port = 8790 + random.randrange(100)
    web = start_web(args, env, port)
    host = f"http://127.0.0.1:{port}"
    try:
        wait_for(host + "/organisationen/")
        if args.warmup:
            run_locust(args, host, data_file, args.warmup, common.OUT / "load-warmup")
        samplers: list[subprocess.Popen[bytes]] = []
        if args.profile:
            for old in common.OUT.glob("load-profile-*.txt"):
                old.unlink()
            samplers = load_profile.sample(load_profile.workers(web.pid), args.seconds, common.OUT)
            watch = load_profile.CpuWatch()
        rows = run_locust(args, host, data_file, args.seconds, common.OUT / "load")
        if args.profile:
            cores = watch.stop()
            for sampler in samplers:
                sampler.wait(timeout=60)
    finally:
        web.send_signal(signal.SIGTERM)
        web.wait(timeout=60)
    figures = report(rows, args)
    figures["failure_reasons"] = failed = failures(common.OUT / "load")
    for row in failed:
        print(f"  {row['Occurrences']:>5} × {row['Method']} {row['Name']}: {row['Error']}")
    figures["kept"] = kept = kept_shares(common.OUT / "load")
    if kept:
        print(
            "\nFrom the page cache: per kind, hits of the answers that went through it;"
            " on the last line, of all answers:"
        )
        for name, (hits, keepable) in kept.items():
            print(f"  {name[:31]:<32}{hits:>6} of {keepable:<6}{hits / keepable:>7.0%}")
    if args.profile:
        print("\nCores used on average during the run, by program:")
        for name, used in cores.items():
            print(f"  {name:<28}{used:>6.2f}")
        samples, functions = load_profile.summary(common.OUT)
        print(
            f"\nThe web workers' Python, {samples} samples holding the interpreter lock; "
            "share of them with each function on the stack:"
        )
        for function, share in functions:
            print(f"  {share:>6.1%}  {function}")
        figures["cores"] = cores
        figures["profile"] = {"samples": samples, "functions": functions}
    figures.update(
        users=args.users,
        workers=args.workers,
        threads=args.threads,
        page_cache=args.page_cache,
        rate=args.rate,
    )
    (common.OUT / "load.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
