"""The group socket (issue 12, item 2): who may connect, catch-up by number, live events,
frames through the services, the rate limit, and removal closing sockets at once.
Every frame a test receives is checked against its declaration."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from waypoint.core import events
from waypoint.core.realtime import CLOSE_NOT_FOUND, CLOSE_NOT_SIGNED_IN
from waypoint.core.testing import ws_communicator
from waypoint.core.tests.personas import UserFactory
from waypoint.groups import messaging, moderation, selectors, services
from waypoint.groups.consumers import CLOSE_TOO_BIG, CLOSE_TOO_MANY, STRIKES_PER_MINUTE
from waypoint.groups.models import Message
from waypoint.groups.tests.helpers import make_group, post

pytestmark = pytest.mark.django_db(transaction=True)


def path(group_id: int, after: int | None = None) -> str:
    return f"/ws/groups/{group_id}/" + (f"?after={after}" if after is not None else "")


async def recv(ws: Any, timeout: float = 3) -> dict[str, Any]:
    frame = await ws.receive_json_from(timeout=timeout)
    events.validate(frame)  # every frame is a declared type, with the declared fields
    return frame


async def until_ready(ws: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Frames of the catch-up, then the ready frame."""
    messages = []
    while True:
        frame = await recv(ws)
        if frame["type"] == "group.ready":
            return messages, frame
        assert frame["type"] == "group.message", frame
        messages.append(frame)


def member_id(user: Any, group_id: int) -> int:
    return selectors.group_for_member(user=user, group_id=group_id).pk


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_group", "left", "removed"])
def test_only_active_members_may_connect(circle, bob, who):
    user: Any = None
    if who == "outsider":
        user = bob
    elif who == "other_group":
        user = UserFactory(username="olga")
        make_group(UserFactory(username="olga-lead"), user, name="Other")
    elif who == "left":
        services.membership_leave(user=circle.eli, group_id=circle.group_id)
        user = circle.eli
    elif who == "removed":
        moderation.member_remove(
            user=circle.alice, group_id=circle.group_id, member_id=member_id(circle.eli, circle.group_id)
        )
        user = circle.eli
    ws = ws_communicator(path(circle.group_id, 0), user)

    async def scenario() -> None:
        connected, code = await ws.connect(timeout=5)
        assert not connected
        assert code == (CLOSE_NOT_SIGNED_IN if who == "anonymous" else CLOSE_NOT_FOUND)
        await ws.disconnect()

    async_to_sync(scenario)()


def test_a_member_gets_everything_after_the_number_they_have_in_order(circle):
    sent = [post(circle.dana, circle.group_id, f"m{n}") for n in range(6)]
    edited = messaging.message_edit(user=circle.dana, group_id=circle.group_id, message_id=sent[1].pk, text="m1!")
    after = sent[2].rev
    ws = ws_communicator(path(circle.group_id, after), circle.eli)

    async def scenario() -> None:
        connected, _ = await ws.connect(timeout=5)
        assert connected
        frames, ready = await until_ready(ws)
        # m3..m5, then m1's edit (its latest change): in the order of the changes.
        assert [f["text"] for f in frames] == ["m3", "m4", "m5", "m1!"]
        revs = [f["rev"] for f in frames]
        assert revs == sorted(revs)
        assert frames[-1]["seq"] == sent[1].seq
        assert ready["last"] == edited.rev
        assert ready["sent"] == 4
        assert ready["member"] == await database_sync_to_async(member_id)(circle.eli, circle.group_id)
        await ws.disconnect()

    async_to_sync(scenario)()


def test_after_zero_sends_the_whole_conversation_and_no_after_the_latest_page(circle):
    for n in range(3):
        post(circle.dana, circle.group_id, f"m{n}")
    total = Message.objects.filter(group_id=circle.group_id, seq__isnull=False).count()
    everything = ws_communicator(path(circle.group_id, 0), circle.eli)
    latest = ws_communicator(path(circle.group_id), circle.eli)

    async def scenario() -> None:
        assert (await everything.connect(timeout=5))[0]
        frames, ready = await until_ready(everything)
        assert [f["seq"] for f in frames] == list(range(1, total + 1))
        assert ready["last"] == total
        assert (await latest.connect(timeout=5))[0]
        frames, ready = await until_ready(latest)
        assert [f["seq"] for f in frames] == list(range(1, total + 1))  # fewer than a page
        assert ready["last"] == total
        await everything.disconnect()
        await latest.disconnect()

    async_to_sync(scenario)()


def test_live_messages_reach_members_of_this_group_only(circle, sent_events):
    other = make_group(circle.alice, name="Another group of alice")
    ws = ws_communicator(path(circle.group_id, 0), circle.eli)
    alice_ws = ws_communicator(path(circle.group_id, 0), circle.alice)

    async def scenario() -> None:
        assert (await ws.connect(timeout=5))[0]
        assert (await alice_ws.connect(timeout=5))[0]
        _, ready = await until_ready(ws)
        await until_ready(alice_ws)
        await database_sync_to_async(post)(circle.alice, other.group_id, "in the other group")
        message = await database_sync_to_async(post)(circle.dana, circle.group_id, "hello, live")
        frame = await recv(ws)
        assert frame["type"] == "group.message"
        assert frame["text"] == "hello, live"
        assert frame["seq"] == message.seq == ready["last"] + 1
        # alice's socket for this group gets this group's message only.
        frame = await recv(alice_ws)
        assert frame["text"] == "hello, live"
        assert await alice_ws.receive_nothing(timeout=0.2)
        await ws.disconnect()
        await alice_ws.disconnect()

    async_to_sync(scenario)()
    assert "group.message" in sent_events.types()


def test_frames_go_through_the_services_and_are_answered(circle):
    dana_ws = ws_communicator(path(circle.group_id, 0), circle.dana)
    eli_ws = ws_communicator(path(circle.group_id, 0), circle.eli)

    async def scenario() -> None:
        assert (await dana_ws.connect(timeout=5))[0]
        assert (await eli_ws.connect(timeout=5))[0]
        await until_ready(dana_ws)
        await until_ready(eli_ws)
        await dana_ws.send_json_to({"type": "send", "text": "  Day 10  ", "ref": "c1"})
        ack = await recv(dana_ws)
        live = await recv(dana_ws)
        if ack["type"] != "group.ack":
            ack, live = live, ack
        assert ack == {
            "type": "group.ack",
            "group": circle.group_id,
            "ref": "c1",
            "id": live["id"],
            "seq": live["seq"],
            "held": False,
        }
        assert live["text"] == "Day 10"
        seen = await recv(eli_ws)
        assert seen["id"] == live["id"]
        # Sending again with the same ref makes no second message.
        await dana_ws.send_json_to({"type": "send", "text": "Day 10", "ref": "c1"})
        again = await recv(dana_ws)
        assert again["type"] == "group.ack"
        assert again["id"] == live["id"]
        assert await eli_ws.receive_nothing(timeout=0.2)
        # Edit, react, report, delete: each a change everyone sees.
        await dana_ws.send_json_to({"type": "edit", "id": live["id"], "text": "Day 10!", "ref": "c2"})
        edited = await recv(eli_ws)
        assert edited["text"] == "Day 10!"
        assert edited["edited"]
        assert edited["rev"] > live["rev"]
        await eli_ws.send_json_to({"type": "react", "id": live["id"], "reaction": "heart", "on": True})
        reacted = await recv(eli_ws)
        if reacted["type"] == "group.ack":
            reacted = await recv(eli_ws)
        assert reacted["reactions"]["heart"] == [await database_sync_to_async(member_id)(circle.eli, circle.group_id)]
        await eli_ws.send_json_to({"type": "edit", "id": live["id"], "text": "not mine", "ref": "c3"})
        refused = await recv(eli_ws)
        while refused["type"] != "group.error":
            refused = await recv(eli_ws)
        assert refused["code"] == "not_yours"
        assert refused["ref"] == "c3"
        await eli_ws.send_json_to({"type": "edit", "id": 999999, "text": "x", "ref": "c4"})
        missing = await recv(eli_ws)
        assert missing["code"] == "not_found"
        await dana_ws.send_json_to({"type": "delete", "id": live["id"]})
        frames = [await recv(eli_ws)]
        assert frames[-1]["state"] == "deleted"
        assert frames[-1]["text"] is None
        await dana_ws.disconnect()
        await eli_ws.disconnect()

    async_to_sync(scenario)()


def test_malformed_frames_are_answered_not_fatal(circle):
    ws = ws_communicator(path(circle.group_id, 0), circle.dana)

    async def scenario() -> None:
        assert (await ws.connect(timeout=5))[0]
        await until_ready(ws)
        await ws.send_to(text_data="not json")
        assert (await recv(ws))["code"] == "invalid"
        await ws.send_json_to({"type": "shout", "ref": "x"})
        assert (await recv(ws))["code"] == "invalid"
        await ws.send_json_to({"type": "react", "id": "seven", "reaction": "heart", "on": True})
        assert (await recv(ws))["code"] == "invalid"
        await ws.send_json_to({"type": "send", "text": "", "ref": "e"})
        assert (await recv(ws))["code"] == "empty"
        await ws.send_to(text_data="x" * (17 * 1024))
        assert await ws.receive_output(timeout=2) == {"type": "websocket.close", "code": CLOSE_TOO_BIG}

    async_to_sync(scenario)()


def test_sync_catches_up_what_the_channel_layer_dropped(circle, monkeypatch):
    ws = ws_communicator(path(circle.group_id, 0), circle.eli)

    async def scenario() -> None:
        assert (await ws.connect(timeout=5))[0]
        _, ready = await until_ready(ws)
        # The layer loses every announcement (a Redis restart): the database still has them.
        monkeypatch.setattr(events, "_deliver", lambda payload, recipients: None)
        await database_sync_to_async(post)(circle.dana, circle.group_id, "lost announcement 1")
        await database_sync_to_async(post)(circle.dana, circle.group_id, "lost announcement 2")
        assert await ws.receive_nothing(timeout=0.3)
        await ws.send_json_to({"type": "sync", "after": ready["last"]})
        frames, again = await until_ready(ws)
        assert [f["text"] for f in frames] == ["lost announcement 1", "lost announcement 2"]
        assert again["last"] == ready["last"] + 2
        await ws.disconnect()

    async_to_sync(scenario)()


def test_sending_too_fast_is_refused_then_closes_the_socket(circle, settings):
    settings.GROUPS_WRITES_PER_MINUTE = 2
    ws = ws_communicator(path(circle.group_id, 0), circle.dana)

    async def scenario() -> None:
        assert (await ws.connect(timeout=5))[0]
        await until_ready(ws)
        refusals = 0
        for n in range(2 + STRIKES_PER_MINUTE + 1):
            await ws.send_json_to({"type": "send", "text": f"spam {n}", "ref": f"s{n}"})
        while True:
            output = await ws.receive_output(timeout=3)
            if output["type"] == "websocket.close":
                assert output["code"] == CLOSE_TOO_MANY
                break
            frame = __import__("json").loads(output["text"])
            events.validate(frame)
            if frame["type"] == "group.error":
                assert frame["code"] == "rate_limited"
                assert frame["retry_after"] >= 1
                refusals += 1
        assert refusals == STRIKES_PER_MINUTE + 1

    async_to_sync(scenario)()
    assert Message.objects.filter(group_id=circle.group_id, kind="text").count() == 2


def test_removing_a_member_closes_their_open_sockets_at_once(circle, sent_events):
    dana_ws = ws_communicator(path(circle.group_id, 0), circle.dana)
    eli_ws = ws_communicator(path(circle.group_id, 0), circle.eli)
    dana = member_id(circle.dana, circle.group_id)

    async def scenario() -> None:
        assert (await dana_ws.connect(timeout=5))[0]
        assert (await eli_ws.connect(timeout=5))[0]
        await until_ready(dana_ws)
        await until_ready(eli_ws)
        await database_sync_to_async(moderation.member_remove)(
            user=circle.alice, group_id=circle.group_id, member_id=dana
        )
        closed = await dana_ws.receive_output(timeout=3)
        assert closed == {"type": "websocket.close", "code": CLOSE_NOT_FOUND}
        # Nothing is posted to the others about it, and their socket stays open.
        assert await eli_ws.receive_nothing(timeout=0.3)
        await eli_ws.disconnect()

    async_to_sync(scenario)()
    assert (
        {"type": "group.access_ended", "group": circle.group_id, "reason": "removed"},
        [circle.dana.pk],
    ) in sent_events.sent


def test_the_facilitator_hears_when_the_queue_changes(circle):
    alice_ws = ws_communicator(path(circle.group_id, 0), circle.alice)
    dana_ws = ws_communicator(path(circle.group_id, 0), circle.dana)

    async def scenario() -> None:
        assert (await alice_ws.connect(timeout=5))[0]
        assert (await dana_ws.connect(timeout=5))[0]
        await until_ready(alice_ws)
        await until_ready(dana_ws)
        message = await database_sync_to_async(post)(circle.eli, circle.group_id, "rude words")
        await recv(alice_ws)
        await recv(dana_ws)
        await dana_ws.send_json_to({"type": "report", "id": message.pk, "reason": "unkind", "ref": "r"})
        queue = await recv(alice_ws)
        assert queue == {"type": "group.queue", "group": circle.group_id, "pending": 1}
        ack = await recv(dana_ws)
        assert ack["type"] == "group.ack"
        assert ack["id"] == message.pk
        assert await dana_ws.receive_nothing(timeout=0.2)  # the queue is the facilitator's
        await alice_ws.disconnect()
        await dana_ws.disconnect()

    async_to_sync(scenario)()


def test_an_after_the_group_never_reached_starts_from_the_latest_page(circle):
    post(circle.dana, circle.group_id, "the latest")
    ws = ws_communicator(path(circle.group_id, 10_000), circle.eli)

    async def scenario() -> None:
        assert (await ws.connect(timeout=5))[0]
        frames, ready = await until_ready(ws)
        assert frames[-1]["text"] == "the latest"
        assert ready["last"] == frames[-1]["rev"]
        await ws.disconnect()

    async_to_sync(scenario)()
