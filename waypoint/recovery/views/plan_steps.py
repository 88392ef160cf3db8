"""Each step of the plan: what its page shows, and how a posted step becomes plan content.

Lists are edited as plain text, one item per line, beside tap-to-add examples: it works
on any phone without JavaScript, and the guided first plan takes a few minutes.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from waypoint.core.helplines import Helplines
from waypoint.recovery.plan import (
    MAX_ITEMS,
    TRIGGER_KIND_HELP,
    TRIGGER_KINDS,
    PlanContent,
    PlanStrategy,
    PlanTrigger,
    coping_suggestions_for,
    lines,
    new_id,
    suggestion,
    suggestions,
    unique_lines,
)

NEW_STRATEGY_ROWS = 3


class StepError(ValueError):
    """What the person should fix, shown on the step's page."""


def _chosen(data: QueryDict, part: str, language: str) -> list[str]:
    texts = []
    for suggestion_id in data.getlist("suggest"):
        found = suggestion(part, suggestion_id)
        if found is not None:
            texts.append(found.in_language(language))
    return texts


def _unused(part: str, present: list[str], language: str) -> list[dict[str, str]]:
    taken = {text.casefold() for text in present}
    return [
        {"id": s.id, "text": s.in_language(language), "source": s.source}
        for s in suggestions()[part]
        if s.in_language(language).casefold() not in taken
    ]


def _limit(items: list[Any]) -> list[Any]:
    if len(items) > MAX_ITEMS:
        raise StepError(_("Keep it to %(count)s items or fewer.") % {"count": MAX_ITEMS})
    return items


def crisis_defaults(helplines: Helplines) -> list[str]:
    """A first draft of crisis steps, with this deployment's own numbers."""
    steps = []
    if helplines.crisis is not None:
        steps.append(
            _("Call or text %(number)s (%(name)s).")
            % {"number": helplines.crisis.number, "name": helplines.crisis.name}
        )
    steps.append(
        _("If someone may be overdosing: call %(number)s, give naloxone, and stay with them.")
        % {"number": helplines.emergency_number}
    )
    steps.append(_("Call someone from my list."))
    steps.append(_("Go somewhere safe, away from drugs."))
    return steps


# --- Simple lists: reasons, warning signs, crisis steps ----------------------------------

_LIST_FIELDS = {"reasons": ("reasons", "reasons"), "signs": ("warning_signs", "signs"), "crisis": ("crisis_steps", "")}


def list_context(key: str, content: PlanContent, language: str, helplines: Helplines) -> dict[str, Any]:
    attribute, part = _LIST_FIELDS[key]
    present: list[str] = getattr(content, attribute)
    if key == "crisis" and not present:
        present = crisis_defaults(helplines)
    return {"text": "\n".join(present), "suggestions": _unused(part, present, language) if part else []}


def list_apply(key: str, data: QueryDict, content: PlanContent, language: str) -> PlanContent:
    attribute, part = _LIST_FIELDS[key]
    items = unique_lines(lines(data.get("text", "")) + (_chosen(data, part, language) if part else []))
    return content.model_copy(update={attribute: _limit(items)})


# --- Triggers ---------------------------------------------------------------------------


def triggers_context(content: PlanContent, language: str) -> dict[str, Any]:
    names = [t.name for t in content.triggers]
    taken = {n.casefold() for n in names}
    return {
        "kinds": [
            {
                "key": kind,
                "label": label,
                "help": TRIGGER_KIND_HELP[kind],
                "text": "\n".join(t.name for t in content.triggers if t.kind == kind),
                "suggestions": [
                    {"id": s.id, "text": s.in_language(language)}
                    for s in suggestions()["triggers"]
                    if kind in s.kinds and s.in_language(language).casefold() not in taken
                ],
            }
            for kind, label in TRIGGER_KINDS
        ]
    }


def triggers_apply(data: QueryDict, content: PlanContent, language: str) -> PlanContent:
    """Triggers by kind; a trigger kept by name keeps its id (and so its coping ties and
    check-in history)."""
    existing: dict[tuple[str, str], str] = {(t.kind, t.name.casefold()): t.id for t in content.triggers}
    by_name = {t.name.casefold(): t.id for t in content.triggers}
    chosen = {s.id for s in suggestions()["triggers"] if s.id in data.getlist("suggest")}
    triggers: list[PlanTrigger] = []
    used_ids: set[str] = set()
    for kind, _label in TRIGGER_KINDS:
        names = lines(data.get(f"kind-{kind}", ""))
        names += [s.in_language(language) for s in suggestions()["triggers"] if s.id in chosen and kind in s.kinds]
        for name in unique_lines(names):
            trigger_id = existing.get((kind, name.casefold())) or by_name.get(name.casefold()) or new_id()
            if trigger_id in used_ids:
                trigger_id = new_id()
            used_ids.add(trigger_id)
            triggers.append(PlanTrigger(id=trigger_id, kind=kind, name=name))  # type: ignore[arg-type]
    _limit(triggers)
    coping = [s.model_copy(update={"trigger_ids": [i for i in s.trigger_ids if i in used_ids]}) for s in content.coping]
    return content.model_copy(update={"triggers": triggers, "coping": coping})


# --- Coping strategies ------------------------------------------------------------------


def coping_context(content: PlanContent, language: str) -> dict[str, Any]:
    kinds: set[str] = {t.kind for t in content.triggers}
    taken = {s.text.casefold() for s in content.coping}
    return {
        "strategies": [{"id": s.id, "text": s.text, "ties": set(s.trigger_ids)} for s in content.coping],
        "triggers": content.triggers,
        "new_rows": list(range(NEW_STRATEGY_ROWS)),
        "suggestions": [
            {"id": s.id, "text": s.in_language(language), "source": s.source}
            for s in coping_suggestions_for(kinds)
            if s.in_language(language).casefold() not in taken
        ],
    }


def coping_apply(data: QueryDict, content: PlanContent, language: str) -> PlanContent:
    trigger_ids = {t.id for t in content.triggers}

    def ties(prefix: str) -> list[str]:
        return [i for i in dict.fromkeys(data.getlist(f"ties-{prefix}")) if i in trigger_ids]

    strategies: list[PlanStrategy] = []
    for old in content.coping:
        text = " ".join(data.get(f"text-{old.id}", old.text).split())
        if data.get(f"remove-{old.id}") or not text:
            continue
        strategies.append(PlanStrategy(id=old.id, text=text[:500], trigger_ids=ties(old.id)))
    for row in range(NEW_STRATEGY_ROWS):
        text = " ".join(data.get(f"text-new{row}", "").split())
        if text:
            strategies.append(PlanStrategy(id=new_id(), text=text[:500], trigger_ids=ties(f"new{row}")))
    for suggestion_id in data.getlist("suggest"):
        found = suggestion("coping", suggestion_id)
        if found is None:
            continue
        # An idea for some kinds of trigger answers the person's triggers of those kinds;
        # a general one answers them all. The person can change the ties after.
        tied = [t.id for t in content.triggers if not found.kinds or t.kind in found.kinds]
        strategies.append(PlanStrategy(id=new_id(), text=found.in_language(language), trigger_ids=tied))
    seen: set[str] = set()
    unique = []
    for strategy in strategies:
        if strategy.text.casefold() not in seen:
            seen.add(strategy.text.casefold())
            unique.append(strategy)
    return content.model_copy(update={"coping": _limit(unique)})
