"""The admin site, signed in to only through Waypoint's own sign-in.

Django's admin has its own login form, which takes a password alone: no second step,
none of the sign-in limits. Here its login view only sends people to
``accounts:login`` (password, then the code, with every limit), and the admin opens
only for staff whose session passed two-step sign-in
(``waypoint.core.access.is_verified_staff``). It is installed as the default admin site
(``INSTALLED_APPS`` lists ``waypoint.accounts.admin_app.AdminConfig`` instead of
``django.contrib.admin``), so every app's ``admin.register`` lands here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from waypoint.accounts import selectors
from waypoint.accounts.views._common import safe_next
from waypoint.core.access import NotAllowed, is_verified_staff


class WaypointAdminSite(admin.AdminSite):
    site_header = "Waypoint"
    site_title = "Waypoint admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_verified_staff(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Never a form: every way into the admin goes through the site's sign-in."""
        next_url = safe_next(request, reverse("admin:index"))
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
        if is_verified_staff(request):
            return redirect(next_url)
        if not (user.is_active and user.is_staff):
            # Same answer as any page a person may not see.
            raise NotAllowed()
        if not selectors.totp_enabled(user=user):
            messages.info(request, _("Staff accounts must use two-step sign-in. Turn it on, then sign in again."))
            return redirect("accounts:totp_setup")
        # Staff with an authenticator whose session did not use it (signed in before it
        # was turned on): sign in again, with the code this time.
        logout(request)
        messages.info(request, _("Please sign in again with your code to open the staff pages."))
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")

    def password_change(  # type: ignore[override]  # a redirect, not the admin's form
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The site's own page asks for the current password under the sign-in limits.
        return redirect("accounts:password_change")
