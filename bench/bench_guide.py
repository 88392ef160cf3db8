"""Guide benchmark: loading the articles, and search latency over the real articles.

Prints figures and writes bench/results/guide.json. Uses a throwaway SQLite database
(or DATABASE_URL if set), never the local SQLite file.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")

import django  # noqa: E402

django.setup()

from django.db import connections  # noqa: E402

if connections["default"].vendor == "sqlite":
    # A throwaway database: the benchmark rewrites the article table.
    connections["default"].settings_dict["NAME"] = str(
        Path(tempfile.mkdtemp(prefix="waypoint-bench-")) / "bench.sqlite3"
    )

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from waypoint.guide.selectors import article_search  # noqa: E402
from waypoint.guide.services import articles_load  # noqa: E402

QUERIES = [
    ("en", "suboxone"), ("en", "methadone clinic"), ("en", "how much does rehab cost"), ("en", "can I keep my job"),
    ("en", "narcan"), ("en", "fetty"), ("en", "sobriety house"), ("en", "bupenorphine"), ("en", "dope sick"),
    ("es", "suboxona"), ("es", "metadona"), ("es", "desintoxicación"), ("es", "rehabilitación"),
    ("es", "cuánto cuesta"), ("es", "grupos de apoyo"),
]  # fmt: skip
ROUNDS = 200


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    first = articles_load(strict=False)
    load_first = time.perf_counter() - started
    started = time.perf_counter()
    articles_load(strict=False)
    load_again = time.perf_counter() - started

    timings = []
    for _ in range(ROUNDS):
        for language, query in QUERIES:
            t0 = time.perf_counter()
            article_search(query=query, language=language, limit=10)
            timings.append((time.perf_counter() - t0) * 1000)
    client = Client(HTTP_HOST="localhost")
    page = []
    for _ in range(50):
        t0 = time.perf_counter()
        client.get("/en/guide/", {"q": "suboxone"})
        page.append((time.perf_counter() - t0) * 1000)

    results = {
        "database": connection.vendor,
        "articles": first.created + first.updated + first.unchanged,
        "load_first_s": round(load_first, 3),
        "load_again_s": round(load_again, 3),
        "search_ms": {
            "n": len(timings),
            "median": round(statistics.median(timings), 3),
            "p95": round(percentile(timings, 0.95), 3),
            "p99": round(percentile(timings, 0.99), 3),
        },
        "search_page_ms": {
            "n": len(page),
            "median": round(statistics.median(page), 2),
            "p99": round(percentile(page, 0.99), 2),
        },
    }
    print(json.dumps(results, indent=2))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "guide.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
