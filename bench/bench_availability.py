"""Availability benchmark: the locator's search with "can see me soon" over the real directory.

1. Imports every real SAMHSA file (as bench_directory does) into a throwaway SQLite database.
2. Gives one place in ten an availability update (random answers, random ages up to 10 days:
   fresh, stale and gone ones).
3. Times the same 600 searches (random US ZIPs, radius 10–100 miles, 0–4 filters) three ways:
   by distance (the default, unchanged), sorted soonest first, and filtered to "can see me
   soon" — and counts the queries of one results page each way.

Prints figures and writes bench/results/availability.json. Never asserts on time.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["WAYPOINT_VAR_DIR"] = tempfile.mkdtemp(prefix="waypoint-bench-availability-")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")

import django  # noqa: E402

django.setup()

import zipcodes  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from waypoint.availability import rules  # noqa: E402
from waypoint.availability.models import Availability  # noqa: E402
from waypoint.directory.models import Facility  # noqa: E402
from waypoint.directory.selectors import facility_search  # noqa: E402
from waypoint.directory.services import code_table_load, facilities_import  # noqa: E402

SHARE_WITH_AVAILABILITY = 0.10
# The same files and query mix as bench_directory.py.
FILES = [
    "substance-use-facilities-2021.csv",
    "otp-directory-2021.csv",
    "moud-locations-2020.csv",
    "mental-health-facilities-2020.csv",
    "findtreatment-api-sample-2019.json",
]
FILTERS = ["MU", "BU", "NU", "OTP", "SA", "MH", "MD", "SS", "SP", "PW", "OP", "DT"]
QUERIES = 600


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


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
                "latitude": float(row["lat"]),
                "longitude": float(row["long"]),
                "radius": rng.randint(10, 100),
                "codes": sorted(rng.sample(FILTERS, rng.randint(0, 4))),
            }
        )
    return mix


def summary(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(values, 0.5), 3), "p99_ms": round(percentile(values, 0.99), 3)}


def give_availability(rng: random.Random) -> int:
    now = timezone.now()
    ids = list(Facility.objects.values_list("pk", flat=True))
    chosen = rng.sample(ids, int(len(ids) * SHARE_WITH_AVAILABILITY))
    rows = []
    for pk in chosen:
        answer = rng.choice(["yes", "waitlist", "no"])
        wait = rng.randint(1, 30) if answer == "waitlist" else None
        rows.append(
            Availability(
                facility_id=pk,
                new_clients=answer,
                wait_days=wait,
                same_day_buprenorphine=rng.random() < 0.3,
                updated_at=now - timedelta(hours=rng.uniform(0, 240)),
                soon_days=rules.soon_days(new_clients=answer, wait_days=wait),
            )
        )
    Availability.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def time_searches(mix: list[dict[str, Any]], **options: Any) -> tuple[list[float], float]:
    for query in mix[:20]:
        facility_search(
            latitude=query["latitude"],
            longitude=query["longitude"],
            radius_miles=query["radius"],
            codes=query["codes"],
            **options,
        )
    times, hits = [], 0
    for query in mix:
        started = time.perf_counter()
        page = facility_search(
            latitude=query["latitude"],
            longitude=query["longitude"],
            radius_miles=query["radius"],
            codes=query["codes"],
            **options,
        )
        times.append((time.perf_counter() - started) * 1000)
        hits += page.count
    return times, hits / len(mix)


def main() -> None:
    call_command("migrate", verbosity=0)
    code_table_load()
    data_dir = Path(settings.SHARED_DATA_DIR) / "samhsa"
    started = time.perf_counter()
    for name in FILES:
        facilities_import(path=data_dir / name)
    print(f"imported {Facility.objects.count()} facilities in {time.perf_counter() - started:.1f} s")
    rng = random.Random(18)
    given = give_availability(rng)
    print(f"{given} places have an availability update")
    mix = query_mix(1)  # the seed bench_directory uses
    results: dict[str, Any] = {"facilities": Facility.objects.count(), "with_availability": given}
    for label, options in [
        ("distance", {}),
        ("sort_soon", {"sort": "soon"}),
        ("filter_soon", {"soon": True, "sort": "soon"}),
    ]:
        times, mean_hits = time_searches(mix, **options)
        query = mix[0]
        with CaptureQueriesContext(connection) as queries:
            facility_search(latitude=query["latitude"], longitude=query["longitude"], radius_miles=50, **options)
        results[label] = {**summary(times), "mean_results": round(mean_hits, 1), "queries_per_page": len(queries)}
        print(f"{label:12} p50 {results[label]['p50_ms']:.2f} ms  p99 {results[label]['p99_ms']:.2f} ms  "
              f"mean {mean_hits:.1f} results  {len(queries)} queries/page")  # fmt: skip
    out = ROOT / "bench" / "results" / "availability.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
