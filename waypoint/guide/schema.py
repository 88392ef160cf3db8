"""The front matter schema of a guide article, and the parser of one article file.

Articles are data (engineering.md): Markdown files with YAML front matter, written by
people who are not programmers. Every problem is reported as ``file: field: message`` so
that a writer can fix it without reading code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

LANGUAGES = ("en", "es")
TOPICS = ("basics", "treatment", "medications", "support", "paying", "recovery", "family", "situations", "safety")
AUDIENCES = ("self", "family", "recovery")
SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[str, Field(pattern=SLUG_RE, max_length=80)]


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=300)
    publisher: str = Field(min_length=1, max_length=200)
    year: int = Field(ge=1900, le=2100)
    # articles.md names the field `url`; the issue calls it `link`: both are accepted.
    url: HttpUrl = Field(validation_alias=AliasChoices("url", "link"))


class FrontMatter(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: Slug
    language: Literal["en", "es"]
    translation_of: Slug
    title: str = Field(min_length=1, max_length=120)
    summary: str = Field(min_length=1, max_length=200)
    audience: list[Literal["self", "family", "recovery"]] = Field(min_length=1)
    topic: Literal[
        "basics", "treatment", "medications", "support", "paying", "recovery", "family", "situations", "safety"
    ]
    related: list[Slug] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)
    last_reviewed: dt.date

    @field_validator("related")
    @classmethod
    def _no_duplicates(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("lists the same slug twice")
        return value


@dataclass(frozen=True)
class FieldError:
    path: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


class ContentError(Exception):
    """One or more article files are invalid; ``errors`` names each file and field."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass(frozen=True)
class ArticleFile:
    path: Path
    meta: FrontMatter
    body: str


# libyaml's safe loader when present: about 20 times faster than the pure-Python one.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?(.*)\Z", re.DOTALL)


def parse_article_file(path: Path, *, label: str | None = None) -> ArticleFile:
    """Reads one ``<lang>/<slug>.md`` file; raises ContentError naming every bad field."""
    name = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(
            [FieldError(name, "file", f"cannot be read as UTF-8 text ({exc.__class__.__name__})")]
        ) from exc
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        raise ContentError([FieldError(name, "front matter", "the file must start with a '---' block and close it")])
    try:
        data = yaml.load(match.group(1), Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise ContentError([FieldError(name, "front matter", f"is not valid YAML: {exc}")]) from exc
    if not isinstance(data, dict):
        raise ContentError([FieldError(name, "front matter", "must be a set of 'field: value' lines")])
    try:
        meta = FrontMatter.model_validate(data)
    except ValidationError as exc:
        errors = [
            FieldError(name, ".".join(str(part) for part in err["loc"]) or "front matter", err["msg"])
            for err in exc.errors()
        ]
        raise ContentError(errors) from exc
    problems = []
    if meta.slug != path.stem:
        problems.append(FieldError(name, "slug", f"'{meta.slug}' must equal the file name '{path.stem}'"))
    if meta.language != path.parent.name:
        problems.append(FieldError(name, "language", f"'{meta.language}' must equal the folder '{path.parent.name}'"))
    if meta.language == "en" and meta.translation_of != meta.slug:
        problems.append(FieldError(name, "translation_of", "an English article must name its own slug"))
    body = match.group(2)
    if not body.strip():
        problems.append(FieldError(name, "body", "is empty"))
    if problems:
        raise ContentError(problems)
    return ArticleFile(path=path, meta=meta, body=body)
