"""An administrator reads the figures in a real browser, picks another period and
downloads a table as CSV; every page passes axe-core."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from accounts.roles import ADMINISTRATOR
from accounts.services import grant_role
from core.testing import TRANSACTIONAL_APPS
from core.testing.browser import axe_check, sign_in_with_code

from .data import Built, Case, Post, local, make_case, make_post, make_topics_and_experts

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(
        transaction=True, available_apps=[*TRANSACTIONAL_APPS, "sourcing", "inquiries"]
    ),
]
PASSWORD = "Lange-genug-1234"


def test_an_administrator_changes_the_period_and_downloads_a_table(
    live_server: Any, page: Page, django_user_model: Any
) -> None:
    today = timezone.localdate()
    built = Built(today=today, now=local(today, 12))
    make_topics_and_experts(built, ["Förderung", "Fachkräfte"], ["Anna Förder"])
    old = make_case(built, Case(100, "Förderung", "Anna Förder", due_hours=48, answer_hours=5))
    make_case(built, Case(20, "Förderung", "Anna Förder", due_hours=48, answer_hours=50))
    make_case(built, Case(10, "Fachkräfte", None, due_hours=24 * 40))
    make_post(built, Post("request", 15, matches=1, contacts=(True,)))
    user = django_user_model.objects.create_user(
        "ada@agentur.example", "ada@agentur.example", PASSWORD
    )
    grant_role(user, ADMINISTRATOR)

    # The administrator finds the figures on their account page.
    page.goto(live_server.url + "/konto/")
    sign_in_with_code(page, "ada@agentur.example", PASSWORD, user)
    page.wait_for_url(re.compile("/konto/$"))
    page.get_by_role("link", name="Kennzahlen", exact=True).click()
    page.wait_for_url(re.compile("/intern/kennzahlen/$"))
    axe_check(page)
    assert page.get_by_role("img", name="Eingegangene Anfragen pro Monat").is_visible()
    topics = page.locator("#table-themen")
    assert "Förderung" in topics.inner_text()

    # Only the last 30 days: the case filed 100 days ago drops out of the figures.
    start = today - datetime.timedelta(days=30)
    page.get_by_label("Von").fill(start.isoformat())
    page.get_by_label("Bis").fill(today.isoformat())
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_url(re.compile(rf"from={start.isoformat()}"))
    axe_check(page)
    assert f"Zeitraum: {start:%d.%m.%Y} bis {today:%d.%m.%Y}" in page.locator("main").inner_text()
    row = page.locator("#table-themen tr", has_text="Förderung")
    assert row.locator("td").first.inner_text() == "1"  # two filed, one of them too early
    assert old.created.date() < start

    # A period that ends before it starts is named, not shown.
    page.get_by_label("Von").fill(today.isoformat())
    page.get_by_label("Bis").fill(start.isoformat())
    page.get_by_role("button", name="Anzeigen").click()
    page.get_by_role("alert").wait_for()
    assert "liegt nach dem letzten Tag" in page.get_by_role("alert").inner_text()
    axe_check(page)
    page.go_back()

    with page.expect_download() as info:
        page.get_by_role("link", name="Als CSV herunterladen (Anfragen pro Thema)").click()
    download = info.value
    assert download.suggested_filename == (
        f"kennzahlen-themen-{start.isoformat()}-{today.isoformat()}.csv"
    )
    content = Path(download.path()).read_bytes()
    assert content.startswith("\ufeff".encode())
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Thema;Eingegangene Anfragen;Beantwortet;")
    assert any(line.startswith("Förderung;1;1;") for line in lines)
