"""Forms of the group pages (thin: the rules are in the services)."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.utils.translation import gettext_lazy as _

from waypoint.groups import services
from waypoint.groups.models import Membership, Report
from waypoint.groups.moderation import MUTE_CHOICES_MINUTES

CODE_RE = re.compile(r"[A-Za-z0-9_-]{6,32}")


class GroupForm(forms.Form):
    name = forms.CharField(
        label=_("Group name"),
        max_length=services.NAME_MAX,
        help_text=_("Only members see it. It never appears in a link."),
    )
    size_limit = forms.IntegerField(label=_("Most members"), min_value=2)
    agreement = forms.CharField(
        label=_("Group agreement"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=services.AGREEMENT_MAX,
        help_text=_("Everyone accepts it when they join. If you change it, members accept it again."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        size = cast(forms.IntegerField, self.fields["size_limit"])
        size.max_value = settings.GROUPS_MAX_MEMBERS
        size.validators.append(MaxValueValidator(settings.GROUPS_MAX_MEMBERS))
        size.widget.attrs["max"] = settings.GROUPS_MAX_MEMBERS
        size.help_text = _("Between 2 and %(high)d. Small groups work best.") % {"high": settings.GROUPS_MAX_MEMBERS}


class GroupCreateForm(GroupForm):
    display_name = forms.CharField(
        label=_("Your name in this group"),
        max_length=services.DISPLAY_NAME_MAX,
        help_text=_("A first name or a nickname. It does not have to be your real name."),
    )
    field_order = ["name", "display_name", "size_limit", "agreement"]


class JoinCodeForm(forms.Form):
    code = forms.CharField(label=_("Invite code or link"), max_length=300)

    def clean_code(self) -> str:
        value = self.cleaned_data["code"].strip().rstrip("/")
        # A pasted link: the code is its last part.
        value = value.rsplit("/", 1)[-1]
        if not CODE_RE.fullmatch(value):
            raise forms.ValidationError(_("That does not look like an invite code."))
        return value


class JoinForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name in this group"),
        max_length=services.DISPLAY_NAME_MAX,
        help_text=_("A first name or a nickname. It does not have to be your real name."),
    )
    accept = forms.BooleanField(label=_("I have read the group agreement and I accept it."), required=True)


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 3}))
    ref = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        text = cast(forms.CharField, self.fields["text"])
        text.max_length = settings.GROUPS_MESSAGE_MAX_CHARS
        text.validators.append(MaxLengthValidator(settings.GROUPS_MESSAGE_MAX_CHARS))
        text.widget.attrs["maxlength"] = settings.GROUPS_MESSAGE_MAX_CHARS


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=Report.Reason.choices, widget=forms.RadioSelect)


class MembershipForm(forms.Form):
    display_name = forms.CharField(label=_("Your name in this group"), max_length=services.DISPLAY_NAME_MAX)
    share_checkin = forms.BooleanField(label=_("Whether I checked in today"), required=False)
    share_days = forms.BooleanField(label=_("My days in recovery"), required=False)
    share_mood = forms.BooleanField(label=_("My mood today"), required=False)
    share_struggling = forms.BooleanField(label=_("When I pressed “I'm struggling” today"), required=False)


class LeaveForm(forms.Form):
    erase = forms.BooleanField(
        label=_("Also delete my messages in this group"),
        required=False,
        help_text=_("They stay in the conversation as “message deleted”, without your words."),
    )


class InviteForm(forms.Form):
    max_uses = forms.IntegerField(
        label=_("How many people may use it"),
        required=False,
        min_value=1,
        help_text=_("Leave empty for anyone with the code, until it expires."),
    )


class TransferForm(forms.Form):
    member = forms.TypedChoiceField(label=_("New facilitator"), coerce=int)

    def __init__(self, *args: Any, members: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["member"]).choices = [(m.pk, m.display_name) for m in members]


class MuteForm(forms.Form):
    minutes = forms.TypedChoiceField(
        label=_("Pause for"),
        coerce=int,
        choices=[
            (MUTE_CHOICES_MINUTES[0], _("1 hour")),
            (MUTE_CHOICES_MINUTES[1], _("1 day")),
            (MUTE_CHOICES_MINUTES[2], _("1 week")),
        ],
    )
