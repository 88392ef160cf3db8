"""Meeting finder benchmark: import of the real feeds, then search latency (server side,
in process) over them and over a synthetic national-size set. Prints figures and writes
bench/results/meetings.json. Runs on a throwaway SQLite database in a temp folder."""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["WAYPOINT_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-meetings-")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from waypoint.meetings import selectors, services  # noqa: E402
from waypoint.meetings.models import Meeting  # noqa: E402

ZIPS = ["19971", "19958", "30102", "22903", "10001", "60601", "94103", "73301", "98101", "33101"]


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def _search_times(params_list: list[dict[str, str]], rounds: int = 200) -> dict[str, float]:
    samples = []
    for n in range(rounds):
        query, errors = selectors.parse_query(params_list[n % len(params_list)])
        assert not errors
        started = time.perf_counter()
        selectors.search(query, now=timezone.now())
        samples.append(time.perf_counter() - started)
    return _percentiles(samples)


def _api_times(rounds: int = 200) -> dict[str, float]:
    client = Client(HTTP_HOST="localhost")
    samples = []
    for n in range(rounds):
        started = time.perf_counter()
        response = client.get("/api/v1/meetings", {"near": ZIPS[n % len(ZIPS)], "starting_within": "120"})
        samples.append(time.perf_counter() - started)
        assert response.status_code in (200, 429), response.status_code
    empty = []
    for _ in range(rounds):
        started = time.perf_counter()
        client.get("/healthz")
        empty.append(time.perf_counter() - started)
    return {**_percentiles(samples), "empty_request_p50_ms": _percentiles(empty)["p50_ms"]}


def main() -> None:
    settings.API_RATE_LIMIT = "100000/m"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    call_command("migrate", verbosity=0)
    results: dict[str, object] = {}
    folder = Path(settings.SHARED_DATA_DIR) / "meetings"
    if folder.is_dir():
        started = time.perf_counter()
        for name in ["sussexaa", "atlanta", "times"]:
            services.feed_import_location(location=str(folder / f"meeting-guide-{name}.json"))
        services.feed_import_location(
            location=str(folder / "meeting-guide-edmonton.json"), default_timezone="America/Edmonton"
        )
        results["import_real_feeds_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        call_command("refresh_meetings", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        results["refresh_unchanged_s"] = round(time.perf_counter() - started, 2)
        results["real_meetings"] = Meeting.objects.count()
        results["search_real_near_zip_soon"] = _search_times([{"near": z, "when": "soon"} for z in ZIPS])
    # A synthetic national-size set: 30,000 meetings scattered over the lower 48 states.
    rng = random.Random(6)
    zones = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]
    Meeting.objects.bulk_create(
        Meeting(
            name=f"Synthetic {n}",
            slug=f"s-{n}",
            day_mask=1 << rng.randrange(7),
            start_time=dtime(rng.randrange(6, 23), rng.choice([0, 30])),
            timezone=rng.choice(zones),
            types=rng.sample(["O", "C", "BE", "S", "W", "M", "D"], 2),
            fellowship=rng.choice(["NA", "AA"]),
            attendance=rng.choice(["in_person"] * 4 + ["online", "hybrid"]),
            latitude=rng.uniform(25, 49),
            longitude=rng.uniform(-124, -67),
            match_key=f"syn-{n}",
        )
        for n in range(30_000)
    )
    results["synthetic_meetings"] = Meeting.objects.count()
    results["search_30k_near_zip_soon"] = _search_times([{"near": z, "when": "soon"} for z in ZIPS])
    results["search_30k_near_zip_day"] = _search_times([{"near": z, "day": "3", "radius": "25"} for z in ZIPS])
    results["search_30k_online_soon"] = _search_times([{"online": "true", "when": "soon"}], rounds=30)
    results["api_30k_near_zip_soon"] = _api_times()
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "meetings.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
