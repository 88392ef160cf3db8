from django.urls import path

from waypoint.core.access import Policy, page_access
from waypoint.screening import decision_views, views

# Self-checks are for anyone; answers travel by POST and are stored only when a signed-in
# person saves a result (for themselves).
public = page_access(Policy.PUBLIC)

app_name = "screening"

urlpatterns = [
    path("", public(views.index), name="index"),
    # Before the instrument routes, so that "which-care" is never read as an instrument id.
    path("which-care/", public(decision_views.situation_page), name="situation"),
    path("<slug:instrument_id>/", public(views.instrument_page), name="instrument"),
    path("<slug:instrument_id>/summary/", public(views.summary), name="summary"),
    path("<slug:instrument_id>/pdf/", public(views.download_pdf), name="pdf"),
    path("<slug:instrument_id>/fhir/", public(views.download_fhir), name="fhir"),
    path("<slug:instrument_id>/save/", public(views.save), name="save"),
]
