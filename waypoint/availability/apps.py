from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AvailabilityConfig(AppConfig):
    name = "waypoint.availability"
    label = "availability"
    verbose_name = _("Facility staff and availability")

    def ready(self) -> None:
        from waypoint.availability import mydata

        mydata.register_all()
