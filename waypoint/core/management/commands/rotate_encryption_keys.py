"""Re-wraps every data key with the newest master key (the first in ENCRYPTION_KEYS).

How to change the master key (docs/operations.md): put the new key first in
ENCRYPTION_KEYS and keep the old one after it, restart, run this command, then remove the
old key. The data itself is not touched — only each person's small wrapped key — so it
is quick, and it is resumable: it works in batches that each commit, and a second run
after an interruption carries on with whatever is still wrapped by an older key.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from waypoint.core import crypto
from waypoint.core.models import DataKey


class Command(BaseCommand):
    help = "Re-wrap every data key with the newest master key in ENCRYPTION_KEYS (resumable)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--max-batches", type=int, default=0, help="stop after this many batches (0: until done)")
        parser.add_argument("--check", action="store_true", help="only say how many keys still need it")

    def handle(self, *args: Any, batch_size: int, max_batches: int, check: bool, **options: Any) -> None:
        current = crypto.current_master_key()
        pending = DataKey.objects.exclude(master_id=current.id)
        if check:
            self.stdout.write(f"{pending.count()} data key(s) still wrapped by an older master key.")
            return
        done = batches = 0
        while True:
            with transaction.atomic():
                rows = list(pending.select_for_update().order_by("pk")[:batch_size])
                for row in rows:
                    plain = crypto.data_key_bytes(row)
                    row.master_id, row.wrapped = crypto.wrap(data_key=plain, key_uid=str(row.uid), master=current)
                    row.rewrapped_at = timezone.now()
                    row.save(update_fields=["master_id", "wrapped", "rewrapped_at"])
            done += len(rows)
            batches += 1
            if rows:
                self.stdout.write(f"re-wrapped {done} data key(s)")
            if len(rows) < batch_size or (max_batches and batches >= max_batches):
                break
        crypto.forget_cached_keys()
        left = pending.count()
        self.stdout.write(self.style.SUCCESS(f"Done: {done} re-wrapped with master key {current.id}; {left} left."))
