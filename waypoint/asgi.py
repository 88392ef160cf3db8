"""ASGI entry point: HTTP through Django, WebSocket through Channels.

WebSocket routes live in ``waypoint/routing.py``.
"""

import os
from typing import Any

from waypoint.core.handler import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")
# Django must be set up before anything imports models (consumers, auth middleware).
# Django's ASGI handler with each request's sync work in one hop on a pooled thread
# (waypoint/core/handler.py: several times the requests a second of the stock one).
django_asgi_app = get_asgi_application()

from asgiref.sync import sync_to_async  # noqa: E402
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from waypoint.accounts.tokens import write_used_stamps  # noqa: E402
from waypoint.core.metrics import count_websockets  # noqa: E402
from waypoint.core.realtime import SameSiteOriginValidator  # noqa: E402
from waypoint.routing import websocket_urlpatterns  # noqa: E402


async def lifespan(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The server process's start and stop (ASGI lifespan). At the stop, what the process
    still holds in memory is written: tokens' last-use times (waypoint/accounts/tokens.py).
    uvicorn ends its workers by re-raising the stop signal, so an exit hook would not run."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await sync_to_async(write_used_stamps, thread_sensitive=False)()
            await send({"type": "lifespan.shutdown.complete"})
            return


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "lifespan": lifespan,
        # Counted for /metrics (open connections by route name; waypoint/core/metrics.py).
        "websocket": count_websockets(SameSiteOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))),
    }
)
