# Placeholder routes so that links resolve while the app is being built.
from django.http import HttpResponse
from django.urls import path

app_name = "directory"


def _placeholder(request):
    return HttpResponse("directory: not built yet", content_type="text/plain")


urlpatterns = [
    path("search/" if "search" != "search" and "search" != "index" else "", _placeholder, name="search"),
]
