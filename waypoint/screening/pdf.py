"""A one-page PDF summary of a self-check, to show a doctor or counsellor (fpdf2).

fpdf2's core fonts (Helvetica) cover Latin-1, which has every Spanish letter (á é í ó ú
ñ ü ¿ ¡); the few typographic characters outside it are swapped for plain ones, so no
font file is shipped and nothing loads from elsewhere.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from waypoint.core.helplines import Helplines, helplines_for
from waypoint.screening.engine import Result, localise

_PLAIN = str.maketrans(
    {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "≥": ">=", "≤": "<=", "½": "1/2", "•": "-"}
)


def latin1(text: str) -> str:
    """`text` with anything outside Latin-1 replaced, so the core font can draw it."""
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def crisis_help_text(helplines: Helplines) -> str:
    """Who to call when an answer signals danger: the crisis line and the emergency number
    first, the treatment helpline after them (the same order as the result page)."""
    parts = []
    if helplines.crisis is not None:
        parts.append(
            _("Call or text %(number)s (%(name)s).")
            % {"number": helplines.crisis.number, "name": helplines.crisis.name}
        )
    parts.append(_("Emergency: call %(number)s.") % {"number": helplines.emergency_number})
    if helplines.treatment_referral is not None:
        referral = helplines.treatment_referral
        parts.append(
            _("For treatment and support: %(name)s, %(number)s.") % {"name": referral.name, "number": referral.number}
        )
    return " ".join(parts)


def result_pdf(result: Result, *, language: str, created: datetime | None = None) -> bytes:
    instrument = result.instrument
    when = (created or datetime.now(UTC)).date().isoformat()
    with translation.override(language):
        pdf = FPDF(format="Letter")
        pdf.set_title(latin1(localise(instrument.title, language)))
        pdf.set_creator("Waypoint")
        pdf.set_auto_page_break(auto=True, margin=15)
        pdf.add_page()
        width = pdf.epw

        def para(text: str, *, size: int = 11, style: str = "", gap: float = 2) -> None:
            pdf.set_font("Helvetica", style=style, size=size)
            pdf.multi_cell(width, size * 0.5, latin1(text))
            pdf.ln(gap)

        para(localise(instrument.title, language), size=16, style="B")
        if result.crisis:
            # Crisis help comes before anything else, as on the result page.
            para(_("You said you are in danger now. Please reach out now."), size=13, style="B", gap=1)
            para(crisis_help_text(helplines_for(language)), style="B")
        para(_("Summary from Waypoint, %(date)s. Nothing was stored online.") % {"date": when}, size=10)
        if instrument.not_a_diagnosis:
            para(_("This is not a diagnosis. Only a health worker can make one."), style="B")
        if result.total is not None:
            low, high = instrument.range
            para(
                _("Total: %(total)s (possible range %(low)s to %(high)s)")
                % {"total": result.total, "low": low, "high": high},
                size=13,
                style="B",
            )
        if result.band:
            para(localise(result.band.label, language), style="B")
            if result.band.meaning:
                para(localise(result.band.meaning, language))
        for note in result.notes:
            para(localise(note.meaning, language))
        for reason in result.exclusion_reasons:
            para(localise(reason, language), size=10)
        if result.steps:
            para(_("Steps for today"), size=12, style="B", gap=1)
            for step in result.steps:
                para(f"- {localise(step, language)}", size=10, gap=1)
            pdf.ln(2)
        para(_("Answers"), size=12, style="B", gap=1)
        if instrument.window:
            para(localise(instrument.window, language), size=10, gap=1)
        for item in instrument.items:
            answer = localise(item.option_for(result.answers[item.key]).label, language)
            mark = "" if item.key not in result.excluded else " " + _("(not counted)")
            para(f"{localise(item.text, language)}  ->  {answer}{mark}", size=10, gap=1)
        pdf.ln(2)
        para(_("Source: %(source)s") % {"source": localise(instrument.source, language)}, size=8, gap=1)
        para(_("Licence: %(licence)s") % {"licence": localise(instrument.licence, language)}, size=8, gap=1)
        para(
            _("Waypoint gives information, not medical advice. It does not diagnose or prescribe."),
            size=8,
        )
    return bytes(pdf.output())
