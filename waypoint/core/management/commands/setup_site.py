"""Loads every app's built-in content and demo data (idempotent; `make run` calls it).

An app takes part by providing ``waypoint/<app>/setup.py`` with
``load_builtin(*, stdout) -> None``, which must be safe to run again and again.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load built-in content and demo data of every Waypoint app (safe to repeat)."

    def handle(self, *args: Any, **options: Any) -> None:
        for config in apps.get_app_configs():
            if not config.name.startswith("waypoint."):
                continue
            try:
                module = import_module(f"{config.name}.setup")
            except ModuleNotFoundError as exc:
                if exc.name == f"{config.name}.setup":
                    continue
                raise
            self.stdout.write(f"{config.label}: loading built-in data")
            module.load_builtin(stdout=self.stdout)
