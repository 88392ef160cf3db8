from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecoveryConfig(AppConfig):
    name = "waypoint.recovery"
    label = "recovery"
    verbose_name = _("Recovery companion")

    def ready(self) -> None:
        from waypoint.recovery import mydata

        mydata.register_all()
