"""Every real article renders as a full page in both languages."""

from __future__ import annotations

import re

import pytest

from waypoint.guide.tests.test_content import SLUGS


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_renders_every_real_article_page(client, real_articles_db, language):
    problems = []
    for slug in SLUGS:
        response = client.get(f"/{language}/guide/{slug}/")
        if response.status_code != 200:
            problems.append(f"{slug}: HTTP {response.status_code}")
            continue
        html = response.content.decode()
        main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
        if main.count("<h1") != 1:
            problems.append(f"{slug}: {main.count('<h1')} h1 elements")
        if 'id="sources"' not in main:
            problems.append(f"{slug}: no Sources section")
        if re.search(r"""\ssrc=["']?(https?:)?//""", html):
            problems.append(f"{slug}: loads something from another host")
    assert problems == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_lists_every_real_article_on_the_index(client, real_articles_db, language):
    html = client.get(f"/{language}/guide/").content.decode()
    missing = [slug for slug in SLUGS if f'href="/{language}/guide/{slug}/"' not in html]
    assert missing == []
