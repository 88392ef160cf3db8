"""The admin's import: an upload is saved and imported by the task queue (never in the
web request), with a status page; a file that would remove much of its source asks for
a confirmation (issue 15 items 6 and 8)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from waypoint.core.tests.personas import UserFactory, client_for
from waypoint.directory.models import Facility, ImportJob

from .helpers import LOCATOR_HEADER, locator_row, write_csv

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/directory/facility/import/"


@pytest.fixture(autouse=True)
def _var_dir(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


def _upload(client: Client, name: str, content: bytes, capture: Any, **extra: str) -> Any:
    """Uploads, lets the queued task run, and returns the page the upload led to."""
    with capture(execute=True):
        response = client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content), "format": "", **extra})
    return client.get(response["Location"]) if response.status_code == 302 else response


def test_an_upload_is_imported_by_the_task_queue_with_a_status_page(
    staff_client: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    from waypoint.directory import services

    ran_in_request: list[bool] = []
    real = services.facilities_import

    def spy(**kwargs: Any) -> Any:
        ran_in_request.append(True)
        return real(**kwargs)

    monkeypatch.setattr(services, "facilities_import", spy)
    good = write_csv(
        tmp_path / "good.csv", LOCATOR_HEADER, [locator_row("Upload Clinic", "1 Main Street", 38.0, -78.0)]
    )
    # The upload itself only saves the file and queues the task.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = staff_client.post(IMPORT_URL, {"file": SimpleUploadedFile("good.csv", good.read_bytes())})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/directory/facility/import/{job.pk}/"
    assert (job.status, ran_in_request, Facility.objects.count()) == ("queued", [], 0)
    stored = Path(job.stored_path)
    assert stored.parent == tmp_path / "var" / "imports"
    assert stored.stat().st_mode & 0o777 == 0o600
    page = staff_client.get(response["Location"])
    assert 'http-equiv="refresh"' in page.content.decode()
    # The task runs (eagerly in tests, as huey's consumer would).
    for callback in queued:
        callback()
    job.refresh_from_db()
    assert job.status == "done"
    assert Facility.objects.get().name == "Upload Clinic"
    # The source is named after the operator's file, not the stored copy.
    assert job.result["source"] == "locator_csv:good"
    assert not stored.exists()
    html = staff_client.get(response["Location"]).content.decode()
    assert "imported" in html
    assert 'http-equiv="refresh"' not in html


def test_a_broken_upload_is_rejected_on_its_status_page_and_changes_nothing(
    staff_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    response = _upload(staff_client, "bad.json", b"{broken", django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == "rejected"
    assert "not valid JSON" in response.content.decode()
    assert Facility.objects.count() == 0


def test_an_upload_over_the_size_limit_is_refused_before_it_is_queued(
    staff_client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.IMPORT_MAX_MB = 1
    big = b"name1,street1\n" + b"x" * (1024 * 1024 + 10)
    response = _upload(staff_client, "big.csv", big, django_capture_on_commit_callbacks)
    assert "larger than 1 MB" in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert not any((Path(settings.VAR_DIR) / "imports").iterdir())


def test_a_file_that_empties_its_source_needs_a_confirmation(
    staff_client: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [locator_row(f"Clinic {n}", f"{n} Main Street", 38.0 + n / 100, -78.0) for n in range(1, 6)]
    full = write_csv(tmp_path / "export.csv", LOCATOR_HEADER, rows)
    _upload(staff_client, "export.csv", full.read_bytes(), django_capture_on_commit_callbacks)
    assert Facility.objects.count() == 5
    # The same export, now with one row: 4 of 5 would go.
    short = write_csv(tmp_path / "short.csv", LOCATOR_HEADER, rows[:1])
    response = _upload(staff_client, "export.csv", short.read_bytes(), django_capture_on_commit_callbacks)
    job = ImportJob.objects.order_by("-pk").first()
    assert job is not None
    assert job.status == "confirm"
    html = response.content.decode()
    assert "would remove 4 of the 5 places" in html
    assert Facility.objects.count() == 5
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"{IMPORT_URL}{job.pk}/", {"confirm": "1"})
    job.refresh_from_db()
    assert job.status == "done"
    assert list(Facility.objects.values_list("name", flat=True)) == ["Clinic 1"]


def test_a_confirmation_can_be_cancelled(
    staff_client: Client, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [locator_row(f"Clinic {n}", f"{n} Main Street", 38.0 + n / 100, -78.0) for n in range(1, 4)]
    _upload(
        staff_client, "e.csv", write_csv(tmp_path / "e.csv", LOCATOR_HEADER, rows).read_bytes(),
        django_capture_on_commit_callbacks,
    )  # fmt: skip
    header_only = ",".join(LOCATOR_HEADER).encode() + b"\n"
    _upload(staff_client, "e.csv", header_only, django_capture_on_commit_callbacks)
    job = ImportJob.objects.order_by("-pk").first()
    assert job is not None
    assert job.status == "confirm"
    staff_client.post(f"{IMPORT_URL}{job.pk}/", {"cancel": "1"})
    job.refresh_from_db()
    assert (job.status, job.stored_path) == ("cancelled", "")
    assert Facility.objects.count() == 3


def test_anonymous_people_cannot_import(client: Client) -> None:
    response = client.post(IMPORT_URL, {})
    assert response.status_code in {302, 404}
    assert ImportJob.objects.count() == 0


def test_staff_without_add_and_change_permissions_cannot_import_or_see_a_job(staff: Any) -> None:
    job = ImportJob.objects.create(file_name="x.csv", status="done")
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk_client = client_for(clerk)
    assert clerk_client.get(IMPORT_URL).status_code == 403
    assert clerk_client.post(IMPORT_URL, {}).status_code == 403
    assert clerk_client.get(f"{IMPORT_URL}{job.pk}/").status_code == 403


def test_a_facility_website_must_be_http_or_https() -> None:
    from django.core.exceptions import ValidationError

    field = Facility._meta.get_field("website")
    field.clean("https://clinic.example.org/", None)
    with pytest.raises(ValidationError):
        field.clean("javascript:alert(1)", None)
