"""Root URLs. Pages live under a language prefix (/en/, /es/); the API, health probe and
static files do not."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from waypoint.api import api
from waypoint.core import views as core_views
from waypoint.meetings import views as meetings_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # The Meeting Guide feed other meeting apps read: one address, no language prefix.
    path("meetings/feed.json", meetings_views.feed_json, name="meetings_feed"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    # Service worker and web app manifest must be served from the site root.
    path("", include("waypoint.guide.root_urls")),
]

urlpatterns += i18n_patterns(
    path("", include("waypoint.core.urls")),
    path("account/", include("waypoint.accounts.urls")),
    path("treatment/", include("waypoint.directory.urls")),
    path("check/", include("waypoint.screening.urls")),
    path("guide/", include("waypoint.guide.urls")),
    path("meetings/", include("waypoint.meetings.urls")),
    prefix_default_language=True,
)
