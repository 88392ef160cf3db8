from django.urls import path

from waypoint.accounts.views import auth, data, security

app_name = "accounts"

urlpatterns = [
    path("", auth.home, name="home"),
    path("signup/", auth.signup, name="signup"),
    path("login/", auth.login_view, name="login"),
    path("login/code/", auth.login_second_step, name="login_2fa"),
    path("logout/", auth.logout_view, name="logout"),
    path("sign-out-everywhere/", auth.logout_everywhere, name="logout_everywhere"),
    path("password/", auth.password_change, name="password_change"),
    path("password/reset/", auth.password_reset, name="password_reset"),
    path("recovery-codes/", security.recovery_codes, name="recovery_codes"),
    path("recovery-codes/new/", security.recovery_codes_show, name="recovery_codes_show"),
    path("recovery-codes/new/codes.txt", security.recovery_codes_download, name="recovery_codes_download"),
    path("two-step/", security.totp_setup, name="totp_setup"),
    path("two-step/off/", security.totp_disable, name="totp_disable"),
    path("my-data/", data.my_data, name="my_data"),
    path("my-data/download.json", data.my_data_json, name="my_data_json"),
    path("my-data/download.html", data.my_data_html, name="my_data_html"),
    path("delete/", data.delete_account, name="delete"),
    path("deleted/", data.deleted, name="deleted"),
]
