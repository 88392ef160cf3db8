"""The operator's endpoints: readiness for the proxy and metrics for Prometheus."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from waypoint.core.access import NotAllowed


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when this process may take traffic; 503 naming what is not ready."""
    from waypoint.core import readiness

    failing = readiness.problems()
    if failing:
        return JsonResponse({"status": "not ready", "failing": sorted(failing), "errors": failing}, status=503)
    return JsonResponse({"status": "ready"})


def _token_matches(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return False
    supplied = request.headers.get("Authorization", "")
    return hmac.compare_digest(supplied.encode("utf-8"), f"Bearer {token}".encode())


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format, for a scraper holding METRICS_TOKEN. Without it (or with
    no token configured) the answer is the ordinary 404: nothing says the page exists."""
    if not _token_matches(request):
        raise NotAllowed()
    from prometheus_client import CONTENT_TYPE_LATEST

    from waypoint.core.metrics import exposition

    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
