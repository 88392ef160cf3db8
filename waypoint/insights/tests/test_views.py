"""The insights and weekly pages: signed-in only, no-store, the person's own data, the
private prompt, Spanish, and forms that work without JavaScript."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from waypoint.insights.models import InsightPreference
from waypoint.insights.tests.conftest import TODAY, history

pytestmark = pytest.mark.django_db

PAGES = ["insights:index", "insights:week"]


def hard_last_days(end: dt.date = TODAY) -> list:
    """Eight weeks where short nights (every third) raise craving, then three hard days:
    the early warning is above its threshold."""

    def craving(d: dt.date, i: int) -> int:
        return (5 if i % 3 == 0 else 1) + i % 2 if i < 57 else [6, 8, 9][i - 57]

    return history(
        60,
        end=end,
        craving=craving,
        mood=lambda d, i: 4 if i < 57 else 2,
        sleep_hours=lambda d, i: 5.0 if i % 3 == 0 or i >= 58 else 7.5,
        triggers=lambda d, i: ("payday",) if i >= 58 else (),
        meeting=lambda d, i: i % 2 == 0,
    )


@pytest.mark.parametrize("name", PAGES)
def test_pages_need_sign_in_and_are_never_stored(client, alice_client, fake_recovery, name):
    url = reverse(name)
    assert client.get(url).status_code == 302
    response = alice_client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_page_says_how_many_check_ins_are_still_needed(alice, alice_client, fake_recovery):
    fake_recovery.set(alice, history(10))
    page = alice_client.get(reverse("insights:index")).content.decode()
    assert "Patterns show up after 28 check-ins. 18 more to go." in page
    assert 'data-testid="no-warning"' in page


def test_it_shows_the_persons_insights_and_the_warning_table(alice, alice_client, fake_recovery):
    fake_recovery.set(alice, hard_last_days())
    response = alice_client.get(reverse("insights:index"))
    page = response.content.decode()
    assert "On nights you sleep under 6 hours, your craving the next day is about" in page
    assert 'data-testid="warning-table"' in page
    assert "<svg" in page
    assert 'role="img"' in page
    assert "Craving in the last 3 days" in page


def test_above_the_threshold_a_private_prompt_links_to_the_plan(alice, alice_client, fake_recovery):
    fake_recovery.set(alice, hard_last_days())
    page = alice_client.get(reverse("insights:index")).content.decode()
    assert 'data-testid="warning-prompt"' in page
    assert "The last few days look harder than usual." in page
    assert f'href="{reverse("recovery:struggling")}"' in page


def test_a_steady_stretch_shows_no_prompt(alice, alice_client, fake_recovery):
    fake_recovery.set(alice, history(60, craving=lambda d, i: 3, mood=lambda d, i: 4))
    page = alice_client.get(reverse("insights:index")).content.decode()
    assert 'data-testid="warning-prompt"' not in page
    assert 'data-testid="warning-score">0<' in page


def test_nobody_else_sees_a_persons_insights_or_prompt(alice, bob, bob_client, fake_recovery):
    fake_recovery.set(alice, hard_last_days())
    fake_recovery.set(bob, history(12))
    for name in PAGES:
        page = bob_client.get(reverse(name)).content.decode()
        assert "sleep under 6 hours" not in page
        assert 'data-testid="warning-prompt"' not in page
    assert alice.pk not in fake_recovery.asked


def test_the_weekly_page_sums_up_the_week(alice, alice_client, fake_recovery):
    # TODAY is a Wednesday: this week so far is Monday to Wednesday.
    fake_recovery.set(
        alice,
        history(
            60,
            craving=lambda d, i: 2 if d >= TODAY - dt.timedelta(days=2) else 4,
            mood=lambda d, i: 4,
            meeting=lambda d, i: d.weekday() == 0,
        ),
    )
    fake_recovery.days_in_recovery[alice.pk] = 57
    page = alice_client.get(reverse("insights:week")).content.decode()
    assert "My week: June 16 to June 22" in page
    assert 'data-testid="week-checkins">3 of 3<' in page
    assert 'data-testid="week-days-in-recovery">57<' in page
    assert 'data-testid="week-meetings">1<' in page
    assert "Craving was lower than the week before (2.0, down from 4.0)." in page
    assert 'data-testid="trend-table"' in page
    assert page.count("<svg") >= 2
    last_week = alice_client.get(reverse("insights:week"), {"weeks_ago": "1"}).content.decode()
    assert "My week: June 9 to June 15" in last_week
    assert 'data-testid="week-checkins">7 of 7<' in last_week
    # Nonsense in the query string is the current week, not an error.
    assert alice_client.get(reverse("insights:week"), {"weeks_ago": "x"}).status_code == 200


def test_the_weekly_summary_choice_is_a_plain_form(alice, alice_client, fake_recovery):
    response = alice_client.post(
        reverse("insights:preferences"), {"weekly_summary": "on", "back": "week"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("insights:week")
    preference = InsightPreference.objects.get(user=alice)
    assert preference.weekly_summary is True
    alice_client.post(reverse("insights:preferences"), {"back": "week"})
    assert InsightPreference.objects.get(user=alice).weekly_summary is False


def test_the_form_only_goes_back_to_its_own_pages(alice_client, fake_recovery):
    response = alice_client.post(reverse("insights:preferences"), {"back": "https://example.com/"})
    assert response["Location"] == reverse("insights:index")


@pytest.mark.parametrize("name", PAGES)
def test_pages_are_complete_in_spanish(alice, alice_client, fake_recovery, name):
    fake_recovery.set(alice, hard_last_days())
    with translation.override("es"):
        url = reverse(name)
    page = alice_client.get(url).content.decode()
    assert '<html lang="es">' in page
    text = re.sub(r"<[^>]+>", " ", page)  # what a reader sees (not attribute names)
    for english in ("craving", "Craving", "Patterns", "Weekly summary", "based on", "The last", "Save", "Mood"):
        assert english not in text, english
