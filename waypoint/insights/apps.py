from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "waypoint.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from waypoint.insights import mydata

        mydata.register_all()
