"""Built-in content for `make run` (through `manage.py setup_site`)."""

from __future__ import annotations

from typing import Any

from waypoint.guide.services import articles_load


def load_builtin(*, stdout: Any) -> None:
    # Not strict: one half-written article must not stop the whole site from starting.
    report = articles_load(strict=False)
    stdout.write(
        f"  articles: {report.created} new, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.deleted} removed"
    )
    for problem in [*report.errors, *report.warnings]:
        stdout.write(f"  warning: {problem}")
