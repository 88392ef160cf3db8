"""Every user-facing string of the screening app has a Spanish translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

PO = Path(__file__).resolve().parent.parent / "locale" / "es" / "LC_MESSAGES" / "django.po"


def test_it_translates_every_message_into_spanish():
    with PO.open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    messages = [message for message in catalog if message.id]
    assert messages
    assert [message.id for message in messages if not message.string] == []
    assert [message.id for message in messages if message.fuzzy] == []
    assert not catalog.fuzzy
