"""The real articles carry the facts of the late-2026 clinical review (issue 16) and keep
the old, wrong ones out: each check reads the article text as a person sees it."""

from __future__ import annotations

import re
from functools import cache

import pytest

from waypoint.guide.schema import parse_article_file
from waypoint.guide.services import BUILTIN_CONTENT_DIR


@cache
def _body(language: str, slug: str) -> str:
    path = BUILTIN_CONTENT_DIR / language / f"{slug}.md"
    return parse_article_file(path, label=f"{language}/{slug}.md").body


def _all(language: str) -> dict[str, str]:
    return {path.stem: _body(language, path.stem) for path in sorted((BUILTIN_CONTENT_DIR / language).glob("*.md"))}


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_no_longer_says_wyoming_has_no_good_samaritan_law(language):
    wrong = re.compile(r"except Wyoming|menos Wyoming", re.I)
    assert [slug for slug, body in _all(language).items() if wrong.search(body)] == []
    for slug in ("overdose", "faq", "family-helping-without-enabling"):
        assert "2025" in _body(language, slug), slug


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_dates_naloxone_as_approved_for_sale_without_a_prescription(language):
    # The 2023 dates are FDA approvals, not the day the spray reached shelves.
    wrong = re.compile(r"(sold|se vende)[^.]*(since|desde)[^.]*2023", re.I)
    assert [slug for slug, body in _all(language).items() if wrong.search(body)] == []
    approved = "approved" if language == "en" else "aprobó"
    assert approved in _body(language, "overdose")


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_warns_about_stopping_alcohol_or_benzos_and_about_mixing(language):
    seizure = "seizure" if language == "en" else "convulsiones"
    for slug in ("quitting-without-help", "detox-and-withdrawal", "overdose"):
        body = _body(language, slug)
        assert seizure in body, slug
        assert "benzo" in body.lower(), slug


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_explains_xylazine_nitazenes_and_medetomidine(language):
    xylazine, nitazene = ("xylazine", "nitazene") if language == "en" else ("xilacina", "nitaceno")
    fentanyl = _body(language, "fentanyl").lower()
    for word in (xylazine, nitazene, "medetomidin"):
        assert word in fentanyl, word
    overdose = _body(language, "overdose").lower()
    assert xylazine in overdose
    goal = (
        "the goal of naloxone is breathing, not waking up"
        if language == "en"
        else "la meta de la naloxona es que la persona respire, no que despierte"
    )
    assert goal in overdose
    assert "1-800-222-1222" in overdose


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_does_not_make_72_hours_sound_like_the_rule_for_buprenorphine(language):
    body = _body(language, "buprenorphine")
    assert "72" not in body
    assert "2026" in body  # the telehealth rules are dated
    assert "Brixadi" in body
    assert "ADM.0000000000001202" in (BUILTIN_CONTENT_DIR / language / "buprenorphine.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_gives_the_longer_naltrexone_wait_after_methadone_or_buprenorphine(language):
    body = _body(language, "naltrexone")
    assert ("2 weeks" if language == "en" else "2 semanas") in body


def test_it_uses_ansias_not_antojos_and_desliz_for_a_slip_in_spanish():
    bodies = _all("es")
    assert [slug for slug, body in bodies.items() if "antojo" in body.lower()] == []
    quitting = bodies["quitting-without-help"]
    assert "por si recae" not in quitting
    assert "desliz" in quitting


def test_it_says_plainly_whose_knuckles_rub_whose_chest_in_spanish():
    body = _body("es", "overdose")
    assert "frote con fuerza sus nudillos en el centro de su pecho" not in body
    assert "los nudillos de su mano sobre el hueso del centro del pecho de la persona" in body
