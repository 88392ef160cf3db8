"""My data (issue 12): export of a member's group data; account deletion erases their
messages' text ("message deleted" rows stay, without author) and deletes what is theirs."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.urls import reverse

from waypoint.accounts import services as accounts
from waypoint.core.tests.personas import client_for
from waypoint.groups import messaging, moderation, selectors, services
from waypoint.groups.models import FacilitatorGrant, Membership, Message, Reaction, Report
from waypoint.groups.tests.helpers import post

pytestmark = pytest.mark.django_db


def test_a_member_downloads_their_group_data(circle):
    services.membership_update(
        user=circle.dana,
        group_id=circle.group_id,
        display_name="D.",
        share_checkin=True,
        share_days=False,
        share_mood=False,
        share_struggling=True,
    )
    mine = post(circle.dana, circle.group_id, "my words, for me to keep")
    theirs = post(circle.eli, circle.group_id, "eli's words")
    messaging.reaction_set(user=circle.dana, group_id=circle.group_id, message_id=theirs.pk, reaction="hug", on=True)
    moderation.report_create(user=circle.dana, group_id=circle.group_id, message_id=theirs.pk, reason="other")
    response = client_for(circle.dana).get(reverse("accounts:my_data_json"))
    data = json.loads(response.content)["data"]
    messages = data["groups.messages"]
    assert [m["text"] for m in messages] == ["my words, for me to keep"]
    assert messages[0]["number"] == mine.seq
    assert "eli's words" not in response.content.decode()
    groups = data["groups.memberships"]["groups"]
    assert groups[0]["group"] == "Tuesday circle"
    assert groups[0]["display_name"] == "D."
    assert groups[0]["board_shows"] == {
        "checked_in_today": True,
        "days_in_recovery": False,
        "mood": False,
        "struggling": True,
    }
    assert groups[0]["encouragements_given"][0]["encouragement"] == "hug"
    assert groups[0]["reports_made"][0]["reason"] == "other"


def test_deleting_an_account_erases_its_words_and_keeps_the_thread(circle, sent_events):
    make_grant = FacilitatorGrant.objects.create(user=circle.dana)
    texts = [f"dana says {n}" for n in range(5)]
    for n, text in enumerate(texts):
        post(circle.dana, circle.group_id, text)
        post(circle.eli, circle.group_id, f"eli answers {n}")
    target = post(circle.eli, circle.group_id, "eli again")
    messaging.reaction_set(user=circle.dana, group_id=circle.group_id, message_id=target.pk, reaction="heart", on=True)
    moderation.report_create(user=circle.dana, group_id=circle.group_id, message_id=target.pk, reason="other")
    messaging.message_post(user=circle.dana, group_id=circle.group_id, text="held: hmu for pills")
    dana_member = selectors.group_for_member(user=circle.dana, group_id=circle.group_id).pk
    seqs_before = list(
        Message.objects.filter(group_id=circle.group_id, seq__isnull=False)
        .order_by("seq")
        .values_list("seq", flat=True)
    )

    with sent_events.committing():
        accounts.account_delete(user=circle.dana)

    # The raw table: no word of dana's remains anywhere, and no row names her.
    with connection.cursor() as cursor:
        cursor.execute("SELECT text, author_id, state FROM groups_message WHERE group_id = %s", [circle.group_id])
        rows = cursor.fetchall()
    erased = [row for row in rows if row[1] is None]
    assert len(erased) == 5 + 1 + 1  # her messages, her "joined" line, her held message
    assert all(text is None for text, _author, _state in erased)
    assert {state for _text, _author, state in erased} == {"deleted", "declined"}
    assert not Membership.objects.filter(pk=dana_member).exists()
    assert not Reaction.objects.filter(member_id=dana_member).exists()
    assert not Report.objects.filter(reporter_id=dana_member).exists()
    assert not FacilitatorGrant.objects.filter(pk=make_grant.pk).exists()
    # The thread still pages correctly, with the same numbers, as "message deleted".
    page = selectors.conversation_page(group_id=circle.group_id, size=4)
    everything = []
    while True:
        everything = [m for m in page.messages] + everything
        if page.earlier is None:
            break
        page = selectors.conversation_page(group_id=circle.group_id, before=page.earlier, size=4)
    assert [m.seq for m in everything] == seqs_before
    gone = [m for m in everything if m.author_id is None and m.kind == "text"]
    assert len(gone) == 5
    assert all(m.state == "deleted" and m.text is None for m in gone)
    assert [m.text for m in everything if m.kind == "text" and m.author_id][:2] == ["eli answers 0", "eli answers 1"]
    # Members who have the conversation open see each erased message change, live.
    erased_events = [p for p, to in sent_events.of_type("group.message") if p["author"] is None]
    assert len(erased_events) == 6
    assert all(circle.dana.pk not in to for _p, to in sent_events.of_type("group.message"))
    reaction_gone = [p for p, _to in sent_events.of_type("group.message") if p["id"] == target.pk]
    assert reaction_gone
    assert reaction_gone[-1]["reactions"]["heart"] == []


def test_leaving_with_erase_erases_only_that_group(circle):
    post(circle.dana, circle.group_id, "bye for now")
    services.membership_leave(user=circle.dana, group_id=circle.group_id, erase=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM groups_message m JOIN groups_membership s ON m.author_id = s.id "
            "WHERE s.user_id = %s AND m.kind = 'text' AND m.text IS NOT NULL",
            [circle.dana.pk],
        )
        assert cursor.fetchone()[0] == 0
    assert Message.objects.filter(group_id=circle.group_id, kind="text", state="deleted").count() == 1


def test_a_group_without_its_facilitator_is_flagged_for_the_operator(circle):
    accounts.account_delete(user=circle.alice)
    assert selectors.groups_without_facilitator() == [circle.group_id]
