from django.urls import path

from waypoint.core.access import Policy, page_access
from waypoint.insights import views

# The signed-in person's own insights: no ids in any path, nothing to guess.
signed_in = page_access(Policy.SIGNED_IN)

app_name = "insights"

urlpatterns = [
    path("", signed_in(views.index), name="index"),
    path("week/", signed_in(views.week), name="week"),
    path("settings/", signed_in(views.preferences), name="preferences"),
]
