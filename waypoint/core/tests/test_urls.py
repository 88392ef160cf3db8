import pytest

pytestmark = pytest.mark.django_db


def test_it_serves_the_meeting_guide_feed_at_its_unprefixed_address(client):
    response = client.get("/meetings/feed.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert isinstance(response.json(), list)


def test_it_serves_the_openapi_document_without_a_docs_page_that_loads_a_cdn(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for prefix in ["/api/v1/facilities", "/api/v1/instruments", "/api/v1/articles", "/api/v1/meetings"]:
        assert any(path.startswith(prefix) for path in paths), prefix
    assert client.get("/api/v1/docs").status_code == 404
