"""Saving a result, and the exporter/deleter behind "My data"."""

from __future__ import annotations

import importlib

import pytest

from waypoint.core import userdata
from waypoint.core.tests.personas import UserFactory
from waypoint.screening import services
from waypoint.screening.engine import AnswerError
from waypoint.screening.models import SavedResult
from waypoint.screening.selectors import results_for_user
from waypoint.screening.tests.helpers import answers_for_total, instrument, oud_answers

pytestmark = pytest.mark.django_db


def test_it_registers_with_the_user_data_registry():
    provider = next(p for p in userdata.providers() if p.key == "screening.results")
    assert provider.exporter is services.results_export_for_user
    assert provider.remover is services.results_delete_for_user


def test_it_saves_a_rescored_result():
    user = UserFactory()
    saved = services.result_save(user=user, instrument_id="oud-self-check", answers=oud_answers(6))
    assert (saved.total, saved.band, saved.instrument_version) == (6, "severe", "1.0")


def test_it_refuses_to_save_invalid_answers_or_unknown_checks():
    user = UserFactory()
    with pytest.raises(AnswerError):
        services.result_save(user=user, instrument_id="cows", answers={"gooseflesh": 1})
    with pytest.raises(LookupError):
        services.result_save(user=user, instrument_id="dast-10", answers={})
    assert SavedResult.objects.count() == 0


def test_it_exports_and_deletes_only_the_owners_results():
    owner, other = UserFactory(), UserFactory()
    services.result_save(user=owner, instrument_id="barc-10", answers=answers_for_total(instrument("barc-10"), 47))
    services.result_save(
        user=owner, instrument_id="sows-gossop", answers=answers_for_total(instrument("sows-gossop"), 3)
    )
    services.result_save(
        user=other, instrument_id="sows-gossop", answers=answers_for_total(instrument("sows-gossop"), 9)
    )
    exported = services.results_export_for_user(user=owner)
    assert [(row["instrument"], row["total"]) for row in exported] == [("barc-10", 47), ("sows-gossop", 3)]
    assert exported[0]["answers"]["energy"] in range(1, 7)
    assert services.results_delete_for_user(user=owner) == 2
    assert services.results_export_for_user(user=owner) == []
    assert SavedResult.objects.filter(user=other).count() == 1


def test_it_reads_saved_results_oldest_first_for_trends():
    user = UserFactory()
    for total in (20, 12, 5):
        services.result_save(
            user=user, instrument_id="sows-gossop", answers=answers_for_total(instrument("sows-gossop"), total)
        )
    assert [row.total for row in results_for_user(user=user, instrument_id="sows-gossop")] == [20, 12, 5]


def test_it_is_in_the_account_export_and_goes_when_the_account_is_deleted():
    try:
        account_services = importlib.import_module("waypoint.accounts.services")
    except ModuleNotFoundError:
        pytest.skip("waypoint.accounts.services is not built yet; the deleter is tested directly above")
    user = UserFactory()
    services.result_save(user=user, instrument_id="oud-self-check", answers=oud_answers(2))
    exported = account_services.account_export(user=user)
    assert [row["total"] for row in exported["data"]["screening.results"]] == [2]
    account_services.account_delete(user=user)
    assert SavedResult.objects.count() == 0
