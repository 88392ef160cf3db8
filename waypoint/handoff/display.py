"""How a request reads: the same list of items on the consent page (before it is sent), in
the staff's inbox and on the person's own page, so what the person agreed to send is exactly
what the facility sees; and the status in the person's words."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import HandoffRequest


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    value: str
    # The self-check summary keeps its line breaks.
    block: bool = False


def stored_language(call_language: str, other_language: str = "") -> str:
    """What is stored for the call's language: "en", "es", or "other:<their words>"."""
    if call_language == "other":
        return f"other:{other_language}"
    return call_language


def language_label(stored: str | None) -> str:
    if not stored:
        return ""
    if stored.startswith("other:"):
        return stored.removeprefix("other:")
    return {"en": _("English"), "es": _("Spanish")}.get(stored, stored)


def voicemail_label(value: str | None) -> str:
    if value == "yes":
        return _("Yes, you may leave a voice message.")
    if value == "no":
        return _("No. Do not leave a message: only talk to them.")
    return ""


def items(
    *,
    first_name: str | None,
    phone: str | None,
    call_times: str | None,
    call_language: str | None,
    voicemail: str | None,
    summary: str | None,
) -> list[Item]:
    """Only what is there, in a fixed order."""
    found = [
        Item("first_name", _("First name or nickname"), first_name or ""),
        Item("phone", _("Phone number"), phone or ""),
        Item("call_times", _("Good times to call"), call_times or ""),
        Item("call_language", _("Language for the call"), language_label(call_language)),
        Item("voicemail", _("Voice message"), voicemail_label(voicemail)),
        Item("summary", _("Self-check summary"), summary or "", block=True),
    ]
    return [item for item in found if item.value]


def items_of(handoff: HandoffRequest) -> list[Item]:
    """A stored request's items (decrypts them); empty once erased."""
    if handoff.erased_at is not None:
        return []
    return items(
        first_name=handoff.first_name,
        phone=handoff.phone,
        call_times=handoff.call_times,
        call_language=handoff.call_language,
        voicemail=handoff.voicemail,
        summary=handoff.summary,
    )


def kinds_of(handoff: HandoffRequest) -> list[str]:
    """The names of what was sent, without the values (for the private-link page)."""
    labels = {
        "first_name": _("a first name or nickname"),
        "phone": _("a phone number"),
        "call_times": _("good times to call"),
        "call_language": _("a language"),
        "voicemail": _("whether they may leave a voice message"),
        "summary": _("a self-check summary"),
    }
    return [str(labels[name]) for name in handoff.sent_items]


def status_for_person(handoff: HandoffRequest) -> str:
    name = handoff.facility.name if handoff.facility else _("The place")
    reason = handoff.closed_reason
    if handoff.status == HandoffRequest.Status.CLOSED:
        if reason == HandoffRequest.ClosedReason.WITHDRAWN:
            return _("You took this request back. What you sent is erased.")
        if reason == HandoffRequest.ClosedReason.EXPIRED:
            return _("This request has ended. What you sent is erased.")
        if reason == HandoffRequest.ClosedReason.FACILITY_GONE:
            return _("This place is no longer listed. What you sent is erased.")
        return _("%(name)s closed this request. What you sent is erased.") % {"name": name}
    if handoff.status == HandoffRequest.Status.CONTACTED:
        return _("%(name)s says they reached you.") % {"name": name}
    if handoff.status == HandoffRequest.Status.UNREACHABLE:
        return _("%(name)s tried to call you but could not reach you. They may try again.") % {"name": name}
    if handoff.seen_at:
        return _("%(name)s has seen your request.") % {"name": name}
    return _("Sent. Waiting for %(name)s to see it.") % {"name": name}


def status_for_staff(handoff: HandoffRequest) -> str:
    if handoff.status == HandoffRequest.Status.CLOSED:
        return str(handoff.get_closed_reason_display())
    return str(handoff.get_status_display())
