from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "waypoint.guide"
    label = "guide"
