"""refresh_facilities against recorded FindTreatment pages (respx; no network)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx
from django.core.management import CommandError, call_command

from waypoint.core.testing import shared_data_path
from waypoint.directory.models import Facility, FacilitySource, RefreshState
from waypoint.directory.refresh import API_URL, RefreshFailed, RefreshOptions, refresh_run

pytestmark = pytest.mark.django_db


def _page(number: int) -> dict[str, object]:
    """Page `number` (of 3, 10 rows each) as the live API answers it, recorded from the real
    FindTreatment response in ../shared/data (never copied into the repository)."""
    sample = json.loads(shared_data_path("samhsa", "findtreatment-api-sample-2019.json").read_text(encoding="utf-8"))
    rows = sample["rows"][(number - 1) * 10 : number * 10]
    return {"page": number, "totalPages": 3, "recordCount": len(sample["rows"]), "rows": rows}


@pytest.fixture(autouse=True)
def _var_dir(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]


def _options(**overrides: object) -> RefreshOptions:
    values: dict[str, object] = {"page_size": 10, "delay": 0.5, "backoff": 0.25, "retries": 2}
    values.update(overrides)
    return RefreshOptions(**values)  # type: ignore[arg-type]


@respx.mock
def test_it_pages_through_the_api_and_imports_every_row() -> None:
    route = respx.get(API_URL).mock(side_effect=[httpx.Response(200, json=_page(n)) for n in (1, 2, 3)])
    sleeps: list[float] = []
    result = refresh_run(options=_options(), log=lambda _msg: None, sleep=sleeps.append)
    assert [call.request.url.params["page"] for call in route.calls] == ["1", "2", "3"]
    assert route.calls[0].request.url.params["sType"] == "SA"
    assert (result.read, result.created) == (30, 30)
    assert sleeps == [0.5, 0.5]  # the rate limit between requests
    assert FacilitySource.objects.filter(source="api_json").count() == 30
    region_ten = Facility.objects.get(name="Region Ten Community Services Board", name2="Mohr Center")
    assert {"SA", "RES", "RS", "MOA", "MD", "PI", "SF", "SS", "MN"} <= set(region_ten.code_list)


@respx.mock
def test_it_retries_5xx_and_timeouts_with_backoff() -> None:
    respx.get(API_URL).mock(
        side_effect=[
            httpx.Response(503),
            httpx.ReadTimeout("slow"),
            httpx.Response(200, json={**_page(1), "totalPages": 1}),
        ]
    )
    sleeps: list[float] = []
    result = refresh_run(options=_options(), log=lambda _msg: None, sleep=sleeps.append)
    assert sleeps == [0.25, 0.5]
    assert result.read == 10


@respx.mock
def test_it_resumes_after_the_last_completed_page() -> None:
    respx.get(API_URL).mock(
        side_effect=[httpx.Response(200, json=_page(1)), httpx.Response(500), httpx.Response(500), httpx.Response(500)]
    )
    with pytest.raises(RefreshFailed, match="page 2"):
        refresh_run(options=_options(), log=lambda _msg: None, sleep=lambda _s: None)
    assert RefreshState.objects.get().last_page == 1
    assert Facility.objects.count() == 0  # nothing imported until every page is in
    respx.reset()
    route = respx.get(API_URL).mock(
        side_effect=[httpx.Response(200, json=_page(2)), httpx.Response(200, json=_page(3))]
    )
    result = refresh_run(options=_options(resume=True), log=lambda _msg: None, sleep=lambda _s: None)
    assert [call.request.url.params["page"] for call in route.calls] == ["2", "3"]
    assert result.read == 30
    assert Facility.objects.count() == 30


@respx.mock
def test_the_command_reports_failure_and_suggests_resume() -> None:
    respx.get(API_URL).mock(return_value=httpx.Response(200, text="<html>maintenance</html>"))
    with pytest.raises(CommandError, match="--resume"):
        call_command("refresh_facilities", "--delay", "0", "--retries", "0")
