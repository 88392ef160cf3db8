"""docs/realtime.md is the groups protocol other clients (and the scale test) are written
against: every declared groups frame is documented, and every JSON example in it is a
valid frame of its declared type."""

from __future__ import annotations

import json
import re
from pathlib import Path

from waypoint.core import events
from waypoint.groups import events as group_events  # noqa: F401  (declares them)

DOC = Path(__file__).resolve().parents[3] / "docs" / "realtime.md"


def test_every_groups_frame_is_documented():
    text = DOC.read_text(encoding="utf-8")
    declared = sorted(name for name in events.declared() if name.startswith("group."))
    assert declared == [
        "group.access_ended",
        "group.ack",
        "group.error",
        "group.message",
        "group.queue",
        "group.ready",
    ]
    for name in declared:
        assert f"`{name}`" in text, f"{name} is not in docs/realtime.md"


def test_every_json_example_of_a_server_frame_validates():
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, flags=re.S)
    frames = [json.loads(block) for block in blocks]
    assert {frame["type"] for frame in frames} >= {
        "group.message",
        "group.ready",
        "group.ack",
        "group.error",
        "group.queue",
    }
    for frame in frames:
        events.validate(frame)


def test_every_client_frame_in_the_table_is_one_the_consumer_handles():
    from waypoint.groups.consumers import GroupConsumer

    text = DOC.read_text(encoding="utf-8")
    client_frames = [json.loads(raw) for raw in re.findall(r"\| `(\{\"type\": \"[a-z]+\".*?\})` \|", text)]
    kinds = {frame["type"] for frame in client_frames}
    assert kinds == {"send", "edit", "delete", "react", "report", "sync"}
    source = Path(GroupConsumer.__module__.replace(".", "/") + ".py")
    code = (Path(__file__).resolve().parents[3] / source).read_text(encoding="utf-8")
    for kind in kinds:
        assert f'"{kind}"' in code
