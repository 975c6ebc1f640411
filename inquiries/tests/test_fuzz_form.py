"""Hostile values for the public inquiry pages: never a server error, never half-written.

The form (every field, the "Suggest codes" button, attachments with hostile names and
bytes), the status page and the feedback page get values drawn by hypothesis. A page
with a message (200), a redirect after a stored inquiry (302), a 404 for an unknown
token or a 429 from the rate limit are fine; a 5xx is a bug. A stored inquiry must be
whole: a reference number, a due date, a cleaned message without control characters.
Derandomised and bounded: the same draws each run, seconds per database.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inquiries.models import Inquiry

from .files import JPEG, PDF, PNG, office

pytestmark = pytest.mark.django_db

HOSTILE = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202e",
    "\ufeff",
    "x" * 6000,
    "ä" * 300,
    "9" * 40,
    str(2**64),
    "-1",
    "1.5",
    "'; DROP TABLE inquiries_inquiry; --",
    "<script>alert(1)</script>",
    "28.41",
    "99.99",
    "16051",
    "on",
    "../../etc/passwd",
)
VALUE = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
FIELDS = (
    "name",
    "email",
    "phone",
    "organisation_name",
    "topic",
    "growth_field",
    "wz_code",
    "district",
    "place",
    "urgency",
    "message",
    "consent",
)
FILE_NAMES = st.one_of(
    st.sampled_from(["a.pdf", "b.PNG", "c.jpg", "d.docx", "e.xlsx", "f.odt", "g.txt", "h.exe"]),
    st.text(min_size=1, max_size=30).filter(lambda s: "\x00" not in s and "/" not in s),
)
FILE_BYTES = st.one_of(
    st.sampled_from([PDF, PNG, JPEG, office("docx"), office("odt"), b"PK\x03\x04", b""]),
    st.binary(max_size=200),
)

FUZZ = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(
    data=st.dictionaries(st.sampled_from(FIELDS), VALUE, max_size=len(FIELDS)),
    valid_base=st.booleans(),
    suggest=st.booleans(),
    file_name=st.none() | FILE_NAMES,
    file_bytes=FILE_BYTES,
)
def test_the_form_never_fails(
    agency: Any,
    settings: Any,
    data: dict[str, str],
    valid_base: bool,
    suggest: bool,
    file_name: str | None,
    file_bytes: bytes,
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "inquiry": (0, 3600)}  # off: fuzz the form
    base: dict[str, Any] = {}
    if valid_base:
        base = {
            "name": "Eva",
            "email": "eva@firma.example",
            "topic": agency.topics["foerderung"].pk,
            "urgency": "normal",
            "message": "Eine ausführliche Frage",
            "consent": "on",
        }
    post: dict[str, Any] = {**base, **data}
    if suggest:
        post["suggest"] = "1"
    if file_name is not None:
        post["attachment"] = SimpleUploadedFile(file_name, file_bytes)
    before = Inquiry.objects.count()
    response = Client().post("/anfrage/", post)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        assert Inquiry.objects.count() == before + 1
        inquiry = Inquiry.objects.latest("pk")
        assert inquiry.reference.startswith("A-") and inquiry.due_at
        assert "\x00" not in inquiry.message and "\u202e" not in inquiry.message
        page = Client().get(response["Location"])
        assert page.status_code == 200
    else:
        assert Inquiry.objects.count() == before


@FUZZ
@given(token=VALUE.filter(lambda s: "/" not in s and "\x00" not in s), answer=VALUE)
def test_status_and_feedback_pages_never_fail(agency: Any, token: str, answer: str) -> None:
    from urllib.parse import quote

    client = Client()
    for url in (
        f"/anfrage/status/{quote(token, safe='')}/",
        f"/anfrage/status/{quote(token, safe='')}/rueckmeldung/{quote(answer, safe='')}/",
    ):
        # 400: the portal refuses NUL in a path (core.middleware); 404: no such case
        assert client.get(url).status_code in (200, 400, 404)
        assert client.post(url).status_code in (302, 400, 404)
