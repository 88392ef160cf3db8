from django.urls import path

from waypoint.core.access import Policy, page_access

from .views import person, staff

# Asking to be called needs no account: the draft is this browser's for an hour, and the
# private link's token is the capability for its status page (it names nothing).
public = page_access(Policy.PUBLIC)
# The person's own list of requests, when signed in.
signed_in = page_access(Policy.SIGNED_IN)
# One request of the person's own, by id (selectors.handoff_for_requester).
owner = page_access(Policy.OWNER)
# A facility's inbox, for its active staff in a two-step session (availability.gate).
facility_staff = page_access(Policy.FACILITY_STAFF)

app_name = "handoff"

# Ids and random tokens only: no place, no name, no health word in any address.
urlpatterns = [
    path("", public(person.start), name="start"),
    path("d/<str:key>/", public(person.draft), name="draft"),
    path("d/<str:key>/send/", public(person.confirm), name="confirm"),
    path("s/<str:token>/", public(person.status), name="status"),
    path("s/<str:token>/take-back/", public(person.withdraw), name="withdraw"),
    path("mine/", signed_in(person.mine), name="mine"),
    path("mine/<int:handoff_id>/", owner(person.mine_detail), name="mine_detail"),
    path("mine/<int:handoff_id>/take-back/", owner(person.mine_withdraw), name="mine_withdraw"),
    path("inbox/<int:facility_id>/", facility_staff(staff.inbox), name="inbox"),
    path("inbox/<int:facility_id>/<int:handoff_id>/", facility_staff(staff.inbox_detail), name="inbox_detail"),
]
