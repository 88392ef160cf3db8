from django.urls import path

from waypoint.core.access import Policy, page_access
from waypoint.reminders import views

# The signed-in person's own settings and devices: no id to guess.
signed_in = page_access(Policy.SIGNED_IN)
# One reminder or device of one person, named by id: reached only through its chokepoint.
owner = page_access(Policy.OWNER)

app_name = "reminders"

urlpatterns = [
    path("", signed_in(views.settings_page), name="settings"),
    path("devices/subscribe/", signed_in(views.device_subscribe), name="device_subscribe"),
    path("devices/unsubscribe/", signed_in(views.device_unsubscribe), name="device_unsubscribe"),
    path("devices/<int:subscription_id>/remove/", owner(views.device_remove), name="device_remove"),
    path("test/", signed_in(views.test_send), name="test"),
    path("<int:reminder_id>/snooze/", owner(views.snooze), name="snooze"),
]
