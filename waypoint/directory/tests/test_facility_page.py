"""The facility page: services grouped in plain words, what to ask, the listing report."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from waypoint.directory.models import ListingReport

from .factories import FacilityFactory, codes_text

pytestmark = pytest.mark.django_db


def test_it_groups_services_in_plain_words(client: Client) -> None:
    facility = FacilityFactory(codes=codes_text("MU", "BU", "MD", "SS", "PW", "SP"), intake_phone="434-555-0111")
    html = client.get(f"/en/treatment/{facility.pk}/").content.decode()
    assert "Medicines for opioid use" in html
    assert "Methadone" in html
    assert "Buprenorphine" in html
    assert "Payment and insurance" in html
    assert "Sliding fee (based on income)" in html
    assert "What to ask when you call" in html
    assert 'href="tel:+14345550111"' in html


def test_it_speaks_spanish(client: Client) -> None:
    facility = FacilityFactory(codes=codes_text("MU", "MD"))
    html = client.get(f"/es/treatment/{facility.pk}/").content.decode()
    assert "Metadona" in html
    assert "Pago y seguro" in html


def test_without_a_phone_it_offers_the_helpline(client: Client) -> None:
    facility = FacilityFactory(phone="", intake_phone="")
    html = client.get(f"/en/treatment/{facility.pk}/").content.decode()
    assert 'data-testid="no-phone"' in html
    assert "tel:+18006624357" in html


def test_demo_facilities_are_labelled(client: Client) -> None:
    facility = FacilityFactory(is_demo=True)
    assert "Demo data — not a real facility." in client.get(f"/en/treatment/{facility.pk}/").content.decode()


def test_unknown_facility_is_404(client: Client) -> None:
    assert client.get("/en/treatment/999999/").status_code == 404


def test_a_listing_report_is_stored_and_not_mailed_one_by_one(
    client: Client, settings: pytest.FixtureRequest, django_capture_on_commit_callbacks: object
) -> None:
    settings.OPERATOR_EMAIL = "operator@example.org"  # type: ignore[attr-defined]
    facility = FacilityFactory()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(f"/en/treatment/{facility.pk}/report/", {"problem": "phone", "details": "Disconnected"})
    assert response.status_code == 302
    report = ListingReport.objects.get()
    assert (report.facility, report.problem, report.details) == (facility, "phone", "Disconnected")
    assert mail.outbox == []  # the operator hears in the hourly digest (test_reports.py)


def test_an_invalid_report_is_refused_with_a_message(client: Client) -> None:
    facility = FacilityFactory()
    response = client.post(f"/en/treatment/{facility.pk}/report/", {"problem": "nonsense"})
    assert response.status_code == 400
    assert ListingReport.objects.count() == 0


@pytest.mark.parametrize(
    ("number", "href"),
    [("860-567-9423 x303", "tel:+18605679423"), ("(434) 972-1800", "tel:+14349721800"), ("", "")],
)
def test_phone_numbers_become_tel_links(number: str, href: str) -> None:
    from waypoint.directory.views import tel_href

    assert tel_href(number) == href
