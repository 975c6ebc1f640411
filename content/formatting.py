"""The body of a page: plain text with a few conventions, rendered to HTML with every
character of the editor's text escaped (no markup passes through, so a page cannot
carry scripts or break the Content-Security-Policy).

* a blank line separates blocks;
* lines starting with "- " or "* " are the items of a list;
* a line starting with "## " is a subheading (h2; "### " an h3);
* any other block is a paragraph, its line breaks kept;
* web and mail addresses become links (Django's ``urlize``, which escapes).
"""

from __future__ import annotations

import re

from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines

_BULLET = re.compile(r"^\s*[-*]\s+")
_HEADING = re.compile(r"^(#{2,3})\s+(.*)$")


def _inline(text: str) -> str:
    return urlize(text.strip(), nofollow=True, autoescape=True)


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in normalize_newlines(text).split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _block_html(block: list[str]) -> list[str]:
    """A block's lines: runs of list items, headings and paragraph lines, in order."""
    parts: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    for line in [*block, ""]:
        heading = _HEADING.match(line.strip())
        bullet = _BULLET.match(line)
        if paragraph and (heading or bullet or not line):
            parts.append("<p>" + "<br>".join(_inline(text) for text in paragraph) + "</p>")
            paragraph = []
        if items and not bullet:
            parts.append("<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in items) + "</ul>")
            items = []
        if heading:
            level = len(heading.group(1))
            parts.append(f"<h{level}>{escape(heading.group(2).strip())}</h{level}>")
        elif bullet:
            items.append(_BULLET.sub("", line))
        elif line:
            paragraph.append(line)
    return parts


def render_body(text: str) -> SafeString:
    parts = [html for block in _blocks(text or "") for html in _block_html(block)]
    return mark_safe("\n".join(parts))  # every piece is escaped by _inline or escape


def plain_text(text: str) -> str:
    """The body without its conventions, for the search index."""
    lines = []
    for line in normalize_newlines(text or "").split("\n"):
        line = _BULLET.sub("", line)
        heading = _HEADING.match(line.strip())
        lines.append(heading.group(2) if heading else line)
    return "\n".join(lines).strip()
