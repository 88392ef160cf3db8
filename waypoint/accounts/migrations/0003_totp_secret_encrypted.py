"""Authenticator secrets move to encrypted storage (waypoint/core/crypto.py).

Each device row gets a `row_key` (its identity in the ciphertext), each person with a
device gets a data key, and every clear-text secret is replaced by its ciphertext.
"""

import uuid

from django.db import migrations, models

import waypoint.core.encryption
from waypoint.core import crypto

TABLE_COLUMN = "accounts_totpdevice.secret"


def fill_row_keys(apps, schema_editor):
    TotpDevice = apps.get_model("accounts", "TotpDevice")
    for pk in TotpDevice.objects.values_list("pk", flat=True):
        TotpDevice.objects.filter(pk=pk).update(row_key=uuid.uuid4())


def _data_key(apps, user_id):
    DataKey = apps.get_model("core", "DataKey")
    row = DataKey.objects.filter(user_id=user_id).first()
    if row is None:
        row = DataKey(user_id=user_id, uid=uuid.uuid4())
        row.master_id, row.wrapped = crypto.wrap(data_key=crypto.new_data_key(), key_uid=str(row.uid))
        row.save()
    return crypto.data_key_bytes(row)


def encrypt_secrets(apps, schema_editor):
    TotpDevice = apps.get_model("accounts", "TotpDevice")
    for pk, user_id, row_key, secret in TotpDevice.objects.values_list("pk", "user_id", "row_key", "secret"):
        if crypto.is_token(str(secret)):
            continue
        token = crypto.encrypt(key=_data_key(apps, user_id), plaintext=str(secret), aad=f"{TABLE_COLUMN}:{row_key}")
        TotpDevice.objects.filter(pk=pk).update(secret=token)


def decrypt_secrets(apps, schema_editor):
    TotpDevice = apps.get_model("accounts", "TotpDevice")
    with schema_editor.connection.cursor() as cursor:
        for pk, user_id, row_key, secret in TotpDevice.objects.values_list("pk", "user_id", "row_key", "secret"):
            if not crypto.is_token(str(secret)):
                continue
            plain = crypto.decrypt(key=_data_key(apps, user_id), token=str(secret), aad=f"{TABLE_COLUMN}:{row_key}")
            # Raw SQL: the encrypted field refuses clear text on purpose.
            cursor.execute("UPDATE accounts_totpdevice SET secret = %s WHERE id = %s", [plain, pk])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_totpdevice_recoverycode"),
        ("core", "0001_data_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="totpdevice",
            name="row_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill_row_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="totpdevice",
            name="row_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="totpdevice",
            name="secret",
            field=waypoint.core.encryption.EncryptedTextField(bind="row_key", key_owner="user"),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
    ]
