from django.urls import path

from waypoint.core.access import Policy, page_access

from . import gate, views

# The person's own staff home and the "ask to manage this listing" form: nothing of a facility
# until an operator approved them.
signed_in = page_access(Policy.SIGNED_IN)
# One facility's pages, for its active staff only (selectors.facility_staff_for), in a
# session that passed two-step sign-in (gate.facility_staff_page).
facility_staff = page_access(Policy.FACILITY_STAFF)

app_name = "availability"

# Ids only in addresses.
urlpatterns = [
    path("", signed_in(views.home), name="home"),
    path("ask/<int:facility_id>/", signed_in(views.ask), name="ask"),
    path("sign-in-again/", signed_in(gate.reverify), name="reverify"),
    path("<int:facility_id>/", facility_staff(views.facility), name="facility"),
    path("<int:facility_id>/team/", facility_staff(views.team), name="team"),
    path("<int:facility_id>/team/<int:staff_id>/remove/", facility_staff(views.team_remove), name="team_remove"),
    path("<int:facility_id>/log/", facility_staff(views.log), name="log"),
]
