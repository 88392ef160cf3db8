from django.urls import path

from waypoint.core.access import Policy, page_access
from waypoint.guide import views

public = page_access(Policy.PUBLIC)

app_name = "guide"

urlpatterns = [
    path("", public(views.index), name="index"),
    # A search's words behind a random id (waypoint.core.stash): never in the URL.
    path("search/<str:key>/", public(views.results), name="results"),
    path("<slug:slug>/", public(views.article), name="article"),
]
