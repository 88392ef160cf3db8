"""Usernames are folded to lower case everywhere, with a unique index on the folded name;
counters for the sign-in and sign-up limits (waypoint/accounts/limits.py).

Existing names with capitals are folded first ("Alice" becomes "alice"). Before this,
the site's own sign-in folded what people typed, so such a name (made with
createsuperuser or the shell) could only sign in through the admin's old form; folding
lets it sign in on the site. If two names differ only in case, no one can choose which
account keeps the name, so the migration stops and names their ids: rename one (for
example `manage.py shell -c "from waypoint.accounts.models import User;
User.objects.filter(pk=ID).update(username='new-name')"`), then migrate again.
"""

import unicodedata

import django.db.models.functions.text
from django.db import migrations, models

import waypoint.accounts.models


def _fold(username: str) -> str:
    # waypoint.accounts.models.username_fold as of this migration (kept here, frozen).
    return unicodedata.normalize("NFKC", username.strip()).lower()


def fold_usernames(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    rows = list(User.objects.values_list("pk", "username"))
    by_folded: dict[str, list[int]] = {}
    for pk, username in rows:
        by_folded.setdefault(_fold(username), []).append(pk)
    clashes = {name: pks for name, pks in by_folded.items() if len(pks) > 1}
    if clashes:
        listed = "; ".join(f"ids {', '.join(str(pk) for pk in sorted(pks))}" for pks in clashes.values())
        raise RuntimeError(
            "Some usernames differ only in upper/lower case, and usernames are now one case: "
            f"{listed}. Rename one account of each group, then run migrate again."
        )
    for pk, username in rows:
        folded = _fold(username)
        if folded != username:
            User.objects.filter(pk=pk).update(username=folded)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_totp_secret_encrypted'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='AttemptCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=80, unique=True)),
                ('count', models.PositiveIntegerField(default=0)),
                ('expires_at', models.DateTimeField(db_index=True)),
                ('next_allowed', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.AlterModelManagers(
            name='user',
            managers=[
                ('objects', waypoint.accounts.models.FoldingUserManager()),
            ],
        ),
        migrations.RunPython(fold_usernames, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('username'), name='accounts_user_username_folded_unique'),
        ),
    ]
