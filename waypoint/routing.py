"""WebSocket routes. Each consumer declares its access policy (waypoint.core.access) and
goes through the same session sign-in as pages; the walker in
waypoint/core/tests/test_access_policies.py checks every route with every persona.
Apps with realtime features add their routes here (docs/realtime.md)."""

from django.urls import path

from waypoint.core.realtime import MyEventsConsumer
from waypoint.groups.consumers import GroupConsumer

websocket_urlpatterns = [
    path("ws/me/", MyEventsConsumer.as_asgi(), name="ws_me"),
    path("ws/groups/<int:group_id>/", GroupConsumer.as_asgi(), name="ws_group"),
]
