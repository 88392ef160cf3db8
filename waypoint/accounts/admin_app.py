"""The admin app, with Waypoint's admin site as its default site.

Kept apart from ``admin_site.py``: Django imports this module while it is still loading
apps, before models may be imported.
"""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "waypoint.accounts.admin_site.WaypointAdminSite"
