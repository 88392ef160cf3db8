"""The access decorators and NotAllowed: what each policy lets through, and that "not
yours" is always the same 404 as "not there"."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from waypoint.core.access import (
    TWO_STEP_SESSION_KEY,
    NotAllowed,
    Policy,
    api_access,
    is_verified_staff,
    page_access,
    policy_of,
)
from waypoint.core.tests.personas import UserFactory, client_for

pytestmark = pytest.mark.django_db


class _Session(dict):
    pass


def _request(user=None, path="/en/thing/?q=pregnant", session=None):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    request.session = _Session(session or {})
    return request


def _view(request, **kwargs):
    return HttpResponse("ok")


def test_each_decorator_declares_its_policy():
    assert policy_of(page_access(Policy.OWNER)(_view)) is Policy.OWNER
    assert policy_of(api_access(Policy.SIGNED_IN)(_view)) is Policy.SIGNED_IN
    assert policy_of(_view) is None


def test_a_signed_in_page_sends_anonymous_to_sign_in_without_the_query_string():
    response = page_access(Policy.SIGNED_IN)(_view)(_request())
    assert response.status_code == 302
    assert response["Location"].startswith("/en/account/login/?next=")
    assert "pregnant" not in response["Location"]  # a query string can say what someone looked for


def test_a_staff_page_needs_staff_who_passed_two_step_sign_in(alice):
    staff = UserFactory(is_staff=True)
    view = page_access(Policy.STAFF)(_view)
    with pytest.raises(NotAllowed):
        view(_request(alice))
    with pytest.raises(NotAllowed):
        view(_request(staff))  # password alone
    assert view(_request(staff, session={TWO_STEP_SESSION_KEY: True})).status_code == 200
    assert not is_verified_staff(_request(alice, session={TWO_STEP_SESSION_KEY: True}))


def test_an_api_operation_refuses_anonymous_with_401():
    from ninja.errors import AuthenticationError

    with pytest.raises(AuthenticationError):
        api_access(Policy.OWNER)(_view)(_request())


def test_not_allowed_is_the_ordinary_404_page(alice, settings):
    """A chokepoint's NotAllowed reaches the person as the same page as a missing thing."""
    from django.urls import path

    def owned(request):
        raise NotAllowed

    urlconf = type("U", (), {"urlpatterns": [path("owned/", page_access(Policy.OWNER)(owned))]})
    settings.ROOT_URLCONF = urlconf
    response = client_for(alice).get("/owned/")
    missing = client_for(alice).get("/no-such-page/")
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content
