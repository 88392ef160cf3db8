from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "waypoint.accounts"
    label = "accounts"

    def ready(self) -> None:
        from waypoint.accounts import services, tokens
        from waypoint.core import userdata

        userdata.register(
            key="accounts.account",
            label=_("Your account"),
            exporter=services.account_data_export,
            deleter=services.account_data_delete,
        )
        userdata.register(
            key="accounts.tokens",
            label=_("Access tokens for apps"),
            exporter=tokens.tokens_export,
            deleter=tokens.tokens_delete,
        )
