"""Reads of the reminders app: the person's settings, reminders and devices, and the
chokepoints for a reminder or a device named in a URL."""

from __future__ import annotations

from typing import Any

from waypoint.core.access import NotAllowed
from waypoint.reminders.models import PushSubscription, Reminder, ReminderSettings


def settings_for(*, user: Any) -> ReminderSettings | None:
    return ReminderSettings.objects.filter(user_id=user.pk).first()


def reminders_of(*, user: Any) -> list[Reminder]:
    return list(Reminder.objects.filter(user_id=user.pk).order_by("kind", "local_time", "id"))


def subscriptions_of(*, user: Any) -> list[PushSubscription]:
    return list(PushSubscription.objects.filter(user_id=user.pk).order_by("created_at", "id"))


def reminder_for_owner(*, user: Any, reminder_id: int) -> Reminder:
    reminder = Reminder.objects.filter(pk=reminder_id).first()
    if reminder is None:
        raise NotAllowed()
    if reminder.user_id != user.pk:
        raise NotAllowed()
    return reminder


def subscription_for_owner(*, user: Any, subscription_id: int) -> PushSubscription:
    subscription = PushSubscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        raise NotAllowed()
    if subscription.user_id != user.pk:
        raise NotAllowed()
    return subscription


def can_reach(*, user: Any) -> bool:
    """Whether anything would reach the person: a device that accepted notifications (with
    notifications chosen) or an e-mail address (with e-mail chosen)."""
    preference = settings_for(user=user)
    if preference is None:
        return False
    if preference.uses_push and PushSubscription.objects.filter(user_id=user.pk).exists():
        return True
    return bool(preference.uses_email and preference.email)
