"""Journal: searching one person's 5,000 entries, every one encrypted (title, text, tags).

Search decrypts that person's rows only, in this process, and matches folded words (case
and accents ignored). Measured: the search selector (rows, one data-key look-up,
decryption, matching) for a mix of queries — a common word, a rare one, two words, a word
with an accent, a tag, one that finds nothing — p50/p95/p99 over many runs; the list page's
selector (one page of 20, decrypted); and the search results page through Django's test
client (view, template, stash), for the page's own overhead.

Runs in a throwaway SQLite file, or against DATABASE_URL when set (a scratch database).

Run: .venv/bin/python bench/run.py journal
     .venv/bin/python bench/bench_journal.py [--entries N] [--rounds N]
Figures go to bench/results/journal.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "results" / "journal.json"
USERNAME = "bench-journal-writer"
WORDS = [
    "today",
    "morning",
    "evening",
    "walked",
    "called",
    "sister",
    "meeting",
    "coffee",
    "work",
    "tired",
    "slept",
    "rain",
    "bus",
    "kitchen",
    "kettle",
    "garden",
    "friend",
    "craving",
    "passed",
    "breathe",
    "counted",
    "waves",
    "sponsor",
    "group",
    "laughed",
    "cried",
    "quiet",
    "noise",
    "music",
    "doctor",
    "appointment",
    "pharmacy",
    "money",
    "rent",
    "worried",
    "proud",
    "small",
    "steps",
    "plan",
    "reasons",
    "daughter",
    "son",
    "mother",
    "father",
    "park",
    "river",
    "bridge",
    "window",
    "light",
    "dark",
    "cold",
    "warm",
    "tea",
    "bread",
    "shop",
    "neighbour",
    "dog",
    "cat",
    "phone",
    "message",
    "answered",
    "waited",
    "hour",
    "minute",
    "better",
    "worse",
    "again",
    "tomorrow",
    "week",
    "month",
    "year",
]
QUERIES = [
    ("common word", "today", ""),
    ("rare word", "lighthouse", ""),
    ("two words", "kettle garden", ""),
    ("accent folded", "cafe", ""),
    ("tag", "", "after a meeting"),
    ("nothing found", "zebra", ""),
]


def _text(rng: random.Random, words: int) -> str:
    sentences = []
    while words > 0:
        length = min(words, rng.randint(6, 16))
        sentence = " ".join(rng.choice(WORDS) for _ in range(length))
        sentences.append(sentence.capitalize() + ".")
        words -= length
    return " ".join(sentences)


def setup(entries: int) -> object:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from waypoint.journal.models import JournalEntry

    User = get_user_model()
    User.objects.filter(username=USERNAME).delete()
    user = User.objects.create(username=USERNAME, password=make_password(None))
    rng = random.Random(11)
    start = dt.date(2012, 1, 1)
    rows = []
    for n in range(entries):
        text = _text(rng, rng.randint(60, 160))  # about 400–1,000 characters
        if n % 97 == 0:
            text += " I saw the lighthouse from the bus."
        if n % 50 == 0:
            text += " Tomé un café con mi hermana."
        tags = ["after a meeting"] if n % 7 == 0 else (["calm", "family"] if n % 3 == 0 else [])
        rows.append(
            JournalEntry(
                user=user,
                title=_text(rng, 4)[:60] if n % 5 < 3 else None,  # three in five have a title
                text=text,
                tags=json.dumps(tags) if tags else None,
                mood=rng.randint(1, 5) if n % 2 else None,
                written_on=start + dt.timedelta(days=n),
            )
        )
    # bulk_create encrypts each value (the field's pre_save runs for every row).
    JournalEntry.objects.bulk_create(rows, batch_size=500)
    return user


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(function, rounds: int) -> dict[str, float]:
    from waypoint.core import crypto

    samples = []
    for _ in range(rounds):
        crypto.forget_cached_keys()  # the data key is looked up again, as on a first search
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(percentile(samples, 0.95), 1),
        "p99_ms": round(percentile(samples, 0.99), 1),
        "max_ms": round(max(samples), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=40, help="runs of each query")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL") and not os.environ.get("WAYPOINT_VAR_DIR"):
        os.environ["WAYPOINT_VAR_DIR"] = tempfile.mkdtemp(prefix="waypoint-bench-journal-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from waypoint.journal import selectors

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    user = setup(args.entries)
    print(f"{args.entries:,} encrypted entries of one person ({connection.vendor}; written in "
          f"{time.perf_counter() - started:.1f} s)")  # fmt: skip
    figures: dict[str, object] = {"database": connection.vendor, "entries": args.entries, "rounds": args.rounds}
    every: list[float] = []
    queries = {}
    for label, query, tag in QUERIES:
        hits = len(selectors.journal_search(user=user, query=query, tag=tag))
        result = timed(lambda q=query, t=tag: selectors.journal_search(user=user, query=q, tag=t), args.rounds)
        queries[label] = {"query": query or f"tag: {tag}", "hits": hits, **result}
        print(f"  search {label:14} ({hits:>5} hits): p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms")
    for _label, query, tag in QUERIES:
        for _ in range(args.rounds):
            from waypoint.core import crypto

            crypto.forget_cached_keys()
            t0 = time.perf_counter()
            selectors.journal_search(user=user, query=query, tag=tag)
            every.append((time.perf_counter() - t0) * 1000)
    figures["search"] = {
        "all_queries": {
            "p50_ms": round(statistics.median(every), 1),
            "p95_ms": round(percentile(every, 0.95), 1),
            "p99_ms": round(percentile(every, 0.99), 1),
        },
        "by_query": queries,
    }
    print(
        f"search, all queries: p50 {figures['search']['all_queries']['p50_ms']} ms, "  # type: ignore[index]
        f"p99 {figures['search']['all_queries']['p99_ms']} ms"
    )  # type: ignore[index]
    figures["list_page"] = timed(lambda: selectors.entries_page(user=user, number=1), args.rounds)
    print(f"list page (20 entries): p99 {figures['list_page']['p99_ms']} ms")  # type: ignore[index]

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    location = client.post("/en/journal/search/", {"q": "kettle garden"})["Location"]
    figures["results_page"] = timed(lambda: client.get(location), max(10, args.rounds // 2))
    print(f"search results page through Django (kettle garden): p99 {figures['results_page']['p99_ms']} ms")  # type: ignore[index]
    type(user).objects.filter(pk=user.pk).delete()
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
