"""Markdown rendering: no raw HTML, only safe links, guide: links per language."""

from __future__ import annotations

from waypoint.guide.rendering import render_markdown


def _render(body, language="en", known=("methadone",)):
    return render_markdown(body, language=language, known_slugs=set(known))


def test_it_escapes_raw_html():
    html = _render("Hello <script>alert(1)</script> <b onclick='x()'>bold</b>\n\n<div>block</div>").html
    assert "<script" not in html
    assert "<b " not in html
    assert "<div>" not in html
    assert "&lt;script&gt;" in html


def test_it_refuses_unsafe_link_schemes():
    html = _render("[a](javascript:alert(1)) [b](data:text/html,x) [c](/en/account/) [d](file:///etc/passwd)").html
    assert "href" not in html


def test_it_keeps_http_mailto_and_tel_links_and_marks_external_ones():
    html = _render("[site](https://www.samhsa.gov/) [mail](mailto:a@example.org) [call](tel:988)").html
    assert '<a href="https://www.samhsa.gov/" rel="noopener noreferrer">site</a>' in html
    assert '<a href="mailto:a@example.org">mail</a>' in html
    assert '<a href="tel:988">call</a>' in html


def test_it_resolves_guide_links_in_the_readers_language():
    assert '<a href="/en/guide/methadone/">m</a>' in _render("[m](guide:methadone)").html
    assert '<a href="/es/guide/methadone/">m</a>' in _render("[m](guide:methadone)", language="es").html


def test_it_turns_links_to_unknown_articles_into_text_and_reports_them():
    rendered = _render("See [this](guide:no-such-page) and [that](guide:methadone).")
    assert rendered.broken_links == ["no-such-page"]
    assert rendered.guide_links == ["no-such-page", "methadone"]
    assert "<span>this</span>" in rendered.html
    assert "no-such-page" not in rendered.html


def test_it_shows_images_as_their_alt_text_only():
    html = _render("![a pill bottle](https://evil.example/track.png)").html
    assert "<img" not in html
    assert "src=" not in html
    assert "a pill bottle" in html


def test_it_gives_headings_ids_and_builds_a_table_of_contents():
    rendered = _render("# Top\n\n## What is it?\n\ntext\n\n### Más detalles\n\n## What is it?\n\n## Main\n")
    assert rendered.html.startswith('<h2 id="top">Top</h2>')  # the page title is the only H1
    assert [(e["id"], e["level"]) for e in rendered.toc] == [
        ("top", 2),
        ("what-is-it", 2),
        ("mas-detalles", 3),
        ("what-is-it-2", 2),
        ("main-2", 2),  # "main" is the id of the page's <main>
    ]


def test_it_gives_plain_text_for_search():
    rendered = _render("## Title\n\nSome **bold** and [a link](https://x.org).\n\n- item one")
    assert rendered.plain_text.split("\n") == ["Title", "Some bold and a link.", "item one"]
