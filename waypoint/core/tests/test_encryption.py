"""Envelope encryption at rest: raw columns hold only ciphertext bound to their row; wrong or
missing keys fail loudly; keys rotate resumably; the TOTP secret migration encrypts old rows."""

from __future__ import annotations

import io

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from waypoint.accounts.models import TotpDevice
from waypoint.core import crypto
from waypoint.core.models import DataKey
from waypoint.core.tests.personas import totp_on

pytestmark = pytest.mark.django_db

OTHER_KEY = crypto.generate_key_text()


def raw_secret(device_pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice WHERE id = %s", [device_pk])
        return cursor.fetchone()[0]


@pytest.fixture(autouse=True)
def _forget_keys():
    crypto.forget_cached_keys()
    yield
    crypto.forget_cached_keys()


def test_it_stores_the_totp_secret_as_ciphertext_only(alice):
    totp = totp_on(alice)
    device = TotpDevice.objects.get(user=alice)
    stored = raw_secret(device.pk)
    assert stored.startswith("wp1:")
    assert totp.secret not in stored
    # Read back through the model, it is the secret again.
    assert TotpDevice.objects.get(pk=device.pk).secret == totp.secret


def test_it_gives_each_person_a_data_key_wrapped_by_the_newest_master_key(alice, bob):
    totp_on(alice)
    totp_on(bob)
    keys = DataKey.objects.filter(user__in=[alice, bob])
    assert keys.count() == 2
    assert {k.master_id for k in keys} == {crypto.current_master_key().id}
    assert len({crypto.data_key_bytes(k) for k in keys}) == 2


def test_it_refuses_a_ciphertext_copied_to_another_row(alice, bob):
    totp_on(alice)
    totp_on(bob)
    a, b = TotpDevice.objects.get(user=alice), TotpDevice.objects.get(user=bob)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_totpdevice SET secret = %s WHERE id = %s", [raw_secret(a.pk), b.pk])
    with pytest.raises(crypto.DecryptionError):
        _ = TotpDevice.objects.get(pk=b.pk).secret


def test_it_refuses_a_ciphertext_moved_within_one_persons_rows(alice):
    """Same owner, same key — but another row identity: still refused."""
    totp_on(alice)
    device = TotpDevice.objects.get(user=alice)
    token = raw_secret(device.pk)
    key = crypto.data_key_bytes(DataKey.objects.get(user=alice))
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(key=key, token=token, aad=f"accounts_totpdevice.secret:{'0' * 32}")


def test_it_fails_loudly_with_a_wrong_master_key(alice, settings):
    totp_on(alice)
    pk = TotpDevice.objects.get(user=alice).pk
    settings.ENCRYPTION_KEYS = [OTHER_KEY]
    crypto.forget_cached_keys()
    with pytest.raises(crypto.DecryptionError, match="not in ENCRYPTION_KEYS"):
        _ = TotpDevice.objects.get(pk=pk).secret


def test_it_fails_loudly_when_a_tampered_token_is_read(alice):
    totp_on(alice)
    device = TotpDevice.objects.get(user=alice)
    token = raw_secret(device.pk)
    flipped = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_totpdevice SET secret = %s WHERE id = %s", [flipped, device.pk])
    with pytest.raises(crypto.DecryptionError):
        _ = TotpDevice.objects.get(pk=device.pk).secret


def test_it_never_writes_clear_text_through_update(alice):
    totp_on(alice)
    with pytest.raises(ValueError, match=r"written through model\.save"):
        TotpDevice.objects.filter(user=alice).update(secret="JBSWY3DPEHPK3PXP")


def _errors(ids: set[str]) -> list[str]:
    return [e.id for e in run_checks(databases=["default"]) if e.id in ids]


def test_the_checks_refuse_a_missing_master_key_for_stored_data(alice, settings):
    totp_on(alice)
    assert _errors({"waypoint.E006"}) == []
    settings.ENCRYPTION_KEYS = [OTHER_KEY]
    assert _errors({"waypoint.E006"}) == ["waypoint.E006"]
    # With the old key kept after the new one, everything opens again.
    settings.ENCRYPTION_KEYS = [OTHER_KEY, crypto.generate_key_text()]
    assert _errors({"waypoint.E006"}) == ["waypoint.E006"]


def test_the_checks_refuse_malformed_empty_or_generated_keys(settings):
    settings.ENCRYPTION_KEYS = ["not-a-key"]
    assert _errors({"waypoint.E005"}) == ["waypoint.E005"]
    settings.ENCRYPTION_KEYS = []
    assert _errors({"waypoint.E005"}) == ["waypoint.E005"]
    settings.ENCRYPTION_KEYS = [OTHER_KEY]
    settings.ENCRYPTION_KEYS_GENERATED = True
    settings.DEBUG = False
    assert _errors({"waypoint.E004"}) == ["waypoint.E004"]
    settings.ENCRYPTION_KEYS_GENERATED = False
    assert _errors({"waypoint.E004"}) == []


def test_rotation_rewraps_every_data_key_and_is_resumable(alice, bob, charlie, settings):
    secrets = {user.pk: totp_on(user).secret for user in (alice, bob, charlie)}
    old = list(settings.ENCRYPTION_KEYS)
    new = crypto.generate_key_text()
    settings.ENCRYPTION_KEYS = [new, *old]
    crypto.forget_cached_keys()

    out = io.StringIO()
    call_command("rotate_encryption_keys", "--batch-size", "1", "--max-batches", "1", stdout=out)
    assert "2 left" in out.getvalue()  # interrupted after one batch
    call_command("rotate_encryption_keys", stdout=out)  # the next run finishes the job
    new_id = crypto.parse_master_keys([new])[0].id
    assert set(DataKey.objects.values_list("master_id", flat=True)) == {new_id}

    # The old key can now go: every secret still opens with the new key alone.
    settings.ENCRYPTION_KEYS = [new]
    crypto.forget_cached_keys()
    for user_id, secret in secrets.items():
        assert TotpDevice.objects.get(user_id=user_id).secret == secret
    assert _errors({"waypoint.E006"}) == []


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_secrets_stored_in_clear_text():
    executor = MigrationExecutor(connection)
    before = [("accounts", "0002_totpdevice_recoverycode"), ("core", "0001_data_keys")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    User = old_apps.get_model("accounts", "User")
    OldDevice = old_apps.get_model("accounts", "TotpDevice")
    user = User.objects.create(username="legacy")
    device = OldDevice.objects.create(user=user, secret="JBSWY3DPEHPK3PXP", confirmed=True)
    assert raw_secret(device.pk) == "JBSWY3DPEHPK3PXP"

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert raw_secret(device.pk).startswith("wp1:")
    assert TotpDevice.objects.get(pk=device.pk).secret == "JBSWY3DPEHPK3PXP"
