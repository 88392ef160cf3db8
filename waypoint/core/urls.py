from django.urls import path

from waypoint.core import views
from waypoint.core.access import Policy, page_access

public = page_access(Policy.PUBLIC)

app_name = "core"

urlpatterns = [
    path("", public(views.home), name="home"),
    path("help/", public(views.get_help), name="get_help"),
    path("for-me/", public(views.for_me), name="for_me"),
    path("for-someone/", public(views.for_someone), name="for_someone"),
    path("recovery/", public(views.in_recovery), name="in_recovery"),
    path("about/", public(views.about), name="about"),
    path("discreet/", public(views.discreet_toggle), name="discreet"),
]
