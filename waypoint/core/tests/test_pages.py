import re

import pytest
from django.test import override_settings

PAGES = ["/en/", "/en/help/", "/en/for-me/", "/en/for-someone/", "/en/recovery/", "/en/about/"]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_it_serves_every_core_page_in_both_languages(client, path, language):
    response = client.get(path.replace("/en/", f"/{language}/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    # "Get help now" and quick exit are on every page.
    assert 'data-testid="get-help-now"' in html
    assert 'data-testid="quick-exit"' in html
    assert 'href="tel:+18006624357"' in html
    assert 'href="tel:911"' in html


def test_it_puts_the_crisis_lines_on_get_help_now(client):
    html = client.get("/en/help/").content.decode()
    for href in ["tel:+18006624357", "tel:988", "tel:911", "tel:+18004874889", "sms:741741?body=HOME", "sms:435748"]:
        assert f'href="{href}"' in html
    assert "Signs of an opioid overdose" in html
    assert "Stay with them." in html


def test_it_speaks_spanish_under_es(client):
    html = client.get("/es/help/").content.decode()
    assert "Ayuda ahora" in html
    assert "Señales de una sobredosis de opioides" in html
    assert "Línea Nacional de Ayuda de SAMHSA" in html


def test_it_sends_a_first_visit_to_its_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == "/es/"


def test_it_remembers_the_language_in_a_cookie(client):
    response = client.get("/es/about/")
    assert response.cookies["wp_lang"].value == "es"
    assert response.cookies["wp_lang"]["httponly"]
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en").headers["Location"] == "/es/"


def test_it_links_each_page_to_the_other_language(client):
    html = client.get("/en/help/").content.decode()
    assert 'href="/es/help/"' in html


def test_it_sends_strict_security_headers(client):
    response = client.get("/en/")
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response


@override_settings(SECURE_HSTS_SECONDS=31536000, SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_it_sends_hsts_and_secure_cookies_behind_https(client):
    response = client.get("/en/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.cookies["csrftoken"]["secure"]


def test_it_has_no_inline_scripts_or_styles(client):
    for path in PAGES:
        html = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert " style=" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path


def test_it_puts_a_csrf_token_in_every_post_form(client):
    for path in PAGES:
        html = client.get(path).content.decode()
        forms = re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S | re.I)
        for form in forms:
            if re.search(r'method="post"', form, flags=re.I):
                assert "csrfmiddlewaretoken" in form, path


def test_it_refuses_a_post_without_the_csrf_token():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/en/discreet/", {"on": "1", "next": "/en/"})
    assert response.status_code == 403


def _strict_client_and_token():
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.get("/en/")
    return strict, strict.cookies["csrftoken"].value


def test_it_accepts_a_same_site_post_with_a_null_origin():
    # Browsers send "Origin: null" under Referrer-Policy: no-referrer.
    strict, token = _strict_client_and_token()
    response = strict.post(
        "/en/discreet/",
        {"on": "1", "next": "/en/", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="null",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 302


def test_it_refuses_a_cross_site_post_with_a_null_origin():
    strict, token = _strict_client_and_token()
    response = strict.post(
        "/en/discreet/",
        {"on": "1", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="null",
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert response.status_code == 403


def test_it_turns_discreet_mode_on_and_off(client):
    response = client.post("/en/discreet/", {"on": "1", "next": "/en/help/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/help/"
    html = client.get("/en/help/").content.decode()
    assert "<title>Notes</title>" in html
    assert "icons/notes" in html
    assert "Waypoint" not in re.search(r"<header.*?</header>", html, flags=re.S).group(0)
    client.post("/en/discreet/", {"on": "0", "next": "/en/help/"})
    assert "<title>Get help now · Waypoint</title>" in client.get("/en/help/").content.decode()


def test_it_does_not_redirect_discreet_mode_to_another_site(client):
    response = client.post("/en/discreet/", {"on": "1", "next": "https://evil.example.com/"})
    assert response["Location"] == "/en/"


def test_it_shows_the_medical_disclaimer_everywhere(client):
    for path in PAGES:
        assert "information, not medical advice" in client.get(path).content.decode()


@override_settings(QUICK_EXIT_URL="https://www.example.com/weather")
def test_it_sends_quick_exit_where_the_operator_says(client):
    assert 'href="https://www.example.com/weather"' in client.get("/en/").content.decode()


ENGLISH_ONLY_WORDS = {"the", "your", "you", "with", "and", "help", "what", "call", "not"}


def visible_words(html: str) -> set[str]:
    """Words a reader sees: no tags, scripts or attribute values; brand names dropped."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return {word.lower() for word in re.findall(r"[A-Za-z]+", text)}


@pytest.mark.parametrize("path", PAGES)
def test_it_has_no_english_left_on_spanish_pages(client, path):
    html = client.get(path.replace("/en/", "/es/")).content.decode()
    # Helpline and data-source names stay in English where they are proper names.
    html = re.sub(
        r"Crisis Text Line|Narcotics Anonymous|Code for Recovery|Meeting Guide|Substance Abuse and Mental Health Services Administration|Preventing Opioid Overdose|Overdose Prevention and Response Toolkit|Stop Overdose",
        "",
        html,
    )
    html = re.sub(r"\S+\.(gov|org|com)\S*", "", html)  # web addresses named as sources
    leftovers = visible_words(html) & ENGLISH_ONLY_WORDS
    assert leftovers == set(), f"{path}: English words on the Spanish page: {leftovers}"
