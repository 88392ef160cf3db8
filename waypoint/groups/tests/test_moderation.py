"""Moderation (issue 12, item 5): reports and automatic hiding, the facilitator's queue and
its actions, the audit log, the operator's review, held words."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from waypoint.core.access import NotAllowed
from waypoint.core.tests.personas import UserFactory, client_for
from waypoint.groups import messaging, moderation, selectors
from waypoint.groups.errors import MemberMuted, Refused
from waypoint.groups.models import Membership, Message, ModerationAction, Report
from waypoint.groups.tests.helpers import join, post

pytestmark = pytest.mark.django_db


def actions(group_id: int) -> list[str]:
    return list(ModerationAction.objects.filter(group_id=group_id).order_by("pk").values_list("action", flat=True))


def test_a_message_is_hidden_at_the_report_threshold_pending_review(circle, settings, sent_events):
    settings.GROUPS_REPORTS_TO_HIDE = 2
    fran = UserFactory(username="fran")
    join(circle.group_id, fran, by=circle.alice)
    message = post(circle.eli, circle.group_id, "you are all losers")
    moderation.report_create(user=circle.dana, group_id=circle.group_id, message_id=message.pk, reason="unkind")
    assert Message.objects.get(pk=message.pk).state == Message.State.VISIBLE
    with pytest.raises(Refused) as twice:
        moderation.report_create(user=circle.dana, group_id=circle.group_id, message_id=message.pk, reason="unkind")
    assert twice.value.code == "already_reported"
    with sent_events.committing():
        moderation.report_create(user=fran, group_id=circle.group_id, message_id=message.pk, reason="spam")
    hidden = Message.objects.get(pk=message.pk)
    assert hidden.state == Message.State.HIDDEN
    assert hidden.rev > message.rev
    payload = sent_events.of_type("group.message")[-1][0]
    assert payload["state"] == "hidden"
    assert payload["text"] is None
    assert actions(circle.group_id)[-1] == ModerationAction.Action.AUTO_HIDE
    assert selectors.pending_count(group_id=circle.group_id) == 1
    queue, to = sent_events.of_type("group.queue")[-1]
    assert queue["pending"] == 1
    assert to == [circle.alice.pk]


def test_members_cannot_report_their_own_or_system_messages(circle):
    message = post(circle.dana, circle.group_id, "hello")
    with pytest.raises(Refused):
        moderation.report_create(user=circle.dana, group_id=circle.group_id, message_id=message.pk, reason="spam")
    joined = Message.objects.filter(group_id=circle.group_id, kind="joined").first()
    with pytest.raises(Refused):
        moderation.report_create(user=circle.eli, group_id=circle.group_id, message_id=joined.pk, reason="spam")
    with pytest.raises(Refused):
        moderation.report_create(user=circle.eli, group_id=circle.group_id, message_id=message.pk, reason="because")


def test_the_facilitator_hides_restores_and_keeps(circle):
    message = post(circle.eli, circle.group_id, "meet me after, just us")
    moderation.report_create(user=circle.dana, group_id=circle.group_id, message_id=message.pk, reason="dating")
    with pytest.raises(NotAllowed):
        moderation.message_hide(user=circle.dana, group_id=circle.group_id, message_id=message.pk)
    moderation.message_hide(user=circle.alice, group_id=circle.group_id, message_id=message.pk)
    assert Message.objects.get(pk=message.pk).state == Message.State.HIDDEN
    assert Report.objects.get(message=message).status == Report.Status.UPHELD
    moderation.message_restore(user=circle.alice, group_id=circle.group_id, message_id=message.pk)
    assert Message.objects.get(pk=message.pk).state == Message.State.VISIBLE
    other = post(circle.eli, circle.group_id, "a fair thing to say")
    moderation.report_create(user=circle.dana, group_id=circle.group_id, message_id=other.pk, reason="other")
    moderation.message_restore(user=circle.alice, group_id=circle.group_id, message_id=other.pk)
    assert Report.objects.get(message=other).status == Report.Status.DISMISSED
    assert actions(circle.group_id)[-3:] == ["hide", "restore", "dismiss"]
    assert selectors.pending_count(group_id=circle.group_id) == 0


def test_mute_unmute_remove_and_allow_back_are_logged(circle):
    eli = selectors.group_for_member(user=circle.eli, group_id=circle.group_id)
    with pytest.raises(ValidationError):
        moderation.member_mute(user=circle.alice, group_id=circle.group_id, member_id=eli.pk, minutes=5)
    moderation.member_mute(user=circle.alice, group_id=circle.group_id, member_id=eli.pk, minutes=60)
    with pytest.raises(MemberMuted):
        post(circle.eli, circle.group_id, "can I talk?")
    moderation.member_unmute(user=circle.alice, group_id=circle.group_id, member_id=eli.pk)
    post(circle.eli, circle.group_id, "thanks")
    moderation.member_remove(user=circle.alice, group_id=circle.group_id, member_id=eli.pk)
    assert Membership.objects.get(pk=eli.pk).state == Membership.State.REMOVED
    with pytest.raises(NotAllowed):
        selectors.group_for_member(user=circle.eli, group_id=circle.group_id)
    moderation.member_allow_back(user=circle.alice, group_id=circle.group_id, member_id=eli.pk)
    log = ModerationAction.objects.filter(group_id=circle.group_id).order_by("pk")
    tail = list(log)[-4:]
    assert [a.action for a in tail] == ["mute", "unmute", "remove", "allow_back"]
    assert all(a.actor_id == circle.alice.pk and a.member_id == eli.pk and not a.by_operator for a in tail)
    assert tail[0].until is not None


def test_a_facilitator_cannot_act_on_themselves_and_members_cannot_act_at_all(circle):
    lead = selectors.group_for_facilitator(user=circle.alice, group_id=circle.group_id)
    with pytest.raises(ValidationError):
        moderation.member_remove(user=circle.alice, group_id=circle.group_id, member_id=lead.pk)
    with pytest.raises(NotAllowed):
        moderation.member_mute(user=circle.dana, group_id=circle.group_id, member_id=lead.pk, minutes=60)


def test_held_words_wait_for_the_facilitator(circle, sent_events):
    with sent_events.committing():
        held = messaging.message_post(user=circle.dana, group_id=circle.group_id, text="my plug can get you some, hmu")
    assert held.held
    assert held.message.seq is None
    assert "group.message" not in sent_events.types()  # nobody else hears of it
    assert selectors.my_held_messages(membership=held.message.author) == [held.message]
    with pytest.raises(NotAllowed):
        selectors.message_in_group(
            membership=selectors.group_for_member(user=circle.eli, group_id=circle.group_id), message_id=held.message.pk
        )
    moderation.held_decline(user=circle.alice, group_id=circle.group_id, message_id=held.message.pk)
    declined = Message.objects.get(pk=held.message.pk)
    assert declined.state == Message.State.DECLINED
    assert declined.text is None
    # A false match is posted by the facilitator, with a number from then on.
    kept = messaging.message_post(
        user=circle.dana, group_id=circle.group_id, text="my sponsor said: hit me up any time"
    )
    assert kept.held
    with sent_events.committing():
        released = moderation.held_release(user=circle.alice, group_id=circle.group_id, message_id=kept.message.pk)
    assert released.seq is not None
    assert released.state == Message.State.VISIBLE
    assert sent_events.of_type("group.message")[-1][0]["seq"] == released.seq
    assert actions(circle.group_id)[-2:] == ["decline", "release"]


def test_phone_numbers_are_held_only_in_a_members_first_week(circle):
    import time_machine
    from django.utils import timezone

    text = "call me at 555 201 7788 anytime"
    assert messaging.message_post(user=circle.dana, group_id=circle.group_id, text=text).held
    with time_machine.travel(timezone.now() + __import__("datetime").timedelta(days=8)):
        assert not messaging.message_post(user=circle.dana, group_id=circle.group_id, text=text).held
    # The facilitator's own messages are never held.
    assert not messaging.message_post(user=circle.alice, group_id=circle.group_id, text="my plug").held


def test_the_operator_reviews_reports_across_groups(circle, staff, bob):
    message = post(circle.eli, circle.group_id, "selling extras, dm")
    moderation.report_create(user=circle.dana, group_id=circle.group_id, message_id=message.pk, reason="sourcing")
    staff_client = client_for(staff)
    page = staff_client.get(reverse("groups:review"))
    assert page.status_code == 200
    assert "selling extras" in page.content.decode()
    assert page["Cache-Control"].count("no-store") == 1
    # Nobody else reaches it.
    assert client_for(circle.alice).get(reverse("groups:review")).status_code == 404
    response = staff_client.post(reverse("groups:review_act", kwargs={"message_id": message.pk}), {"action": "hide"})
    assert response.status_code == 302
    assert Message.objects.get(pk=message.pk).state == Message.State.HIDDEN
    entry = ModerationAction.objects.filter(group_id=circle.group_id).latest("pk")
    assert entry.action == "hide"
    assert entry.by_operator
    assert entry.actor_id == staff.pk
    staff_client.post(reverse("groups:review_act", kwargs={"message_id": message.pk}), {"action": "remove_author"})
    assert Membership.objects.get(user=circle.eli, group_id=circle.group_id).state == Membership.State.REMOVED
    with pytest.raises(NotAllowed):
        moderation.message_hide(user=bob, group_id=circle.group_id, message_id=message.pk, as_operator=True)


def test_the_moderation_pages_work_without_javascript(circle):
    message = post(circle.eli, circle.group_id, "not kind at all")
    moderation.report_create(user=circle.dana, group_id=circle.group_id, message_id=message.pk, reason="unkind")
    alice = client_for(circle.alice)
    queue = alice.get(reverse("groups:moderation", kwargs={"group_id": circle.group_id}))
    assert "not kind at all" in queue.content.decode()
    url = reverse("groups:moderate_message", kwargs={"group_id": circle.group_id, "message_id": message.pk})
    assert alice.post(url, {"action": "hide"}).status_code == 302
    assert Message.objects.get(pk=message.pk).state == Message.State.HIDDEN
    eli = selectors.group_for_member(user=circle.eli, group_id=circle.group_id)
    member_url = reverse("groups:moderate_member", kwargs={"group_id": circle.group_id, "member_id": eli.pk})
    alice.post(member_url, {"action": "mute", "minutes": "1440"})
    assert Membership.objects.get(pk=eli.pk).muted_now()
    alice.post(member_url, {"action": "remove"})
    assert Membership.objects.get(pk=eli.pk).state == Membership.State.REMOVED
    log = alice.get(reverse("groups:moderation_log", kwargs={"group_id": circle.group_id})).content.decode()
    assert "Removed a member" in log
    assert "Hid a message" in log
    # A member is refused the queue (404, as for a stranger).
    assert (
        client_for(circle.dana).get(reverse("groups:moderation", kwargs={"group_id": circle.group_id})).status_code
        == 404
    )
