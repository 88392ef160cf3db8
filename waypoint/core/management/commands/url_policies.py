"""Lists every URL (pages, API operations, WebSocket routes) with its declared access policy."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from waypoint.core.urlwalk import all_routes, undeclared


class Command(BaseCommand):
    help = "List every URL with the access policy it declares; fail if any declares none."

    def handle(self, *args: Any, **options: Any) -> None:
        routes = all_routes()
        for route in routes:
            policy = route.policy.value if route.policy else "UNDECLARED"
            self.stdout.write(f"{policy:15} {route.label}  {route.view_name}")
        missing = undeclared(routes)
        if missing:
            raise CommandError(f"{len(missing)} URL(s) declare no access policy.")
        self.stdout.write(self.style.SUCCESS(f"{len(routes)} URLs, every one with a declared policy."))
