"""The event chokepoint and the WebSocket base: declared events only, sent after commit, to
the people named; sockets need a signed-in session and close when it ends."""

from __future__ import annotations

from typing import Literal

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.db import transaction

from waypoint.accounts import services as accounts
from waypoint.asgi import application
from waypoint.core import events
from waypoint.core.events import Event, declare, send_event_on_commit
from waypoint.core.realtime import CLOSE_NOT_SIGNED_IN, CLOSE_SESSION_ENDED
from waypoint.core.testing import ws_communicator, ws_headers

pytestmark = pytest.mark.django_db(transaction=True)


@declare
class Ping(Event):
    """A test-only event."""

    type: Literal["test.ping"] = "test.ping"
    n: int


class Undeclared(Event):
    type: Literal["test.undeclared"] = "test.undeclared"


def test_it_sends_only_declared_events():
    with pytest.raises(TypeError, match="not a declared event type"):
        send_event_on_commit(event=Undeclared(), to=[1])


def test_a_type_name_is_declared_once():
    with pytest.raises(TypeError, match="already declared"):

        @declare
        class AnotherPing(Event):
            type: Literal["test.ping"] = "test.ping"


def test_events_are_checked_against_their_declaration_when_sent(sent_events):
    with pytest.raises(ValueError, match="Undeclared"):
        sent_events({"type": "test.nothing"}, [1])
    with pytest.raises(Exception, match="n"):
        sent_events({"type": "test.ping", "n": "many"}, [1])


def test_it_sends_after_commit_and_never_after_a_rollback(sent_events, alice):
    with transaction.atomic():
        send_event_on_commit(event=Ping(n=1), to=[alice.pk])
        assert sent_events.sent == []  # not before the commit
    assert sent_events.types() == ["test.ping"]
    assert sent_events.sent[0][1] == [alice.pk]

    class Boom(Exception):
        pass

    def rolled_back() -> None:
        with transaction.atomic():
            send_event_on_commit(event=Ping(n=2), to=[alice.pk])
            raise Boom

    with pytest.raises(Boom):
        rolled_back()
    assert [p["n"] for p, _ in sent_events.sent] == [1]


# Communicators are made in the test's own (sync) thread: signing the session in touches
# the database, which Django rightly refuses inside the event loop.


def test_an_anonymous_socket_is_closed_with_4401():
    communicator = ws_communicator("/ws/me/", None)

    async def scenario() -> None:
        connected, code = await communicator.connect()
        assert not connected
        assert code == CLOSE_NOT_SIGNED_IN
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_a_socket_from_another_site_is_refused(alice):
    headers = [(b"origin", b"https://evil.example") if k == b"origin" else (k, v) for k, v in ws_headers(alice)]
    communicator = WebsocketCommunicator(application, "/ws/me/", headers=headers)

    async def scenario() -> None:
        connected, _ = await communicator.connect()
        assert not connected
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_events_reach_only_the_people_named(alice, bob):
    alice_ws, bob_ws = ws_communicator("/ws/me/", alice), ws_communicator("/ws/me/", bob)

    async def scenario() -> None:
        assert (await alice_ws.connect())[0]
        assert (await bob_ws.connect())[0]
        await database_sync_to_async(send_event_on_commit)(event=Ping(n=7), to=[alice.pk])
        assert await alice_ws.receive_json_from(timeout=2) == {"type": "test.ping", "n": 7}
        assert await bob_ws.receive_nothing(timeout=0.3)
        await alice_ws.disconnect()
        await bob_ws.disconnect()

    async_to_sync(scenario)()


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        (lambda user: accounts.sessions_end_all(user=user), "signed_out"),
        (
            lambda user: accounts.password_set(user=user, new_password="a-brand-new-long-passphrase-9"),
            "password_changed",
        ),
        (lambda user: accounts.account_delete(user=user), "account_deleted"),
    ],
    ids=["sign-out-everywhere", "password-change", "account-deletion"],
)
def test_ending_a_session_closes_the_persons_open_sockets(alice, bob, sent_events, action, reason):
    alice_ws, bob_ws = ws_communicator("/ws/me/", alice), ws_communicator("/ws/me/", bob)

    async def scenario() -> None:
        assert (await alice_ws.connect())[0]
        assert (await bob_ws.connect())[0]
        await database_sync_to_async(action)(alice)
        closed = await alice_ws.receive_output(timeout=2)
        assert closed == {"type": "websocket.close", "code": CLOSE_SESSION_ENDED}
        assert await bob_ws.receive_nothing(timeout=0.3)  # nobody else is signed out
        await bob_ws.disconnect()

    async_to_sync(scenario)()
    assert ({"type": "session.closed", "reason": reason}, [alice.pk]) in sent_events.sent


def test_a_socket_of_a_session_that_ended_cannot_reconnect(alice):
    communicator = ws_communicator("/ws/me/", alice)
    accounts.sessions_end_all(user=alice)

    async def scenario() -> None:
        connected, code = await communicator.connect()
        assert not connected
        assert code == CLOSE_NOT_SIGNED_IN
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_every_declared_event_has_a_type_literal():
    for name, cls in events.declared().items():
        assert cls.model_fields["type"].default == name


def test_an_open_socket_hears_again_after_the_layer_forgets_it(alice, monkeypatch):
    """A Redis restart forgets which sockets are in which group; sockets re-join on their own."""
    from waypoint.core import realtime
    from waypoint.core.events import user_group

    monkeypatch.setattr(realtime, "REJOIN_SECONDS", 0.2)
    alice_ws = ws_communicator("/ws/me/", alice)

    async def scenario() -> None:
        import asyncio

        from channels.layers import get_channel_layer

        assert (await alice_ws.connect())[0]
        layer = get_channel_layer()
        # What a restarted Redis does: the group no longer lists the socket.
        if hasattr(layer, "groups"):  # the in-process layer
            layer.groups.pop(user_group(alice.pk), None)
        else:  # Redis: the group's membership key is gone
            import redis.asyncio as aioredis
            from django.conf import settings

            client = aioredis.from_url(settings.REDIS_URL)
            await client.delete(layer._group_key(user_group(alice.pk)))
            await client.aclose()
        await database_sync_to_async(send_event_on_commit)(event=Ping(n=1), to=[alice.pk])
        assert await alice_ws.receive_nothing(timeout=0.1)
        await asyncio.sleep(0.5)
        await database_sync_to_async(send_event_on_commit)(event=Ping(n=2), to=[alice.pk])
        assert await alice_ws.receive_json_from(timeout=2) == {"type": "test.ping", "n": 2}
        await alice_ws.disconnect()

    async_to_sync(scenario)()


def test_a_channel_layer_outage_closes_sockets_with_try_again(alice, monkeypatch):
    """Redis going away: a socket's wait on the layer fails and the socket closes with 1013
    (try again later) instead of crashing; a connect that cannot join its group is told
    the same instead of failing the handshake."""
    from channels.layers import get_channel_layer

    from waypoint.core.realtime import CLOSE_TRY_AGAIN

    layer = get_channel_layer()
    first, second = ws_communicator("/ws/me/", alice), ws_communicator("/ws/me/", alice)

    async def broken(*args, **kwargs):
        raise ConnectionError("Connection closed by server.")

    async def waiting_fails() -> None:
        with monkeypatch.context() as patch:
            patch.setattr(layer, "receive", broken)
            connected, code = await first.connect()
            if connected:  # the handshake may win the race; the close follows at once
                closed = await first.receive_output(timeout=2)
                code = closed.get("code")
            assert code == CLOSE_TRY_AGAIN

    async def joining_fails() -> None:
        with monkeypatch.context() as patch:
            patch.setattr(layer, "group_add", broken)
            accepted, _ = await second.connect()
            assert accepted
            assert await second.receive_output(timeout=2) == {"type": "websocket.close", "code": CLOSE_TRY_AGAIN}

    async_to_sync(waiting_fails)()
    async_to_sync(joining_fails)()
