from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "waypoint.core"
    label = "core"
    verbose_name = "Waypoint core"

    def ready(self) -> None:
        # Registers the deployment safety checks with Django's check framework.
        from waypoint.core import checks  # noqa: F401
