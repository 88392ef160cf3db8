"""The accountability board (issue 12, item 3): each member chooses what the group sees —
nothing by default — and the facilitator sees who has not checked in lately, among those
who share it. Facts come from the recovery app's `board_facts` contract."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from waypoint.core.tests.personas import UserFactory, client_for
from waypoint.groups import services
from waypoint.groups.board import group_board
from waypoint.groups.selectors import group_for_member
from waypoint.groups.tests.helpers import join
from waypoint.recovery import services as recovery
from waypoint.recovery.services import CheckinAnswers

pytestmark = pytest.mark.django_db


def share(person, group_id, **choices):
    values = {"share_checkin": False, "share_days": False, "share_mood": False, "share_struggling": False}
    values.update(choices)
    services.membership_update(user=person, group_id=group_id, display_name=person.username.title(), **values)


def check_in(person, *, days_ago=0, mood=4):
    when = timezone.now() - timedelta(days=days_ago)
    with time_machine.travel(when):
        if not hasattr(person, "_profiled"):
            recovery.profile_save(user=person, start_date=when.date() - timedelta(days=30), time_zone="UTC")
            person._profiled = True
        recovery.checkin_record(user=person, client_id=uuid.uuid4(), day=when.date(), answers=CheckinAnswers(mood=mood))


def test_nothing_is_shown_or_even_asked_for_by_default(circle, monkeypatch):
    asked = []
    import waypoint.recovery.selectors as recovery_selectors

    real = recovery_selectors.board_facts
    monkeypatch.setattr(
        recovery_selectors, "board_facts", lambda *, user_ids: asked.append(list(user_ids)) or real(user_ids=user_ids)
    )
    check_in(circle.dana, mood=2)
    board = group_board(membership=group_for_member(user=circle.eli, group_id=circle.group_id))
    assert all(not row.shares_anything for row in board.rows)
    assert all(row.mood_today is None and row.checked_in_today is None for row in board.rows)
    assert asked == []  # recovery is not even asked about people who share nothing
    page = client_for(circle.eli).get(reverse("groups:board", kwargs={"group_id": circle.group_id})).content.decode()
    assert "2 of 5" not in page


def test_members_see_only_what_each_person_chose(circle):
    check_in(circle.dana, mood=4)
    recovery.struggling_record(user=circle.dana)
    share(circle.dana, circle.group_id, share_checkin=True, share_mood=True)
    board = group_board(membership=group_for_member(user=circle.eli, group_id=circle.group_id))
    row = next(r for r in board.rows if r.member.user_id == circle.dana.pk)
    assert row.checked_in_today is True
    assert row.mood_today == 4
    assert row.days_in_recovery is None  # not shared
    assert row.struggling_since is None  # not shared, though she pressed it
    page = client_for(circle.eli).get(reverse("groups:board", kwargs={"group_id": circle.group_id}))
    assert page["Cache-Control"].count("no-store") == 1
    body = page.content.decode()
    assert "4 of 5" in body
    assert "not shared" in body


def test_the_facilitator_sees_who_has_gone_quiet_among_those_who_share(circle, settings):
    settings.GROUPS_BOARD_QUIET_DAYS = 3
    fran = UserFactory(username="fran")
    join(circle.group_id, fran, by=circle.alice)
    check_in(circle.dana, days_ago=5)
    share(circle.dana, circle.group_id, share_checkin=True)
    check_in(circle.eli, days_ago=1)
    share(circle.eli, circle.group_id, share_checkin=True)
    check_in(fran, days_ago=6)  # quiet, but does not share check-ins
    lead = group_board(membership=group_for_member(user=circle.alice, group_id=circle.group_id))
    assert [row.member.user_id for row in lead.quiet] == [circle.dana.pk]
    member = group_board(membership=group_for_member(user=circle.eli, group_id=circle.group_id))
    assert member.quiet == []
    page = client_for(circle.alice).get(reverse("groups:board", kwargs={"group_id": circle.group_id})).content.decode()
    assert "Not checked in lately" in page
    member_page = (
        client_for(circle.eli).get(reverse("groups:board", kwargs={"group_id": circle.group_id})).content.decode()
    )
    assert "Not checked in lately" not in member_page


def _board_queries(client, group_id, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(reverse("groups:board", kwargs={"group_id": group_id})).status_code == 200
    return len(captured.captured_queries)


def test_the_board_costs_the_same_few_queries_for_any_group_size(circle, django_assert_max_num_queries):
    for person in (circle.dana, circle.eli):
        check_in(person)
        share(person, circle.group_id, share_checkin=True, share_days=True, share_mood=True, share_struggling=True)
    alice = client_for(circle.alice)
    small = _board_queries(alice, circle.group_id, django_assert_max_num_queries, 10)
    for n in range(8):
        person = UserFactory(username=f"member{n}")
        join(circle.group_id, person, by=circle.alice)
        check_in(person)
        share(person, circle.group_id, share_checkin=True, share_days=True, share_mood=True, share_struggling=True)
    large = _board_queries(alice, circle.group_id, django_assert_max_num_queries, 10)
    assert large == small
