"""The VAPID key pair that signs Web Push messages (docs/reminders.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from waypoint.reminders import vapid


class Command(BaseCommand):
    help = (
        "Make the VAPID key pair for Web Push in var/ (owner-only) if it is missing, and print its public key. "
        "With --print: print a new pair for VAPID_PRIVATE_KEY / VAPID_PUBLIC_KEY instead (nothing is written)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--print", action="store_true", help="print a new key pair for the environment")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print"]:
            private = vapid.new_private_raw()
            from py_vapid import Vapid

            public = vapid.b64url(
                Vapid.from_string(private_key=private).public_key.public_bytes(
                    vapid.serialization.Encoding.X962, vapid.serialization.PublicFormat.UncompressedPoint
                )
            )
            self.stdout.write(f"VAPID_PRIVATE_KEY={private}\nVAPID_PUBLIC_KEY={public}")
            return
        if settings.VAPID_PRIVATE_KEY:
            self.stdout.write("VAPID_PRIVATE_KEY is set; nothing to make.")
        else:
            path, made = vapid.ensure_key_file()
            self.stdout.write(f"{'Made' if made else 'Kept'} {path}")
        self.stdout.write(f"Public key: {vapid.vapid_keys().public_key}")
