"""Discreet by default: nothing on a lock screen names drugs, recovery, medication or
Waypoint — checked against a word list in both languages."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from waypoint.reminders import texts
from waypoint.reminders.models import Kind, Wording

# Words that would out a person on a lock screen, in English and Spanish (stems match
# longer forms: "medic" finds medication, medicine, medicación, medicamento).
TELLING = [
    "waypoint", "recover", "drug", "opioid", "opiate", "heroin", "fentanyl", "methadone", "buprenorphine",
    "suboxone", "naltrexone", "vivitrol", "narcan", "naloxone", "medic", "dose", "pill", "relapse", "lapse",
    "craving", "sober", "addict", "treatment", "rehab", "clinic", "detox", "withdrawal", "overdose", "barc",
    "meeting", "sponsor", "therapy", "counsel", "struggl",
    "recupera", "droga", "opioide", "opiáceo", "heroína", "fentanilo", "metadona", "buprenorfina", "naltrexona",
    "dosis", "pastilla", "recaída", "antojo", "sobrio", "adicci", "tratamiento", "rehabilita", "clínica",
    "desintox", "abstinencia", "sobredosis", "reunión", "padrino", "terapia", "consejer",
]  # fmt: skip
SAMPLE = {"time": dt.time(8, 0), "title": "Methadone clinic", "count": 2}
KINDS = [*Kind.values, texts.TEST]


def telling_words(text: str) -> list[str]:
    folded = text.casefold()
    return [word for word in TELLING if re.search(re.escape(word), folded)]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("kind", KINDS)
def test_discreet_texts_say_nothing_telling(kind, language):
    message = texts.reminder_message(kind, wording=Wording.DISCREET, language=language, values=SAMPLE)
    assert message.discreet
    assert telling_words(message.title) == []
    assert telling_words(message.body) == [], message.body
    # The appointment's or goal's own words are never shown discreetly.
    assert "Methadone" not in message.body


@pytest.mark.parametrize("language", ["en", "es"])
def test_discreet_is_the_default_wording(language):
    from waypoint.reminders.models import ReminderSettings

    assert ReminderSettings._meta.get_field("wording").default == Wording.DISCREET
    assert texts.reminder_message(Kind.CHECKIN, wording="", language=language).discreet


def test_the_default_check_in_text_is_the_one_promised():
    assert (
        texts.reminder_message(Kind.CHECKIN, wording=Wording.DISCREET, language="en").body
        == "Time for your daily note."
    )
    assert (
        texts.reminder_message(Kind.CHECKIN, wording=Wording.DISCREET, language="es").body
        == "Es hora de tu nota del día."
    )
    assert texts.app_title(discreet=True) == "Notes"


def test_plain_words_say_what_it_is_about_when_the_person_chooses_them():
    plain = texts.reminder_message(Kind.APPOINTMENT, wording=Wording.PLAIN, language="en", values=SAMPLE)
    assert plain.title == "Waypoint"
    assert "Methadone clinic" in plain.body
    assert "medication" in texts.reminder_message(Kind.DOSE, wording=Wording.PLAIN, language="en", values=SAMPLE).body
    assert (
        "2 recovery goals"
        in texts.reminder_message(Kind.GOALS, wording=Wording.PLAIN, language="en", values=SAMPLE).body
    )
    assert "medicamento" in texts.reminder_message(Kind.DOSE, wording=Wording.PLAIN, language="es", values=SAMPLE).body


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_discreet_email_footer_says_nothing_telling(language):
    assert telling_words(texts.email_footer(discreet=True, language=language)) == []


def test_a_notice_shows_its_discreet_text_unless_plain_was_chosen():
    discreet = texts.notice_message(wording=Wording.DISCREET, language="en", discreet_text="A", plain_text="B")
    plain = texts.notice_message(wording=Wording.PLAIN, language="en", discreet_text="A", plain_text="B")
    assert (discreet.title, discreet.body, plain.title, plain.body) == ("Notes", "A", "Waypoint", "B")
