#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")
    # `make run` marks a checkout as a local, loopback-only demo (var/local-demo): the
    # commands the README shows, typed later in another shell, then run as part of that
    # demo (settings.LOCAL_DEMO) instead of stopping at the production checks.
    var = Path(os.environ.get("WAYPOINT_VAR_DIR") or Path(__file__).resolve().parent / "var")
    if (var / "local-demo").is_file():
        os.environ.setdefault("LOCAL_DEMO", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
