"""deploy/: the systemd units, the nginx site, the container's commands and the environment
file are valid, agree with each other and with `make run`, and work: a loopback deployment
is booted from them (the container's `migrate`, the web unit's own command line, nginx with
the site file and a self-signed certificate) and asked for pages, static files, a
WebSocket, the probes and the metrics over TLS. On SQLite, or — when the suite runs with
DATABASE_URL — on a PostgreSQL database of its own with Redis and two workers."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import ipaddress
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from waypoint.core.testing import skip_or_fail

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
SITE = DEPLOY / "nginx" / "waypoint.conf"
ENTRYPOINT = DEPLOY / "container" / "entrypoint.sh"
CONTAINERFILE = DEPLOY / "Containerfile"
ENV_EXAMPLE = DEPLOY / "waypoint.env.example"
# Settings the deployment sets itself; a developer's shell must not leak into it.
OWN = [
    "DEBUG", "LOCAL_DEMO", "SECRET_KEY", "ENCRYPTION_KEYS", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL",
    "REDIS_URL", "WEB_CONCURRENCY", "TRUSTED_PROXIES", "HTTPS", "TRUST_X_FORWARDED_PROTO", "WAYPOINT_VAR_DIR",
    "LOG_LEVEL", "LOG_FORMAT", "METRICS_TOKEN", "METRICS_DIR", "BACKUP_KEY", "VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY",
]  # fmt: skip


# --- Reading the files ------------------------------------------------------------------------------


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A unit file as section -> key -> values (systemd keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in (UNITS / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def services() -> list[str]:
    return sorted(p.name for p in UNITS.glob("*.service"))


def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def entrypoint_case(name: str) -> list[list[str]]:
    """The commands of one `case` branch of the container's entry point (words, shell-split)."""
    text = ENTRYPOINT.read_text(encoding="utf-8")
    branch = re.search(rf"^{name}\)\n(.*?)^    ;;", text, re.S | re.M)
    assert branch, f"entrypoint.sh has no {name} branch"
    commands = []
    for line in branch.group(1).splitlines():
        line = line.strip()
        if line.startswith(('"$python"', 'exec "$python"')):
            commands.append(shlex.split(line.removeprefix("exec ")))
    return commands


def uvicorn_flags(words: list[str]) -> dict[str, str | None]:
    """uvicorn's options from a command line (flag -> value, None for switches)."""
    words = [word for word in words if word != "$@"]  # the entry point's proxy flags, checked apart
    start = words.index("uvicorn") + 2  # after "uvicorn APP"
    flags: dict[str, str | None] = {}
    index = start
    while index < len(words):
        word = words[index]
        if word.startswith("--") and index + 1 < len(words) and not words[index + 1].startswith("--"):
            flags[word] = words[index + 1]
            index += 2
        else:
            flags[word] = None
            index += 1
    return flags


# --- systemd ------------------------------------------------------------------------------------------


def test_every_unit_passes_systemd_analyze_verify(tmp_path):
    tool = shutil.which("systemd-analyze")
    if tool is None:
        skip_or_fail("systemd-analyze is not installed (the parser tests below still run)")
    for path in UNITS.iterdir():
        # The paths of a real install, pointed at this checkout (verify checks executables exist).
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8").replace("/opt/waypoint", str(ROOT)))
    names = [
        "waypoint-web@8001.service" if p.name == "waypoint-web@.service" else p.name for p in sorted(UNITS.iterdir())
    ]
    done = subprocess.run(  # noqa: S603
        [tool, "verify", *names], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    # verify only prints (it exits 0 on an unknown key or a bad value): any line is a finding.
    assert done.stdout.strip() == "", done.stdout
    assert done.stderr.strip() == "", done.stderr


def test_every_service_runs_as_waypoint_with_the_same_settings_and_secrets():
    for name in services():
        service = unit(name)["Service"]
        assert service["User"] == ["waypoint"], name
        assert service["WorkingDirectory"] == ["/opt/waypoint"], name
        assert service["EnvironmentFile"] == ["/etc/waypoint/waypoint.env"], name
        assert service["ProtectSystem"] == ["strict"], name
        assert service["NoNewPrivileges"] == ["yes"], name
        assert service["UMask"] == ["0077"], name
        assert service["StateDirectory"] == ["waypoint"], name
        # Each secret systemd hands over is named to the app as <NAME>_FILE.
        credentials = {value.split(":", 1)[0] for value in service["LoadCredential"]}
        named = {
            word.split("=", 1)[1].removeprefix("%d/")
            for line in service["Environment"]
            for word in line.split()
            if word.split("=", 1)[0].endswith("_FILE")
        }
        assert credentials == named, name
        assert {"secret_key", "encryption_keys"} <= credentials, name
        for command in service.get("ExecStart", []) + service.get("ExecStartPre", []):
            assert command.startswith("/opt/waypoint/.venv/bin/python "), f"{name}: {command}"


def test_workers_and_the_consumer_start_only_after_migrate_and_timers_have_services():
    for name in ("waypoint-web@.service", "waypoint-tasks.service"):
        described = unit(name)["Unit"]
        assert "waypoint-migrate.service" in described["Requires"], name
        assert "waypoint-migrate.service" in " ".join(described["After"]), name
        assert described["PartOf"] == ["waypoint.target"], name
        assert unit(name)["Install"]["WantedBy"] == ["waypoint.target"], name
    migrate = unit("waypoint-migrate.service")["Service"]
    assert migrate["Type"] == ["oneshot"]
    assert migrate["RemainAfterExit"] == ["yes"]
    assert migrate["ExecStartPre"] == ["/opt/waypoint/.venv/bin/python manage.py check --deploy --database default"]
    assert [c.split("manage.py ")[1] for c in migrate["ExecStart"]] == [
        "migrate --noinput",
        "collectstatic --noinput --verbosity 0",
    ]
    for timer in UNITS.glob("*.timer"):
        assert (UNITS / timer.name.replace(".timer", ".service")).exists(), timer.name
        assert unit(timer.name)["Timer"]["Persistent"] == ["yes"]
    assert "backup /var/backups/waypoint/" in unit("waypoint-backup.service")["Service"]["ExecStart"][0]


def test_the_web_unit_runs_uvicorn_with_make_runs_flags():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from serve import proxy_args
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    (command,) = unit("waypoint-web@.service")["Service"]["ExecStart"]
    words = shlex.split(command)
    assert words[:4] == ["/opt/waypoint/.venv/bin/python", "-m", "uvicorn", "waypoint.asgi:application"]
    flags = uvicorn_flags(words)
    assert flags["--host"] == "127.0.0.1"
    assert flags["--port"] == "%i"
    assert flags["--workers"] == "1"
    assert "--no-access-log" in flags
    # TRUSTED_PROXIES as scripts/serve.py turns it into flags (the environment file sets it).
    assert env_example()["TRUSTED_PROXIES"] == "127.0.0.1"
    expected = proxy_args(["${TRUSTED_PROXIES}"])
    assert " ".join(expected) in command
    assert flags["--log-config"] == "deploy/uvicorn-logging.json"


def test_the_uvicorn_log_config_is_waypoints_json_logging():
    from waypoint.core.logging import logging_config

    shipped = json.loads((DEPLOY / "uvicorn-logging.json").read_text(encoding="utf-8"))
    assert shipped == json.loads(json.dumps(logging_config(log_format="json", level="INFO")))


# --- The container --------------------------------------------------------------------------------------


def containerfile() -> list[tuple[str, str]]:
    text = CONTAINERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_the_containerfile_is_coherent():
    instructions = containerfile()
    keywords = [k for k, _ in instructions]
    assert keywords[0] == "FROM"
    assert "python:3.11" in instructions[0][1]
    assert set(keywords) <= {"FROM", "ENV", "RUN", "WORKDIR", "COPY", "USER", "EXPOSE", "ENTRYPOINT", "CMD"}
    assert dict(instructions)["USER"] == "waypoint"
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k == "RUN")  # root only to build
    entrypoint = json.loads(dict(instructions)["ENTRYPOINT"])
    assert entrypoint == ["/opt/waypoint/" + str(ENTRYPOINT.relative_to(ROOT))]
    assert json.loads(dict(instructions)["CMD"]) == ["web"]
    assert dict(instructions)["WORKDIR"] == "/opt/waypoint"
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    assert "--constraint requirements.lock" in runs
    assert "scripts/compile_messages.py" in runs
    assert "collectstatic" in runs
    assert "rm -f /var/lib/waypoint/secret_key /var/lib/waypoint/encryption_key" in runs  # no key in the image
    for keyword, rest in instructions:
        if keyword == "COPY":
            for source in rest.split()[:-1]:
                assert (ROOT / source).exists(), source
    ignored = (DEPLOY / "Containerfile.dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", "var", "node_modules"} <= set(ignored)
    assert os.access(ENTRYPOINT, os.X_OK)
    assert subprocess.run(["sh", "-n", str(ENTRYPOINT)], check=False).returncode == 0  # noqa: S603, S607


def test_the_container_runs_the_same_commands_as_the_units():
    (web,) = entrypoint_case("web")
    (unit_web,) = unit("waypoint-web@.service")["Service"]["ExecStart"]
    container_flags = uvicorn_flags(web)
    unit_flags = uvicorn_flags(shlex.split(unit_web))
    # The same, but for where it listens and how the proxy flags are chosen (from TRUSTED_PROXIES,
    # like scripts/serve.py: the container's proxy is not always on loopback).
    differ = {"--host", "--port", "--proxy-headers", "--forwarded-allow-ips"}
    assert {k: v for k, v in container_flags.items() if k not in differ} == {
        k: v for k, v in unit_flags.items() if k not in differ
    }
    text = ENTRYPOINT.read_text(encoding="utf-8")
    assert 'set -- --proxy-headers --forwarded-allow-ips "$TRUSTED_PROXIES"' in text
    assert "set -- --no-proxy-headers" in text
    (tasks,) = entrypoint_case("tasks")
    (unit_tasks,) = unit("waypoint-tasks.service")["Service"]["ExecStart"]
    assert tasks[1:] == shlex.split(unit_tasks)[1:]
    assert '"run_huey", "--flush-locks"' in (ROOT / "scripts" / "serve.py").read_text(encoding="utf-8")
    migrate = unit("waypoint-migrate.service")["Service"]
    assert [c[1:] for c in entrypoint_case("migrate")] == [
        shlex.split(c)[1:] for c in migrate["ExecStartPre"] + migrate["ExecStart"]
    ]
    done = subprocess.run([str(ENTRYPOINT), "nonsense"], capture_output=True, text=True, check=False)  # noqa: S603
    assert done.returncode == 64
    assert "usage" in done.stderr


def test_waypoint_manage_runs_commands_like_the_services():
    """deploy/waypoint-manage: the operator's manage.py, with every secret any unit gets."""
    script = DEPLOY / "waypoint-manage"
    text = script.read_text(encoding="utf-8")
    assert os.access(script, os.X_OK)
    assert subprocess.run(["sh", "-n", str(script)], check=False).returncode == 0  # noqa: S603, S607
    credentials = {value for name in services() for value in unit(name)["Service"]["LoadCredential"]}
    for credential in credentials:
        assert f"-p LoadCredential={credential}" in text, credential
        variable = credential.split(":", 1)[0].upper() + "_FILE"
        assert f'{variable}="$d/{credential.split(":", 1)[0]}"' in text, variable
    assert "--uid=waypoint" in text
    assert "-p EnvironmentFile=/etc/waypoint/waypoint.env" in text
    assert "--working-directory=/opt/waypoint" in text
    done = subprocess.run([str(script)], capture_output=True, text=True, check=False)  # noqa: S603
    assert done.returncode == 64
    assert "usage" in done.stderr


# --- The environment file -------------------------------------------------------------------------------


def secret_files(folder: Path) -> dict[str, str]:
    """Fresh secrets, as the deployment keeps them (one file each), and their variables."""
    from waypoint.reminders import vapid

    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    made = {
        "secret_key": secrets.token_urlsafe(50),
        "encryption_keys": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "metrics_token": secrets.token_urlsafe(32),
        "vapid_private_key": vapid.new_private_raw(),
        "backup_key": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    }
    for name, value in made.items():
        (folder / name).write_text(value, encoding="utf-8")
    return {f"{name.upper()}_FILE": str(folder / name) for name in made}


def base_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in OWN and not (k.endswith("_FILE") and k[:-5] in OWN)}


def test_the_environment_file_passes_the_deploy_checks(tmp_path):
    settings_source = (ROOT / "waypoint" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', settings_source))
    values = env_example()
    assert set(values) - read == set(), "the environment file sets variables Waypoint does not read"
    env = {**base_environment(), **values, **secret_files(tmp_path / "secrets"), "WAYPOINT_VAR_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ERRORS" not in done.stderr


# --- nginx --------------------------------------------------------------------------------------------


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        skip_or_fail("nginx is not installed (make nginx)")
    return str(found)


def _free_ports(count: int) -> list[int]:
    held = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            held.append(sock)
        return [sock.getsockname()[1] for sock in held]
    finally:
        for sock in held:
            sock.close()


def self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "help.example.org")])
    now = dt.datetime.now(tz=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("help.example.org"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return folder / "fullchain.pem", folder / "privkey.pem"


def render_site(folder: Path, *, http_port: int, https_port: int, workers: list[int]) -> Path:
    """deploy/nginx/waypoint.conf with this machine's paths and ports, inside a main config
    of its own (never the system's). Each replacement must apply: a changed site file that
    this no longer fits fails here rather than testing something else."""
    cert, key = self_signed(folder / "tls")
    for sub in ("cache", "acme", "logs", "temp"):
        (folder / sub).mkdir(exist_ok=True)
    site = SITE.read_text(encoding="utf-8")
    upstream = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in workers)
    replacements = [
        ("/var/cache/nginx/waypoint", str(folder / "cache")),
        ("/var/www/letsencrypt", str(folder / "acme")),
        ("/etc/letsencrypt/live/help.example.org/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/help.example.org/privkey.pem", str(key)),
        ("/var/log/nginx/waypoint-error.log", str(folder / "logs" / "waypoint-error.log")),
        ("    listen 80;\n    listen [::]:80;\n", f"    listen 127.0.0.1:{http_port};\n"),
        (
            "    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n",
            f"    listen 127.0.0.1:{https_port} ssl http2;\n",
        ),
        (
            "    server 127.0.0.1:8001 max_fails=1 fail_timeout=5s;\n    server 127.0.0.1:8002 max_fails=1 fail_timeout=5s;",
            upstream,
        ),
    ]
    for old, new in replacements:
        assert old in site, f"the site file no longer has {old!r}"
        site = site.replace(old, new)
    (folder / "waypoint.conf").write_text(site, encoding="utf-8")
    user = ""
    if os.geteuid() == 0:
        import grp
        import pwd

        user = f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};"
    temp = folder / "temp"
    main = f"""{user}
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/logs/main-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {folder}/waypoint.conf;
}}
"""
    (folder / "nginx.conf").write_text(main, encoding="utf-8")
    return folder / "nginx.conf"


def test_the_nginx_site_passes_nginx_t(tmp_path):
    nginx = _nginx()
    http_port, https_port, worker = _free_ports(3)
    config = render_site(tmp_path, http_port=http_port, https_port=https_port, workers=[worker])
    done = subprocess.run(  # noqa: S603
        [nginx, "-t", "-c", str(config), "-p", str(tmp_path), "-e", str(tmp_path / "logs" / "t.log")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


# --- A deployment on loopback -----------------------------------------------------------------------------


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path, *, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2, verify=False).status_code == 200:  # noqa: S501 - our own self-signed loopback
                return
        if process.poll() is not None:
            break
        time.sleep(0.3)
    pytest.fail(f"{url} did not answer:\n{log.read_text(errors='replace')[-3000:]}")


@contextlib.contextmanager
def postgres_database() -> Iterator[str | None]:
    """A database of its own on the suite's PostgreSQL (None on SQLite); dropped after."""
    from django.conf import settings

    if not settings.DATABASE_URL:
        yield None
        return
    import psycopg

    base = settings.DATABASE_URL.rsplit("/", 1)[0]
    name = f"ops_deploy_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _unit_command(name: str, key: str, *, port: int | None = None, env: dict[str, str]) -> list[str]:
    (line,) = unit(name)["Service"][key]
    line = line.replace("/opt/waypoint/.venv/bin/python", sys.executable)
    if port is not None:
        line = line.replace("%i", str(port))
    line = line.replace("${TRUSTED_PROXIES}", env["TRUSTED_PROXIES"])
    return shlex.split(line)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """migrate (the container's command, the unit's steps), the web unit's command line for
    each worker, nginx with the site file: on loopback, production settings."""
    from django.conf import settings

    nginx = _nginx()
    folder = tmp_path_factory.mktemp("deployment")
    credentials = folder / "credentials"
    secret_env = secret_files(credentials)
    # What systemd does with Environment=…_FILE=%d/… and LoadCredential=.
    with postgres_database() as database_url:
        workers = 2 if database_url and settings.REDIS_URL else 1
        env = {
            **base_environment(),
            **env_example(),
            **secret_env,
            "ALLOWED_HOSTS": "help.example.org,127.0.0.1",
            "CSRF_TRUSTED_ORIGINS": "https://help.example.org",
            "WAYPOINT_VAR_DIR": str(folder / "var"),
            "WEB_CONCURRENCY": str(workers),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        if workers > 1:
            env["REDIS_URL"] = settings.REDIS_URL
        migrate = subprocess.run(  # noqa: S603
            [str(ENTRYPOINT), "migrate"], cwd=folder, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        http_port, https_port, *ports = _free_ports(2 + workers)
        processes: list[subprocess.Popen[bytes]] = []
        logs = []
        try:
            for index, port in enumerate(ports):
                log = folder / f"worker{index}.log"
                logs.append(log)
                with log.open("wb") as out:
                    processes.append(
                        subprocess.Popen(  # noqa: S603
                            _unit_command("waypoint-web@.service", "ExecStart", port=port, env=env),
                            cwd=ROOT,
                            env=env,
                            stdout=out,
                            stderr=subprocess.STDOUT,
                            start_new_session=True,
                        )
                    )
            for port, process, log in zip(ports, processes, logs, strict=True):
                _wait_for(f"http://127.0.0.1:{port}/healthz", process, log)
            config = render_site(folder / "nginx", http_port=http_port, https_port=https_port, workers=ports)
            nginx_log = folder / "nginx.log"
            with nginx_log.open("wb") as out:
                proxy = subprocess.Popen(  # noqa: S603
                    [
                        nginx,
                        "-c",
                        str(config),
                        "-p",
                        str(folder / "nginx"),
                        "-e",
                        str(folder / "nginx" / "logs" / "e.log"),
                    ],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            processes.append(proxy)
            _wait_for(f"https://127.0.0.1:{https_port}/healthz", proxy, nginx_log)
            yield {
                "https": f"https://127.0.0.1:{https_port}",
                "http": f"http://127.0.0.1:{http_port}",
                "workers": [f"http://127.0.0.1:{port}" for port in ports],
                "logs": logs,
                "nginx_dir": folder / "nginx",
                "metrics_token": (credentials / "metrics_token").read_text(),
                "env": env,
            }
        finally:
            for process in processes:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def _client(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, verify=False, trust_env=False, timeout=20, follow_redirects=False)  # noqa: S501


def test_pages_come_through_nginx_over_tls_as_https(deployment):
    with _client(deployment["https"]) as client:
        page = client.get("/en/")
        assert page.status_code == 200
        # The app saw X-Forwarded-Proto: https from nginx (only then does it send HSTS).
        assert page.headers["strict-transport-security"].startswith("max-age=")
        assert "server" not in page.headers or "nginx/" not in page.headers["server"]  # server_tokens off
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").json() == {"status": "ready"}


def test_plain_http_is_sent_to_https(deployment):
    with _client(deployment["http"]) as client:
        answer = client.get("/en/guide/?q=methadone")
    assert answer.status_code == 301
    assert answer.headers["location"].startswith("https://")


def test_the_probes_answer_on_each_workers_own_port_over_plain_http(deployment):
    for worker in deployment["workers"]:
        with _client(worker) as client:
            assert client.get("/healthz").status_code == 200  # not redirected to HTTPS
            assert client.get("/readyz").status_code == 200


def test_static_files_come_through_with_year_long_caching(deployment):
    manifest = json.loads((Path(deployment["env"]["WAYPOINT_VAR_DIR"]) / "static" / "staticfiles.json").read_text())
    hashed = next(name for name in manifest["paths"].values() if name.endswith(".css"))
    with _client(deployment["https"]) as client:
        first = client.get(f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
        again = client.get(f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200
    assert again.status_code == 200
    assert "immutable" in first.headers["cache-control"]
    assert first.content == again.content
    assert any((deployment["nginx_dir"] / "cache").rglob("*")), "nginx kept no copy of the static file"


def _signed_in(deployment: dict[str, Any]) -> httpx.Client:
    """A person made with manage.py in the deployment, signed in through nginx's sign-in form."""
    username, password = f"deploy{secrets.token_hex(3)}", secrets.token_urlsafe(16)
    made = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.contrib.auth import get_user_model; "
         "get_user_model().objects.create_user(username=input(), password=input())"],
        cwd=ROOT, env=deployment["env"], input=f"{username}\n{password}\n", capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    client = _client(deployment["https"])
    page = client.get("/en/account/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token
    answer = client.post(
        "/en/account/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Origin": deployment["https"]},
    )
    assert answer.status_code == 302, answer.text[:500]
    return client


def test_the_websocket_upgrade_goes_through_nginx(deployment):
    import asyncio

    from websockets.asyncio.client import connect

    client = _signed_in(deployment)
    cookie = f"sessionid={client.cookies['sessionid']}"
    client.close()
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    url = deployment["https"].replace("https://", "wss://") + "/ws/me/"

    async def scenario() -> int:
        async with connect(
            url,
            ssl=context,
            origin=deployment["https"],
            additional_headers={"Cookie": cookie},
            open_timeout=10,
            proxy=None,
        ) as socket:  # type: ignore[arg-type]
            assert socket.response is not None
            status = socket.response.status_code
            await socket.ping()  # the connection carries frames both ways
        return status

    assert asyncio.run(scenario()) == 101


def test_a_websocket_frame_over_the_limit_closes_the_socket(deployment):
    """--ws-max-size 65536 in the web unit: a group message is at most 2,000 characters."""
    import asyncio

    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    client = _signed_in(deployment)
    cookie = f"sessionid={client.cookies['sessionid']}"
    client.close()
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    url = deployment["https"].replace("https://", "wss://") + "/ws/me/"

    async def scenario() -> int | None:
        async with connect(
            url,
            ssl=context,
            origin=deployment["https"],
            additional_headers={"Cookie": cookie},
            open_timeout=10,
            proxy=None,
        ) as socket:  # type: ignore[arg-type]
            await socket.send("x" * 70_000)
            with contextlib.suppress(ConnectionClosed):
                await asyncio.wait_for(socket.recv(), timeout=10)
            return socket.close_code

    assert asyncio.run(scenario()) == 1009  # "message too big"


def test_bodies_over_the_limit_are_refused_by_nginx(deployment):
    with _client(deployment["https"]) as client:
        answer = client.post("/en/account/login/", content=b"x" * (4 * 1024 * 1024))
    assert answer.status_code == 413


def test_metrics_need_the_token(deployment):
    with _client(deployment["https"]) as client:
        # Counted here: the other tests of this module may run in another test process.
        assert client.get("/en/").status_code == 200
        assert client.get("/metrics").status_code == 404
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
        answer = client.get("/metrics", headers={"Authorization": f"Bearer {deployment['metrics_token']}"})
    assert answer.status_code == 200
    assert 'waypoint_http_requests_total{method="GET",route="core:home",status="2xx"}' in answer.text


def test_logs_are_json_lines_without_query_strings_or_access_lines(deployment):
    with _client(deployment["https"]) as client:
        client.get("/en/treatment/?near=22902&radius=25")
        client.get("/en/guide/?q=withdrawal")
    time.sleep(0.5)
    for log in deployment["logs"]:
        lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert lines, "the worker wrote nothing at all (uvicorn's start-up lines are expected)"
        for line in lines:
            record = json.loads(line)  # every line, uvicorn's first ones included (--log-config)
            assert {"time", "level", "logger", "message"} <= set(record)
        text = "\n".join(lines)
        assert "near=" not in text
        assert "withdrawal" not in text
        assert '"WebSocket' not in text
    nginx_logs = deployment["nginx_dir"] / "logs"
    assert not (nginx_logs / "access.log").exists()
    for path in nginx_logs.iterdir():
        assert "near=" not in path.read_text(errors="replace"), path
