"""Where the networks' documents (label certificates, studies) are kept: outside static
and media, in ``NETWORK_DOCUMENT_DIR``; the networks' own views serve them, so a document
that is no longer public is no longer reachable by its name."""

from __future__ import annotations

from core.storage import SettingDirStorage

document_storage = SettingDirStorage("NETWORK_DOCUMENT_DIR")


def get_document_storage() -> SettingDirStorage:
    return document_storage
