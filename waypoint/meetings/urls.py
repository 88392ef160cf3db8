"""Meeting finder pages under /<lang>/meetings/ (the feed is also served unprefixed at
/meetings/feed.json by the root URLconf)."""

from django.urls import path

from waypoint.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.search, name="search"),
    path("calendar.ics", views.search_ics, name="search_ics"),
    path("feed.json", views.feed_json, name="feed"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/meeting.ics", views.meeting_ics, name="ics"),
]
