"""Guide articles, copied from Markdown files by the loader (services.articles_load).

The files are the source of truth; the table exists for full-text search and fast pages.
The ``search_*`` fields hold accent-folded, lower-case plain text, so that search is
accent-insensitive on PostgreSQL without the unaccent extension (SQLite's FTS5 table
folds accents itself).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

TOPIC_CHOICES = [
    ("basics", _("The basics")),
    ("safety", _("Staying safe")),
    ("treatment", _("Kinds of treatment")),
    ("medications", _("Medications")),
    ("support", _("Support and therapy")),
    ("paying", _("Paying for care")),
    ("recovery", _("Staying in recovery")),
    ("family", _("For family and friends")),
    ("situations", _("Special situations")),
]


class Article(models.Model):
    slug = models.SlugField(max_length=80)
    language = models.CharField(max_length=5)
    translation_of = models.SlugField(max_length=80)
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=200)
    topic = models.CharField(max_length=20, choices=TOPIC_CHOICES)
    audience = models.JSONField(default=list)
    related = models.JSONField(default=list, blank=True, help_text="Slugs of related articles, in order.")
    sources = models.JSONField(default=list)
    last_reviewed = models.DateField()
    body = models.TextField(help_text="Markdown, as written.")
    html = models.TextField(help_text="Rendered, safe HTML of the body.")
    toc = models.JSONField(default=list, blank=True)
    plain_text = models.TextField(blank=True)
    search_title = models.TextField(blank=True)
    search_summary = models.TextField(blank=True)
    search_body = models.TextField(blank=True)
    origin = models.CharField(max_length=20, default="builtin", help_text="builtin or operator (CONTENT_DIR).")
    content_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["language", "title"]
        constraints = [models.UniqueConstraint(fields=["slug", "language"], name="guide_article_slug_language")]
        indexes = [models.Index(fields=["language", "topic"])]

    def __str__(self) -> str:
        return f"{self.language}/{self.slug}"
