"""`make run`'s server: the web server (uvicorn) and the task consumer (huey) together.

Both run as child processes of this one; Ctrl+C (or SIGTERM) stops both, and if either
dies the other is stopped too, so a half-running Waypoint never lingers. In production
each runs as its own service instead (docs/operations.md).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def proxy_args(trusted_proxies: list[str]) -> list[str]:
    """uvicorn's flags for forwarded headers. uvicorn believes X-Forwarded-For from
    127.0.0.1 unless told otherwise, and any client can write that header, so: believed
    only from the proxies in TRUSTED_PROXIES, and from nobody when it is empty."""
    if not trusted_proxies:
        return ["--no-proxy-headers"]
    return ["--proxy-headers", "--forwarded-allow-ips", ",".join(trusted_proxies)]


def trusted_proxies() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from waypoint.env import env_list

    return env_list("TRUSTED_PROXIES")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--workers", default="1")
    args = parser.parse_args()

    python = sys.executable
    web = [
        python, "-m", "uvicorn", "waypoint.asgi:application",
        "--host", args.host, "--port", str(args.port), "--workers", str(args.workers),
        "--no-access-log", *proxy_args(trusted_proxies()),
    ]  # fmt: skip
    tasks = [python, "manage.py", "run_huey", "--flush-locks"]
    children = [subprocess.Popen(cmd, cwd=ROOT) for cmd in (web, tasks)]  # noqa: S603 - our own commands

    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    while not stopping:
        for child in children:
            if child.poll() is not None:
                code = child.returncode or 0
                stopping = True
        time.sleep(0.2)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM if os.name == "posix" else signal.SIGINT)
    deadline = time.monotonic() + 10
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    return code


if __name__ == "__main__":
    sys.exit(main())
