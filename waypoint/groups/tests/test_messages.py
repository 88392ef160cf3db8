"""The conversation: numbers, encryption, edit/delete, encouragements, limits, events,
history (issue 12, item 2)."""

from __future__ import annotations

import pytest
from django.db import connection

from waypoint.core import crypto
from waypoint.core.encryption import data_key_create
from waypoint.groups import messaging, selectors
from waypoint.groups.errors import MemberMuted, RateLimited, Refused
from waypoint.groups.models import Message
from waypoint.groups.moderation import member_mute
from waypoint.groups.tests.helpers import make_group, post

pytestmark = pytest.mark.django_db


def _raw_text(message_id: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM groups_message WHERE id = %s", [message_id])
        return cursor.fetchone()[0]


def test_a_message_gets_the_next_number_and_is_announced_to_members_after_commit(circle, sent_events, bob):
    with sent_events.committing():
        first = post(circle.dana, circle.group_id, "Day 3. Rough night but I'm here.")
        second = post(circle.eli, circle.group_id, "Proud of you")
    assert second.seq == first.seq + 1
    assert first.rev == first.seq
    events = sent_events.of_type("group.message")
    payload, to = events[-1]
    assert payload["seq"] == second.seq
    assert payload["text"] == "Proud of you"
    assert payload["author"] == {"member": second.author_id, "name": "Eli"}
    assert sorted(to) == sorted([circle.alice.pk, circle.dana.pk, circle.eli.pk])
    assert bob.pk not in to


def test_message_text_is_encrypted_with_the_groups_own_key(circle):
    message = post(circle.dana, circle.group_id, "Called my sponsor today")
    raw = _raw_text(message.pk)
    assert raw.startswith("wp1:")
    assert "sponsor" not in raw
    group_key = message.group.data_key
    assert group_key.user_id is None  # a key of the group, not of a person
    assert message.data_key_id == group_key.pk
    # Another key does not open it (GCM's tag check), never garbage.
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(
            key=crypto.data_key_bytes(data_key_create()), token=raw, aad=f"groups_message.text:{message.row_key}"
        )
    assert Message.objects.get(pk=message.pk).text == "Called my sponsor today"


def test_the_same_client_ref_never_makes_a_second_message(circle):
    first = messaging.message_post(user=circle.dana, group_id=circle.group_id, text="hi all", client_ref="r-1")
    again = messaging.message_post(user=circle.dana, group_id=circle.group_id, text="hi all", client_ref="r-1")
    assert again.duplicate
    assert again.message.pk == first.message.pk
    assert Message.objects.filter(group_id=circle.group_id, kind="text").count() == 1


def test_members_edit_and_delete_only_their_own_messages(circle, sent_events):
    message = post(circle.dana, circle.group_id, "typo here")
    with pytest.raises(Refused) as not_yours:
        messaging.message_edit(user=circle.eli, group_id=circle.group_id, message_id=message.pk, text="mine now")
    assert not_yours.value.code == "not_yours"
    with pytest.raises(Refused):
        messaging.message_delete(user=circle.alice, group_id=circle.group_id, message_id=message.pk)
    with sent_events.committing():
        edited = messaging.message_edit(user=circle.dana, group_id=circle.group_id, message_id=message.pk, text="fixed")
    assert edited.rev > message.rev
    assert edited.edited_at is not None
    payload = sent_events.of_type("group.message")[-1][0]
    assert payload["edited"] is True
    assert payload["seq"] == message.seq
    with sent_events.committing():
        messaging.message_delete(user=circle.dana, group_id=circle.group_id, message_id=message.pk)
    gone = Message.objects.get(pk=message.pk)
    assert gone.state == Message.State.DELETED
    assert _raw_text(message.pk) is None
    payload = sent_events.of_type("group.message")[-1][0]
    assert payload["state"] == "deleted"
    assert payload["text"] is None
    with pytest.raises(Refused) as again:
        messaging.message_edit(user=circle.dana, group_id=circle.group_id, message_id=message.pk, text="back")
    assert again.value.code == "not_editable"


def test_encouragements_are_a_small_fixed_set_and_idempotent(circle, sent_events):
    message = post(circle.dana, circle.group_id, "One week today")
    with sent_events.committing():
        messaging.reaction_set(
            user=circle.eli, group_id=circle.group_id, message_id=message.pk, reaction="clap", on=True
        )
    first_rev = Message.objects.get(pk=message.pk).rev
    messaging.reaction_set(user=circle.eli, group_id=circle.group_id, message_id=message.pk, reaction="clap", on=True)
    assert Message.objects.get(pk=message.pk).rev == first_rev  # no change, no number
    payload = sent_events.of_type("group.message")[-1][0]
    eli_member = selectors.group_for_member(user=circle.eli, group_id=circle.group_id).pk
    assert payload["reactions"]["clap"] == [eli_member]
    assert set(payload["reactions"]) == {"heart", "strong", "hug", "clap"}
    with pytest.raises(Refused):
        messaging.reaction_set(
            user=circle.eli, group_id=circle.group_id, message_id=message.pk, reaction="thumbsdown", on=True
        )
    messaging.reaction_set(user=circle.eli, group_id=circle.group_id, message_id=message.pk, reaction="clap", on=False)
    assert not message.reactions.exists()


def test_messages_have_a_size_limit(circle, settings):
    settings.GROUPS_MESSAGE_MAX_CHARS = 50
    with pytest.raises(Refused) as long:
        messaging.message_post(user=circle.dana, group_id=circle.group_id, text="x" * 51)
    assert long.value.code == "too_long"
    with pytest.raises(Refused) as empty:
        messaging.message_post(user=circle.dana, group_id=circle.group_id, text="   ")
    assert empty.value.code == "empty"
    messaging.message_post(user=circle.dana, group_id=circle.group_id, text="x" * 50)


def test_each_person_has_a_write_budget_per_minute(circle, settings):
    settings.GROUPS_WRITES_PER_MINUTE = 3
    for n in range(3):
        post(circle.dana, circle.group_id, f"message {n}")
    with pytest.raises(RateLimited) as limited:
        post(circle.dana, circle.group_id, "one too many")
    assert limited.value.retry_after >= 1
    # Someone else's budget is their own.
    post(circle.eli, circle.group_id, "still fine")


def test_a_paused_member_cannot_post_but_can_take_words_back(circle):
    message = post(circle.dana, circle.group_id, "before the pause")
    dana = selectors.group_for_member(user=circle.dana, group_id=circle.group_id)
    member_mute(user=circle.alice, group_id=circle.group_id, member_id=dana.pk, minutes=60)
    with pytest.raises(MemberMuted):
        post(circle.dana, circle.group_id, "during the pause")
    messaging.message_delete(user=circle.dana, group_id=circle.group_id, message_id=message.pk)


def test_history_pages_by_sequence(circle):
    for n in range(7):
        post(circle.dana, circle.group_id, f"m{n}")
    # The group's history also has "joined" lines; page through all of it.
    everything = list(Message.objects.filter(group_id=circle.group_id).order_by("seq").values_list("seq", flat=True))
    latest = selectors.conversation_page(group_id=circle.group_id, size=4)
    assert [m.seq for m in latest.messages] == everything[-4:]
    assert latest.latest
    earlier = selectors.conversation_page(group_id=circle.group_id, before=latest.earlier, size=4)
    assert [m.seq for m in earlier.messages] == everything[-8:-4]
    assert not earlier.latest
    seen = []
    page = latest
    while True:
        seen = [m.seq for m in page.messages] + seen
        if page.earlier is None:
            break
        page = selectors.conversation_page(group_id=circle.group_id, before=page.earlier, size=4)
    assert seen == everything


def test_struggling_tells_the_group_once_in_a_while_and_pushes_discreetly(circle, sent_events, monkeypatch):
    pushed = []
    monkeypatch.setattr("waypoint.groups.notify._notify_send", lambda: lambda **kwargs: pushed.append(kwargs))
    with sent_events.committing():
        assert messaging.struggling_tell_group(user=circle.dana, group_id=circle.group_id) == "told"
    payload, to = sent_events.of_type("group.message")[-1]
    assert payload["kind"] == "struggling"
    assert circle.eli.pk in to
    assert sorted(p["user"].pk for p in pushed) == sorted([circle.alice.pk, circle.eli.pk])
    for push in pushed:
        assert push["kind"] == "group_struggling"
        for word in ("struggl", "recovery", "group", "drug", "Dana"):
            assert word not in push["discreet_text"]
        assert "Dana" in push["plain_text"]
    assert messaging.struggling_tell_group(user=circle.dana, group_id=circle.group_id) == "recently"
    assert len(pushed) == 2


def test_a_paused_member_in_trouble_still_reaches_the_facilitator(circle, monkeypatch):
    pushed = []
    monkeypatch.setattr("waypoint.groups.notify._notify_send", lambda: lambda **kwargs: pushed.append(kwargs))
    dana = selectors.group_for_member(user=circle.dana, group_id=circle.group_id)
    member_mute(user=circle.alice, group_id=circle.group_id, member_id=dana.pk, minutes=60)
    assert messaging.struggling_tell_group(user=circle.dana, group_id=circle.group_id) == "facilitator"
    assert [p["user"].pk for p in pushed] == [circle.alice.pk]
    assert not Message.objects.filter(group_id=circle.group_id, kind="struggling").exists()


def test_without_the_reminders_app_struggling_still_reaches_the_group(circle, monkeypatch, sent_events):
    from waypoint.groups import notify

    monkeypatch.setattr(notify, "_notify_send", lambda: None)  # as before issue 11's app exists
    assert (
        notify.struggling_push(recipients=[circle.eli], group_id=circle.group_id, group_name="x", sender_name="y") == 0
    )
    with sent_events.committing():
        assert messaging.struggling_tell_group(user=circle.dana, group_id=circle.group_id) == "told"
    assert sent_events.of_type("group.message")[-1][0]["kind"] == "struggling"


def test_a_failing_push_never_stops_the_alert(circle, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("push service down")

    monkeypatch.setattr("waypoint.groups.notify._notify_send", lambda: broken)
    assert messaging.struggling_tell_group(user=circle.dana, group_id=circle.group_id) == "told"


def test_groups_do_not_share_numbers(alice, bob):
    a = make_group(alice, name="A")
    b = make_group(bob, name="B")
    assert post(alice, a.group_id, "a1").seq == post(bob, b.group_id, "b1").seq


def test_struggling_reaches_the_reminders_app_for_members_it_can_reach(circle):
    """Through the real issue-11 `notify_send`: a member who chose e-mail gets a notice with
    the discreet text; the sender and members nothing can reach get none."""
    from waypoint.reminders import services as reminders
    from waypoint.reminders.models import Notice

    reminders.reminder_settings_save(
        user=circle.eli,
        channel="email",
        wording="discreet",
        email="eli@example.org",
        quiet_start=None,
        quiet_end=None,
        language="en",
    )
    assert messaging.struggling_tell_group(user=circle.dana, group_id=circle.group_id) == "told"
    notices = list(Notice.objects.filter(kind="group_struggling"))
    assert [n.user_id for n in notices] == [circle.eli.pk]
    assert notices[0].discreet_text == "Someone you know could use a kind word."
    assert notices[0].url == f"/en/groups/{circle.group_id}/"
