"""A page's text is the editor's words, never markup: what they type is shown, not run."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from content.formatting import plain_text, render_body


def test_paragraphs_lists_headings_and_links() -> None:
    html = render_body(
        "Erster Absatz\nmit zweiter Zeile\n\n## Was wir tun\n- Netzwerke\n- Projekte\n\n"
        "Mehr unter https://cluster.example.org"
    )
    assert html == (
        "<p>Erster Absatz<br>mit zweiter Zeile</p>\n<h2>Was wir tun</h2>\n"
        "<ul><li>Netzwerke</li><li>Projekte</li></ul>\n"
        '<p>Mehr unter <a href="https://cluster.example.org" rel="nofollow">'
        "https://cluster.example.org</a></p>"
    )


def test_markup_in_the_text_is_shown_as_text() -> None:
    html = render_body(
        '<script>alert(1)</script>\n\n## <img src=x onerror="alert(1)">\n\n'
        '- <a href="javascript:x">y</a>'
    )
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@settings(max_examples=200, derandomize=True, database=None)
@given(text=st.text(alphabet=st.sampled_from("<>\"'&#-*\n /:abcjavascript"), max_size=80))
def test_no_text_makes_a_tag_the_renderer_did_not_write(text: str) -> None:
    html = str(render_body(text))
    for tag in ("<script", "<img", "<iframe", "<svg", '<a href="javascript'):
        assert tag not in html
    assert plain_text(text).count("<") == text.count("<")
