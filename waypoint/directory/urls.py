from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:facility_id>/", views.facility, name="facility"),
    path("<int:facility_id>/report/", views.report, name="report"),
]
