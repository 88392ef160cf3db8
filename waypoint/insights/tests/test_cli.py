"""`manage.py insights_explain` on the sample CSV (tests/fixtures/checkins.csv: 124 days
with patterns planted on Fridays, short nights, meetings and the trigger "payday"), and on
hostile input: always a clear error naming the line and column, never a traceback."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from waypoint.insights import csvio
from waypoint.insights.warning import WEIGHTS

SAMPLE = Path(__file__).parent / "fixtures" / "checkins.csv"
ROOT = Path(__file__).resolve().parents[3]
HEADER = "date,mood,craving,used,sleep_hours,medication_taken,meeting,stress,pain,triggers\n"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("insights_explain", *args, stdout=out)
    return out.getvalue()


def test_it_explains_the_sample_as_text():
    text = run("--input", str(SAMPLE))
    assert "Insights: 4 of " in text
    assert "On Fridays, your craving is about 3 points higher than on other days." in text
    assert "On nights you sleep under 6 hours, your craving the next day is about 2.5 points higher." in text
    assert "On days you go to a meeting, your craving is about 1.5 points lower." in text
    assert "On days with “payday”, you used on 7 of 20 days. On other days, it was 7 of 104 days." in text
    assert "kind=sleep factor=sleep_under_6h outcome=next_day_craving effect=+2.60 n=113" in text
    assert "Early warning (score 0–100; prompt at 40" in text


def test_it_explains_the_sample_as_json_with_only_what_passes():
    data = json.loads(run("--input", str(SAMPLE), "--format", "json"))
    assert set(data) == {"insights", "early_warning"}
    assert [(i["kind"], i["factor"], i["outcome"]) for i in data["insights"]] == [
        ("weekday", "friday", "craving"),
        ("sleep", "sleep_under_6h", "next_day_craving"),
        ("meeting", "meeting", "craving"),
        ("trigger", "payday", "use"),
    ]
    for insight in data["insights"]:
        assert set(insight) == {"kind", "factor", "outcome", "effect", "n", "p", "q", "text"}
        assert insight["q"] <= 0.05
        assert insight["p"] <= insight["q"]
    sleep = data["insights"][1]
    assert sleep["effect"] == pytest.approx(2.6, abs=0.01)
    assert sleep["n"] == 113
    days = data["early_warning"]
    assert days
    assert days[0]["date"] < days[-1]["date"]
    for day in days:
        assert set(day) == {"date", "score", "signals"}
        assert set(day["signals"]) == set(WEIGHTS)
        assert day["score"] == pytest.approx(sum(day["signals"].values()), abs=0.5)


def test_it_speaks_spanish():
    data = json.loads(run("--input", str(SAMPLE), "--format", "json", "--lang", "es"))
    assert data["insights"][0]["text"].startswith("Los viernes, su deseo de consumir es unos 3 puntos más alto")
    assert "«payday»" in data["insights"][3]["text"]


def test_optional_columns_therapy_and_time(tmp_path):
    rows = [HEADER.strip() + ",therapy,recorded_at"]
    sessions = {3, 4, 8, 11, 15, 16, 20, 23, 27, 30}  # ten irregular days out of 30
    for day in range(1, 31):
        therapy = day in sessions
        rows.append(f"2025-01-{day:02d},3,{6 if therapy else 2 + day % 2},no,7,,no,,,,{'yes' if therapy else 'no'},"
                    f"2025-01-{day:02d}T{'21' if day % 2 else '09'}:00:00-05:00")  # fmt: skip
    path = tmp_path / "extra.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    data = json.loads(run("--input", str(path), "--format", "json"))
    assert ("therapy", "therapy") in {(i["kind"], i["factor"]) for i in data["insights"]}
    parsed = csvio.read_path(path)
    assert parsed[0].therapy is False
    assert parsed[2].therapy is True
    assert parsed[0].recorded_at is not None
    assert parsed[0].recorded_at.hour == 21


def test_too_few_days_says_so(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text(HEADER + "2025-01-01,3,4,no,7,,,,,\n", encoding="utf-8")
    assert "Insights: none yet — check-ins on 1 day(s); at least 28 are needed." in run("--input", str(path))
    assert json.loads(run("--input", str(path), "--format", "json")) == {"insights": [], "early_warning": []}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (HEADER + "2025-01-01,3,11,no,7,,,,,\n", "line 2, column 'craving': '11' is not a whole number from 0 to 10"),
        (HEADER + "2025-01-01,3,4,no,7,,,,,\n2025-01-02,six,4,no,7,,,,,\n", "line 3, column 'mood'"),
        (HEADER + "2025-02-30,3,4,no,7,,,,,\n", "line 2, column 'date': '2025-02-30' is not a date"),
        (HEADER + "2025-01-01,3,4,maybe,7,,,,,\n", "line 2, column 'used': 'maybe' is not yes/no"),
        (HEADER + "2025-01-01,3,4,no,25,,,,,\n", "line 2, column 'sleep_hours'"),
        (HEADER + "2025-01-01,3,4,no,nan,,,,,\n", "line 2, column 'sleep_hours'"),
        (HEADER + "2025-01-01,3,4,no,7,,,,,\n2025-01-01,3,4,no,7,,,,,\n", "line 3, column 'date': 2025-01-01 is already on line 2"),
        (HEADER + "2025-01-01,3,4,no,7\n", "line 2: 5 values where the header has 10 columns"),
        (HEADER + ",3,4,no,7,,,,,\n", "line 2, column 'date': every row needs a date"),
        ("date,mood,cravng,used,sleep_hours,medication_taken,meeting,stress,pain,triggers\n", "line 1, column 'cravng': unknown column"),
        ("date,mood,craving\n", "line 1: missing column(s): used, sleep_hours"),
        (HEADER.replace("pain", "mood"), "line 1, column 'mood': this column appears twice"),
        ("", "line 1: the file is empty"),
        (HEADER + "2025-01-01,3,4,no,7,,,,,\x00\n", "line 2: the file holds a NUL byte"),
        (HEADER + '2025-01-01,3,4,no,7,,,,,"' + "x" * (csvio.MAX_FIELD + 10) + '"\n', "line 2: unreadable CSV"),
        (HEADER + "2025-01-01,3,4,no,7,,,,,\x07bell\n", "line 2, column 'triggers': a trigger name holds a control character"),
        (HEADER + "2025-01-01,3,4,no,7,,,,," + "y" * 300 + "\n", "line 2, column 'triggers': a trigger name is longer"),
    ],
)  # fmt: skip
def test_hostile_input_names_the_line_and_column(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("--input", str(path))
    assert message in str(caught.value)


def test_a_file_that_is_not_utf8_or_not_there(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(HEADER.encode() + "2025-01-01,3,4,no,7,,,,,café\n".encode("latin-1"))
    with pytest.raises(CommandError, match="line 2: the file is not UTF-8 text"):
        run("--input", str(path))
    with pytest.raises(CommandError, match="cannot open"):
        run("--input", str(tmp_path / "missing.csv"))


def test_a_byte_order_mark_and_extra_spaces_are_fine(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text(
        "\ufeff" + HEADER + " 2025-01-01 , 3 , 4 , NO , 7.5 ,,,,, Payday ; old friends \n", encoding="utf-8"
    )
    (row,) = csvio.read_path(path)
    assert row.craving == 4
    assert row.used is False
    assert row.sleep_hours == 7.5
    assert row.triggers == ("Payday", "old friends")


def test_the_command_prints_no_traceback(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "2025-01-01,3,99,no,7,,,,,\n", encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "insights_explain", "--input", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "WAYPOINT_VAR_DIR": str(tmp_path / "var")},
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "line 2, column 'craving'" in done.stderr
