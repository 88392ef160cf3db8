#!/bin/sh
# The container's one entry point (deploy/Containerfile): the same commands as the systemd
# units in deploy/systemd, one process per container.
#   web      a uvicorn worker on 0.0.0.0:$PORT (8000); run several containers for more
#   tasks    the task consumer (one per deployment: it flushes locks a killed one left)
#   migrate  settings check, migrations and static files; run it before web and tasks
#   manage   any manage.py command: manage backup /backups/, manage createsuperuser ...
set -eu
cd "$(dirname "$0")/../.."
python=.venv/bin/python

case "${1:-web}" in
web)
    # X-Forwarded-For is believed only from TRUSTED_PROXIES (the proxy's address or
    # network); with none set, from nobody (scripts/serve.py does the same).
    if [ -n "${TRUSTED_PROXIES:-}" ]; then
        set -- --proxy-headers --forwarded-allow-ips "$TRUSTED_PROXIES"
    else
        set -- --no-proxy-headers
    fi
    exec "$python" -m uvicorn waypoint.asgi:application --host "${HOST:-0.0.0.0}" --port "${PORT:-8000}" --workers 1 --no-access-log "$@" --log-config deploy/uvicorn-logging.json --ws-max-size 65536 --timeout-graceful-shutdown 20
    ;;
tasks)
    exec "$python" manage.py run_huey --flush-locks
    ;;
migrate)
    "$python" manage.py check --deploy --database default
    "$python" manage.py migrate --noinput
    exec "$python" manage.py collectstatic --noinput --verbosity 0
    ;;
manage)
    shift
    exec "$python" manage.py "$@"
    ;;
*)
    echo "usage: entrypoint.sh web | tasks | migrate | manage COMMAND [ARGS...]" >&2
    exit 64
    ;;
esac
