"""core.uploads: a file is judged by its content; a liar gets a clear message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core.uploads import check_upload

from .files import JPEG, PDF, PNG, office


@pytest.fixture(autouse=True)
def _german() -> Iterator[None]:
    """Messages as a visitor of the German portal reads them."""
    with translation.override("de"):
        yield


ALL = ("pdf", "png", "jpeg", "docx", "xlsx", "odt", "txt")
MB = 1024 * 1024


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("antrag.pdf", PDF, "pdf"),
        ("plan.PNG", PNG, "png"),
        ("foto.jpg", JPEG, "jpeg"),
        ("foto.jpeg", JPEG, "jpeg"),
        ("brief.docx", office("docx"), "docx"),
        ("zahlen.xlsx", office("xlsx"), "xlsx"),
        ("text.odt", office("odt"), "odt"),
        ("notiz.txt", "Grüße aus Erfurt\n".encode(), "txt"),
    ],
)
def test_good_files_pass(name: str, content: bytes, kind: str) -> None:
    assert check_upload(SimpleUploadedFile(name, content), ALL, 5 * MB).name == kind


@pytest.mark.parametrize(
    ("name", "content", "code", "words"),
    [
        ("antrag.pdf", b"MZ\x90\x00 this is an exe", "mismatch", "keine PDF-Datei"),
        ("antrag.pdf", PNG, "mismatch", "keine PDF-Datei"),
        ("brief.docx", office("xlsx"), "mismatch", "DOCX"),
        ("brief.docx", b"PK\x03\x04broken zip", "mismatch", "DOCX"),
        ("foto.png", JPEG, "mismatch", "PNG"),
        ("notiz.txt", b"\x00\x01\x02binary", "mismatch", "Text"),
        ("tool.exe", b"MZ\x90\x00", "kind", "nicht angenommen"),
        ("ohne_endung", PDF, "kind", "nicht angenommen"),
        ("leer.pdf", b"", "empty", "leer"),
    ],
)
def test_lying_or_refused_files_get_a_message(
    name: str, content: bytes, code: str, words: str
) -> None:
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile(name, content), ALL, 5 * MB)
    assert error.value.code == code
    assert name in error.value.messages[0] or code == "empty"
    assert words in error.value.messages[0]


def test_too_large_files_are_refused_with_the_limit() -> None:
    big = SimpleUploadedFile("gross.pdf", PDF + b"0" * (2 * MB))
    with pytest.raises(ValidationError) as error:
        check_upload(big, ALL, 1 * MB)
    assert error.value.code == "too_large"
    assert "1 MB" in error.value.messages[0]


def test_only_allowed_kinds_pass() -> None:
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("foto.png", PNG), ("pdf",), MB)
    assert "Erlaubt: PDF" in error.value.messages[0]
