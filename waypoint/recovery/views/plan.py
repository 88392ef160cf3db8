"""The recovery plan: the current plan (printable, PDF), the guided steps that write it,
and every earlier version."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from pydantic import ValidationError as ContentError

from waypoint.core.helplines import helplines_for
from waypoint.recovery import display, selectors, services
from waypoint.recovery.forms import SupportPersonForm
from waypoint.recovery.models import GoalState, RecoveryProfile
from waypoint.recovery.pdf import plan_pdf
from waypoint.recovery.plan import STEP_KEYS, STEPS, PlanContent, step, step_after
from waypoint.recovery.views import plan_steps
from waypoint.recovery.views.common import language, personal, with_profile

PEOPLE_ROWS = 2


def _live(request: HttpRequest) -> dict[str, Any]:
    """People and goals as they are now (a version keeps copies of how they were)."""
    people = selectors.support_people(user=request.user)
    goals = [g for g in selectors.goals(user=request.user) if g.state == GoalState.ACTIVE]
    return {"people": display.person_links(people), "goals": [g.title for g in goals]}


@personal
@require_GET
@with_profile
def plan(request: HttpRequest, *, profile: RecoveryProfile) -> HttpResponse:
    latest = selectors.plan_latest(user=request.user)
    content = PlanContent.from_json(latest.content) if latest else PlanContent()
    resume = step(profile.plan_flow_step) if profile.plan_flow_step not in ("", "done") else None
    return render(
        request,
        "recovery/plan.html",
        {
            "content": content,
            "sections": display.plan_sections(content),
            "latest": latest,
            "steps": STEPS,
            "first_time": latest is None and profile.plan_flow_step in ("", STEP_KEYS[0]),
            "resume": resume,
            **_live(request),
        },
    )


def _people_rows(data: Any = None) -> list[SupportPersonForm]:
    return [SupportPersonForm(data, prefix=f"p{row}") for row in range(PEOPLE_ROWS)]


def _people_apply(request: HttpRequest, rows: list[SupportPersonForm]) -> bool:
    """Adds the people filled in; False (with errors on the rows) when one needs fixing."""
    ok = all(row.is_valid() for row in rows)
    if not ok:
        return False
    for row in rows:
        data = row.cleaned_data
        if not data.get("name") and data.get("phone"):
            row.add_error("name", _("Write a name for this number."))
            ok = False
    if not ok:
        return False
    for row in rows:
        data = row.cleaned_data
        if data.get("name"):
            try:
                services.support_person_save(
                    user=request.user, name=data["name"], phone=data.get("phone"), role=data["role"]
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    row.add_error(field if field in row.fields else None, errors)
                return False
    return True


def _step_context(request: HttpRequest, key: str, content: PlanContent) -> dict[str, Any]:
    lang = language()
    if key in ("reasons", "signs", "crisis"):
        return plan_steps.list_context(key, content, lang, helplines_for(lang))
    if key == "triggers":
        return plan_steps.triggers_context(content, lang)
    if key == "coping":
        return plan_steps.coping_context(content, lang)
    return {"people": selectors.support_people(user=request.user)}


def _apply(request: HttpRequest, key: str, content: PlanContent) -> PlanContent:
    lang = language()
    if key in ("reasons", "signs", "crisis"):
        return plan_steps.list_apply(key, request.POST, content, lang)
    if key == "triggers":
        return plan_steps.triggers_apply(request.POST, content, lang)
    if key == "coping":
        return plan_steps.coping_apply(request.POST, content, lang)
    return content  # people: the rows are support people; the version copies them


@personal
@require_http_methods(["GET", "POST"])
@with_profile
def plan_step(request: HttpRequest, step_key: str, *, profile: RecoveryProfile) -> HttpResponse:
    current = step(step_key)
    if current is None:
        raise Http404
    content = selectors.plan_current(user=request.user)
    in_flow = profile.plan_flow_step != "done"
    error = ""
    rows = _people_rows(request.POST if request.method == "POST" and step_key == "people" else None)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        following = step_after(step_key)
        if action == "skip" and in_flow:
            services.plan_flow_set(user=request.user, step=following)
            return (
                redirect("recovery:plan_step", step_key=following) if following != "done" else redirect("recovery:plan")
            )
        try:
            updated = _apply(request, step_key, content)
        except (plan_steps.StepError, ContentError) as problem:
            error = str(problem) if isinstance(problem, plan_steps.StepError) else _("Please shorten your text.")
        else:
            if step_key != "people" or _people_apply(request, rows):
                services.plan_save(user=request.user, content=updated, changed=step_key)
                if not in_flow:
                    messages.success(request, _("Your plan is saved. The earlier version is kept too."))
                    return redirect("recovery:plan")
                services.plan_flow_set(user=request.user, step=following)
                if action == "later":
                    messages.success(request, _("Saved. You can finish your plan any time from your today page."))
                    return redirect("recovery:today")
                if following == "done":
                    messages.success(request, _("Your plan is ready. It is here whenever you need it."))
                    return redirect("recovery:plan")
                return redirect("recovery:plan_step", step_key=following)
            error = _("Please check the people you added.")
    elif in_flow and profile.plan_flow_step in ("", STEP_KEYS[0]) and step_key == STEP_KEYS[0]:
        services.plan_flow_set(user=request.user, step=step_key)
    context = {
        "step": current,
        "number": STEP_KEYS.index(step_key) + 1,
        "total": len(STEP_KEYS),
        "in_flow": in_flow,
        "error": error,
        "rows": rows,
        **_step_context(request, step_key, content),
    }
    return render(request, f"recovery/steps/{step_key}.html", context, status=400 if error else 200)


@personal
@require_GET
@with_profile
def plan_versions(request: HttpRequest, *, profile: RecoveryProfile) -> HttpResponse:
    titles = {s.key: s.title for s in STEPS}
    versions = [
        {"version": v, "changed": titles.get(v.changed, "")} for v in selectors.plan_versions(user=request.user)
    ]
    return render(request, "recovery/plan_versions.html", {"versions": versions})


@personal
@require_GET
def plan_version(request: HttpRequest, version_id: int) -> HttpResponse:
    version = selectors.plan_version_for_owner(user=request.user, version_id=version_id)
    content = PlanContent.from_json(version.content)
    latest = selectors.plan_latest(user=request.user)
    return render(
        request,
        "recovery/plan_version.html",
        {
            "version": version,
            "content": content,
            "sections": display.plan_sections(content),
            "people": display.person_links(content.people),
            "is_latest": latest is not None and latest.pk == version.pk,
        },
    )


def _pdf_response(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@personal
@require_GET
@with_profile
def plan_download(request: HttpRequest, *, profile: RecoveryProfile) -> HttpResponse:
    latest = selectors.plan_latest(user=request.user)
    content = PlanContent.from_json(latest.content) if latest else PlanContent()
    live = _live(request)
    content = content.model_copy(update={"goals": live["goals"]})
    people = display.person_links(selectors.support_people(user=request.user))
    body = plan_pdf(content, people=people, language=language(), saved=latest.created_at if latest else None)
    return _pdf_response(body, "waypoint-plan.pdf")


@personal
@require_GET
def plan_version_download(request: HttpRequest, version_id: int) -> HttpResponse:
    version = selectors.plan_version_for_owner(user=request.user, version_id=version_id)
    content = PlanContent.from_json(version.content)
    body = plan_pdf(
        content,
        people=display.person_links(content.people),
        language=language(),
        saved=version.created_at,
        version=version.number,
    )
    return _pdf_response(body, f"waypoint-plan-{version.number}.pdf")
