"""Operator tools in the admin: making facilitators by username, deleting a group for good."""

from __future__ import annotations

import pytest
from django.urls import reverse

from waypoint.core.models import DataKey
from waypoint.core.tests.personas import client_for
from waypoint.groups.models import FacilitatorGrant, Group, Membership, Message
from waypoint.groups.selectors import may_start_groups
from waypoint.groups.tests.helpers import post

pytestmark = pytest.mark.django_db


def test_an_operator_makes_a_facilitator_by_username(staff, bob):
    operator = client_for(staff)
    url = reverse("admin:groups_facilitatorgrant_add")
    assert operator.get(url).status_code == 200
    assert operator.post(url, {"username": "nobody-here"}).status_code == 200  # an error, shown
    assert not FacilitatorGrant.objects.exists()
    response = operator.post(url, {"username": "BOB"})
    assert response.status_code == 302
    assert may_start_groups(user=bob)


def test_deleting_a_group_deletes_its_key_too(circle, staff):
    post(circle.dana, circle.group_id, "something said in the group")
    key_id = Group.objects.get(pk=circle.group_id).data_key_id
    operator = client_for(staff)
    url = reverse("admin:groups_group_delete", args=[circle.group_id])
    assert operator.get(url).status_code == 200
    assert operator.post(url, {"post": "yes"}).status_code == 302
    assert not Group.objects.filter(pk=circle.group_id).exists()
    assert not Message.objects.filter(group_id=circle.group_id).exists()
    assert not Membership.objects.filter(group_id=circle.group_id).exists()
    assert not DataKey.objects.filter(pk=key_id).exists()


def test_the_admin_lists_no_conversations(staff):
    index = client_for(staff).get(reverse("admin:index")).content.decode()
    assert "/admin/groups/membership/" in index
    assert "/admin/groups/message/" not in index
