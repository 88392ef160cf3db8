"""Migration 0004 folds existing usernames, and stops when two differ only in case
(issue 15, item 4). Transactional: it migrates the test database back and forth."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from waypoint.accounts.models import User

BEFORE = ("accounts", "0003_totp_secret_encrypted")
FOLDING = ("accounts", "0004_folded_usernames_attempt_counters")


def test_the_migration_folds_existing_names_and_stops_on_a_clash(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    try:
        old_user = executor.loader.project_state([BEFORE]).apps.get_model("accounts", "User")
        old_user.objects.create(username="Dana", password="!")
        old_user.objects.create(username="erin", password="!")
        executor.loader.build_graph()
        executor.migrate([FOLDING])
        assert sorted(User.objects.values_list("username", flat=True)) == ["dana", "erin"]

        executor.loader.build_graph()
        executor.migrate([BEFORE])
        old_user.objects.create(username="ERIN", password="!")
        executor.loader.build_graph()
        with pytest.raises(RuntimeError, match="differ only in upper/lower case"):
            executor.migrate([FOLDING])
        old_user.objects.filter(username="ERIN").delete()
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
