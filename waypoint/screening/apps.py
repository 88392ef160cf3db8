from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "waypoint.screening"
    label = "screening"

    def ready(self) -> None:
        from waypoint.core import userdata
        from waypoint.screening import services
        from waypoint.screening.decision import rules
        from waypoint.screening.engine import instruments

        userdata.register(
            key="screening.results",
            label=_("Saved self-check results"),
            exporter=services.results_export_for_user,
            deleter=services.results_delete_for_user,
        )
        # Load and check every definition at start-up: a broken file fails here, loudly,
        # rather than in front of a person.
        instruments()
        rules()
