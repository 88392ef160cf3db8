from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    name = "waypoint.journal"
    label = "journal"
    verbose_name = _("Journal")

    def ready(self) -> None:
        from waypoint.journal import mydata

        mydata.register_all()
