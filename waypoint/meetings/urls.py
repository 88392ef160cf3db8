"""Meeting finder pages under /<lang>/meetings/ (the feed is also served unprefixed at
/meetings/feed.json by the root URLconf)."""

from django.urls import path

from waypoint.core.access import Policy, page_access
from waypoint.meetings import views

# The finder is for anyone; a results id is bound to the browser that searched.
public = page_access(Policy.PUBLIC)

app_name = "meetings"

urlpatterns = [
    path("", public(views.search), name="search"),
    # A search's results and calendar files behind a random id (waypoint.core.stash).
    path("results/<str:key>/", public(views.results), name="results"),
    path("results/<str:key>/calendar.ics", public(views.results_ics), name="results_ics"),
    path("feed.json", public(views.feed_json), name="feed"),
    path("<int:pk>/", public(views.detail), name="detail"),
    path("<int:pk>/meeting.ics", public(views.meeting_ics), name="ics"),
]
