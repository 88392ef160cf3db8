# Placeholder routes so that links resolve while the app is being built.
from django.http import HttpResponse
from django.urls import path

app_name = "accounts"


def _placeholder(request):
    return HttpResponse("accounts: not built yet", content_type="text/plain")


urlpatterns = [
    path("home/" if "home" != "search" and "home" != "index" else "", _placeholder, name="home"),
    path("login/" if "login" != "search" and "login" != "index" else "", _placeholder, name="login"),
    path("signup/" if "signup" != "search" and "signup" != "index" else "", _placeholder, name="signup"),
]
