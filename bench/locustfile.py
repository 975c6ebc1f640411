"""The load test's visitors (locust): the request mix of issue 14, point 4.

Started by ``bench/load.py``, which passes the addresses to visit (profiles, events,
news, networks, 10,000 search queries, accounts) in the JSON file ``LOAD_DATA``. Each
visitor is anonymous (80 %) or signs in first (20 %), then asks, weighted:

    35 search page   10 search API   15 profile   10 map   10 organisation list
     5 matching       5 other pages (network, event, news)   5 form posts

Queries are drawn Zipf-like from 10,000 distinct ones (a few are asked very often,
most rarely); 30 % carry filters or a radius. Form posts are corrections, expert
inquiries and registrations for events, each after loading its form (its CSRF token).
"""

from __future__ import annotations

import bisect
import itertools
import json
import os
import random
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant_throughput, events, task

DATA: dict[str, Any] = json.loads(Path(os.environ["LOAD_DATA"]).read_text(encoding="utf-8"))
QUERIES: list[str] = DATA["queries"]
# Zipf weights (s = 1): the query of rank r is asked with probability ∝ 1 / r.
_CUMULATIVE = list(itertools.accumulate(1.0 / rank for rank in range(1, len(QUERIES) + 1)))
_counter = itertools.count()
RUN = f"{os.getpid()}{random.SystemRandom().randrange(10**6)}"


# Answers per kind of request by the page cache's header (hit, miss, or none: not a
# kept page), written where ``LOAD_CACHE_OUT`` says when the run ends.
CACHE: dict[str, dict[str, int]] = {}


@events.request.add_listener
def count_kept(name: str, response: Any = None, **_kwargs: Any) -> None:
    headers = getattr(response, "headers", None) or {}
    outcome = headers.get("X-Page-Cache") or "none"
    by_outcome = CACHE.setdefault(name, {})
    by_outcome[outcome] = by_outcome.get(outcome, 0) + 1


@events.test_stop.add_listener
def write_kept(**_kwargs: Any) -> None:
    out = os.environ.get("LOAD_CACHE_OUT")
    if out:
        Path(out).write_text(json.dumps(CACHE, indent=1), encoding="utf-8")


MESSAGES = re.compile(
    r'<(?:ul|div|p)[^>]*(?:class="[^"]*errorlist[^"]*"|role="alert")[^>]*>(.*?)</(?:ul|div|p)>',
    re.S,
)


def refusal(page: str) -> str:
    """What a refused form says (its error messages), for the failure report: a load
    test that counts a refused post as an error must also say why it was refused."""
    said = [re.sub(r"<[^>]+>|\s+", " ", found).strip() for found in MESSAGES.findall(page)]
    return " | ".join(text for text in said if text)[:200] or "no message on the page"


def zipf_query(rng: random.Random) -> str:
    return QUERIES[bisect.bisect_left(_CUMULATIVE, rng.random() * _CUMULATIVE[-1])]


def with_filters(rng: random.Random, params: dict[str, str]) -> dict[str, str]:
    """30 % of searches carry a filter or a radius."""
    roll = rng.random()
    if roll < 0.10:
        params["near"] = rng.choice(DATA["postal_codes"])
        params["radius"] = rng.choice(["10", "30", "50"])
    elif roll < 0.20:
        params["district"] = rng.choice(DATA["districts"])
    elif roll < 0.30:
        params["size"] = rng.choice(["small", "medium"])
        params["kind"] = "company"
    return params


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def address(path: str, params: dict[str, str]) -> str:
    return f"{path}?{urlencode(params)}" if params else path


class Visitor(FastHttpUser):
    """geventhttpclient, not requests: the load generator shares the two cores with the
    server, and this client costs it several times less CPU per request."""

    # Closed loop (load set by the number of visitors), or each visitor paced to
    # LOAD_RATE_PER_VISITOR requests per second (bench/load.py --rate): an offered rate,
    # as long as the portal keeps up with it.
    wait_time = (
        constant_throughput(float(os.environ["LOAD_RATE_PER_VISITOR"]))
        if float(os.environ.get("LOAD_RATE_PER_VISITOR") or 0)
        else between(0.0, 0.0)
    )

    def on_start(self) -> None:
        self.rng = random.Random(next(_counter))
        self.signed_in = self.rng.random() < 0.20
        if self.signed_in:
            account = self.rng.choice(DATA["accounts"])
            token = self._token("/konto/anmelden/", "sign in (form)")
            self.client.post(
                "/konto/anmelden/",
                data={"email": account, "password": DATA["password"], "csrfmiddlewaretoken": token},
                name="sign in",
            )

    # -- reading ------------------------------------------------------------------------

    @task(35)
    def search_page(self) -> None:
        params = with_filters(self.rng, {"q": zipf_query(self.rng)})
        self.client.get(address("/suche/", params), name="search page")

    @task(10)
    def search_api(self) -> None:
        params = with_filters(self.rng, {"q": zipf_query(self.rng)})
        self.client.get(address("/api/v1/search", params), name="search API")

    @task(15)
    def profile(self) -> None:
        slug = self.rng.choice(DATA["profiles"])
        self.client.get(f"/organisationen/{slug}/", name="profile")

    @task(10)
    def map(self) -> None:
        south, west, north, east, zoom = self.rng.choice(DATA["map_views"])
        params = {"bbox": f"{south},{west},{north},{east}", "zoom": str(zoom)}
        self.client.get(address("/suche/karte/", params), name="map")

    @task(10)
    def organisation_list(self) -> None:
        params: dict[str, str] = {"page": str(self.rng.randint(1, 50))}
        if self.rng.random() < 0.3:
            params["district"] = self.rng.choice(DATA["districts"])
        self.client.get(address("/organisationen/", params), name="organisation list")

    @task(5)
    def matching(self) -> None:
        self.client.get(address("/bedarf/", {"q": self.rng.choice(DATA["needs"])}), name="matching")

    @task(5)
    def other_page(self) -> None:
        kinds = [kind for kind in ("networks", "events", "news") if DATA[kind]]
        if not kinds:
            return
        kind = self.rng.choice(kinds)
        prefix = {"networks": "/netzwerke/", "events": "/veranstaltungen/", "news": "/aktuelles/"}
        slug = self.rng.choice(DATA[kind])
        self.client.get(f"{prefix[kind]}{slug}/", name=f"other: {kind}")

    # -- writing ------------------------------------------------------------------------

    def _token(self, path: str, name: str) -> str:
        """The CSRF token of the form on ``path``, as a browser submits it."""
        found = TOKEN.search(self.client.get(path, name=name).text or "")
        return found.group(1) if found else ""

    @task(5)
    def form_post(self) -> None:
        # Unique across runs too (the warm-up is a run of its own with the same seeds):
        # an address registered twice for one event is rightly refused.
        n = f"{RUN}-{self.rng.randrange(10**9)}"
        kinds = ["correction", "inquiry"] + (["registration"] if DATA["open_events"] else [])
        kind = self.rng.choice(kinds)
        if kind == "correction":
            slug = self.rng.choice(DATA["profiles"])
            path = f"/organisationen/{slug}/korrektur/"
            data = {
                "message": f"Die Telefonnummer hat sich geändert (Lasttest {n}).",
                "email": f"hinweis{n}@lasttest.example",
            }
        elif kind == "inquiry":
            path = "/anfrage/"
            data = {
                "name": "Erika Lasttest",
                "email": f"anfrage{n}@lasttest.example",
                "urgency": "normal",
                "message": f"Wir suchen Beratung zur Förderung (Lasttest {n}).",
                "consent": "on",
            }
        else:
            slug = self.rng.choice(DATA["open_events"])
            path = f"/veranstaltungen/{slug}/"
            data = {
                "name": "Erika Lasttest",
                "email": f"teilnahme{n}@lasttest.example",
                "organisation": "Lasttest GmbH",
                "consent": "on",
            }
        data["csrfmiddlewaretoken"] = self._token(path, f"form: {kind} (form)")
        data["website_url"] = ""  # the honeypot stays empty
        with self.client.post(path, data=data, name=f"form: {kind}", catch_response=True) as answer:
            # A valid post answers with a redirect (followed) or the form with its message.
            if answer.status_code >= 400:
                answer.failure(f"{kind}: {answer.status_code}: {refusal(answer.text or '')}")
