"""The operator's e-mail when someone asks to manage a listing: only that one is waiting,
with the admin's address. The person's name and e-mail stay in the admin, behind two-step
sign-in; an e-mail may sit in many inboxes and backups."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from .models import FacilityStaff


def operator_notice_send() -> int:
    """E-mails OPERATOR_EMAIL how many requests wait; returns that number (0: no e-mail)."""
    if not settings.OPERATOR_EMAIL:
        return 0
    waiting = FacilityStaff.objects.filter(status=FacilityStaff.Status.REQUESTED).count()
    if not waiting:
        return 0
    path = reverse("admin:availability_facilitystaff_changelist") + "?status__exact=requested"
    send_mail(
        subject="Waypoint: a request to manage a listing is waiting",
        message=(
            f"{waiting} request(s) to manage a facility listing wait for your check.\n\n"
            f"Open them in the admin: {path}\n\n"
            "Check each person by calling the phone number on the listing (not the one they gave), "
            "record how you checked, then approve or decline.\n"
        ),
        from_email=None,
        recipient_list=[settings.OPERATOR_EMAIL],
    )
    return waiting
