"""Built-in data for `manage.py setup_site`: the service-code table, and the demo
directory when the directory is empty (fast and idempotent)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .demo import demo_load
from .models import Facility
from .services import code_table_load


def load_builtin(*, stdout: Any) -> None:
    count = code_table_load()
    stdout.write(f"  {count} service codes")
    if Facility.objects.exists():
        return
    created = demo_load(now=timezone.now())
    stdout.write(f"  {created} demo facilities (demo data — not real facilities)")
