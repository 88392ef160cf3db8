"""Starting a group, invites, joining, leaving, handing over (issue 12, item 1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from waypoint.core.access import NotAllowed
from waypoint.core.tests.personas import UserFactory
from waypoint.groups import messaging, moderation, selectors, services
from waypoint.groups.errors import AgreementPending
from waypoint.groups.models import Group, Invite, Membership, Message
from waypoint.groups.tests.helpers import join, make_facilitator, make_group

pytestmark = pytest.mark.django_db


def test_only_facilitators_start_groups_unless_the_deployment_allows_anyone(bob, settings):
    with pytest.raises(NotAllowed):
        services.group_create(user=bob, name="Mine", display_name="Bob")
    assert not selectors.may_start_groups(user=bob)
    settings.GROUPS_ANYONE_CAN_START = True
    lead = services.group_create(user=bob, name="Mine", display_name="Bob")
    assert lead.role == Membership.Role.FACILITATOR
    assert lead.agreement_version == lead.group.agreement_version


def test_a_facilitator_grant_lets_a_person_start_a_group(alice):
    make_facilitator(alice)
    lead = services.group_create(user=alice, name="Morning circle", display_name="Al", size_limit=8)
    group = lead.group
    assert group.size_limit == 8
    # Every rule of a peer group is in the default agreement.
    for words in ("stays here", "selling", "dating", "kind"):
        assert words in group.agreement


def test_the_group_name_and_display_names_are_encrypted_at_rest(circle):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM groups_group WHERE id = %s", [circle.group_id])
        (name,) = cursor.fetchone()
        cursor.execute("SELECT display_name FROM groups_membership WHERE group_id = %s", [circle.group_id])
        names = [row[0] for row in cursor.fetchall()]
    assert name.startswith("wp1:")
    assert "Tuesday" not in name
    assert all(value.startswith("wp1:") for value in names)
    assert Group.objects.get(pk=circle.group_id).name == "Tuesday circle"


def test_an_invite_expires_and_can_be_cancelled(circle, bob, charlie):
    invite = services.invite_create(user=circle.alice, group_id=circle.group_id)
    assert len(invite.code) >= 16
    with time_machine.travel(timezone.now() + timedelta(days=8)), pytest.raises(services.InviteNotUsable):
        services.group_join(user=bob, code=invite.code, display_name="Bob", accept=True)
    services.invite_revoke(user=circle.alice, group_id=circle.group_id, invite_id=invite.pk)
    with pytest.raises(services.InviteNotUsable):
        services.group_join(user=charlie, code=invite.code, display_name="Charlie", accept=True)


def test_an_invite_with_a_number_of_uses_runs_out(circle, bob, charlie):
    invite = services.invite_create(user=circle.alice, group_id=circle.group_id, max_uses=1)
    services.group_join(user=bob, code=invite.code, display_name="Bob", accept=True)
    with pytest.raises(services.InviteNotUsable):
        services.group_join(user=charlie, code=invite.code, display_name="Charlie", accept=True)


def test_only_the_facilitator_makes_or_cancels_invites(circle):
    with pytest.raises(NotAllowed):
        services.invite_create(user=circle.dana, group_id=circle.group_id)
    invite = services.invite_create(user=circle.alice, group_id=circle.group_id)
    with pytest.raises(NotAllowed):
        services.invite_revoke(user=circle.dana, group_id=circle.group_id, invite_id=invite.pk)


def test_joining_needs_the_agreement_and_a_name_nobody_else_uses(circle, bob):
    invite = services.invite_create(user=circle.alice, group_id=circle.group_id)
    with pytest.raises(ValidationError) as refused:
        services.group_join(user=bob, code=invite.code, display_name="Bob", accept=False)
    assert "accept" in refused.value.message_dict
    with pytest.raises(ValidationError) as taken:
        services.group_join(user=bob, code=invite.code, display_name="DÁNA", accept=True)
    assert "display_name" in taken.value.message_dict
    membership = services.group_join(user=bob, code=invite.code, display_name="Bob", accept=True)
    assert membership.state == Membership.State.ACTIVE
    assert Invite.objects.get(pk=invite.pk).uses == 1
    joined = Message.objects.filter(group_id=circle.group_id, kind=Message.Kind.JOINED, author=membership)
    assert joined.count() == 1


def test_a_group_never_grows_past_its_size_limit(alice, bob, charlie):
    lead = make_group(alice, size_limit=2)
    invite = services.invite_create(user=alice, group_id=lead.group_id)
    services.group_join(user=bob, code=invite.code, display_name="Bob", accept=True)
    with pytest.raises(ValidationError, match="full"):
        services.group_join(user=charlie, code=invite.code, display_name="Charlie", accept=True)


def test_leaving_closes_the_group_to_the_person_and_they_may_come_back(circle):
    services.membership_leave(user=circle.dana, group_id=circle.group_id)
    with pytest.raises(NotAllowed):
        selectors.group_for_member(user=circle.dana, group_id=circle.group_id)
    assert Message.objects.filter(group_id=circle.group_id, kind=Message.Kind.LEFT).count() == 1
    membership = join(circle.group_id, circle.dana, by=circle.alice)
    assert membership.state == Membership.State.ACTIVE


def test_a_removed_member_cannot_join_again_until_allowed(circle):
    dana = selectors.group_for_member(user=circle.dana, group_id=circle.group_id)
    moderation.member_remove(user=circle.alice, group_id=circle.group_id, member_id=dana.pk)
    invite = services.invite_create(user=circle.alice, group_id=circle.group_id)
    with pytest.raises(services.InviteNotUsable):
        services.group_join(user=circle.dana, code=invite.code, display_name="Dana", accept=True)
    moderation.member_allow_back(user=circle.alice, group_id=circle.group_id, member_id=dana.pk)
    assert services.group_join(user=circle.dana, code=invite.code, display_name="Dana", accept=True).state == "active"


def test_the_facilitator_hands_over_before_leaving(circle):
    with pytest.raises(ValidationError, match="Hand the group over"):
        services.membership_leave(user=circle.alice, group_id=circle.group_id)
    dana = selectors.group_for_member(user=circle.dana, group_id=circle.group_id)
    # Dana is not a facilitator on this site: the operator decides who leads groups.
    with pytest.raises(ValidationError):
        services.facilitator_transfer(user=circle.alice, group_id=circle.group_id, member_id=dana.pk)
    make_facilitator(circle.dana)
    services.facilitator_transfer(user=circle.alice, group_id=circle.group_id, member_id=dana.pk)
    assert selectors.group_for_facilitator(user=circle.dana, group_id=circle.group_id)
    with pytest.raises(NotAllowed):
        selectors.group_for_facilitator(user=circle.alice, group_id=circle.group_id)
    services.membership_leave(user=circle.alice, group_id=circle.group_id)


def test_a_changed_agreement_is_accepted_again_before_posting(circle):
    group = Group.objects.get(pk=circle.group_id)
    services.group_update(
        user=circle.alice, group_id=circle.group_id, name=group.name, agreement="Be kind. Nothing else.", size_limit=12
    )
    with pytest.raises(AgreementPending):
        messaging.message_post(user=circle.dana, group_id=circle.group_id, text="hello")
    # The facilitator wrote it; they need not accept it.
    messaging.message_post(user=circle.alice, group_id=circle.group_id, text="New agreement is up")
    services.agreement_accept(user=circle.dana, group_id=circle.group_id)
    messaging.message_post(user=circle.dana, group_id=circle.group_id, text="hello")


def test_the_chokepoint_refuses_everyone_but_active_members(circle, bob):
    other = make_group(UserFactory(username="zed"), bob, name="Other")
    with pytest.raises(NotAllowed):
        selectors.group_for_member(user=bob, group_id=circle.group_id)
    with pytest.raises(NotAllowed):
        selectors.group_for_member(user=circle.dana, group_id=other.group_id)
    with pytest.raises(NotAllowed):
        selectors.group_for_member(user=circle.dana, group_id=999999)
    with pytest.raises(NotAllowed):
        selectors.group_for_facilitator(user=circle.dana, group_id=circle.group_id)
    circle.dana.is_active = False
    circle.dana.save()
    with pytest.raises(NotAllowed):
        selectors.group_for_member(user=circle.dana, group_id=circle.group_id)
