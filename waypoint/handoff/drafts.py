"""A request being written, before the person says "send": kept for one hour, for this
browser only, behind a random address (``waypoint.core.stash``, the locator's mechanism).

Nothing of it reaches the database until the person reads the consent page and sends: the
self-check's answers arrive by POST (never in a URL), are scored again on the server and
turned into the summary text right away, and only that text waits here. Each step stashes a
new copy under a new id (the stash has no update); the ``draft`` id inside stays the same, and
once it is sent a marker under that id stops a reload or a second tap from sending it twice.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from waypoint.core.stash import STASH_SECONDS, stash_get, stash_redirect

KIND = "handoff-draft"
_SENT = "waypoint:handoff:sent"
PENDING = "pending"


def new_draft(*, facility_id: int | None, summary: str, summary_title: str) -> dict[str, Any]:
    return {
        "draft": secrets.token_urlsafe(16),
        "facility_id": facility_id,
        "summary": summary,
        "summary_title": summary_title,
        "details": None,
    }


def draft_get(request: HttpRequest, key: str) -> dict[str, Any] | None:
    data = stash_get(request, kind=KIND, key=key)
    if data is None or not isinstance(data.get("draft"), str):
        return None
    return data


def draft_redirect(request: HttpRequest, data: dict[str, Any], *, to: str = "handoff:draft") -> HttpResponseRedirect:
    """Stashes `data` and sends the browser to its step (303)."""
    return stash_redirect(request, kind=KIND, data=data, to=lambda key: reverse(to, args=[key]))


def sent_claim(draft_id: str) -> bool:
    """True for the first send of this draft; False when it was sent (or is being sent)."""
    return bool(cache.add(f"{_SENT}:{draft_id}", PENDING, timeout=STASH_SECONDS))


def sent_record(draft_id: str, status_path: str) -> None:
    cache.set(f"{_SENT}:{draft_id}", status_path, timeout=STASH_SECONDS)


def sent_forget(draft_id: str) -> None:
    cache.delete(f"{_SENT}:{draft_id}")


def sent_where(draft_id: str) -> str | None:
    """Where the sent request's status page is (PENDING while it is being sent), or None."""
    value = cache.get(f"{_SENT}:{draft_id}")
    return str(value) if value else None


def summary_text(summary: dict[str, Any]) -> str:
    """The self-check summary exactly as the facility will read it (plain text), in the
    active language. `summary` comes from ``waypoint.screening.selectors.result_summary``."""
    lines = [str(summary["title"]), _("Made with Waypoint on %(date)s.") % {"date": timezone.now().date().isoformat()}]
    if summary.get("total") is not None:
        low, high = summary.get("range") or (0, 0)
        total = _("Total: %(total)s (possible %(low)s to %(high)s)") % {
            "total": summary["total"],
            "low": low,
            "high": high,
        }
        lines.append(f"{total} — {summary['band']}" if summary.get("band") else total)
    lines.append(_("Answers:"))
    lines.extend(f"- {question} {answer}" for question, answer in summary.get("answers", []))
    if summary.get("not_a_diagnosis"):
        lines.append(_("This is not a diagnosis. Only a health worker can make one."))
    return "\n".join(lines)
