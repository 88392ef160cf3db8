"""The e-mail to a facility's staff when a request arrives: that one is waiting, and a link
to the inbox. No name, no number, no word about health or treatment — e-mail shows on lock
screens and sits in shared work mailboxes. At most one e-mail per staff member every
NOTIFY_QUIET_MINUTES (the inbox shows everything that came in meanwhile), claimed by a
conditional UPDATE so two task consumers never send the same notice twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waypoint.availability.models import FacilityStaff
from waypoint.availability.selectors import notice_recipients

NOTIFY_QUIET_MINUTES = 10


def staff_notify(*, facility_id: int, origin: str, now: datetime | None = None) -> int:
    """E-mails each active staff member of the facility who wants notices; returns how many."""
    now = now or timezone.now()
    quiet = now - timedelta(minutes=NOTIFY_QUIET_MINUTES)
    sent = 0
    for staff in notice_recipients(facility_id=facility_id):
        claimed = (
            FacilityStaff.objects.filter(pk=staff.pk)
            .filter(Q(notified_at__isnull=True) | Q(notified_at__lt=quiet))
            .update(notified_at=now)
        )
        if not claimed:
            continue
        with translation.override(staff.language or "en"):
            link = origin.rstrip("/") + reverse("handoff:inbox", args=[facility_id])
            message = EmailMessage(
                subject=_("Waypoint: a new request is waiting"),
                body=_(
                    "Hello,\n\nA new request is waiting for you on Waypoint.\n\nOpen your inbox: %(link)s\n\n"
                    "You will sign in with your code. This e-mail says nothing more on purpose.\n"
                )
                % {"link": link},
                to=[staff.work_email],
            )
        try:
            message.send()
        except Exception:
            # Let a retry (or the next request) send it.
            FacilityStaff.objects.filter(pk=staff.pk, notified_at=now).update(notified_at=staff.notified_at)
            raise
        sent += 1
    return sent
