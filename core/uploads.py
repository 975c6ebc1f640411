"""What an uploaded file really is, judged by its content, not its name.

``check_upload(file, allowed, max_bytes)`` reads the first bytes (and, for Office and
OpenDocument files, the zip's table of contents) and answers the detected kind or raises
``ValidationError`` with a message that names the file and what is wrong: too large, a
kind that is not allowed, or a name that claims a kind the content is not ("a PDF that is
not a PDF"). Kinds: pdf, png, jpeg, docx, xlsx, odt, txt.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    extensions: tuple[str, ...]
    content_type: str


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("pdf", "PDF", (".pdf",), "application/pdf"),
        Kind("png", "PNG", (".png",), "image/png"),
        Kind("jpeg", "JPEG", (".jpg", ".jpeg"), "image/jpeg"),
        Kind(
            "docx",
            "Word (DOCX)",
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        Kind(
            "xlsx",
            "Excel (XLSX)",
            (".xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        Kind("odt", "OpenDocument (ODT)", (".odt",), "application/vnd.oasis.opendocument.text"),
        Kind("txt", "Text", (".txt",), "text/plain"),
    )
}
BY_EXTENSION = {ext: kind for kind in KINDS.values() for ext in kind.extensions}


def _read_head(file: IO[bytes], size: int = 8192) -> bytes:
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head


def _zip_kind(file: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                if mimetype == KINDS["odt"].content_type:
                    return "odt"
                return None
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return "docx"
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError):
        return None
    finally:
        file.seek(0)
    return None


def _is_text(file: IO[bytes]) -> bool:
    file.seek(0)
    data = file.read()
    file.seek(0)
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(c.isprintable() or c in "\n\r\t\f" for c in text)


def detect(file: IO[bytes]) -> str | None:
    """The kind the content is, or None."""
    head = _read_head(file)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(file)
    if _is_text(file):
        return "txt"
    return None


def check_upload(file: Any, allowed: tuple[str, ...], max_bytes: int) -> Kind:
    """The kind of an uploaded file, or ValidationError saying what is wrong."""
    name = PurePath(getattr(file, "name", "") or "").name or _("the file")
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
        file.seek(0)
    if size > max_bytes:
        raise ValidationError(
            _("%(name)s is %(size).1f MB; at most %(max)d MB are allowed.")
            % {"name": name, "size": size / 1024 / 1024, "max": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    labels = ", ".join(KINDS[k].label for k in allowed)
    claimed = BY_EXTENSION.get(PurePath(name).suffix.lower())
    if claimed is None or claimed.name not in allowed:
        raise ValidationError(
            _("%(name)s: this kind of file is not accepted. Allowed: %(kinds)s.")
            % {"name": name, "kinds": labels},
            code="kind",
        )
    stream = getattr(file, "file", file)
    actual = detect(stream)
    if actual != claimed.name:
        raise ValidationError(
            _(
                "%(name)s is named as %(claimed)s but its content is not a %(claimed)s file. "
                "Please attach the original file."
            )
            % {"name": name, "claimed": claimed.label},
            code="mismatch",
        )
    return claimed
