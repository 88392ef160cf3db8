from django.urls import path

from waypoint.screening import decision_views, views

app_name = "screening"

urlpatterns = [
    path("", views.index, name="index"),
    # Before the instrument routes, so that "which-care" is never read as an instrument id.
    path("which-care/", decision_views.situation_page, name="situation"),
    path("<slug:instrument_id>/", views.instrument_page, name="instrument"),
    path("<slug:instrument_id>/summary/", views.summary, name="summary"),
    path("<slug:instrument_id>/pdf/", views.download_pdf, name="pdf"),
    path("<slug:instrument_id>/fhir/", views.download_fhir, name="fhir"),
    path("<slug:instrument_id>/save/", views.save, name="save"),
]
