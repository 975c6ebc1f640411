"""The figures page and its CSV files through real requests: who may open them, what an
administrator reads there, and a period that makes no sense."""

from __future__ import annotations

import csv
import datetime
import io
import re
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import ADMINISTRATOR, EDITOR, EXPERT
from accounts.services import grant_role
from core.testing import sign_in

from .data import Built, Case, Post, filed_at, local, make_case, make_post, make_topics_and_experts

pytestmark = pytest.mark.django_db

URL = "/intern/kennzahlen/"

# Due dates are days away from now, so that "overdue" holds whatever the hour of the run.
CASES = [
    Case(40, "Förderung", "Anna Förder", due_hours=48, answer_hours=24),
    Case(35, "Förderung", "Bernd Lead", due_hours=24, answer_hours=72),
    Case(30, "Fachkräfte", "Anna Förder", due_hours=24),
    Case(20, "Fachkräfte", None, due_hours=48, answer_hours=6),
    Case(5, None, None, due_hours=24 * 30),
]
POSTS = [
    Post("request", 12, matches=2, contacts=(True, False)),
    Post("request", 25, matches=1),
    Post("offer", 8, contacts=(False,)),
]


@pytest.fixture
def built(db: Any) -> Built:
    today = timezone.localdate()
    built = Built(today=today, now=local(today, 12))
    make_topics_and_experts(built, ["Förderung", "Fachkräfte"], ["Anna Förder", "Bernd Lead"])
    for case in CASES:
        make_case(built, case)
    for post in POSTS:
        make_post(built, post)
    return built


def user_with(django_user_model: Any, name: str, role: str | None = None) -> Any:
    user = django_user_model.objects.create_user(name, f"{name}@agentur.example", "x" * 16)
    if role:
        grant_role(user, role)
    return user


def signed_in(user: Any) -> Client:
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def admin(django_user_model: Any) -> Client:
    return signed_in(user_with(django_user_model, "ada", ADMINISTRATOR))


def period_query(built: Built, days: int = 60) -> dict[str, str]:
    start = built.today - datetime.timedelta(days=days)
    return {"from": start.isoformat(), "to": built.today.isoformat()}


def test_a_visitor_is_asked_to_sign_in(client: Client) -> None:
    for url in (URL, URL + "themen.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={quote(url)}"


@pytest.mark.parametrize("role", [None, EDITOR, EXPERT])
def test_others_than_administrators_are_refused(
    built: Built, django_user_model: Any, role: str | None
) -> None:
    client = signed_in(user_with(django_user_model, "otto", role))
    for url in (URL, URL + "themen.csv"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Anna Förder" not in response.content.decode()


def test_an_administrator_reads_the_figures(
    built: Built, admin: Client, django_assert_max_num_queries: Any
) -> None:
    query = period_query(built)
    with django_assert_max_num_queries(30):
        response = admin.get(URL, query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kennzahlen" in page
    # The funnel table: requests published in the period, with a match, with a contact.
    requests = [post for post in POSTS if post.kind == "request"]
    row = re.search(r"Im Zeitraum veröffentlicht</th>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)", page)
    assert row is not None
    assert int(row.group(1)) == len(requests)
    assert int(row.group(2)) == len([post for post in POSTS if post.kind == "offer"])
    # Each chart is an image with a name, and its numbers stand in a table as well.
    assert page.count('role="img"') == 3
    assert '<title id="chart-request-title">' in page
    assert f"Im Zeitraum veröffentlicht: {len(requests)}" in page
    # A CSV link per table, for the period shown.
    for table in ("uebersicht", "trichter", "monate", "themen", "experten"):
        assert f"/intern/kennzahlen/{table}.csv?from={query['from']}&amp;to={query['to']}" in page


def test_without_a_period_the_page_shows_the_last_twelve_months(
    built: Built, admin: Client
) -> None:
    response = admin.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    today = built.today
    assert f'value="{today.isoformat()}"' in page
    # The first day of the month eleven months before this one.
    year, month = (
        (today.year, today.month - 11) if today.month == 12 else (today.year - 1, today.month + 1)
    )
    start = datetime.date(year, month, 1)
    assert f'value="{start.isoformat()}"' in page
    # Twelve months, so twelve columns in the month chart.
    assert len(re.findall(r'<g class="chart-item">', page)) == 4 + 4 + 12


def read_csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = response.content
    assert content.startswith("\ufeff".encode())  # Excel reads UTF-8 with a BOM
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_topics_as_csv(built: Built, admin: Client) -> None:
    query = period_query(built)
    rows = read_csv(admin.get(URL + "themen.csv", query))
    header, *body = rows
    assert header[:6] == [
        "Thema",
        "Eingegangene Anfragen",
        "Beantwortet",
        "Fristgerecht beantwortet",
        "Nach der Frist beantwortet",
        "Offen und überfällig",
    ]
    by_label = {row[0]: row for row in body}
    for topic in ("Förderung", "Fachkräfte"):
        cases = [case for case in CASES if case.topic == topic]
        answered = [case for case in cases if case.answer_hours is not None]
        on_time = [case for case in answered if case.answer_hours <= case.due_hours]  # type: ignore[operator]
        assert by_label[topic][1:4] == [str(len(cases)), str(len(answered)), str(len(on_time))]
    assert by_label["ohne Thema"][1] == str(sum(case.topic is None for case in CASES))
    assert body[-1][0] == "Insgesamt"
    assert body[-1][1] == str(len(CASES))


def test_the_experts_as_csv_with_a_german_decimal_comma(built: Built, admin: Client) -> None:
    rows = read_csv(admin.get(URL + "experten.csv", period_query(built)))
    header, *body = rows
    assert header[0] == "Expertin oder Experte"
    hours_column = header.index("Mittlere Zeit bis zur ersten Antwort (Stunden)")
    anna = next(row for row in body if row[0] == "Anna Förder")
    answered = [
        case.answer_hours
        for case in CASES
        if case.expert == "Anna Förder" and case.answer_hours is not None
    ]
    assert anna[hours_column] == f"{sum(answered) / len(answered):.1f}".replace(".", ",")


def test_the_months_as_csv_count_requests_too(built: Built, admin: Client) -> None:
    query = period_query(built)
    header, *body = read_csv(admin.get(URL + "monate.csv", query))
    assert header[0] == "Monat" and "Veröffentlichte Gesuche" in header
    column = header.index("Veröffentlichte Gesuche")
    assert sum(int(row[column]) for row in body) == sum(p.kind == "request" for p in POSTS)
    filed = header.index("Eingegangene Anfragen")
    start = built.today - datetime.timedelta(days=60)
    assert sum(int(row[filed]) for row in body) == sum(
        filed_at(case, built.today).date() >= start for case in CASES
    )


def test_a_topic_narrows_the_inquiries(built: Built, admin: Client) -> None:
    topic = built.topics["Förderung"]
    query = {**period_query(built), "topic": str(topic.pk)}
    page = admin.get(URL, query).content.decode()
    assert "Nur Anfragen zum Thema Förderung" in page
    assert f"topic={topic.pk}" in page  # the CSV links keep the topic
    rows = read_csv(admin.get(URL + "uebersicht.csv", query))
    assert rows[1] == ["Eingegangene Anfragen", str(sum(c.topic == "Förderung" for c in CASES))]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2025-06-01", "to": "2025-01-01"}, "liegt nach dem letzten Tag"),
        ({"from": "gestern", "to": "2025-01-01"}, "Bitte ein gültiges Datum eingeben"),
        ({"from": "1999-12-31", "to": "2025-01-01"}, "Wählen Sie einen Tag zwischen"),
        ({"from": "2001-01-01", "to": "2025-01-01"}, "höchstens 10 Jahre"),
        ({"topic": "abc"}, "Bitte eine gültige Auswahl treffen"),
    ],
)
def test_a_malformed_period_gets_a_form_error(
    admin: Client, query: dict[str, str], message: str
) -> None:
    for url in (URL, URL + "themen.csv"):
        response = admin.get(url, query)
        assert response.status_code == 400
        page = response.content.decode()
        assert message in page
        assert 'role="img"' not in page  # no figures for a period that makes no sense


def test_an_unknown_table_is_not_found(admin: Client) -> None:
    assert admin.get(URL + "passwoerter.csv").status_code == 404


def test_the_account_page_links_the_figures_for_administrators(
    admin: Client, django_user_model: Any
) -> None:
    link = f'href="{URL}"'  # not the networks' figures under it, which editors see
    assert link in admin.get("/konto/").content.decode()
    editor = signed_in(user_with(django_user_model, "eddi", EDITOR))
    assert link not in editor.get("/konto/").content.decode()
