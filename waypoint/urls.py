"""Root URLs. Pages live under a language prefix (/en/, /es/); the API, health probe and
static files do not."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from waypoint.api import api_urls
from waypoint.core import opsviews as ops_views
from waypoint.core import views as core_views
from waypoint.core.access import Policy, declare_include, page_access
from waypoint.meetings import views as meetings_views

public = page_access(Policy.PUBLIC)

# Every pattern declares who may use it (waypoint.core.access); the test in
# waypoint/core/tests/test_access_policies.py fails on any that does not.
urlpatterns = [
    path("healthz", public(core_views.healthz), name="healthz"),
    # Readiness for the proxy (migrations applied, keys open the data, task queue answers).
    path("readyz", public(ops_views.readyz), name="readyz"),
    # Prometheus metrics hold nothing about anyone, so no person's policy applies; a scraper
    # must present METRICS_TOKEN, checked in the view (anyone else gets the ordinary 404).
    path("metrics", public(ops_views.metrics), name="metrics"),
    # The Meeting Guide feed other meeting apps read: one address, no language prefix.
    path("meetings/feed.json", public(meetings_views.feed_json), name="meetings_feed"),
    # Each API operation declares its own policy (waypoint.core.access.api_access).
    path("api/v1/", api_urls),
    # The admin's own views check staff; the policy says staff who passed two-step sign-in.
    declare_include(path("admin/", admin.site.urls), Policy.STAFF),
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
    path("groups/", include("waypoint.groups.urls")),
    # After core: core's own "recovery/" page is the door to these.
    path("recovery/", include("waypoint.recovery.urls")),
    path("insights/", include("waypoint.insights.urls")),
    path("journal/", include("waypoint.journal.urls")),
    path("reminders/", include("waypoint.reminders.urls")),
    # Facility staff: today's availability, the team, the log (waypoint/availability).
    path("facility-staff/", include("waypoint.availability.urls")),
    # Asking a place to call you, and the facility's inbox (waypoint/handoff).
    path("callback/", include("waypoint.handoff.urls")),
    prefix_default_language=True,
)
