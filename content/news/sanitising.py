"""The one sanitiser of the news articles' rich text (``nh3``, the binding of ammonia).

An article's body is HTML written in the back office; it is cleaned when the article is
saved, so what the database holds is what the page shows: an allow-list of tags and
attributes, no scripts, styles, event handlers or ``javascript:`` addresses, and links
to other sites marked ``rel="noopener nofollow"``.
"""

from __future__ import annotations

import html as html_module
import re
from urllib.parse import urlsplit

import nh3

TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "a",
        "ul",
        "ol",
        "li",
        "h2",
        "h3",
        "h4",
        "blockquote",
        "figure",
        "figcaption",
    }
)
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
EXTERNAL_REL = "noopener nofollow"

_LINK = re.compile(r"<a\b([^>]*)>")
_HREF = re.compile(r'\bhref="([^"]*)"')


def _is_external(href: str) -> bool:
    parts = urlsplit(html_module.unescape(href))
    return bool(parts.scheme in ("http", "https") or parts.netloc)


def _mark_external(match: re.Match[str]) -> str:
    attributes = match.group(1)
    href = _HREF.search(attributes)
    if href and _is_external(href.group(1)):
        return f'<a{attributes} rel="{EXTERNAL_REL}">'
    return match.group(0)


def sanitise(html: str) -> str:
    """``html`` with only the allowed tags and attributes; safe to show as it is."""
    cleaned = nh3.clean(
        html or "",
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
    return _LINK.sub(_mark_external, cleaned).strip()


def plain_text(html: str) -> str:
    """The words of sanitised HTML, for the search and the feeds' summaries."""
    text = nh3.clean(
        re.sub(r"<(/?)(p|br|li|h[2-4]|blockquote|figcaption)\b", r" <\1\2", html or ""), tags=set()
    )
    return re.sub(r"\s+", " ", html_module.unescape(text)).strip()
