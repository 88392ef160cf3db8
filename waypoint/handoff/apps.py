from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoffConfig(AppConfig):
    name = "waypoint.handoff"
    label = "handoff"
    verbose_name = _("Requests to be called")

    def ready(self) -> None:
        from waypoint.handoff import mydata

        mydata.register_all()
