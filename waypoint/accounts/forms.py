"""Forms for accounts. Errors name the field and say what to do; none reveals whether a
username exists (except sign-up, which must say a name is taken)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from waypoint.accounts.models import User, username_fold
from waypoint.accounts.services import USERNAME_RE


def _username_field() -> forms.CharField:
    return forms.CharField(
        label=_("Username"),
        max_length=30,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
    )


def _password_field(label: Any, autocomplete: str = "current-password") -> forms.CharField:
    return forms.CharField(label=label, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}))


def _code_field() -> forms.CharField:
    return forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class AccountForm(forms.Form):
    """Base of every form here: labels without a trailing colon (read aloud cleanly)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class NewPasswordMixin(AccountForm):
    """Two password fields that must match and pass the password rules."""

    new_password1 = _password_field(_("New password"), "new-password")
    new_password2 = _password_field(_("New password again"), "new-password")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords are not the same. Type the same password twice."))
        elif first:
            try:
                validate_password(first, self.password_user())
            except ValidationError as error:
                self.add_error("new_password1", error)
        return data

    def password_user(self) -> User | None:
        return None


class SignupForm(NewPasswordMixin):
    username = _username_field()
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Only if you want it. We never need it, and we never send you mail you did not ask for."),
    )
    field_order = ["username", "new_password1", "new_password2", "email"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = _(
            "Pick a name that does not identify you: not your real name or e-mail. "
            "3 to 30 characters: small letters a-z, numbers, dot, dash or underscore."
        )
        self.fields["new_password1"].label = _("Password")
        self.fields["new_password1"].help_text = password_validators_help_text_html()
        self.fields["new_password2"].label = _("Password again")

    def clean_username(self) -> str:
        username = username_fold(self.cleaned_data["username"])
        if not USERNAME_RE.match(username):
            raise ValidationError(
                _("Use 3 to 30 characters: letters a-z, numbers, dot, dash or underscore. No spaces or @.")
            )
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken. Please pick another one."))
        return username

    def password_user(self) -> User | None:
        return User(username=self.cleaned_data.get("username", ""), email=self.cleaned_data.get("email", ""))


class LoginForm(AccountForm):
    username = _username_field()
    password = _password_field(_("Password"))

    def clean_username(self) -> str:
        return username_fold(str(self.cleaned_data["username"]))


class SecondFactorForm(AccountForm):
    code = _code_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _(
            "The 6-digit code from your authenticator app, or one of your recovery codes."
        )


class ResetWithCodeForm(NewPasswordMixin):
    username = _username_field()
    code = _code_field()
    field_order = ["username", "code", "new_password1", "new_password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Recovery code")
        self.fields["code"].help_text = _("One of the codes you saved when you signed up, like ABCD-EFGH-JKMN.")

    def clean_username(self) -> str:
        return username_fold(str(self.cleaned_data["username"]))


class PasswordCheckForm(AccountForm):
    """Asks for the current password before a sensitive change."""

    password = _password_field(_("Your current password"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        # Set when the password typed was checked and wrong: only that counts towards the
        # sign-in limits, not a form refused for another reason.
        self.wrong_secret = False
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            self.wrong_secret = True
            raise ValidationError(_("That is not your current password."))
        return password


class PasswordChangeForm(NewPasswordMixin, PasswordCheckForm):
    field_order = ["password", "new_password1", "new_password2"]

    def password_user(self) -> User | None:
        return self.user


class TotpConfirmForm(AccountForm):
    code = _code_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("6-digit code from your app")


class TotpDisableForm(PasswordCheckForm):
    code = _code_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("6-digit code from your app, or a recovery code")


class DeleteAccountForm(PasswordCheckForm):
    confirm = forms.CharField(label=_("Type DELETE to confirm"), max_length=20)

    def __init__(self, *args: Any, needs_code: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected_word = str(_("DELETE"))
        if needs_code:
            self.fields["code"] = _code_field()
            self.fields["code"].label = _("6-digit code from your app, or a recovery code")
        self.order_fields(["password", "code", "confirm"])

    def clean_confirm(self) -> str:
        value = str(self.cleaned_data["confirm"]).strip()
        if value.upper() != self.expected_word.upper():
            raise ValidationError(
                _("Type the word %(word)s to confirm."), params={"word": self.expected_word}, code="confirm"
            )
        return value
