"""The recovery plan: the guided first plan (left half-done and resumed), every save
kept as a version, coping ideas tied to triggers, the printable page and the PDF."""

from __future__ import annotations

import re
import zlib

import pytest

from waypoint.recovery import selectors, services
from waypoint.recovery.models import PlanVersion, RecoveryProfile, SupportPerson
from waypoint.recovery.plan import STEP_KEYS, PlanContent, PlanStrategy, PlanTrigger, suggestions

pytestmark = pytest.mark.django_db


def step(client, key, data):
    return client.post(f"/en/recovery/plan/edit/{key}/", data)


def test_the_guided_plan_takes_six_screens_of_taps(alice, alice_client, profile):
    intro = alice_client.get("/en/recovery/plan/")
    assert 'href="/en/recovery/plan/edit/reasons/"' in intro.content.decode()
    assert step(alice_client, "reasons", {"suggest": ["kids", "health"], "text": "My dog"})["Location"].endswith(
        "/plan/edit/triggers/"
    )
    assert step(alice_client, "triggers", {"suggest": ["payday", "lonely"], "kind-places": "The bus station"})[
        "Location"
    ].endswith("/plan/edit/signs/")
    assert step(alice_client, "signs", {"suggest": ["poor-sleep"]})["Location"].endswith("/plan/edit/coping/")
    assert step(alice_client, "coping", {"suggest": ["call", "leave-place"]})["Location"].endswith("/plan/edit/people/")
    people = {
        "p0-name": "Ines",
        "p0-phone": "555-201-3344",
        "p0-role": "sponsor",
        "p1-name": "",
        "p1-phone": "",
        "p1-role": "friend",
    }
    assert step(alice_client, "people", people)["Location"].endswith("/plan/edit/crisis/")
    crisis_page = alice_client.get("/en/recovery/plan/edit/crisis/").content.decode()
    assert "988" in crisis_page  # a first draft with the region's own lines
    draft = crisis_page.split('name="text"')[1].split(">", 1)[1].split("</textarea>")[0]
    assert step(alice_client, "crisis", {"text": draft})["Location"] == "/en/recovery/plan/"

    plan = selectors.plan_current(user=alice)
    assert plan.reasons == ["My dog", "My children", "My health"]
    assert {(t.kind, t.name) for t in plan.triggers} == {
        ("places", "The bus station"),
        ("times", "Payday"),
        ("feelings", "Feeling alone"),
    }
    assert plan.warning_signs == ["I sleep badly or too little"]
    by_text = {s.text: s for s in plan.coping}
    # A general idea answers every trigger; "leave the place" only the places.
    assert set(by_text["Call someone from my list"].trigger_ids) == {t.id for t in plan.triggers}
    bus = next(t for t in plan.triggers if t.kind == "places")
    assert by_text["Leave the place right away"].trigger_ids == [bus.id]
    assert [p.name for p in plan.people] == ["Ines"]
    assert len(plan.crisis_steps) == 4
    assert RecoveryProfile.objects.get(user=alice).plan_flow_step == "done"
    assert PlanVersion.objects.filter(user=alice).count() == 6


def test_the_plan_can_be_left_half_done_and_resumed(alice, alice_client, profile):
    step(alice_client, "reasons", {"suggest": ["family"]})
    response = step(alice_client, "triggers", {"kind-feelings": "Anger", "action": "later"})
    assert response["Location"] == "/en/recovery/today/"
    today = alice_client.get("/en/recovery/today/").content.decode()
    assert 'href="/en/recovery/plan/edit/signs/"' in today
    assert "Finish your plan" in today
    plan = alice_client.get("/en/recovery/plan/").content.decode()
    assert 'data-testid="plan-resume"' in plan
    assert "Anger" in plan


def test_a_step_can_be_skipped(alice, alice_client, profile):
    response = step(alice_client, "reasons", {"action": "skip", "text": "not saved"})
    assert response["Location"].endswith("/plan/edit/triggers/")
    assert not PlanVersion.objects.exists()
    assert RecoveryProfile.objects.get(user=alice).plan_flow_step == "triggers"


def test_every_save_keeps_the_earlier_version(alice, alice_client, profile):
    services.plan_flow_set(user=alice, step="done")
    step(alice_client, "reasons", {"text": "My kids"})
    step(alice_client, "reasons", {"text": "My kids\nMy job"})
    step(alice_client, "reasons", {"text": "My kids\nMy job"})  # nothing changed: no new version
    versions = list(PlanVersion.objects.filter(user=alice).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert PlanContent.from_json(versions[0].content).reasons == ["My kids"]
    listing = alice_client.get("/en/recovery/plan/versions/").content.decode()
    assert f'href="/en/recovery/plan/versions/{versions[0].pk}/"' in listing
    old = alice_client.get(f"/en/recovery/plan/versions/{versions[0].pk}/").content.decode()
    assert "My kids" in old
    assert "My job" not in old


def test_renaming_a_trigger_keeps_its_id_and_its_coping_ties(alice, alice_client, profile):
    services.plan_flow_set(user=alice, step="done")
    step(alice_client, "triggers", {"kind-places": "Main Street"})
    trigger = selectors.plan_current(user=alice).triggers[0]
    step(alice_client, "coping", {"text-new0": "Walk the other way", "ties-new0": trigger.id})
    strategy = selectors.plan_current(user=alice).coping[0]
    assert strategy.trigger_ids == [trigger.id]
    # Kept by name in another kind keeps the id; removed, the ties go with it.
    step(alice_client, "triggers", {"kind-things": "Main Street"})
    assert selectors.plan_current(user=alice).triggers[0].id == trigger.id
    step(alice_client, "triggers", {"kind-things": ""})
    assert selectors.plan_current(user=alice).coping[0].trigger_ids == []


def test_coping_ideas_come_from_the_guide_for_the_person_s_kinds_of_trigger(alice, alice_client, profile):
    services.plan_save(
        user=alice, content=PlanContent(triggers=[PlanTrigger(id="x", kind="places", name="Park")]), changed="triggers"
    )
    page = alice_client.get("/en/recovery/plan/edit/coping/").content.decode()
    assert "Leave the place right away" in page
    assert "Carry less cash" not in page  # for things and times, not places
    assert 'href="/en/guide/staying-in-recovery/"' in page
    assert all(s.source for s in suggestions()["coping"])


def test_the_people_step_checks_names(alice, alice_client, profile):
    response = step(alice_client, "people", {"p0-name": "", "p0-phone": "555-111-2222", "p0-role": "friend"})
    assert response.status_code == 400
    assert not SupportPerson.objects.exists()


def test_an_unknown_step_is_not_found(alice_client, profile):
    assert alice_client.get("/en/recovery/plan/edit/secrets/").status_code == 404


def test_the_plan_page_prints_and_downloads_as_pdf(alice, alice_client, profile):
    services.support_person_save(user=alice, name="Ines", phone="+1 555 201 3344", role="sponsor")
    services.plan_save(user=alice, content=PlanContent(reasons=["Mi familia, sí"]), changed="reasons")
    page = alice_client.get("/en/recovery/plan/").content.decode()
    assert 'href="tel:+15552013344"' in page
    assert "data-print" in page
    pdf = alice_client.get("/en/recovery/plan/plan.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "no-store" in pdf["Cache-Control"]
    version = PlanVersion.objects.get(user=alice)
    old = alice_client.get(f"/en/recovery/plan/versions/{version.pk}/plan.pdf")
    assert old.content.startswith(b"%PDF")


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF, without spaces (lines wrap): each content stream inflated."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            chunks.append(stream)
    raw = b"".join(chunks).decode("latin-1")
    return re.sub(r"\s+", "", "".join(re.findall(r"\((.*?)\)\s*Tj", raw, re.S)))


def test_the_pdf_holds_the_plan_people_and_crisis_lines(alice, alice_client, profile):
    services.support_person_save(user=alice, name="Inés", phone="555-201-3344", role="sponsor")
    services.plan_save(
        user=alice,
        content=PlanContent(
            reasons=["Mis hijos, sí"],
            triggers=[PlanTrigger(id="t", kind="times", name="Día de pago")],
            coping=[PlanStrategy(id="c", text="Llamar a Inés", trigger_ids=["t"])],
        ),
        changed="reasons",
    )
    text = pdf_text(alice_client.get("/es/recovery/plan/plan.pdf").content)
    for expected in ("Miplanderecuperación", "Mishijos,sí", "Díadepago->LlamaraInés", "Inés", "555-201-3344", "988"):
        assert expected in text, expected


def test_every_step_page_answers(alice_client, profile):
    for key in STEP_KEYS:
        assert alice_client.get(f"/en/recovery/plan/edit/{key}/").status_code == 200
