"""Turns an article's Markdown into safe HTML, a table of contents and plain text.

Content is trusted less than code: raw HTML is never rendered (``html: False``), images
become their alt text (nothing may load from another host), and links may only use
http, https, mailto, tel or ``guide:<slug>``; every other scheme (javascript:, data:,
file: ...) is refused by markdown-it's link validation and stays plain text.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_SCHEMES = ("http:", "https:", "mailto:", "tel:", "guide:")
# Ids the site's own layout uses: a heading must never take one of them.
RESERVED_IDS = frozenset({"main", "help-bar-title", "toc", "sources", "related", "next-steps", "summary"})


@dataclass
class Rendered:
    html: str
    toc: list[dict[str, Any]]
    plain_text: str
    guide_links: list[str] = field(default_factory=list)
    broken_links: list[str] = field(default_factory=list)


def _validate_link(url: str) -> bool:
    lowered = url.strip().lower()
    if lowered.startswith(("#", "/")):
        return False  # relative links would point at pages of this site by accident
    return lowered.startswith(ALLOWED_SCHEMES)


def _render_image_as_text(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    # No <img>: pictures would be another request (and maybe another host).
    return str(escape(self.renderInlineAsText(tokens[idx].children or [], options, env)))


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.add_render_rule("image", _render_image_as_text)
    return md


_MD = _parser()


def article_url(slug: str, language: str) -> str:
    with translation.override(language):
        return reverse("guide:article", kwargs={"slug": slug})


def render_markdown(body: str, *, language: str, known_slugs: Collection[str]) -> Rendered:
    """Renders `body`; ``guide:<slug>`` links point at the article in `language` when it
    is one of `known_slugs`, and become plain text (reported in broken_links) otherwise."""
    tokens = _MD.parse(body)
    toc: list[dict[str, Any]] = []
    used_ids: set[str] = set(RESERVED_IDS)
    guide_links: list[str] = []
    broken: list[str] = []
    text_parts: list[str] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            # The page title is the only H1; a "#" heading in the body becomes an H2.
            if token.tag == "h1":
                token.tag = "h2"
                tokens[index + 2].tag = "h2"
            title = tokens[index + 1].content.strip()
            anchor = _unique_id(slugify(title) or "section", used_ids)
            token.attrSet("id", anchor)
            if token.tag in {"h2", "h3"}:
                toc.append({"id": anchor, "title": title, "level": int(token.tag[1])})
        if token.type == "inline" and token.children:
            _rewrite_links(token.children, language, known_slugs, guide_links, broken)
            text_parts.append(
                "".join(child.content for child in token.children if child.type in {"text", "code_inline"})
            )
        elif token.type in {"code_block", "fence"}:
            text_parts.append(token.content)
    html = _MD.renderer.render(tokens, _MD.options, {})
    return Rendered(html=html, toc=toc, plain_text="\n".join(text_parts), guide_links=guide_links, broken_links=broken)


def _unique_id(base: str, used: set[str]) -> str:
    candidate, number = base, 2
    while candidate in used:
        candidate = f"{base}-{number}"
        number += 1
    used.add(candidate)
    return candidate


def _rewrite_links(
    children: list[Token], language: str, known_slugs: Collection[str], guide_links: list[str], broken: list[str]
) -> None:
    opened: list[Token] = []
    for child in children:
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            opened.append(child)
            if href.lower().startswith("guide:"):
                slug = href[len("guide:") :].strip().strip("/").split("#", 1)[0]
                guide_links.append(slug)
                if slug in known_slugs:
                    child.attrSet("href", article_url(slug, language))
                else:
                    broken.append(slug)
                    child.tag = "span"
                    child.attrs.pop("href", None)
            elif href.lower().startswith(("http:", "https:")):
                child.attrSet("rel", "noopener noreferrer")
        elif child.type == "link_close" and opened:
            child.tag = opened.pop().tag
