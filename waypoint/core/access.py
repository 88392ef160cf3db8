"""Who may use what: the one exception for "not yours", and the access policy every URL declares.

Two rules hold everywhere in Waypoint:

1. **A thing that belongs to someone is reached only through one function in its app**
   (``plan_for_owner(*, user, plan_id)``, ``group_for_member(*, user, group_id, write=False)``).
   That function raises :class:`NotAllowed` when the person may not have it — whether it
   does not exist or belongs to someone else, the answer is the same 404, so nobody can
   learn that a thing exists by asking for it. Pages, the API and WebSocket consumers all
   turn ``NotAllowed`` into a 404 (never a 403).

2. **Every URL declares who may use it.** Page views are wrapped in :func:`page_access`,
   API operations in :func:`api_access`, WebSocket consumers carry ``access_policy``
   (see ``waypoint.core.realtime``), and a whole ``include()`` (the admin) can be declared
   with :func:`declare_include`. ``waypoint/core/tests/test_access_policies.py`` walks every
   pattern with five personas and fails on a leak or on a pattern without a policy.

The decorators enforce only what can be told from the request (signed in? staff?); the
ownership or membership check is the chokepoint's job, inside the view. The declared
policy tells the walker what to expect from each persona.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import URLResolver

ACCESS_ATTRIBUTE = "access_policy"
# A session passed two-step sign-in (set by the accounts app's second step): staff pages
# need it, so a password alone never opens them.
TWO_STEP_SESSION_KEY = "waypoint_two_step_verified"

View = TypeVar("View", bound=Callable[..., Any])


class NotAllowed(Http404):
    """The person may not have this (or it does not exist): always answered with 404.

    A subclass of Http404, so Django pages answer it with the ordinary "not found" page
    without any handler; the API and WebSocket consumers map it explicitly.
    """

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


class Policy(StrEnum):
    """Who may use a URL. The walker's expectations for each are in docs/architecture.md."""

    # Anyone, signed in or not; the page holds nothing personal.
    PUBLIC = "public"
    # Any signed-in person, and it shows only their own things (their account, their today page).
    SIGNED_IN = "signed-in"
    # One thing that belongs to one person, named in the URL (a lapse, a journal entry):
    # reached through that app's `<thing>_for_owner` chokepoint.
    OWNER = "owner"
    # A group's things, for its members only (`group_for_member`).
    GROUP_MEMBER = "group-member"
    # A group's moderation, for its facilitators only (`group_for_member(..., facilitate=True)`).
    FACILITATOR = "facilitator"
    # Facility staff, for their own facility only.
    FACILITY_STAFF = "facility-staff"
    # Operators: staff accounts that passed two-step sign-in.
    STAFF = "staff"


def policy_of(view: Any) -> Policy | None:
    """The declared policy of a view, API operation or consumer (None when undeclared)."""
    return getattr(view, ACCESS_ATTRIBUTE, None)


def is_verified_staff(request: HttpRequest) -> bool:
    """Staff whose session passed two-step sign-in: what every staff page requires."""
    user = request.user
    if not user.is_authenticated:
        return False
    if not (user.is_active and user.is_staff):
        return False
    return bool(request.session.get(TWO_STEP_SESSION_KEY))


def _declare(target: Any, policy: Policy) -> None:
    setattr(target, ACCESS_ATTRIBUTE, Policy(policy))


def page_access(policy: Policy) -> Callable[[View], View]:
    """Declares and enforces a page view's policy; put it outermost, above every other decorator.

    Not signed in, for anything but PUBLIC: the sign-in page (it names nothing about the
    thing asked for). Signed in but not verified staff, for STAFF: 404.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if policy is not Policy.PUBLIC and not request.user.is_authenticated:
                # Only the path: a query string can say what someone was looking for.
                return redirect_to_login(request.path)
            if policy is Policy.STAFF and not is_verified_staff(request):
                raise NotAllowed()
            return view(request, *args, **kwargs)

        _declare(wrapper, policy)
        return wrapper  # type: ignore[return-value]

    return decorate


class _ApiGuard:
    """An API operation with its policy enforced in front of it.

    A callable object rather than a closure, because django-ninja reads the operation's
    parameter annotations through ``__globals__``: these must be the module of the
    operation, not this one."""

    def __init__(self, view: Callable[..., Any], policy: Policy) -> None:
        self.__wrapped__ = view
        self.__globals__ = getattr(view, "__globals__", {})
        self.__name__ = view.__name__
        self.__qualname__ = getattr(view, "__qualname__", view.__name__)
        self.__module__ = view.__module__
        self.__doc__ = view.__doc__
        _declare(self, policy)

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        policy = policy_of(self)
        if policy is not Policy.PUBLIC and not request.user.is_authenticated:
            from ninja.errors import AuthenticationError

            raise AuthenticationError()
        if policy is Policy.STAFF and not is_verified_staff(request):
            raise NotAllowed()
        return self.__wrapped__(request, *args, **kwargs)


def api_access(policy: Policy) -> Callable[[View], View]:
    """Declares and enforces an API operation's policy; put it under the router's decorator.
    (The operation's ``auth=`` says how a client proves who it is; this says who may use
    it once it has.)"""

    def decorate(view: View) -> View:
        return _ApiGuard(view, policy)  # type: ignore[return-value]

    return decorate


def declare_include(resolver: URLResolver, policy: Policy) -> URLResolver:
    """Declares one policy for every pattern of an ``include()`` we do not write ourselves
    (the admin site, whose own views enforce it). Returns the resolver for use in urlpatterns."""
    _declare(resolver, policy)
    return resolver
