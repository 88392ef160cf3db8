from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "waypoint.reminders"
    label = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from waypoint.reminders import checks, mydata, tasks  # noqa: F401  (declares checks and tasks)

        mydata.register_all()
