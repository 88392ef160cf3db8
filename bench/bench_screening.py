"""Screening benchmark: scoring, the result page, the PDF and the FHIR bundle.

Prints median and p99 times and writes them to bench/results/screening.json.
Run: .venv/bin/python bench/run.py screening
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from waypoint.screening import fhir  # noqa: E402
from waypoint.screening.decision import decide  # noqa: E402
from waypoint.screening.engine import instruments, score  # noqa: E402
from waypoint.screening.pdf import result_pdf  # noqa: E402

OUT = Path(__file__).resolve().parent / "results" / "screening.json"


def timed(label: str, func: Any, runs: int) -> dict[str, Any]:
    for _ in range(min(20, runs)):
        func()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    row = {
        "label": label,
        "runs": runs,
        "median_ms": round(statistics.median(samples), 3),
        "p99_ms": round(samples[int(len(samples) * 0.99) - 1], 3),
    }
    print(f"{label:48} median {row['median_ms']:8.3f} ms   p99 {row['p99_ms']:8.3f} ms   ({runs} runs)")
    return row


def main() -> None:
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    cows = instruments()["cows"]
    answers = {item.key: item.values[-1] for item in cows.items}
    result = score(cows, answers)
    situation = {
        "using_now": "using", "withdrawal": "strong", "pregnant": "yes", "age": "26_plus", "insurance": "medicaid",
        "work_or_children": "yes", "housing": "no", "past_treatment": "without_medication", "mental_health": "yes",
        "transport": "no", "medication_feelings": "unsure", "legal": "yes", "spanish": "yes",
    }  # fmt: skip
    client = Client()
    rows = [
        timed("score COWS (engine)", lambda: score(cows, answers), 5000),
        timed("decide (all 19 rules)", lambda: decide(situation), 5000),
        timed("FHIR bundle build", lambda: fhir.bundle(result, language="es"), 1000),
        timed("PDF summary (fpdf2)", lambda: result_pdf(result, language="es"), 200),
        timed("POST /en/check/cows/ (result page)", lambda: client.post("/en/check/cows/", answers), 300),
        timed("POST /es/check/which-care/ (advice page)", lambda: client.post("/es/check/which-care/", situation), 300),
    ]
    page = client.post("/es/check/which-care/", situation)
    sizes = {"advice_page_bytes_uncompressed": len(page.content)}
    print(f"advice page: {sizes['advice_page_bytes_uncompressed']} bytes before compression")
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({"timings": rows, **sizes}, indent=2), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
