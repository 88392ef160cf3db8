from django.urls import path

from waypoint.core.access import Policy, page_access
from waypoint.recovery.views import checkin, goals, lapses, plan, profile, support, today

public = page_access(Policy.PUBLIC)
# The signed-in person's own pages: there is no id to guess.
signed_in = page_access(Policy.SIGNED_IN)
# One thing of one person, named by id in the URL: reached only through its chokepoint.
owner = page_access(Policy.OWNER)

app_name = "recovery"

# Paths name pages and ids only: never an answer, a trigger or anything else a person wrote.
urlpatterns = [
    path("today/", signed_in(today.today), name="today"),
    path("start/", signed_in(today.start), name="start"),
    path("progress/", signed_in(today.progress), name="progress"),
    path("check-in/", signed_in(checkin.checkin), name="checkin"),
    path("check-in/yesterday/", signed_in(checkin.checkin_yesterday), name="checkin_yesterday"),
    path("check-ins/", signed_in(checkin.checkins), name="checkins"),
    path("check-ins/<int:checkin_id>/", owner(checkin.checkin_detail), name="checkin_detail"),
    path("lapses/", signed_in(lapses.lapses), name="lapses"),
    path("lapses/new/", signed_in(lapses.lapse_new), name="lapse_new"),
    path("lapses/<int:lapse_id>/", owner(lapses.lapse), name="lapse"),
    path("lapses/<int:lapse_id>/delete/", owner(lapses.lapse_delete), name="lapse_delete"),
    path("plan/", signed_in(plan.plan), name="plan"),
    path("plan/plan.pdf", signed_in(plan.plan_download), name="plan_pdf"),
    path("plan/edit/<slug:step_key>/", signed_in(plan.plan_step), name="plan_step"),
    path("plan/versions/", signed_in(plan.plan_versions), name="plan_versions"),
    path("plan/versions/<int:version_id>/", owner(plan.plan_version), name="plan_version"),
    path("plan/versions/<int:version_id>/plan.pdf", owner(plan.plan_version_download), name="plan_version_pdf"),
    path("profile/", signed_in(profile.profile), name="profile"),
    path("people/", signed_in(profile.people), name="people"),
    path("people/<int:person_id>/", owner(profile.person_edit), name="person_edit"),
    path("people/<int:person_id>/delete/", owner(profile.person_delete), name="person_delete"),
    path("appointments/", signed_in(profile.appointments), name="appointments"),
    path("appointments/<int:appointment_id>/", owner(profile.appointment_edit), name="appointment_edit"),
    path("appointments/<int:appointment_id>/delete/", owner(profile.appointment_delete), name="appointment_delete"),
    path("goals/", signed_in(goals.goals), name="goals"),
    path("goals/new/", signed_in(goals.goal_new), name="goal_new"),
    path("goals/<int:goal_id>/", owner(goals.goal), name="goal"),
    path("goals/<int:goal_id>/edit/", owner(goals.goal_edit), name="goal_edit"),
    path("strengths/", signed_in(support.barc), name="barc"),
    path("struggling/", signed_in(support.struggling), name="struggling"),
    # Nothing personal on it: anyone may use the exercise.
    path("breathe/", public(support.breathe), name="breathe"),
]
