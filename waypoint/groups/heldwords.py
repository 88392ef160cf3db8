"""The held-words list: messages that wait for a facilitator instead of being posted.

Kept as a data file (waypoint/groups/data/held_words.yaml, or the deployment's own via
GROUPS_HELD_WORDS_FILE) rather than an admin table: like the helplines, it is a domain
table a deployment reviews and versions with its configuration, ships with sensible
defaults in both languages, and needs no database to test. It is read again when the
file changes, so an edit applies to the next message without a restart. The system check
``groups.E001`` refuses to start with a file that does not load.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation

logger = logging.getLogger("waypoint.groups")

BUILTIN = Path(__file__).resolve().parent / "data" / "held_words.yaml"
PATTERNS = {
    # Nine or more digits, with the separators people type (a US number has ten; a date has eight).
    "phone": re.compile(r"(?<!\d)(?:\+?\d[\s().\-]{0,2}){9,15}(?!\d)"),
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
}


@dataclass(frozen=True)
class Rule:
    name: str
    labels: dict[str, str]
    terms: re.Pattern[str] | None
    patterns: tuple[str, ...]
    new_member_days: int | None

    def label(self) -> str:
        language = (translation.get_language() or "en").split("-")[0]
        return self.labels.get(language) or self.labels.get("en") or self.name


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: how terms and messages are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().replace("’", "'").split())


def _term_pattern(terms: list[str]) -> re.Pattern[str] | None:
    words = sorted({fold(t) for t in terms if fold(t)}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(r"\s+".join(re.escape(part) for part in word.split(" ")) for word in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def parse(data: Any, *, source: str) -> tuple[Rule, ...]:
    """Rules from the file's YAML; a malformed file raises ImproperlyConfigured naming it."""

    def bad(why: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(f"{source}: {why} (see waypoint/groups/data/held_words.yaml for the format)")

    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise bad("it needs a top-level `rules:` list")
    rules = []
    for position, raw in enumerate(data["rules"], start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
            raise bad(f"rule {position} needs a `name`")
        name = raw["name"].strip()[:40]
        labels = raw.get("label") or {}
        if isinstance(labels, str):
            labels = {"en": labels}
        if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
            raise bad(f"rule {name!r}: `label` is text per language (en: ..., es: ...)")
        terms = raw.get("terms") or []
        patterns = raw.get("patterns") or []
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            raise bad(f"rule {name!r}: `terms` is a list of words or phrases")
        unknown = [p for p in patterns if p not in PATTERNS]
        if not isinstance(patterns, list) or unknown:
            raise bad(f"rule {name!r}: `patterns` may be {', '.join(PATTERNS)}; not {unknown}")
        days = raw.get("new_member_days")
        if days is not None and (not isinstance(days, int) or days < 1):
            raise bad(f"rule {name!r}: `new_member_days` is a whole number of days, 1 or more")
        if not terms and not patterns:
            raise bad(f"rule {name!r} has neither `terms` nor `patterns`")
        rules.append(
            Rule(
                name=name,
                labels={str(k): v for k, v in labels.items()},
                terms=_term_pattern(terms),
                patterns=tuple(patterns),
                new_member_days=days,
            )
        )
    return tuple(rules)


def source_path() -> Path:
    configured = getattr(settings, "GROUPS_HELD_WORDS_FILE", "")
    return Path(configured) if configured else BUILTIN


def load(path: Path) -> tuple[Rule, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ImproperlyConfigured(f"GROUPS_HELD_WORDS_FILE: cannot read {path}: {exc.strerror}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ImproperlyConfigured(f"{path}: not valid YAML ({exc})") from exc
    return parse(data, source=str(path))


_cache: dict[str, tuple[float, tuple[Rule, ...]]] = {}
_lock = threading.Lock()


def rules() -> tuple[Rule, ...]:
    """The current rules, read again when the file changes. A file that breaks after
    start-up keeps the last good rules (and logs why) rather than stop every message."""
    path = source_path()
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        mtime = -1.0
    with _lock:
        cached = _cache.get(str(path))
        if cached and cached[0] == mtime:
            return cached[1]
        try:
            loaded = load(path)
        except ImproperlyConfigured:
            if cached:
                logger.error("held-words list %s no longer loads; keeping the previous rules", path, exc_info=True)
                return cached[1]
            raise
        _cache[str(path)] = (mtime, loaded)
        return loaded


def match(text: str, *, joined_at: datetime, now: datetime | None = None) -> Rule | None:
    """The first rule the message matches, for a member who joined at `joined_at`."""
    now = now or timezone.now()
    folded = fold(text)
    for rule in rules():
        if rule.new_member_days is not None and now - joined_at > timedelta(days=rule.new_member_days):
            continue
        if rule.terms is not None and rule.terms.search(folded):
            return rule
        if any(PATTERNS[name].search(text) for name in rule.patterns):
            return rule
    return None


def rule_label(name: str) -> str:
    """The label of a rule by name (for the queue), or the name when the list changed since."""
    for rule in rules():
        if rule.name == name:
            return rule.label()
    return name
