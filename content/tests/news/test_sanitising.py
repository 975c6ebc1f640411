"""An article's body is sanitised when it is saved: what the database holds and the page
shows carries no script, style, event handler or javascript: address, and links to
other sites are marked."""

from __future__ import annotations

import pytest
from django.test import Client

from content.news.sanitising import plain_text, sanitise

from .factories import ArticleFactory

HOSTILE = [
    '<script>alert("x")</script><p>Text</p>',
    '<p onclick="alert(1)" style="color:red">Text</p>',
    '<a href="javascript:alert(1)">Link</a>',
    '<a href="JaVaScRiPt:alert(1)">Link</a>',
    '<img src="x" onerror="alert(1)"><p>Text</p>',
    "<style>body{display:none}</style><p>Text</p>",
    '<iframe src="https://evil.example"></iframe><p>Text</p>',
    '<svg onload="alert(1)"><p>Text</p></svg>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">Link</a>',
    "<p>Text<!-- <script>alert(1)</script> --></p>",
    '<form action="/x"><input name="a"></form><p>Text</p>',
    '<p><a href="https://example.org" target="_blank" rel="opener">Link</a></p>',
]


@pytest.mark.parametrize("html", HOSTILE)
def test_hostile_markup_loses_everything_active(html: str) -> None:
    cleaned = sanitise(html).lower()
    for banned in (
        "<script",
        "onclick",
        "onerror",
        "onload",
        "style",
        "javascript:",
        "<img",
        "<iframe",
        "<svg",
        "<form",
        "<input",
        "data:",
        "target=",
        "<!--",
    ):
        assert banned not in cleaned, (html, cleaned)


def test_the_allowed_tags_stay_and_external_links_are_marked() -> None:
    html = (
        "<h2>Titel</h2><p>Ein <strong>starker</strong> und <em>betonter</em> Satz.<br>"
        'Mehr <a href="https://example.org/a?b=1&amp;c=2" title="Quelle">hier</a> und '
        '<a href="/aktuelles/">intern</a>.</p><ul><li>eins</li></ul><ol><li>zwei</li></ol>'
        "<blockquote>Zitat</blockquote><h3>a</h3><h4>b</h4>"
        "<figure><figcaption>Unterschrift</figcaption></figure>"
    )
    cleaned = sanitise(html)
    for kept in (
        "<h2>",
        "<strong>",
        "<em>",
        "<br>",
        "<ul>",
        "<ol>",
        "<li>",
        "<blockquote>",
        "<h3>",
        "<h4>",
        "<figure>",
        "<figcaption>",
        'title="Quelle"',
    ):
        assert kept in cleaned
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" title="Quelle" rel="noopener nofollow">'
        in cleaned
    )
    assert '<a href="/aktuelles/">intern</a>' in cleaned
    assert sanitise(cleaned) == cleaned  # saving again changes nothing


def test_plain_text_keeps_the_words_apart() -> None:
    assert plain_text("<p>Erster&nbsp;Satz.</p><p>Zweiter &amp; letzter</p>") == (
        "Erster Satz. Zweiter & letzter"
    )


@pytest.mark.django_db
def test_the_database_and_the_page_hold_the_sanitised_body(client: Client) -> None:
    article = ArticleFactory.create(
        body='<p onmouseover="steal()">Hallo <script>document.cookie</script>'
        '<a href="javascript:void(0)">klick</a></p>'
    )
    article.refresh_from_db()
    assert article.body == "<p>Hallo <a>klick</a></p>"
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<p>Hallo <a>klick</a></p>" in html
    assert "steal()" not in html and "document.cookie" not in html
