"""Does registration or sign-in take longer for some addresses than for others?

    .venv/bin/python bench/account_timing.py              # SQLite
    .venv/bin/python bench/account_timing.py --postgres   # PostgreSQL
    .venv/bin/python bench/account_timing.py --rounds 30

Times the registration page for a free and a taken address, and the login page for an
unknown address, a wrong password, and an unconfirmed account's wrong password, through
the Django test client on a new database (each path in turn, ``--rounds`` times, the
median printed with its ratio to the fastest). An attacker who can tell the paths apart
by time learns who has an account: the ratios should stay near 1.0 (docs/accounts.md).
Emails go to Django's in-memory backend, so the figures hold the portal's own work only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

PASSWORD = "Werkbank-Fräse-2026"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    common.configure("postgres" if args.postgres else "sqlite", "account-timing")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0, skip_checks=True)
    settings.ACCOUNT_EMAILS_PER_HOUR = 10**6
    settings.LOGIN_FAILURES_PER_ACCOUNT = settings.LOGIN_FAILURES_PER_IP = 10**6
    users = get_user_model().objects
    users.create_user("aktiv@beispiel-werk.de", "aktiv@beispiel-werk.de", PASSWORD)
    counter = iter(range(10**6))

    def register(email: Callable[[], str]) -> Callable[[], object]:
        return lambda: Client().post(
            "/konto/registrieren/",
            {
                "email": email(),
                "first_name": "Anna",
                "last_name": "Berger",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "accept_privacy": "on",
            },
        )

    def login(email: str, password: str) -> Callable[[], object]:
        return lambda: Client().post("/konto/anmelden/", {"email": email, "password": password})

    register(lambda: "neu@beispiel-werk.de")()  # an unconfirmed account
    paths = {
        "register: free address": register(lambda: f"frei{next(counter)}@beispiel-werk.de"),
        "register: taken address": register(lambda: "aktiv@beispiel-werk.de"),
        "login: unknown address": login("niemand@beispiel-werk.de", "falsch-falsch-2026"),
        "login: wrong password": login("aktiv@beispiel-werk.de", "falsch-falsch-2026"),
        "login: unconfirmed, wrong password": login("neu@beispiel-werk.de", "falsch-2026-x"),
    }
    for action in paths.values():
        action()  # warm up
    times: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(args.rounds):
        for name, action in paths.items():
            start = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    fastest = {
        kind: min(v for k, v in medians.items() if k.startswith(kind))
        for kind in ("register", "login")
    }
    for name, median in medians.items():
        ratio = median / fastest[name.split(":")[0]]
        print(f"{name:38s} {median:8.1f} ms  x{ratio:.2f}")
    print(json.dumps({"median_ms": medians, "machine": common.machine()}))


if __name__ == "__main__":
    main()
