"""Test people and groups in a topology's database, made with ``manage.py shell -c``
(the code below runs there, its arguments as JSON on stdin), and the database's own
account of a group's conversation, which clients are checked against."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ops.topology import Topology

SESSION_COOKIE = "sessionid"
CSRF_COOKIE = "csrftoken"

# People are made in the topology's database with `manage.py shell -c` (this code, args on
# stdin): one Argon2 hash shared by all (hashing is the slow part of making hundreds), and
# a database session per person when asked, built exactly as django.contrib.auth.login
# builds one (user id, backend, session hash), so a socket can open without signing in
# through the form.
_MAKE_PEOPLE = """
import json, sys
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
args = json.load(sys.stdin)
User = get_user_model()
hashed = make_password(args["password"])
users = User.objects.bulk_create(
    [User(username=f"{args['prefix']}{n}", password=hashed) for n in range(args["count"])], batch_size=500
)
store = import_module(settings.SESSION_ENGINE).SessionStore
people = []
for user in users:
    key = None
    if args["sessions"]:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        key = session.session_key
    people.append({"username": user.username, "user_id": user.pk, "sessionid": key})
print("PEOPLE=" + json.dumps(people))
"""

PASSWORD = "scale-test-lantern-river-42"  # noqa: S105 - test people on a throwaway database


@dataclass
class Person:
    username: str
    user_id: int
    sessionid: str | None = None
    csrftoken: str | None = None

    @property
    def cookie(self) -> str:
        parts = [f"{SESSION_COOKIE}={self.sessionid}"] if self.sessionid else []
        if self.csrftoken:
            parts.append(f"{CSRF_COOKIE}={self.csrftoken}")
        return "; ".join(parts)


# Groups are made through the groups app's own services, as people would make them: the
# first person (made a facilitator, as an operator does in the admin) starts the group and
# makes an invite; the others join with it under a display name, accepting the agreement.
_MAKE_GROUPS = """
import json, sys
from django.contrib.auth import get_user_model
from waypoint.groups import services
from waypoint.groups.models import FacilitatorGrant
args = json.load(sys.stdin)
users = {u.pk: u for u in get_user_model().objects.filter(pk__in=[i for g in args["groups"] for i in g])}
made = []
for number, ids in enumerate(args["groups"]):
    host = users[ids[0]]
    FacilitatorGrant.objects.get_or_create(user=host)
    membership = services.group_create(
        user=host, name=f"Circle {number}", display_name="Host", size_limit=max(len(ids), 2)
    )
    invite = services.invite_create(user=host, group_id=membership.group_id)
    for n, user_id in enumerate(ids[1:], 1):
        services.group_join(user=users[user_id], code=invite.code, display_name=f"Member {n}", accept=True)
    made.append(membership.group_id)
print("GROUPS=" + json.dumps(made))
"""

# What the database holds of a group's conversation (the record clients must match).
_GROUP_TRUTH = """
import json, sys
from waypoint.groups.models import Message
args = json.load(sys.stdin)
rows = []
for m in Message.objects.filter(group_id=args["group"]).select_related("data_key").order_by("seq", "pk"):
    rows.append({"id": m.pk, "seq": m.seq, "rev": m.rev, "kind": m.kind, "state": m.state,
                 "ref": m.client_ref, "author": m.author_id, "text": m.text})
print("TRUTH=" + json.dumps(rows))
"""


def _output(out: str, tag: str) -> Any:
    line = next((line for line in out.splitlines() if line.startswith(tag + "=")), None)
    if line is None:
        raise RuntimeError(f"manage.py shell printed no {tag}: {out[-2000:]}")
    return json.loads(line[len(tag) + 1 :])


def make_people(topo: Topology, count: int, *, prefix: str = "scale", sessions: bool = True) -> list[Person]:
    """Creates `count` people (usernames prefix0..); with `sessions`, each gets a database
    session too (its cookie in Person.sessionid). Password: PASSWORD."""
    out = topo.shell(
        _MAKE_PEOPLE,
        args={"count": count, "prefix": prefix, "sessions": sessions, "password": PASSWORD},
        timeout=180,
    )
    return [Person(**row) for row in _output(out, "PEOPLE")]


def make_groups(topo: Topology, groups: list[list[Person]]) -> list[int]:
    """One group per list of people (the first one facilitates); returns the group ids."""
    out = topo.shell(_MAKE_GROUPS, args={"groups": [[p.user_id for p in g] for g in groups]}, timeout=300)
    return [int(i) for i in _output(out, "GROUPS")]


def group_truth(topo: Topology, group_id: int) -> list[dict[str, Any]]:
    """Every message row of the group, in `seq` order, with its text decrypted."""
    return list(_output(topo.shell(_GROUP_TRUTH, args={"group": group_id}), "TRUTH"))
