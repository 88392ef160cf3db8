from django.urls import path

from waypoint.core.access import Policy, page_access

from . import views

# The locator is for anyone. A results id is bound to the browser that searched
# (waypoint.core.stash): another browser gets the "search ended" page.
public = page_access(Policy.PUBLIC)

app_name = "directory"

urlpatterns = [
    path("", public(views.search), name="search"),
    # A search's results behind a random id (waypoint.core.stash): no filter in the URL.
    path("results/<str:key>/", public(views.results), name="results"),
    path("<int:facility_id>/", public(views.facility), name="facility"),
    path("<int:facility_id>/report/", public(views.report), name="report"),
]
