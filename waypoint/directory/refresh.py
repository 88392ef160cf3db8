"""Paging through the live FindTreatment.gov API (used by `manage.py refresh_facilities`).

Pages are appended to a JSON-lines file beside the state row, so an interrupted run can
--resume at the next page; when every page is in, the rows go through the same importer
as a downloaded file (one transaction).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings

from .importers import ImportRejected, read_api_json
from .models import RefreshState
from .services import ImportResult, records_import

API_URL = "https://findtreatment.gov/locator/exportsAsJson/v2"
STATE_KEY = "findtreatment"


class RefreshFailed(Exception):
    pass


@dataclass
class RefreshOptions:
    s_type: str = "SA"
    page_size: int = 2000
    max_pages: int | None = None
    resume: bool = False
    retries: int = 4
    backoff: float = 1.0
    delay: float = 1.0
    timeout: float = 30.0
    allow_shrink: bool = False


def _rows_path() -> Path:
    folder = Path(settings.VAR_DIR) / "directory-refresh"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "rows.jsonl"


def _fetch(
    client: httpx.Client, params: dict[str, Any], options: RefreshOptions, sleep: Callable[[float], None]
) -> Any:
    """One page, retried with exponential backoff on timeouts, network errors and 5xx."""
    for attempt in range(options.retries + 1):
        try:
            response = client.get(API_URL, params=params)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            problem = f"{type(exc).__name__}"
        else:
            if response.status_code < 500:
                response.raise_for_status()
                try:
                    return response.json()
                except ValueError as exc:
                    raise RefreshFailed(f"page {params['page']}: the answer is not JSON") from exc
            problem = f"HTTP {response.status_code}"
        if attempt < options.retries:
            sleep(options.backoff * 2**attempt)
    raise RefreshFailed(f"page {params['page']}: gave up after {options.retries + 1} tries ({problem})")


def refresh_run(
    *,
    options: RefreshOptions,
    log: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
    client: httpx.Client | None = None,
) -> ImportResult:
    state, _created = RefreshState.objects.get_or_create(key=STATE_KEY)
    rows_path = _rows_path()
    if options.resume and state.last_page and rows_path.exists():
        page = state.last_page + 1
        log(f"resuming after page {state.last_page} of {state.total_pages}")
    else:
        page = 1
        rows_path.write_text("", encoding="utf-8")
        state.last_page, state.total_pages = 0, 0
    own_client = client is None
    http = client or httpx.Client(timeout=options.timeout, headers={"User-Agent": "Waypoint directory refresh"})
    done = options.resume and state.total_pages > 0 and state.last_page >= state.total_pages
    try:
        while not done:
            params = {"sType": options.s_type, "pageSize": options.page_size, "page": page}
            data = _fetch(http, params, options, sleep)
            if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
                raise RefreshFailed(f"page {page}: no 'rows' in the answer")
            with rows_path.open("a", encoding="utf-8") as handle:
                for row in data["rows"]:
                    handle.write(json.dumps(row) + "\n")
            total = int(data.get("totalPages") or page)
            state.last_page, state.total_pages, state.rows_file = page, total, str(rows_path)
            state.save(update_fields=["last_page", "total_pages", "rows_file", "updated_at"])
            log(f"page {page}/{total}: {len(data['rows'])} rows")
            if page >= total or not data["rows"] or (options.max_pages and page >= options.max_pages):
                done = True
                continue
            page += 1
            sleep(options.delay)  # be gentle with SAMHSA's public server
    finally:
        if own_client:
            http.close()
    rows = [json.loads(line) for line in rows_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    try:
        report = read_api_json(Path(f"{API_URL}?sType={options.s_type}"), {"rows": rows})
    except ImportRejected as exc:
        raise RefreshFailed(str(exc)) from exc
    # The live API replaces what the "api_json" source listed (a 30-row sample, or the
    # previous refresh); a run that lost most pages is refused unless allowed to shrink.
    result = records_import(report=report, source="api_json", allow_shrink=options.allow_shrink)
    state.last_page, state.total_pages = 0, 0
    state.save(update_fields=["last_page", "total_pages", "updated_at"])
    return result
