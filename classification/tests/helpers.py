"""Paths to the official files and a way to write altered copies of them."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from classification import services


def wz_dir() -> Path:
    return Path(settings.REFERENCE_DATA_DIR) / "wz"


def wz2008_file() -> Path:
    return services.find_reference_file(services.WZ2008_PATTERN)


def wz2025_file() -> Path:
    return services.find_reference_file(services.WZ2025_PATTERN)


def correspondence_file() -> Path:
    return services.find_reference_file(services.CORRESPONDENCE_PATTERN)


def altered_copy(source: Path, target_dir: Path, *replacements: tuple[str, str]) -> Path:
    """Copy ``source`` to ``target_dir`` under the same name, replacing text once each.

    Fails loudly when a replacement does not apply, so a test cannot silently run on
    an unaltered file after Destatis changes the wording.
    """
    text = source.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, f"{old!r} not in {source.name}"
        text = text.replace(old, new, 1)
    target = target_dir / source.name
    target.write_text(text, encoding="utf-8")
    return target


def altered_row(source: Path, target_dir: Path, code: str, old: str, new: str) -> Path:
    """Copy a genericode file, replacing ``old`` inside the row of ``code`` only."""
    text = source.read_text(encoding="utf-8")
    start = text.index(f"<SimpleValue>{code}</SimpleValue>")
    end = text.index("</Row>", start)
    row = text[start:end]
    assert old in row, f"{old!r} not in row {code} of {source.name}"
    text = text[:start] + row.replace(old, new, 1) + text[end:]
    target = target_dir / source.name
    target.write_text(text, encoding="utf-8")
    return target
