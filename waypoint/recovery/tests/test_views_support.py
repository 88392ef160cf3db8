"""For hard moments: "I'm struggling" (their own coping ideas, their people as tap-to-call
links, crisis lines by role), the breathing exercise, and the BARC-10 with its trend."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from waypoint.recovery import services
from waypoint.recovery.models import StrugglingMoment
from waypoint.recovery.plan import PlanContent, PlanStrategy, PlanTrigger

pytestmark = pytest.mark.django_db

BARC_KEYS = [
    "important_things", "happy_with_life", "energy", "community", "friends_support",
    "fulfilling_life", "living_space", "responsibility", "professionals", "progress",
]  # fmt: skip


def test_pressing_the_button_records_the_moment_and_shows_the_page(alice, alice_client, profile):
    response = alice_client.post("/en/recovery/struggling/")
    assert response["Location"] == "/en/recovery/struggling/"
    assert StrugglingMoment.objects.filter(user=alice).count() == 1
    # Opening the page again (a link, a reload) records nothing more.
    alice_client.get("/en/recovery/struggling/")
    assert StrugglingMoment.objects.filter(user=alice).count() == 1


def test_it_shows_their_own_coping_for_each_trigger_and_their_people(alice, alice_client, profile):
    services.plan_save(
        user=alice,
        content=PlanContent(
            reasons=["My daughter"],
            triggers=[
                PlanTrigger(id="a", kind="places", name="The bus station"),
                PlanTrigger(id="b", kind="feelings", name="Anger"),
            ],
            coping=[
                PlanStrategy(id="1", text="Take the other exit", trigger_ids=["a"]),
                PlanStrategy(id="2", text="Punch a pillow", trigger_ids=["b"]),
            ],
            crisis_steps=["Call Ines first"],
        ),
        changed="coping",
    )
    services.support_person_save(user=alice, name="Ines", phone="(555) 201-3344", role="sponsor")
    body = alice_client.get("/en/recovery/struggling/").content.decode()
    station = body[body.index("The bus station") :]
    station = station[: station.index("</details>")]
    assert "Take the other exit" in station
    assert "Punch a pillow" not in station
    assert 'href="tel:5552013344"' in body
    assert 'href="sms:5552013344"' in body
    assert "My daughter" in body
    assert "Call Ines first" in body


def test_the_crisis_lines_are_chosen_by_role_not_by_order(alice, alice_client, profile, tmp_path, settings):
    lines = tmp_path / "lines.yaml"
    lines.write_text(
        """
emergency: {number: "112", tel: "112"}
lines:
  - {id: talk, role: text, name: Talk by text, number: "55555", sms: "55555", sms_text: HELLO}
  - {id: local-crisis, role: crisis, name: Local Crisis Line, number: "0800 111", tel: "0800111"}
  - {id: find-care, role: treatment_referral, name: Care Finder, number: "0800 222", tel: "0800222"}
""",
        encoding="utf-8",
    )
    settings.HELPLINES_FILE = str(lines)
    body = alice_client.get("/en/recovery/struggling/").content.decode()
    main = body[body.index("<main") : body.index("</main>")]
    assert 'href="tel:0800111" data-testid="crisis-call"' in main
    assert 'href="sms:55555?body=HELLO"' in main
    assert 'href="tel:112" data-testid="emergency-call"' in main
    assert 'href="tel:0800222"' in main
    assert main.index("Local Crisis Line") < main.index("Talk by text")


def test_without_a_plan_it_still_gives_help_and_ideas(bob, bob_client):
    body = bob_client.get("/en/recovery/struggling/").content.decode()
    assert "wait 15 minutes" in body
    assert 'href="tel:988"' in body
    assert 'href="/en/recovery/start/"' in body


def test_the_breathing_exercise_works_for_anyone_without_script():
    response = Client().get("/en/recovery/breathe/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'type="checkbox" id="breathe-start"' in body  # starts with CSS alone
    assert "Count 30 slow breaths" in body
    assert "<script>" not in body
    assert " style=" not in body


def test_the_breathing_script_and_styles_are_first_party_files():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("recovery/recovery.css")).read_text(encoding="utf-8")
    js = Path(finders.find("recovery/recovery.js")).read_text(encoding="utf-8")
    assert "@keyframes wp-countdown" in css
    assert "animation-play-state: paused" in css
    assert "http" not in js
    assert "fetch(" not in js


# --- BARC-10 --------------------------------------------------------------------------------


def test_barc_answers_are_scored_and_saved_by_the_screening_app(alice, alice_client, profile):
    from waypoint.screening.models import SavedResult

    page = alice_client.get("/en/recovery/strengths/").content.decode()
    assert page.count('type="radio"') == 60
    missing = alice_client.post("/en/recovery/strengths/", {BARC_KEYS[0]: "6"})
    assert missing.status_code == 400
    assert not SavedResult.objects.exists()
    answers = dict.fromkeys(BARC_KEYS, "5")
    response = alice_client.post("/en/recovery/strengths/", answers)
    assert response["Location"] == "/en/recovery/strengths/"
    saved = SavedResult.objects.get(user=alice)
    assert (saved.instrument_id, saved.total) == ("barc-10", 50)


def test_the_trend_is_an_svg_chart_with_a_table_beside_it(alice, alice_client, profile):
    from waypoint.screening.services import result_save

    for value in (3, 4, 5):
        result_save(user=alice, instrument_id="barc-10", answers=dict.fromkeys(BARC_KEYS, value))
    body = alice_client.get("/en/recovery/strengths/").content.decode()
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "<desc" in svg
    assert svg.count("<circle") == 3
    assert re.search(r'class="chart-marker"', svg)  # the 47 reference line
    table = body[body.index('data-testid="barc-table"') :]
    assert [int(x) for x in re.findall(r"<td>(\d{2})</td>", table)] == [30, 40, 50]
    assert "<script" not in svg
    assert " style=" not in svg


def test_one_result_has_a_table_but_no_chart(alice, alice_client, profile):
    from waypoint.screening.services import result_save

    result_save(user=alice, instrument_id="barc-10", answers=dict.fromkeys(BARC_KEYS, 2))
    body = alice_client.get("/en/recovery/strengths/").content.decode()
    assert "<svg" not in body.split("<main")[1]
    assert "<td>20</td>" in body
