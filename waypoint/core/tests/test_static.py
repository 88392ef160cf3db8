"""Static files: served natively under ASGI (ServeStatic), hashed names cached for good,
compressed copies for browsers that accept them (issue 17 item 12)."""

from __future__ import annotations

import warnings

import pytest
from asgiref.sync import async_to_sync
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import AsyncClient

URL = staticfiles_storage.url("core/waypoint.css")


@pytest.mark.django_db
def test_a_hashed_static_file_is_cached_for_good_and_sent_compressed() -> None:
    client = AsyncClient()
    response = async_to_sync(client.get)(URL, headers={"accept-encoding": "gzip, br"})
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "immutable" in cache_control
    assert int(cache_control.split("max-age=")[1].split(",")[0]) >= 365 * 24 * 3600
    assert response["Content-Encoding"] in {"br", "gzip"}


@pytest.mark.django_db
def test_static_files_stream_asynchronously_under_asgi() -> None:
    """WhiteNoise handed Django a synchronous iterator, and every static file under uvicorn
    warned "StreamingHttpResponse must consume synchronous iterators"."""

    async def fetch() -> bytes:
        response = await AsyncClient().get(URL)
        assert response.status_code == 200
        # Iterating the response itself is what the ASGI handler does (and where Django
        # warns about a synchronous iterator).
        return b"".join([chunk async for chunk in response])  # type: ignore[attr-defined]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        body = async_to_sync(fetch)()
    assert body.startswith(b"/*") or b"{" in body
    assert not [w for w in caught if "synchronous iterators" in str(w.message)]
