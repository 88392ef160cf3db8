"""Directory benchmark: importing every real SAMHSA file, then search latency.

1. Import time and merge counts for every file in ../shared/data/samhsa.
2. Server-side facility_search p50/p99 for a mix of realistic queries (random US ZIPs,
   radius 10–100 miles, 0–4 filters) over the merged directory.
3. The same searches over HTTP on uvicorn (a subprocess on 127.0.0.1) next to /healthz,
   an endpoint of the same server that does almost nothing.
4. The server-side figures again over a 10× larger synthetic directory.

Everything runs in a throwaway WAYPOINT_VAR_DIR (its own SQLite file), never var/.
Prints figures and writes bench/results/directory.json. Never asserts on time.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DIR = Path(tempfile.mkdtemp(prefix="waypoint-bench-directory-"))
os.environ["WAYPOINT_VAR_DIR"] = str(BENCH_DIR)
os.environ.pop("DATABASE_URL", None)  # always the bench's own SQLite file
os.environ["API_RATE_LIMIT"] = "1000000/m"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
import zipcodes  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from waypoint.directory.models import Facility, FacilitySource  # noqa: E402
from waypoint.directory.selectors import facility_search  # noqa: E402
from waypoint.directory.services import code_table_load, facilities_import  # noqa: E402

FILES = [
    "substance-use-facilities-2021.csv",
    "otp-directory-2021.csv",
    "moud-locations-2020.csv",
    "mental-health-facilities-2020.csv",
    "findtreatment-api-sample-2019.json",
]
FILTERS = ["MU", "BU", "NU", "OTP", "SA", "MH", "MD", "SS", "SP", "PW", "OP", "DT"]
QUERIES = 600
HTTP_ROUNDS = 400


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(values, 0.50), 3),
        "p90_ms": round(percentile(values, 0.90), 3),
        "p99_ms": round(percentile(values, 0.99), 3),
        "mean_ms": round(statistics.fmean(values), 3),
        "max_ms": round(max(values), 3),
        "n": len(values),
    }


def query_mix(seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    zips = [
        z
        for z in zipcodes.list_all()
        if z.get("zip_code_type") == "STANDARD" and z.get("lat") and z["state"] not in {"AK", "HI", "PR"}
    ]
    mix = []
    for _ in range(QUERIES):
        row = rng.choice(zips)
        mix.append(
            {
                "zip": row["zip_code"],
                "latitude": float(row["lat"]),
                "longitude": float(row["long"]),
                "radius": rng.randint(10, 100),
                "codes": sorted(rng.sample(FILTERS, rng.randint(0, 4))),
            }
        )
    return mix


def time_search(mix: list[dict[str, Any]]) -> tuple[list[float], float]:
    for query in mix[:20]:  # warm caches and the ZIP index
        facility_search(
            latitude=query["latitude"], longitude=query["longitude"], radius_miles=query["radius"], codes=query["codes"]
        )
    times, hits = [], 0
    for query in mix:
        started = time.perf_counter()
        page = facility_search(
            latitude=query["latitude"], longitude=query["longitude"], radius_miles=query["radius"], codes=query["codes"]
        )
        times.append((time.perf_counter() - started) * 1000)
        hits += page.count
    return times, hits / len(mix)


def import_all() -> dict[str, Any]:
    data_dir = Path(settings.SHARED_DATA_DIR) / "samhsa"
    results: dict[str, Any] = {}
    started_all = time.perf_counter()
    for name in FILES:
        started = time.perf_counter()
        result = facilities_import(path=data_dir / name)
        seconds = time.perf_counter() - started
        results[name] = {
            "format": result.format,
            "seconds": round(seconds, 2),
            "read": result.read,
            "created": result.created,
            "updated": result.updated,
            "merged": result.merged,
            "rejected": result.rejected,
            "match_rules": result.merge_rules,
            "unknown_codes_total": sum(result.unknown_codes.values()),
        }
        print(f"  {name}: {seconds:.1f} s, read {result.read}, created {result.created}, merged {result.merged}")
    facilities = Facility.objects.count()
    print(f"  total {time.perf_counter() - started_all:.1f} s → {facilities} facilities")
    return {"files": results, "seconds": round(time.perf_counter() - started_all, 2), "facilities": facilities}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_bench(mix: list[dict[str, Any]]) -> dict[str, Any]:
    port = free_port()
    env = {**os.environ, "DEBUG": "false"}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "waypoint.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--no-access-log", "--log-level", "warning", "--lifespan", "off"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("uvicorn did not start")
                time.sleep(0.2)
            empty, search = [], []
            for index in range(HTTP_ROUNDS + 20):
                query = mix[index % len(mix)]
                params: list[tuple[str, str | int | float | bool | None]] = [
                    ("near", query["zip"]),
                    ("radius", query["radius"]),
                ]
                params += [("service", code) for code in query["codes"]]
                started = time.perf_counter()
                response = client.get("/healthz")
                elapsed_empty = (time.perf_counter() - started) * 1000
                started = time.perf_counter()
                answer = client.get("/api/v1/facilities", params=params)
                elapsed_search = (time.perf_counter() - started) * 1000
                if response.status_code != 200 or answer.status_code != 200:
                    raise RuntimeError(f"HTTP {response.status_code}/{answer.status_code}: {answer.text[:200]}")
                if index >= 20:  # warm-up
                    empty.append(elapsed_empty)
                    search.append(elapsed_search)
    finally:
        server.terminate()
        server.wait(timeout=10)
    empty_summary, search_summary = summary(empty), summary(search)
    return {
        "empty_healthz": empty_summary,
        "search_api": search_summary,
        "search_over_empty_p50": round(search_summary["p50_ms"] / empty_summary["p50_ms"] - 1, 3),
    }


def grow_tenfold() -> int:
    """Nine jittered copies of every facility (same codes), written with executemany."""
    rng = random.Random(7)
    rows = list(Facility.objects.values_list("name", "latitude", "longitude", "codes", "zip_code", "state"))
    now = timezone.now()
    copies = []
    for copy in range(9):
        for name, lat, lon, codes, zip_code, state in rows:
            copies.append(Facility(
                name=f"{name} (synthetic {copy})", latitude=lat + rng.uniform(-0.3, 0.3),
                longitude=lon + rng.uniform(-0.3, 0.3), codes=codes, zip_code=zip_code, state=state, imported_at=now,
            ))  # fmt: skip
    with transaction.atomic():
        Facility.objects.bulk_create(copies, batch_size=2000)
    return Facility.objects.count()


def main() -> int:
    data_dir = Path(settings.SHARED_DATA_DIR) / "samhsa"
    if not data_dir.exists():
        print(f"{data_dir} is missing: the directory benchmark needs the real SAMHSA files")
        return 1
    print(f"bench database in {BENCH_DIR}")
    call_command("migrate", verbosity=0)
    code_table_load()
    print("import")
    imported = import_all()
    reimport_started = time.perf_counter()
    facilities_import(path=data_dir / "otp-directory-2021.csv")
    reimport_seconds = round(time.perf_counter() - reimport_started, 2)
    connection.cursor().execute("ANALYZE")
    mix = query_mix(seed=1)
    times, mean_hits = time_search(mix)
    full = {**summary(times), "mean_results": round(mean_hits, 1), "facilities": Facility.objects.count()}
    print(f"search, full directory ({full['facilities']} facilities): p50 {full['p50_ms']} ms, p99 {full['p99_ms']} ms")
    print("HTTP on uvicorn")
    http = http_bench(mix)
    print(
        f"  /healthz p50 {http['empty_healthz']['p50_ms']} ms; /api/v1/facilities p50 {http['search_api']['p50_ms']} ms, "
        f"p99 {http['search_api']['p99_ms']} ms; search adds {http['search_over_empty_p50']:.0%} at p50"
    )
    total = grow_tenfold()
    connection.cursor().execute("ANALYZE")
    times, mean_hits = time_search(mix)
    tenfold = {**summary(times), "mean_results": round(mean_hits, 1), "facilities": total}
    print(f"search, 10× directory ({total} facilities): p50 {tenfold['p50_ms']} ms, p99 {tenfold['p99_ms']} ms")
    results = {
        "database": connection.vendor,
        "import": imported,
        "reimport_otp_seconds": reimport_seconds,
        "sources": FacilitySource.objects.count(),
        "query_mix": {"queries": QUERIES, "radius_miles": "10-100", "filters": "0-4 of " + " ".join(FILTERS)},
        "search_full": full,
        "search_tenfold": tenfold,
        "http": http,
        "budget": {"p99_server_ms": 15, "search_over_empty_p50_max": 0.5},
    }
    out = ROOT / "bench" / "results" / "directory.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    try:
        code = main()
    finally:
        connection.close()
        shutil.rmtree(BENCH_DIR, ignore_errors=True)  # the throwaway database
    sys.exit(code)
