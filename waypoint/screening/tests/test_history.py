"""The hidden `history` field (earlier totals a person carries along) is written by our
own page; a tampered value is dropped with a message, never a server error (issue 15
item 7)."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from waypoint.screening import forms
from waypoint.screening.tests.helpers import answers_for_total, instrument

pytestmark = pytest.mark.django_db

TAMPERED = ["²", "1" * 4301, "12,x", "15," + "9" * 50, "-3", "999"]


@pytest.mark.parametrize(
    "history", TAMPERED, ids=["superscript", "4301-digits", "letters", "huge", "negative", "out-of-range"]
)
def test_it_answers_a_tampered_history_with_a_message_not_a_500(client, history: str) -> None:
    sows = instrument("sows-gossop")
    answers = answers_for_total(sows, 8)
    response = client.post("/en/check/sows-gossop/", {**answers, "history": history})
    assert response.status_code == 200
    html = response.content.decode()
    assert "We could not read your earlier scores" in html
    # The result is still shown, and only the new total is carried forward.
    assert 'name="history" value="8"' in html


@pytest.mark.parametrize("history", ["²", "1" * 4301])
def test_the_start_button_and_the_summary_drop_a_tampered_history_too(client, history: str) -> None:
    sows = instrument("sows-gossop")
    start = client.post("/en/check/sows-gossop/", {"start": "1", "history": history})
    assert start.status_code == 200
    assert "We could not read your earlier scores" in start.content.decode()
    summary = client.post("/en/check/sows-gossop/summary/", {**answers_for_total(sows, 8), "history": history})
    assert summary.status_code == 200


def test_it_keeps_a_history_our_page_wrote() -> None:
    sows = instrument("sows-gossop")
    assert forms.posted_history(sows, QueryDict("history=15,12,")) == [15, 12]
    with pytest.raises(forms.TamperedHistory):
        forms.posted_history(sows, QueryDict("history=%C2%B2"))
