"""The public JSON API at /api/v1/ (OpenAPI document at /api/v1/openapi.json).

Each app contributes a django-ninja Router from its own ``api.py``; this module only
mounts them, gives every error one shape (``waypoint.core.apierrors``) and declares the
access policy of ninja's own views. Every operation declares its own policy with
``waypoint.core.access.api_access`` and is rate limited per client (API_RATE_LIMIT).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import URLPattern
from ninja import NinjaAPI

from waypoint.accounts.clientaddr import ClientAddressRateThrottle
from waypoint.availability.api import router as availability_router
from waypoint.availability.api import staff_router as availability_staff_router
from waypoint.core import apierrors
from waypoint.core.access import ACCESS_ATTRIBUTE, Policy
from waypoint.directory.api import router as directory_router
from waypoint.guide.api import router as guide_router
from waypoint.handoff.api import me_router as handoff_me_router
from waypoint.handoff.api import staff_router as handoff_staff_router
from waypoint.journal.api import router as journal_router
from waypoint.meetings.api import router as meetings_router
from waypoint.recovery.api import router as recovery_router
from waypoint.screening.api import router as screening_router

api = NinjaAPI(
    title="Waypoint API",
    version="1",
    description=(
        "Treatment facilities, support meetings, self-check instruments and guide articles. "
        'Every error has one shape: {"detail": [{"loc": [...], "msg": "...", "type": "..."}]}.'
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    # The bundled Swagger page loads scripts from a CDN, which Waypoint never does.
    docs_url=None,
    # Per client address, believing X-Forwarded-For only from TRUSTED_PROXIES.
    throttle=[ClientAddressRateThrottle(settings.API_RATE_LIMIT)],
)
apierrors.install(api)
api.add_router("/facilities", directory_router)
api.add_router("/instruments", screening_router)
api.add_router("/articles", guide_router)
api.add_router("/meetings", meetings_router)
# The person's own recovery data: /me/profile, /me/checkins, /me/lapses, /me/recovery.
api.add_router("/me", recovery_router)
# The person's private journal: /me/journal, /me/journal/{id}.
api.add_router("/me/journal", journal_router)
# The open feed of facilities' current availability (public, for other directories).
api.add_router("/availability", availability_router)
# The person's own requests to be called: /me/handoffs, /me/handoffs/{id}.
api.add_router("/me/handoffs", handoff_me_router)
# A facility's staff (two-step sign-in): /staff/facilities/{id}/availability and /handoffs.
api.add_router("/staff/facilities", availability_staff_router)
api.add_router("/staff/facilities", handoff_staff_router)

# The URL patterns, built once. ninja's own two views (the OpenAPI document and the API
# root) are public; the operations carry their policies on their functions.
api_urls = api.urls
for _pattern in api_urls[0]:
    if isinstance(_pattern, URLPattern) and _pattern.name in {"openapi-json", "api-root"}:
        setattr(_pattern, ACCESS_ATTRIBUTE, Policy.PUBLIC)
