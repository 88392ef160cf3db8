"""The production-like scale-out topology, booted on loopback for tests and benchmarks.

What runs (all on 127.0.0.1, on free ports, as the current user, files in one temp dir):

- **nginx** (Debian's package) with a config generated here — never the system's — proxying
  HTTP and the WebSocket upgrade to the web workers, and serving ``/static/``;
- **N uvicorn workers** (default 2), each its own process running
  ``waypoint.asgi:application``, so one can be SIGKILLed while the other serves;
- **PostgreSQL**: the machine's server at 127.0.0.1:5432, in a dedicated database
  ``scale_<pid>_<random>`` created, migrated (``manage.py migrate``) and dropped here;
- **Redis**: a redis-server of its own on a free port (no persistence), so restarting it
  never disturbs the machine's shared Redis that other tests use;
- **the task consumer**: ``manage.py run_huey``.

Settings are production's: DEBUG off, a generated SECRET_KEY and ENCRYPTION_KEYS,
ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, WEB_CONCURRENCY, TRUSTED_PROXIES (nginx).

Use it as a context manager; everything is stopped and the database dropped on exit,
failure and Ctrl+C included::

    with Topology() as topo:
        topo.url                 # http://127.0.0.1:<nginx port>
        topo.worker_url(1)       # one worker directly, bypassing nginx
        topo.kill_worker(0)      # SIGKILL; then topo.start_worker(0)
        topo.restart_redis()     # SIGKILL redis-server, start it again on its port
        topo.restart_tasks()     # stop and start the task consumer
        topo.shell("print(1)")   # manage.py shell -c, in the topology's environment

Every start, wait and stop is bounded in time; a failure raises TopologyError with the
tail of every service's log. CLI: ``python ops/topology.py up`` boots it and waits for
Ctrl+C (printing its addresses); ``python ops/topology.py check`` boots it, checks the
WebSocket path through nginx to each worker, and stops.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import ctypes
import grp
import http.client
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES_ADMIN_URL = os.environ.get("SCALE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE_PREFIX = "scale_"
# The header nginx adds to every proxied answer naming the worker that served it (only in
# this harness: it lets a client prove which worker its socket landed on).
UPSTREAM_HEADER = "X-Waypoint-Upstream"

# Settings the harness sets for every process; any inherited value (or its *_FILE form)
# is removed first, so a developer's shell cannot leak into the topology.
_OWN_SETTINGS = (
    "DEBUG",
    "LOCAL_DEMO",
    "SECRET_KEY",
    "ENCRYPTION_KEYS",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "WEB_CONCURRENCY",
    "TRUSTED_PROXIES",
    "HTTPS",
    "TRUST_X_FORWARDED_PROTO",
    "WAYPOINT_VAR_DIR",
    "LOG_LEVEL",
)

try:  # Linux: a child is SIGKILLed if the harness dies without cleaning up (kill -9, OOM).
    _PRCTL: Any = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # pragma: no cover - not Linux
    _PRCTL = None
_PR_SET_PDEATHSIG = 1


def _die_with_harness() -> None:  # runs in the child between fork and exec
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_stale_runs(log: Callable[[str], None]) -> None:
    """Cleans up after runs whose harness was killed outright (kill -9): its services died
    with it (death signal), except nginx's worker process, whose parent is nginx's master.
    Every process with a file open in such a run's work dir is killed; the dir is removed."""
    for folder in Path(tempfile.gettempdir()).glob("waypoint-topology-*"):
        try:
            pid = int((folder / "harness.pid").read_text())
        except (OSError, ValueError):
            continue
        if _alive(pid):
            continue
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                if any(os.readlink(fd).startswith(f"{folder}/") for fd in (proc / "fd").iterdir()):
                    log(f"killing pid {proc.name}, left by a killed run in {folder}")
                    os.kill(int(proc.name), signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)


class TopologyError(RuntimeError):
    """The topology could not start, or a service died; the message carries the logs."""


def free_ports(count: int) -> list[int]:
    """`count` distinct free TCP ports on 127.0.0.1 (held open together while picked)."""
    held = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            held.append(sock)
        return [sock.getsockname()[1] for sock in held]
    finally:
        for sock in held:
            sock.close()


def _port_open(port: int, timeout: float = 0.5) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=timeout):
        return True
    return False


def http_get(
    port: int, path: str, *, timeout: float = 2.0, host: str = "127.0.0.1"
) -> tuple[int, dict[str, str], bytes]:
    """A plain GET on loopback: (status, headers, body). Raises OSError when nothing answers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": f"{host}:{port}"})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@dataclass
class Service:
    """One process of the topology, with its command, environment and log file."""

    name: str
    cmd: list[str]
    log_path: Path
    env: dict[str, str] | None = None
    popen: subprocess.Popen[bytes] | None = None
    starts: int = 0
    expected_exit: bool = field(default=False)

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def start(self) -> None:
        if self.running():
            raise TopologyError(f"{self.name} is already running (pid {self.pid}).")
        self.starts += 1
        self.expected_exit = False
        with self.log_path.open("ab") as log:
            log.write(f"\n=== start #{self.starts} at {time.strftime('%H:%M:%S')}: {' '.join(self.cmd)}\n".encode())
            log.flush()
            # Its own session: a terminal's Ctrl+C reaches only the harness, which then stops
            # every service in order. Only the main thread may arm the death signal (Linux
            # sends it when the *thread* that forked exits).
            self.popen = subprocess.Popen(  # noqa: S603 - our own commands, no shell
                self.cmd,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_harness if threading.current_thread() is threading.main_thread() else None,
            )

    def send_signal(self, sig: int) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def stop(self, *, sig: int = signal.SIGTERM, timeout: float = 10.0) -> None:
        """Sends `sig` to the process group, waits up to `timeout`, then SIGKILLs it."""
        if self.popen is None:
            return
        self.expected_exit = True
        self.send_signal(sig)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.send_signal(signal.SIGKILL)
            self.popen.wait(timeout=5)
        # Anything the process left in its group (it has none today) goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def _default_log(started: float) -> Callable[[str], None]:
    def log(message: str) -> None:
        # Never raises: a closed stdout (piped into `head`) must not stop a cleanup.
        with contextlib.suppress(OSError, ValueError):
            print(f"[topology +{time.monotonic() - started:6.1f}s] {message}", flush=True)

    return log


class Topology:
    """nginx + `workers` uvicorn workers + PostgreSQL database + own Redis + task consumer."""

    def __init__(
        self,
        *,
        workers: int = 2,
        tasks: bool = True,
        keep: bool = False,
        log: Callable[[str], None] | None = None,
        startup_timeout: float = 120.0,
        extra_env: dict[str, str] | None = None,
        nginx_worker_connections: int = 4096,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.started = time.monotonic()
        self.log = log or _default_log(self.started)
        self.workers_count = workers
        self.with_tasks = tasks
        self.keep = keep
        self.startup_timeout = startup_timeout
        self.extra_env = dict(extra_env or {})
        self.nginx_worker_connections = nginx_worker_connections
        self.dir = Path(tempfile.mkdtemp(prefix="waypoint-topology-"))
        self.var_dir = self.dir / "var"
        self.logs_dir = self.dir / "logs"
        self.nginx_dir = self.dir / "nginx"
        self.redis_dir = self.dir / "redis"
        for folder in (self.var_dir, self.logs_dir, self.nginx_dir, self.redis_dir):
            folder.mkdir(mode=0o700)
        (self.dir / "harness.pid").write_text(str(os.getpid()), encoding="utf-8")
        ports = free_ports(workers + 2)
        self.nginx_port, self.redis_port, *self.worker_ports = ports
        self.database = f"{DATABASE_PREFIX}{os.getpid()}_{secrets.token_hex(3)}"
        self.database_created = False
        self.stopped = False
        self.up = False
        self.env = self._environment()
        self.workers: list[Service] = [
            Service(f"worker{i}", self._worker_cmd(port), self.logs_dir / f"worker{i}.log", self.env)
            for i, port in enumerate(self.worker_ports)
        ]
        self.redis = Service(
            "redis",
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.redis_dir),
                "--protected-mode",
                "yes",
            ],
            self.logs_dir / "redis.log",
        )
        self.nginx = Service(
            "nginx",
            [
                shutil.which("nginx") or "/usr/sbin/nginx",
                "-c",
                str(self.nginx_dir / "nginx.conf"),
                "-p",
                str(self.nginx_dir),
                "-e",
                str(self.logs_dir / "nginx-error.log"),
            ],
            self.logs_dir / "nginx.log",
        )
        self.tasks = Service(
            "tasks", [PYTHON, "manage.py", "run_huey", "--flush-locks"], self.logs_dir / "tasks.log", self.env
        )
        # Restarting PostgreSQL: a later fault test sets this to a callable that stops and
        # starts the server this topology uses (see restart_postgres).
        self.postgres_restart_hook: Callable[[Topology], None] | None = None

    # --- addresses ------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.nginx_port}"

    def worker_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.worker_ports[index]}"

    def worker_ws_url(self, index: int) -> str:
        return f"ws://127.0.0.1:{self.worker_ports[index]}"

    def worker_index_for(self, upstream: str) -> int | None:
        """Which worker an nginx upstream address (``127.0.0.1:port``, from the
        X-Waypoint-Upstream header) is; the last one when nginx tried several."""
        last = upstream.split(",")[-1].strip().split(" : ")[-1].strip()
        with contextlib.suppress(ValueError, IndexError):
            return self.worker_ports.index(int(last.rsplit(":", 1)[1]))
        return None

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def database_url(self) -> str:
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        return f"{base}/{self.database}"

    # --- set-up ---------------------------------------------------------------------
    def _environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in _OWN_SETTINGS and not (key.endswith("_FILE") and key[:-5] in _OWN_SETTINGS)
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "waypoint.settings",
                "PYTHONDONTWRITEBYTECODE": "1",
                "PYTHONUNBUFFERED": "1",
                "DEBUG": "false",
                "LOCAL_DEMO": "false",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii"),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.redis_url,
                "WEB_CONCURRENCY": str(self.workers_count),
                "TRUSTED_PROXIES": "127.0.0.1",
                "WAYPOINT_VAR_DIR": str(self.var_dir),
                "LOG_LEVEL": "WARNING",
            }
        )
        env.update(self.extra_env)
        return env

    def _worker_cmd(self, port: int) -> list[str]:
        sys.path.insert(0, str(ROOT / "scripts"))
        try:
            from serve import proxy_args  # scripts/serve.py: the flags `make run` uses
        finally:
            sys.path.remove(str(ROOT / "scripts"))
        return [
            PYTHON, "-m", "uvicorn", "waypoint.asgi:application",
            # --workers 1: uvicorn would otherwise read WEB_CONCURRENCY and fork that many
            # children under a supervisor; here each worker is one process to kill.
            "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--no-access-log",
            "--timeout-graceful-shutdown", "3", *proxy_args(["127.0.0.1"]),
        ]  # fmt: skip

    def _nginx_config(self) -> str:
        user = ""
        if os.geteuid() == 0:
            # nginx started as root switches its workers to `user`; they must be able to
            # read the owner-only files this user created (var/static).
            user = f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};"
        n = self.nginx_dir
        upstreams = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;" for port in self.worker_ports)
        proxied = f"""
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
            add_header {UPSTREAM_HEADER} $upstream_addr always;"""
        return f"""# Generated by ops/topology.py for one run; never the system's nginx config.
{user}
worker_processes 1;
worker_rlimit_nofile 16384;
daemon off;
master_process on;
pid {n}/nginx.pid;
error_log {self.logs_dir}/nginx-error.log warn;
events {{ worker_connections {self.nginx_worker_connections}; }}
http {{
    access_log off;
    client_body_temp_path {n}/client_body;
    proxy_temp_path {n}/proxy;
    fastcgi_temp_path {n}/fastcgi;
    uwsgi_temp_path {n}/uwsgi;
    scgi_temp_path {n}/scgi;
    types {{
        text/html html; text/css css; application/javascript js; application/json json;
        image/svg+xml svg; image/png png; image/x-icon ico; font/woff2 woff2;
        application/manifest+json webmanifest;
    }}
    default_type application/octet-stream;
    client_max_body_size 2m;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    upstream waypoint {{
{upstreams}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{self.nginx_port};
        server_name _;
        location /static/ {{
            alias {self.var_dir}/static/;
            expires 1y;
        }}
        location /ws/ {{
            proxy_pass http://waypoint;{proxied}
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
        }}
        location / {{
            proxy_pass http://waypoint;{proxied}
            proxy_set_header Connection "";
        }}
    }}
}}
"""

    def _postgres(self) -> Any:
        import psycopg

        try:
            return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as exc:
            raise TopologyError(f"PostgreSQL at {POSTGRES_ADMIN_URL} does not answer: {exc}") from exc

    def _drop_stale_databases(self, connection: Any) -> None:
        """Drops scale_<pid>_* databases whose harness process is gone (a run killed -9)."""
        rows = connection.execute("SELECT datname FROM pg_database WHERE datname LIKE 'scale\\_%'").fetchall()
        for (name,) in rows:
            parts = name.split("_")
            if len(parts) != 3 or not parts[1].isdigit():
                continue
            pid = int(parts[1])
            if not _alive(pid):
                self.log(f"dropping stale database {name} (its harness, pid {pid}, is gone)")
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _create_database(self) -> None:
        with self._postgres() as connection:
            self._drop_stale_databases(connection)
            connection.execute(f'CREATE DATABASE "{self.database}"')
        self.database_created = True
        self.log(f"database {self.database} created")

    def _drop_database(self) -> None:
        if not self.database_created:
            return
        try:
            with self._postgres() as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            self.database_created = False
            self.log(f"database {self.database} dropped")
        except Exception as exc:  # cleanup goes on; the next run drops it as stale
            self.log(f"could not drop database {self.database}: {exc}")

    def _deadline(self, seconds: float | None = None) -> float:
        return time.monotonic() + (self.startup_timeout if seconds is None else seconds)

    def _wait(self, what: str, ready: Callable[[], bool], *, services: list[Service], timeout: float) -> None:
        """Polls `ready` until true; fails at once if one of `services` exits, or at the timeout."""
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError, http.client.HTTPException):
                if ready():
                    return
            for service in services:
                if not service.running():
                    code = service.popen.returncode if service.popen else None
                    raise TopologyError(f"{service.name} exited (code {code}) while waiting for {what}.")
            if time.monotonic() > deadline:
                raise TopologyError(f"{what}: not ready after {timeout:.0f} s.")
            time.sleep(0.1)

    def run_manage(self, *args: str, timeout: float = 120.0, input_text: str | None = None) -> str:
        """Runs ``manage.py ARGS`` in the topology's environment; returns its stdout.
        Raises TopologyError with the output when it fails or overruns."""
        try:
            done = subprocess.run(  # noqa: S603 - our own command
                [PYTHON, "manage.py", *args],
                cwd=ROOT,
                env=self.env,
                input=input_text,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            raise TopologyError(f"manage.py {args[0]} ran over {timeout:.0f} s.\n{exc.stdout!s}{exc.stderr!s}") from exc
        if done.returncode != 0:
            raise TopologyError(
                f"manage.py {' '.join(args[:1])} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            )
        return done.stdout

    def shell(self, code: str, *, args: Any = None, timeout: float = 120.0) -> str:
        """Runs Python `code` with ``manage.py shell -c`` (Django set up on the topology's
        database); `args` reaches it as JSON on stdin (``json.load(sys.stdin)``)."""
        return self.run_manage("shell", "-c", code, timeout=timeout, input_text=json.dumps(args))

    def start(self) -> Topology:
        """Boots everything, each step bounded; on failure cleans up and raises TopologyError.
        Starting a started topology does nothing."""
        if self.up:
            return self
        try:
            self._start()
            self.up = True
        except BaseException as exc:
            if isinstance(exc, TopologyError):
                self.log(f"FAILED to start: {exc}")
                self.log("logs:\n" + self.log_tails())
            self.stop()
            raise
        return self

    def _start(self) -> None:
        for tool in ("nginx", "redis-server"):
            if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
                raise TopologyError(f"{tool} is not installed (Debian: apt-get install -y {tool.split('-')[0]}).")
        self.log(f"work dir {self.dir}")
        reap_stale_runs(self.log)
        self._create_database()
        self.redis.start()
        # Migrations and static files at once (two processes, two cores).
        collect = subprocess.Popen(  # noqa: S603
            [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            self._wait("redis", lambda: self._redis_ping(), services=[self.redis], timeout=15)
            self.log(f"redis on {self.redis_port}")
            self.run_manage("migrate", "--noinput", timeout=self.startup_timeout)
            self.log("migrated")
            out, _ = collect.communicate(timeout=self.startup_timeout)
            if collect.returncode:
                raise TopologyError(f"collectstatic failed:\n{out}")
        finally:
            if collect.poll() is None:
                collect.kill()
                collect.wait()
        (self.nginx_dir / "nginx.conf").write_text(self._nginx_config(), encoding="utf-8")
        for worker in self.workers:
            worker.start()
        if self.with_tasks:
            self.tasks.start()
        self.nginx.start()
        for index in range(len(self.workers)):
            self.wait_worker(index, timeout=self.startup_timeout)
        self._wait("nginx", lambda: http_get(self.nginx_port, "/healthz")[0] == 200, services=[self.nginx], timeout=20)
        if self.with_tasks:
            self.wait_tasks(timeout=self.startup_timeout)
        self.log(
            f"up: nginx {self.url} -> workers {', '.join(map(str, self.worker_ports))}; "
            f"redis {self.redis_port}; database {self.database}"
        )

    def _redis_ping(self, port: int | None = None) -> bool:
        with socket.create_connection(("127.0.0.1", port or self.redis_port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    # --- faults ---------------------------------------------------------------------
    def kill_worker(self, index: int, sig: int = signal.SIGKILL) -> None:
        """Kills worker `index` (SIGKILL by default: no goodbye to its sockets) and reaps it."""
        worker = self.workers[index]
        self.log(f"{worker.name}: {signal.Signals(sig).name} (pid {worker.pid})")
        worker.stop(sig=sig, timeout=10)

    def start_worker(self, index: int, *, wait: bool = True, timeout: float = 60.0) -> None:
        """Starts worker `index` again on its port; waits for /healthz unless `wait` is false."""
        self.workers[index].start()
        self.log(f"{self.workers[index].name}: started (pid {self.workers[index].pid})")
        if wait:
            self.wait_worker(index, timeout=timeout)

    def wait_worker(self, index: int, *, timeout: float = 60.0) -> None:
        port = self.worker_ports[index]
        self._wait(
            f"worker{index} on {port}",
            lambda: http_get(port, "/healthz")[0] == 200,
            services=[self.workers[index]],
            timeout=timeout,
        )

    def restart_worker(self, index: int, *, sig: int = signal.SIGKILL, timeout: float = 60.0) -> None:
        self.kill_worker(index, sig)
        self.start_worker(index, timeout=timeout)

    def kill_redis(self, sig: int = signal.SIGKILL) -> None:
        self.log(f"redis: {signal.Signals(sig).name}")
        self.redis.stop(sig=sig, timeout=10)

    def start_redis(self, *, wait: bool = True, timeout: float = 15.0) -> None:
        """Starts this topology's redis-server again (empty) on its port; waits for PONG
        unless `wait` is false (then call wait_redis, e.g. from a thread)."""
        self.redis.start()
        self.log("redis: started again (empty)")
        if wait:
            self.wait_redis(timeout=timeout)

    def wait_redis(self, *, timeout: float = 15.0) -> None:
        self._wait("redis", lambda: self._redis_ping(), services=[self.redis], timeout=timeout)

    def restart_redis(self, *, downtime: float = 0.5, sig: int = signal.SIGKILL) -> None:
        """Kills this topology's own redis-server and starts it again, empty, on the same
        port (the machine's shared Redis is never touched)."""
        self.kill_redis(sig)
        time.sleep(downtime)
        self.start_redis()

    def restart_tasks(self, *, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
        """Stops the task consumer (SIGTERM: huey finishes running tasks; SIGKILL: a crash)
        and starts it again."""
        self.log(f"tasks: {signal.Signals(sig).name}")
        self.tasks.stop(sig=sig, timeout=timeout)
        self.tasks.start()
        self.wait_tasks(timeout=60)
        self.log("tasks: started again")

    def wait_tasks(self, *, timeout: float = 60.0) -> None:
        """Waits for the task consumer's "consumer started" line in its latest start."""

        def started() -> bool:
            text = self.tasks.log_path.read_text(encoding="utf-8", errors="replace")
            return "consumer started" in text.rsplit("=== start #", 1)[-1]

        self._wait("the task consumer", started, services=[self.tasks], timeout=timeout)

    def run_task(self, dotted: str, *, timeout: float = 30.0) -> str:
        """Enqueues the huey task at `dotted` (module.function, called without arguments)
        from another process, and waits until the consumer's log says it ran; returns the
        task id. (Works for periodic tasks too, whose results huey does not store.)"""
        module, _, name = dotted.rpartition(".")
        out = self.run_manage("shell", "-c", f"from {module} import {name} as task\nprint('ID=' + task().id)")
        task_id = next((line[3:] for line in out.splitlines() if line.startswith("ID=")), "")
        if not task_id:
            raise TopologyError(f"no task id from enqueuing {dotted}: {out}")
        self._wait(
            f"task {dotted}",
            lambda: f"{task_id} executed" in self.tasks.log_path.read_text(encoding="utf-8", errors="replace"),
            services=[self.tasks],
            timeout=timeout,
        )
        return task_id

    def restart_postgres(self) -> None:
        """Restarting PostgreSQL is left to a hook: this topology uses the machine's own
        server (127.0.0.1:5432), which other engineers' tests share, so the harness never
        stops it. A fault test that needs it sets ``topology.postgres_restart_hook`` to a
        callable that restarts a server of its own (e.g. one made with ``initdb`` on a
        free port, with SCALE_POSTGRES_URL pointing at it) and is called with the topology."""
        if self.postgres_restart_hook is None:
            raise NotImplementedError(
                "restart_postgres needs topology.postgres_restart_hook: the machine's shared "
                "PostgreSQL is never restarted by the harness."
            )
        self.log("postgres: restart hook")
        self.postgres_restart_hook(self)

    # --- health and logs --------------------------------------------------------------
    def dead_services(self) -> list[str]:
        """Services that exited without being told to (a crash the caller did not cause)."""
        services = [self.nginx, self.redis, *self.workers] + ([self.tasks] if self.with_tasks else [])
        return [s.name for s in services if s.popen is not None and not s.running() and not s.expected_exit]

    def log_tails(self, lines: int = 40) -> str:
        parts = []
        for service in [self.nginx, self.redis, *self.workers, self.tasks]:
            if service.log_path.exists():
                parts.append(f"--- {service.name} ({service.log_path}) ---\n{service.tail(lines)}")
        error_log = self.logs_dir / "nginx-error.log"
        if error_log.exists():
            tail = "\n".join(error_log.read_text(errors="replace").splitlines()[-lines:])
            parts.append(f"--- nginx error log ---\n{tail}")
        return "\n".join(parts)

    # --- teardown -------------------------------------------------------------------
    def stop(self) -> None:
        """Stops every service (nginx first, Redis last), drops the database and removes the
        work dir (kept with `keep`). Safe to call twice."""
        if self.stopped:
            return
        self.stopped = True
        for service in [self.nginx, *self.workers, self.tasks]:
            with contextlib.suppress(Exception):
                service.stop(timeout=8)
        with contextlib.suppress(Exception):
            self.redis.stop(timeout=5)
        self._drop_database()
        if self.keep:
            self.log(f"kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Topology:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def sigterm_as_exit() -> None:
    """Turns SIGTERM and SIGHUP into SystemExit, and SIGINT into KeyboardInterrupt (even
    when started in the background, where SIGINT comes ignored), so that
    `with Topology()` cleans up."""

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _check(topo: Topology) -> int:
    """Each worker answers directly and through nginx, HTTP and WebSocket (upgrade)."""
    import asyncio

    from ops.wsclient import handshake_probe

    seen = set()
    for _ in range(4 * len(topo.workers)):
        status, headers, _body = http_get(topo.nginx_port, "/healthz", timeout=10)
        if status != 200:
            raise TopologyError(f"/healthz through nginx answered {status}")
        seen.add(topo.worker_index_for(headers.get(UPSTREAM_HEADER, "")))
    topo.log(f"HTTP through nginx reached workers {sorted(i for i in seen if i is not None)}")
    result = asyncio.run(handshake_probe(topo))
    topo.log(f"WebSocket upgrade through nginx and to each worker: {result}")
    topo.log(f"the task consumer ran sessions_purge (task {topo.run_task('waypoint.core.tasks.sessions_purge')})")
    topo.restart_worker(1)
    topo.restart_redis()
    topo.restart_tasks()
    topo.log(f"after the restarts it ran it again (task {topo.run_task('waypoint.core.tasks.sessions_purge')})")
    status, _headers, _body = http_get(topo.worker_ports[1], "/healthz", timeout=10)
    if status != 200 or topo.dead_services():
        raise TopologyError(f"after restarts: /healthz {status}, dead {topo.dead_services()}")
    try:
        topo.restart_postgres()
    except NotImplementedError as exc:
        topo.log(f"restart_postgres: {exc}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "command", choices=["up", "check"], help="up: boot and wait for Ctrl+C; check: boot, probe, stop"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the work dir (logs, config) after stopping")
    args = parser.parse_args(argv)
    sigterm_as_exit()
    try:
        topo = Topology(workers=args.workers, keep=args.keep).start()
    except TopologyError:
        return 1  # start() printed why, with the services' logs
    with topo:
        if args.command == "check":
            try:
                return _check(topo)
            except TopologyError as exc:
                topo.log(f"FAILED: {exc}\n{topo.log_tails()}")
                return 1
        print(json.dumps({"url": topo.url, "workers": [topo.worker_url(i) for i in range(args.workers)],
                          "redis": topo.redis_url, "database": topo.database_url, "dir": str(topo.dir)}, indent=2))  # fmt: skip
        print("Ctrl+C stops it.", flush=True)
        try:
            while not topo.dead_services():
                time.sleep(0.5)
            topo.log(f"died: {topo.dead_services()}\n{topo.log_tails()}")
            return 1
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
