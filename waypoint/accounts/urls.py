from django.urls import path

from waypoint.accounts.views import auth, data, security, tokens
from waypoint.core.access import Policy, page_access

public = page_access(Policy.PUBLIC)
# Pages about the signed-in person's own account: there is no id to guess.
signed_in = page_access(Policy.SIGNED_IN)

app_name = "accounts"

urlpatterns = [
    path("", signed_in(auth.home), name="home"),
    path("signup/", public(auth.signup), name="signup"),
    path("login/", public(auth.login_view), name="login"),
    path("login/code/", public(auth.login_second_step), name="login_2fa"),
    path("logout/", public(auth.logout_view), name="logout"),
    path("sign-out-everywhere/", signed_in(auth.logout_everywhere), name="logout_everywhere"),
    path("password/", signed_in(auth.password_change), name="password_change"),
    path("password/reset/", public(auth.password_reset), name="password_reset"),
    path("recovery-codes/", signed_in(security.recovery_codes), name="recovery_codes"),
    path("recovery-codes/new/", signed_in(security.recovery_codes_show), name="recovery_codes_show"),
    path("recovery-codes/new/codes.txt", signed_in(security.recovery_codes_download), name="recovery_codes_download"),
    path("two-step/", signed_in(security.totp_setup), name="totp_setup"),
    path("two-step/off/", signed_in(security.totp_disable), name="totp_disable"),
    path("tokens/", signed_in(tokens.token_list), name="tokens"),
    path("tokens/<int:token_id>/revoke/", page_access(Policy.OWNER)(tokens.token_revoke), name="token_revoke"),
    path("my-data/", signed_in(data.my_data), name="my_data"),
    path("my-data/download.json", signed_in(data.my_data_json), name="my_data_json"),
    path("my-data/download.html", signed_in(data.my_data_html), name="my_data_html"),
    path("delete/", signed_in(data.delete_account), name="delete"),
    path("deleted/", public(data.deleted), name="deleted"),
]
