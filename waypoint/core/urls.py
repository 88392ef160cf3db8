from django.urls import path

from waypoint.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.get_help, name="get_help"),
    path("for-me/", views.for_me, name="for_me"),
    path("for-someone/", views.for_someone, name="for_someone"),
    path("recovery/", views.in_recovery, name="in_recovery"),
    path("about/", views.about, name="about"),
    path("discreet/", views.discreet_toggle, name="discreet"),
]
