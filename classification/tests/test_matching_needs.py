"""The evaluation set of needs for the matching (bench/matching/needs.json).

Each need is judged with WZ 2008 subclasses; these tests keep the set usable as a
yardstick: large and varied enough, and every judged code a real subclass in the
imported reference data (see bench/matching/README.md). For some needs, organisations of
the demo data are judged one by one (bench/matching/judgements.json); the tests keep
those judgements well-formed. Whether their slugs exist depends on the demo generator:
the evaluation skips unknown slugs, and ``judge_pool.py --unjudged`` names them. One
test generates the demo data of record (default seed and count) and checks that
every judged slug is in it, so a change to the generator that renames organisations
fails here until the judgements are renewed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from classification.models import WzCode

BENCH = Path(__file__).resolve().parents[2] / "bench" / "matching"
NEEDS_FILE = BENCH / "needs.json"
JUDGEMENTS_FILE = BENCH / "judgements.json"
LABELS = {"relevant", "partly", "not"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STYLES = {"short", "long", "typo", "jargon", "english", "crisis", "research"}
KEYS = {"id", "text", "lang", "style", "primary", "acceptable", "note"}
LONG = 100  # characters: a need longer than this is a "long" one
MAX_TEXT = 2000  # what the matching accepts


@pytest.fixture(scope="module")
def needs() -> list[dict[str, Any]]:
    with NEEDS_FILE.open(encoding="utf-8") as fh:
        data = json.load(fh)
    assert isinstance(data, list)
    return data


def test_set_is_large_enough_with_unique_ids(needs: list[dict[str, Any]]):
    assert len(needs) >= 80
    ids = [n["id"] for n in needs]
    duplicates = [i for i, count in Counter(ids).items() if count > 1]
    assert duplicates == []


def test_every_need_has_the_fields_and_sensible_values(needs: list[dict[str, Any]]):
    for need in needs:
        assert set(need) == KEYS, need["id"]
        assert need["lang"] in {"de", "en"}, need["id"]
        assert need["style"] and set(need["style"]) <= STYLES, need["id"]
        assert need["text"].strip() == need["text"] and need["text"], need["id"]
        assert len(need["text"]) <= MAX_TEXT, need["id"]
        assert 1 <= len(need["primary"]) <= 3, need["id"]
        assert len(need["acceptable"]) <= 5, need["id"]
        assert need["note"].strip(), need["id"]


def test_texts_are_distinct(needs: list[dict[str, Any]]):
    texts = Counter(n["text"].casefold() for n in needs)
    assert [t for t, count in texts.items() if count > 1] == []


def test_no_code_is_both_primary_and_acceptable(needs: list[dict[str, Any]]):
    for need in needs:
        assert not set(need["primary"]) & set(need["acceptable"]), need["id"]
        assert len(set(need["primary"])) == len(need["primary"]), need["id"]
        assert len(set(need["acceptable"])) == len(need["acceptable"]), need["id"]


@pytest.mark.django_db
def test_every_code_is_a_wz2008_subclass_in_the_reference_data(needs: list[dict[str, Any]]):
    judged = {code for n in needs for code in n["primary"] + n["acceptable"]}
    subclasses = set(
        WzCode.objects.filter(version="2008", level=5, code__in=judged).values_list(
            "code", flat=True
        )
    )
    assert sorted(judged - subclasses) == []


def test_mix_of_languages_and_styles(needs: list[dict[str, Any]]):
    english = [n for n in needs if n["lang"] == "en"]
    assert len(english) >= 20
    assert len([n for n in needs if "typo" in n["style"]]) >= 10
    assert len([n for n in needs if len(n["text"]) > LONG]) >= 15
    assert len([n for n in needs if "crisis" in n["style"]]) >= 10
    assert len([n for n in needs if "research" in n["style"]]) >= 5


def test_style_tags_agree_with_the_text(needs: list[dict[str, Any]]):
    for need in needs:
        assert ("english" in need["style"]) == (need["lang"] == "en"), need["id"]
        assert ("long" in need["style"]) == (len(need["text"]) > LONG), need["id"]


@pytest.mark.django_db
def test_crisis_cases_are_judged_to_their_classes(needs: list[dict[str, Any]]):
    primary = Counter(code for n in needs for code in n["primary"])
    # Disinfectants, protective equipment and clothing, medical devices.
    for code in ("20.20.0", "32.99.0", "14.12.0", "32.50.1"):
        assert primary[code] >= 2, code
    divisions = {code[:2] for n in needs for code in n["primary"]}
    assert len(divisions) >= 30


@pytest.fixture(scope="module")
def judgements() -> dict[str, dict[str, str]]:
    with JUDGEMENTS_FILE.open(encoding="utf-8") as fh:
        data = json.load(fh)
    assert isinstance(data, dict)
    return data


def test_organisations_are_judged_for_at_least_twenty_known_needs(
    needs: list[dict[str, Any]], judgements: dict[str, dict[str, str]]
):
    assert len(judgements) >= 20
    known = {n["id"] for n in needs}
    assert sorted(set(judgements) - known) == []


def test_every_judgement_names_a_slug_and_a_valid_label(
    judgements: dict[str, dict[str, str]],
):
    for need_id, verdicts in judgements.items():
        assert isinstance(verdicts, dict) and verdicts, need_id
        bad_slugs = [s for s in verdicts if not SLUG.match(s)]
        assert bad_slugs == [], need_id
        bad_labels = {v for v in verdicts.values() if v not in LABELS}
        assert bad_labels == set(), need_id


def test_every_judged_need_has_suppliers_and_near_misses(
    judgements: dict[str, dict[str, str]],
):
    # A judged need must name at least three organisations that can deliver, and the
    # pool must hold organisations judged lower too, or it measures nothing.
    for need_id, verdicts in judgements.items():
        labels = Counter(verdicts.values())
        assert labels["relevant"] >= 3, need_id
        assert labels["partly"] + labels["not"] >= 1, need_id


def test_judged_needs_span_the_styles(
    needs: list[dict[str, Any]], judgements: dict[str, dict[str, str]]
):
    judged = [n for n in needs if n["id"] in judgements]
    styles = {s for n in judged for s in n["style"]}
    assert styles == STYLES
    assert {n["lang"] for n in judged} == {"de", "en"}


@pytest.mark.django_db
def test_every_judged_organisation_is_in_the_demo_data_of_record(
    judgements: dict[str, dict[str, str]], settings
):
    # The data ``make run`` shows: the default seed and count, plus the real
    # organisations. A judgement whose slug it lacks measures nothing (the evaluation
    # skips it), so the generator and the judgements must change together
    # (bench/matching/README.md, "When the demo data changes").
    from directory import demo
    from directory.models import Organisation

    settings.SEARCH_AUTO_UPDATE = False
    demo.generate(count=demo.DEFAULT_COUNT, seed=demo.DEFAULT_SEED)
    judged = {slug for verdicts in judgements.values() for slug in verdicts}
    present = set(Organisation.objects.filter(slug__in=judged).values_list("slug", flat=True))
    assert sorted(judged - present) == []
