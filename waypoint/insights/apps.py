from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "waypoint.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from waypoint.core import today
        from waypoint.insights import display, mydata

        mydata.register_all()
        today.register(key="insights.warning", provider=display.today_notice)
