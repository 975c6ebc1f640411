"""Studies of the growth fields: an uploaded PDF is checked, stored, and its text read
for the search.

The upload is checked in the form (a PDF by its content, at most
``NETWORK_DOCUMENT_MAX_MB``, one pypdf can open and is not encrypted). Reading the text
of a long study takes seconds, so it runs as a task after the commit
(``networks.tasks.read_study``): until then the study shows as "being read" in the back
office; afterwards the search finds it by its words. A file pypdf cannot read leaves the
study findable by its title and summary, with the reason in the back office.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.uploads import check_upload

from .choices import TextStatus
from .models import Study

log = logging.getLogger(__name__)

# The search indexes at most this much of a study's text (a 300-page study is about
# 1 MB of text; its first part says what it is about).
INDEXED_TEXT_CHARS = 200_000


def check_pdf(upload: Any) -> int:
    """The page count of an uploaded PDF, or ValidationError saying what is wrong."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    check_upload(upload, ("pdf",), settings.NETWORK_DOCUMENT_MAX_MB * 1024 * 1024)
    name = getattr(upload, "name", "") or _("the file")
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted:
            raise ValidationError(
                _("%(name)s is protected by a password; upload it without the protection.")
                % {"name": name}
            )
        pages = len(reader.pages)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise ValidationError(
            _("%(name)s cannot be read as a PDF document (%(error)s).")
            % {"name": name, "error": str(error)[:120]}
        ) from error
    finally:
        upload.seek(0)
    if pages == 0:
        raise ValidationError(_("%(name)s has no pages.") % {"name": name})
    return pages


def extract_text(study: Study) -> tuple[str, int]:
    """The text of the study's PDF, page by page, and its page count."""
    from pypdf import PdfReader

    with study.file.open("rb") as handle:
        reader = PdfReader(handle)
        parts = []
        for page in reader.pages:
            parts.append(page.extract_text() or "")
    text = "\n\n".join(part.strip() for part in parts if part.strip())
    return text.replace("\x00", ""), len(parts)


def read(study_id: int) -> TextStatus | None:
    """Read the text of a study's file and store it; the search learns it after the
    commit (the save's signal). None when the study is gone."""
    study = Study.objects.filter(pk=study_id).first()
    if study is None:
        return None
    try:
        text, pages = extract_text(study)
    except Exception as error:
        log.warning("study %s: text not read: %s", study_id, error)
        study.text, study.text_status = "", TextStatus.FAILED
        study.text_error = str(error)[:300] or error.__class__.__name__
    else:
        study.text, study.pages, study.text_status, study.text_error = (
            text,
            pages,
            TextStatus.DONE,
            "",
        )
    with transaction.atomic():
        study.save(update_fields=["text", "pages", "text_status", "text_error", "modified"])
    return TextStatus(study.text_status)


def accept_upload(study: Study, upload: Any, pages: int | None) -> None:
    """A new file for the study (checked by ``check_pdf``): its text is read again."""
    study.filename = str(getattr(upload, "name", "") or "")[-200:]
    study.size = int(getattr(upload, "size", 0) or 0)
    study.pages = pages
    study.text, study.text_status, study.text_error = "", TextStatus.PENDING, ""


def schedule_read(study: Study) -> None:
    """Read the study's text after the commit (a task: in-process or on the worker)."""
    from .tasks import read_study

    study_id = study.pk
    transaction.on_commit(lambda: read_study.enqueue(study_id))
