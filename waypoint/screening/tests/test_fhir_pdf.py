"""Take-away formats: FHIR (validated with fhir.resources R4B) and the PDF summary."""

from __future__ import annotations

import re
import zlib
from datetime import UTC, datetime

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from waypoint.screening import fhir
from waypoint.screening.engine import PUBLISHED, score
from waypoint.screening.pdf import latin1, result_pdf
from waypoint.screening.tests.helpers import answers_for_total, instrument, oud_answers


def _result(instrument_id: str):
    definition = instrument(instrument_id)
    if instrument_id == "overdose-risk":
        return score(definition, {item.key: 1 for item in definition.items})
    total = {"cows": 26, "sows-gossop": 11, "barc-10": 48, "oud-self-check": 5}[instrument_id]
    return score(definition, answers_for_total(definition, total))


@pytest.mark.parametrize("instrument_id", PUBLISHED)
@pytest.mark.parametrize("language", ["en", "es"])
def test_it_builds_fhir_resources_that_validate(instrument_id, language):
    result = _result(instrument_id)
    questionnaire = Questionnaire.model_validate(fhir.questionnaire(result.instrument, language=language))
    response = QuestionnaireResponse.model_validate(fhir.questionnaire_response(result, language=language))
    bundle = Bundle.model_validate(fhir.bundle(result, language=language))
    assert len(bundle.entry) == 2
    first = questionnaire.item[0]
    assert first.type == "choice"
    assert first.answerOption[0].valueCoding.code == str(result.instrument.items[0].values[0])
    assert response.questionnaire == f"urn:waypoint:questionnaire:{instrument_id}|{result.instrument.version}"
    assert re.fullmatch(r"\d+\.\d+", result.instrument.version)
    answered = {item.linkId: item.answer[0] for item in response.item}
    assert answered["total"].valueInteger == result.total
    key = result.instrument.items[0].key
    assert answered[key].valueCoding.code == str(result.answers[key])


def test_it_gives_no_loinc_code_for_cows():
    questionnaire = fhir.questionnaire(instrument("cows"), language="en")
    assert "code" not in questionnaire
    assert all("code" not in item for item in questionnaire["item"])
    assert "72514-3" not in str(questionnaire)


def test_it_dates_the_response_in_utc():
    result = _result("sows-gossop")
    response = fhir.questionnaire_response(result, language="en", authored=datetime(2026, 3, 1, 12, 30, tzinfo=UTC))
    assert response["authored"] == "2026-03-01T12:30:00Z"


def _pdf_text(data: bytes) -> str:
    """The text drawn in the PDF: inflate each content stream and join its strings."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            chunks.append(stream)
    raw = b"".join(chunks).decode("latin-1")
    return "".join(re.findall(r"\((.*?)\)\s*Tj", raw, re.S)).replace("\\(", "(").replace("\\)", ")")


def test_it_makes_a_pdf_with_the_total_and_band():
    result = score(instrument("oud-self-check"), oud_answers(5))
    data = result_pdf(result, language="en")
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    assert "Total: 5 (possible range 0 to 11)" in text
    assert "Signs of a moderate problem" in text
    assert "This is not a diagnosis" in text


def test_it_keeps_spanish_accents_in_the_pdf():
    result = score(instrument("oud-self-check"), oud_answers(2, suicidal_thoughts=1))
    text = _pdf_text(result_pdf(result, language="es"))
    assert "Señales de un problema leve (2-3)" in text
    assert "¿Con frecuencia consumió más opioides" in text
    assert "988" in text


def test_it_swaps_characters_the_core_font_cannot_draw():
    assert latin1("5–12 ≥47 “ok” ñ") == '5-12 >=47 "ok" ñ'


def _squeezed(text: str) -> str:
    """Text without whitespace: the PDF wraps lines, so words may lose the space between them."""
    return re.sub(r"\s+", "", text)


def test_it_puts_988_and_911_first_in_the_pdf_crisis_help():
    result = score(instrument("oud-self-check"), oud_answers(2, suicidal_thoughts=1))
    for language in ("en", "es"):
        text = _squeezed(_pdf_text(result_pdf(result, language=language)))
        crisis, emergency, referral = text.index("988"), text.index("911"), text.index("1-800-662-4357")
        assert crisis < emergency < referral
        # ...and before the score.
        assert emergency < text.index("Total")
    assert _squeezed("Call or text 988") in _squeezed(_pdf_text(result_pdf(result, language="en")))
