"""Asking a place to call you, from a self-check result or a facility page, signed in or not:
the answers travel only by POST; only places with staff on Waypoint can be chosen; the
consent page shows exactly what is sent, to whom and until when; sending stores it encrypted
(read from the raw table), hashes the private link's token, and e-mails the staff only that
something is waiting."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from waypoint.availability.tests.helpers import make_facility, make_member
from waypoint.core.tests.personas import client_for
from waypoint.handoff.models import HandoffRequest
from waypoint.handoff.selectors import token_digest
from waypoint.screening.tests.helpers import answers_for_total, instrument

pytestmark = pytest.mark.django_db
DETAILS = {
    "phone": "(434) 555-0147",
    "first_name": "Sam",
    "call_times": "weekdays after 3 pm",
    "call_language": "es",
    "voicemail": "no",
    "include_summary": "on",
}


@pytest.fixture
def place() -> Any:
    facility = make_facility(name="Riverside Recovery", latitude=38.03, longitude=-78.48)
    make_member(facility=facility, email="intake@riverside.example")
    return facility


def _oud_answers() -> dict[str, Any]:
    return answers_for_total(instrument("oud-self-check"), 5)


def _to_consent(client: Client, place: Any, *, from_result: bool = True, details: dict[str, str] | None = None) -> str:
    """Walks the steps as a browser does; returns the consent page's address."""
    data: dict[str, Any] = {"facility": place.pk}
    if from_result:
        data.update({"instrument": "oud-self-check", **_oud_answers()})
    start = client.post("/en/callback/", data)
    assert start.status_code == 303
    draft_url = start["Location"]
    step = client.post(draft_url, details or DETAILS)
    assert step.status_code == 303, step.content.decode()[-2000:]
    return str(step["Location"])


def test_the_answers_travel_only_by_post_and_no_address_says_anything(client, place):
    addresses = []
    start = client.post("/en/callback/", {"facility": place.pk, "instrument": "oud-self-check", **_oud_answers()})
    addresses.append(start["Location"])
    confirm = client.post(start["Location"], DETAILS)
    addresses.append(confirm["Location"])
    sent = client.post(confirm["Location"], {"send": "1"})
    addresses.append(sent["Location"])
    for address in addresses:
        assert re.fullmatch(r"/en/callback/(d/[\w-]{22}/(send/)?|s/[\w-]{43}/)", address), address
        assert "?" not in address
    # The self-check's result page offers it with a POST form, never a link.
    html = client.post("/en/check/oud-self-check/", _oud_answers()).content.decode()
    form = html.split('data-testid="handoff-offer"')[1].split("</form>")[0]
    assert 'method="post"' in form
    assert 'action="/en/callback/"' in form
    assert 'name="more_than_intended"' in form


def test_the_result_page_does_not_offer_it_when_no_place_reads_requests(client):
    html = client.post("/en/check/oud-self-check/", _oud_answers()).content.decode()
    assert 'data-testid="handoff-offer"' not in html


def test_tampered_answers_are_refused_and_nothing_is_kept(client, place):
    response = client.post("/en/callback/", {"instrument": "oud-self-check", "more_than_intended": "7"})
    assert response.status_code == 400
    assert 'data-testid="unreadable"' in response.content.decode()


def test_only_places_with_staff_on_waypoint_are_offered_and_accepted(client, place):
    other = make_facility(name="Hillside Clinic", latitude=38.031, longitude=-78.481)
    facility_page = client.get(f"/en/treatment/{other.pk}/").content.decode()
    assert 'data-testid="handoff-offer"' not in facility_page
    assert 'data-testid="handoff-offer"' in client.get(f"/en/treatment/{place.pk}/").content.decode()
    start = client.post("/en/callback/", {"facility": other.pk})  # a place without staff
    choose = client.get(start["Location"]).content.decode()
    assert "Riverside Recovery" in choose
    assert "Hillside Clinic" not in choose
    near = client.post(start["Location"], {"near": "22902"}).content.decode()
    assert "Riverside Recovery" in near
    assert "miles away" in near
    refused = client.post(start["Location"], {"facility": other.pk})
    assert refused.status_code == 200  # the choice again
    chosen = client.post(start["Location"], {"facility": place.pk})
    assert chosen.status_code == 303
    assert "To: Riverside Recovery" in client.get(chosen["Location"]).content.decode()


def test_the_consent_page_shows_exactly_what_is_sent_to_whom_and_until_when(client, place):
    consent_url = _to_consent(client, place)
    html = client.get(consent_url).content.decode()
    consent = html.split('data-testid="consent"')[1].split("</section>")[0]
    assert "Riverside Recovery" in html.split('data-testid="consent-facility"')[1][:200]
    items = dict(re.findall(r'<dt>(.*?)</dt><dd data-testid="item-\w+">(.*?)</dd>', consent, re.S))
    assert set(items) == {
        "First name or nickname",
        "Phone number",
        "Good times to call",
        "Language for the call",
        "Voice message",
        "Self-check summary",
    }
    assert items["Phone number"] == "(434) 555-0147"
    assert items["Language for the call"] == "Spanish"
    assert items["Voice message"] == "No. Do not leave a message: only talk to them."
    summary = items["Self-check summary"]
    assert "opioid use" in summary
    assert "Total: 5 (possible 0 to 11)" in summary
    assert "Did you often use more opioids" in summary
    assert "This is not a diagnosis." in summary
    expiry = html.split('data-testid="consent-expiry"')[1].split("</li>")[0]
    assert "(7 days)" in expiry
    assert "we erase it" in expiry
    assert "Only the staff of Riverside Recovery" in html
    # What is stored is exactly what was listed.
    client.post(consent_url, {"send": "1"})
    handoff = HandoffRequest.objects.get()
    assert handoff.phone == "(434) 555-0147"
    assert handoff.first_name == "Sam"
    assert handoff.call_times == "weekdays after 3 pm"
    assert handoff.call_language == "es"
    assert handoff.voicemail == "no"
    assert handoff.summary is not None
    assert handoff.summary.replace("&#x27;", "'") in summary.replace("&#x27;", "'")


def test_leaving_out_the_summary_and_the_name_sends_neither(client, place):
    details = {**DETAILS, "first_name": "", "include_summary": ""}
    consent_url = _to_consent(client, place, details=details)
    html = client.get(consent_url).content.decode()
    assert "Self-check summary" not in html
    assert "First name" not in html
    client.post(consent_url, {"send": "1"})
    handoff = HandoffRequest.objects.get()
    assert handoff.summary is None
    assert handoff.first_name is None
    assert handoff.sent_items == ["phone", "call_times", "call_language", "voicemail"]


def test_sending_stores_only_ciphertext_and_a_hash_of_the_token(client, place):
    client.post(_to_consent(client, place), {"send": "1"})
    handoff = HandoffRequest.objects.get()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT first_name, phone, call_times, call_language, voicemail, summary, token_hash "
            "FROM handoff_handoffrequest WHERE id = %s",
            [handoff.pk],
        )
        row = cursor.fetchone()
    assert all(str(value).startswith("wp1:") for value in row[:6])
    assert "Sam" not in "".join(map(str, row))
    assert "555" not in "".join(map(str, row))
    assert re.fullmatch(r"[0-9a-f]{64}", row[6])  # the token's SHA-256, never the token


def test_the_private_link_names_nothing_and_shows_kinds_not_values(client, place):
    sent = client.post(_to_consent(client, place), {"send": "1"})
    status_url = sent["Location"]
    token = status_url.rstrip("/").rsplit("/", 1)[1]
    assert HandoffRequest.objects.get().token_hash == token_digest(token)
    page = client.get(status_url)
    html = page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert "Sent. Waiting for Riverside Recovery to see it." in html
    assert "a phone number" in html
    assert "a self-check summary" in html
    assert "555-0147" not in html
    assert "Sam" not in html
    assert "Total:" not in html
    assert f'value="http://testserver{status_url}"' in html
    # The link works in any browser (the token is the capability), and a wrong one is a 404.
    assert Client().get(status_url).status_code == 200
    assert Client().get("/en/callback/s/" + "x" * 43 + "/").status_code == 404


def test_a_second_tap_or_a_reload_does_not_send_twice(client, place):
    consent_url = _to_consent(client, place)
    first = client.post(consent_url, {"send": "1"})
    again = client.post(consent_url, {"send": "1"})
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert HandoffRequest.objects.count() == 1


def test_signed_in_people_find_their_request_in_their_account(alice, place):
    client = client_for(alice)
    client.post(_to_consent(client, place), {"send": "1"})
    handoff = HandoffRequest.objects.get()
    assert handoff.requester == alice
    listing = client.get("/en/callback/mine/").content.decode()
    assert "Riverside Recovery" in listing
    detail = client.get(f"/en/callback/mine/{handoff.pk}/").content.decode()
    assert "(434) 555-0147" in detail  # their own account: they may see what they sent
    assert 'data-testid="private-link"' not in detail  # (the link is the token page's own address)


def test_the_staff_get_an_email_that_says_only_that_a_request_is_waiting(
    client, place, django_capture_on_commit_callbacks
):
    consent_url = _to_consent(client, place)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(consent_url, {"send": "1"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["intake@riverside.example"]
    text = (message.subject + message.body).lower()
    inbox = f"http://testserver/en/callback/inbox/{place.pk}/"
    assert inbox in text
    text = text.replace(inbox, "")  # the facility's id may hold any digits
    for word in ("sam", "555", "opioid", "treatment", "recovery", "drug", "self-check", "health", "riverside"):
        assert word not in text, word
    # A second request within the quiet minutes: no second e-mail.
    other = Client()
    with django_capture_on_commit_callbacks(execute=True):
        other.post(_to_consent(other, place, from_result=False), {"send": "1"})
    assert len(mail.outbox) == 1
    assert HandoffRequest.objects.count() == 2


def test_sending_is_limited_per_address_and_keeps_nothing_over_it(client, place, settings):
    settings.HANDOFF_SENDS_PER_ADDRESS = 2
    for _ in range(2):
        browser = Client(REMOTE_ADDR="203.0.113.5")
        assert browser.post(_to_consent(browser, place, from_result=False), {"send": "1"}).status_code == 302
    browser = Client(REMOTE_ADDR="203.0.113.5")
    refused = browser.post(_to_consent(browser, place, from_result=False), {"send": "1"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert HandoffRequest.objects.count() == 2
    elsewhere = Client(REMOTE_ADDR="203.0.113.6")
    assert elsewhere.post(_to_consent(elsewhere, place, from_result=False), {"send": "1"}).status_code == 302


def test_the_form_refuses_a_bad_phone_and_overlong_text(client, place):
    start = client.post("/en/callback/", {"facility": place.pk})
    bad = client.post(start["Location"], {**DETAILS, "phone": "call me maybe"})
    assert bad.status_code == 400
    assert "area code" in bad.content.decode()
    long_name = client.post(start["Location"], {**DETAILS, "first_name": "x" * 41})
    assert long_name.status_code == 400
    other = client.post(start["Location"], {**DETAILS, "call_language": "other", "other_language": ""})
    assert other.status_code == 400


def test_a_draft_is_this_browsers_only_and_ends(client, place):
    start = client.post("/en/callback/", {"facility": place.pk})
    assert Client().get(start["Location"]).status_code == 404  # another browser
    assert client.get("/en/callback/d/" + "a" * 22 + "/").status_code == 404


def test_the_pages_speak_spanish(client, place):
    start = client.post("/es/callback/", {"facility": place.pk})
    html = client.get(start["Location"]).content.decode()
    assert "Qué enviar" in html
    assert "Número de teléfono" in html


def test_ids_no_database_can_hold_are_simply_not_found(client, alice):
    huge = 2**70
    assert client.post("/en/callback/", {"facility": huge}).status_code == 303  # no place chosen yet
    assert client_for(alice).get(f"/en/callback/inbox/{huge}/").status_code == 404
    assert client_for(alice).get(f"/en/callback/mine/{huge}/").status_code == 404
