"""What the load test's visitors ask for, read from the portal's database: run by
``bench/load.py`` in a child process with the portal's environment.

    python bench/load_visitors.py OUT.json

Also makes the accounts the signed-in visitors use (idempotent)."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

PASSWORD = "Lasttest-Passwort-2026"
ACCOUNTS = 50
QUERIES = 10_000
# Views of the map: the state, a region, a city, a town (south, west, north, east, zoom).
MAP_VIEWS = [
    [50.20, 9.85, 51.65, 12.70, 8],
    [50.60, 10.50, 51.20, 11.60, 10],
    [50.955, 10.990, 50.995, 11.070, 14],
    [50.90, 11.50, 50.96, 11.65, 13],
]


def accounts() -> list[str]:
    from django.contrib.auth.models import User

    emails = [f"lasttest{n}@lasttest.example" for n in range(ACCOUNTS)]
    for email in emails:
        if not User.objects.filter(username=email).exists():
            User.objects.create_user(username=email, email=email, password=PASSWORD)
    return emails


def queries(rng: random.Random) -> list[str]:
    """10,000 distinct queries from the words of the WZ titles and the technologies,
    alone, in pairs and with a place, in random order (the Zipf rank)."""
    from classification.models import Technology, WzCode
    from directory.models import Site

    words: set[str] = set()
    for title in WzCode.objects.filter(version="2008").values_list("title", flat=True):
        words.update(w.strip(",.()") for w in title.split() if len(w) > 5 and w[0].isupper())
    words.update(Technology.objects.values_list("name", flat=True))
    vocabulary = sorted(w for w in words if w)
    places = sorted(set(Site.objects.exclude(place="").values_list("place", flat=True)[:2000]))
    found: set[str] = set()
    while len(found) < QUERIES:
        roll = rng.random()
        if roll < 0.6:
            found.add(rng.choice(vocabulary))
        elif roll < 0.85:
            found.add(f"{rng.choice(vocabulary)} {rng.choice(vocabulary)}")
        else:
            found.add(f"{rng.choice(vocabulary)} {rng.choice(places)}")
    ordered = sorted(found)
    rng.shuffle(ordered)
    return ordered


def collect() -> dict[str, object]:
    from django.conf import settings
    from django.utils import timezone

    from content.events.models import Event
    from content.news.models import Article
    from directory.choices import NETWORK_KINDS
    from directory.models import Organisation, Site
    from geo.models import District

    rng = random.Random(7)
    now = timezone.now()
    published = Organisation.objects.filter(status="published")
    companies = published.exclude(kind__in=NETWORK_KINDS).order_by("?")
    networks = published.filter(kind__in=NETWORK_KINDS)
    events = Event.objects.filter(status="published")
    articles = Article.objects.filter(published=True, publish_at__lte=now)
    postal_codes = Site.objects.exclude(postal_code="").values_list("postal_code", flat=True)
    districts = District.objects.filter(ags__startswith=settings.PORTAL_STATE_AGS)
    every_event = list(events.values_list("slug", flat=True)[:500])
    asked = queries(rng)
    return {
        "password": PASSWORD,
        "accounts": accounts(),
        "profiles": list(companies.values_list("slug", flat=True)[:5000]),
        "networks": list(networks.values_list("slug", flat=True)[:500]),
        "events": every_event,
        "open_events": list(events.filter(start__gt=now).values_list("slug", flat=True)[:200])
        or every_event,
        "news": list(articles.values_list("slug", flat=True)[:500]),
        "queries": asked,
        "needs": [f"{q} gesucht" for q in asked[:2000]],
        "postal_codes": list(postal_codes.distinct()[:300]),
        "districts": list(districts.values_list("ags", flat=True)),
        "map_views": MAP_VIEWS,
    }


if __name__ == "__main__":
    django.setup()
    Path(sys.argv[1]).write_text(json.dumps(collect()), encoding="utf-8")
