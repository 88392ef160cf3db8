from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "waypoint.groups"
    label = "groups"
    verbose_name = _("Peer groups")

    def ready(self) -> None:
        from waypoint.core import userdata
        from waypoint.groups import checks, events, mydata  # noqa: F401  (declares checks and event types)

        userdata.register_shared(
            key="groups.messages",
            label=_("Your messages in groups"),
            exporter=mydata.messages_export,
            eraser=mydata.messages_erase,
        )
        userdata.register(
            key="groups.memberships",
            label=_("Your groups"),
            exporter=mydata.memberships_export,
            deleter=mydata.memberships_delete,
        )
