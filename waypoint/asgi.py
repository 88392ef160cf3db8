"""ASGI entry point: HTTP through Django, WebSocket through Channels.

WebSocket routes live in ``waypoint/routing.py``.
"""

import os

from waypoint.core.handler import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")
# Django must be set up before anything imports models (consumers, auth middleware).
# Django's ASGI handler with each request's sync work in one hop on a pooled thread
# (waypoint/core/handler.py: several times the requests a second of the stock one).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from waypoint.core.metrics import count_websockets  # noqa: E402
from waypoint.core.realtime import SameSiteOriginValidator  # noqa: E402
from waypoint.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Counted for /metrics (open connections by route name; waypoint/core/metrics.py).
        "websocket": count_websockets(SameSiteOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))),
    }
)
