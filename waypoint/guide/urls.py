# Placeholder routes so that links resolve while the app is being built.
from django.http import HttpResponse
from django.urls import path

app_name = "guide"


def _placeholder(request):
    return HttpResponse("guide: not built yet", content_type="text/plain")


urlpatterns = [
    path("index/" if "index" != "search" and "index" != "index" else "", _placeholder, name="index"),
]
