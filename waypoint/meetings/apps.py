from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "waypoint.meetings"
    label = "meetings"
