"""The recovery plan as a PDF to print or keep on a phone (fpdf2, as the self-check summary).

fpdf2's core font covers Latin-1, which has every Spanish letter; anything else a person
typed (an emoji, say) is replaced, so no font file is shipped and nothing loads from
elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from django.utils import formats, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from waypoint.core.helplines import helplines_for
from waypoint.recovery.display import PersonLink, plan_sections
from waypoint.recovery.plan import PlanContent

_PLAIN = str.maketrans(
    {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "•": "-", "≥": ">=", "≤": "<="}
)


def latin1(text: str) -> str:
    return str(text).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def plan_pdf(
    content: PlanContent,
    *,
    people: Sequence[PersonLink],
    language: str,
    saved: datetime | None = None,
    version: int | None = None,
) -> bytes:
    with translation.override(language):
        pdf = FPDF(format="Letter")
        pdf.set_title(latin1(_("My recovery plan")))
        pdf.set_creator("Waypoint")
        pdf.set_auto_page_break(auto=True, margin=15)
        pdf.add_page()
        width = pdf.epw

        def para(text: str, *, size: int = 11, style: str = "", gap: float = 1.5) -> None:
            pdf.set_font("Helvetica", style=style, size=size)
            pdf.multi_cell(width, size * 0.5, latin1(text))
            pdf.ln(gap)

        def section(title: str, items: Sequence[str], empty: str) -> None:
            para(title, size=13, style="B", gap=1)
            for item in items or [empty]:
                para(f"- {item}", gap=0.5)
            pdf.ln(3)

        para(_("My recovery plan"), size=18, style="B")
        when = formats.date_format((saved or datetime.now(UTC)).date(), "DATE_FORMAT")
        if version is not None:
            para(_("Version %(number)s, saved %(date)s") % {"number": version, "date": when}, size=9)
        else:
            para(_("Saved %(date)s") % {"date": when}, size=9)
        none = _("(nothing yet)")
        section(_("My reasons"), content.reasons, none)
        sections = plan_sections(content)
        para(_("My triggers"), size=13, style="B", gap=1)
        if not sections["by_kind"]:
            para(f"- {none}", gap=0.5)
        for group in sections["by_kind"]:
            para(str(group["label"]), style="B", gap=0.5)
            for trigger in group["triggers"]:
                answer = "; ".join(trigger["strategies"])
                para(f"- {trigger['name']}" + (f"  ->  {answer}" if answer else ""), gap=0.5)
        pdf.ln(3)
        section(_("My warning signs"), content.warning_signs, none)
        section(_("What I can do"), [s["text"] for s in sections["coping"]], none)
        section(
            _("People I can call"),
            [f"{p.name} ({p.role}): {p.phone}" if p.phone else f"{p.name} ({p.role})" for p in people],
            none,
        )
        section(_("If I am in crisis"), content.crisis_steps, none)
        section(_("My goals"), content.goals, none)
        helplines = helplines_for(language)
        lines = []
        if helplines.crisis is not None:
            lines.append(f"{helplines.crisis.name}: {helplines.crisis.number}")
        if helplines.treatment_referral is not None:
            lines.append(f"{helplines.treatment_referral.name}: {helplines.treatment_referral.number}")
        lines.append(_("Emergency: %(number)s") % {"number": helplines.emergency_number})
        section(_("Help any time"), lines, "")
        para(_("Waypoint gives information, not medical advice. It does not diagnose or prescribe."), size=8)
    return bytes(pdf.output())
