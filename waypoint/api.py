"""The public JSON API at /api/v1/ (OpenAPI document at /api/v1/openapi.json).

Each app contributes a django-ninja Router from its own ``api.py``; this module only
mounts them. Every endpoint is rate limited per client (API_RATE_LIMIT).
"""

from __future__ import annotations

from django.conf import settings
from ninja import NinjaAPI
from ninja.throttling import AnonRateThrottle

from waypoint.directory.api import router as directory_router
from waypoint.guide.api import router as guide_router
from waypoint.meetings.api import router as meetings_router
from waypoint.screening.api import router as screening_router

api = NinjaAPI(
    title="Waypoint API",
    version="1",
    description="Treatment facilities, support meetings, self-check instruments and guide articles.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    # The bundled Swagger page loads scripts from a CDN, which Waypoint never does.
    docs_url=None,
    throttle=[AnonRateThrottle(settings.API_RATE_LIMIT)],
)
api.add_router("/facilities", directory_router)
api.add_router("/instruments", screening_router)
api.add_router("/articles", guide_router)
api.add_router("/meetings", meetings_router)
