"""The admin offers the same importer for an uploaded file."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from waypoint.accounts.models import User
from waypoint.directory.models import Facility

from .helpers import LOCATOR_HEADER, locator_row, write_csv

pytestmark = pytest.mark.django_db


def test_staff_can_import_a_file_and_a_broken_one_changes_nothing(client: Client, tmp_path: Path) -> None:
    admin = User.objects.create_superuser(username="operator", password="a-long-password-123")
    client.force_login(admin)
    good = write_csv(
        tmp_path / "good.csv", LOCATOR_HEADER, [locator_row("Upload Clinic", "1 Main Street", 38.0, -78.0)]
    )
    response = client.post(
        "/admin/directory/facility/import/", {"file": SimpleUploadedFile("good.csv", good.read_bytes()), "format": ""}
    )
    assert response.status_code == 302
    assert Facility.objects.get().name == "Upload Clinic"
    response = client.post(
        "/admin/directory/facility/import/",
        {"file": SimpleUploadedFile("bad.json", b"{broken"), "format": ""},
        follow=True,
    )
    assert "not valid JSON" in response.content.decode()
    assert Facility.objects.count() == 1


def test_anonymous_people_cannot_import(client: Client) -> None:
    response = client.post("/admin/directory/facility/import/", {})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_without_add_and_change_permissions_cannot_import(client: Client) -> None:
    clerk = User.objects.create_user(username="clerk", password="a-long-password-123", is_staff=True)
    client.force_login(clerk)
    assert client.get("/admin/directory/facility/import/").status_code == 403
    assert client.post("/admin/directory/facility/import/", {}).status_code == 403


def test_a_facility_website_must_be_http_or_https() -> None:
    from django.core.exceptions import ValidationError

    field = Facility._meta.get_field("website")
    field.clean("https://clinic.example.org/", None)
    with pytest.raises(ValidationError):
        field.clean("javascript:alert(1)", None)
