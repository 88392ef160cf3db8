"""The group pages without JavaScript (issue 12): forms post and redirect; every page is
personal (no-store), in Spanish too, and nothing about anyone is in its address."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from waypoint.core.tests.personas import client_for
from waypoint.groups.models import Invite, Membership, Message
from waypoint.groups.tests.helpers import make_facilitator, post
from waypoint.recovery.models import StrugglingMoment

pytestmark = pytest.mark.django_db


def room_url(group_id: int) -> str:
    return reverse("groups:room", kwargs={"group_id": group_id})


def test_a_member_reads_and_posts_without_javascript(circle):
    post(circle.eli, circle.group_id, "Made it to a meeting tonight")
    dana = client_for(circle.dana)
    page = dana.get(room_url(circle.group_id))
    assert page.status_code == 200
    assert page["Cache-Control"].count("no-store") == 1
    body = page.content.decode()
    assert "Made it to a meeting tonight" in body
    assert 'action="{}"'.format(reverse("groups:post", kwargs={"group_id": circle.group_id})) in body
    ref = page.context["form"]["ref"].value()
    sent = dana.post(
        reverse("groups:post", kwargs={"group_id": circle.group_id}), {"text": "So proud of you", "ref": ref}
    )
    assert sent.status_code == 302
    created = Message.objects.get(group_id=circle.group_id, text__isnull=False, author__user=circle.dana)
    assert sent["Location"] == f"{room_url(circle.group_id)}#m{created.seq}"
    # The same form sent twice (a double tap) makes one message.
    dana.post(reverse("groups:post", kwargs={"group_id": circle.group_id}), {"text": "So proud of you", "ref": ref})
    assert Message.objects.filter(group_id=circle.group_id, author__user=circle.dana, kind="text").count() == 1
    assert "So proud of you" in dana.get(room_url(circle.group_id)).content.decode()


def test_the_message_page_edits_deletes_encourages_and_reports(circle):
    mine = post(circle.dana, circle.group_id, "helo")
    theirs = post(circle.eli, circle.group_id, "not nice")
    dana = client_for(circle.dana)
    page = dana.get(
        reverse("groups:message", kwargs={"group_id": circle.group_id, "message_id": mine.pk})
    ).content.decode()
    assert "Change your message" in page
    assert "Delete your message" in page
    assert "Report this message" not in page
    other = dana.get(
        reverse("groups:message", kwargs={"group_id": circle.group_id, "message_id": theirs.pk})
    ).content.decode()
    assert "Report this message" in other
    assert "Change your message" not in other
    kwargs = {"group_id": circle.group_id, "message_id": mine.pk}
    assert dana.post(reverse("groups:message_edit", kwargs=kwargs), {"text": "hello"}).status_code == 302
    assert Message.objects.get(pk=mine.pk).text == "hello"
    dana.post(
        reverse("groups:message_react", kwargs={"group_id": circle.group_id, "message_id": theirs.pk}),
        {"reaction": "hug"},
    )
    assert theirs.reactions.filter(kind="hug").count() == 1
    dana.post(
        reverse("groups:message_react", kwargs={"group_id": circle.group_id, "message_id": theirs.pk}),
        {"reaction": "hug"},
    )
    assert theirs.reactions.filter(kind="hug").count() == 0  # a second press takes it back
    dana.post(
        reverse("groups:message_report", kwargs={"group_id": circle.group_id, "message_id": theirs.pk}),
        {"reason": "unkind"},
    )
    assert theirs.reports.count() == 1
    dana.post(reverse("groups:message_delete", kwargs=kwargs))
    assert Message.objects.get(pk=mine.pk).state == "deleted"
    # Someone else's message cannot be edited through the form either.
    eli = client_for(circle.eli)
    refused = eli.post(reverse("groups:message_edit", kwargs=kwargs), {"text": "mine now"})
    assert refused.status_code == 400


def test_the_room_pages_back_through_history(circle, settings):
    settings.GROUPS_WRITES_PER_MINUTE = 1000
    for n in range(60):
        post(circle.dana, circle.group_id, f"note {n}")
    dana = client_for(circle.dana)
    latest = dana.get(room_url(circle.group_id))
    assert "note 59" in latest.content.decode()
    earlier = latest.context["page"].earlier
    older = dana.get(room_url(circle.group_id), {"before": earlier}).content.decode()
    assert "note 9" in older
    assert "note 59" not in older
    assert "Newer messages" in older


def test_the_room_page_costs_a_fixed_number_of_queries(circle, django_assert_max_num_queries, settings):
    settings.GROUPS_WRITES_PER_MINUTE = 1000
    for n in range(50):
        post(circle.dana if n % 2 else circle.eli, circle.group_id, f"m{n}")
    dana = client_for(circle.dana)
    with django_assert_max_num_queries(10):
        assert dana.get(room_url(circle.group_id)).status_code == 200


def test_struggling_tells_the_group_then_shows_the_persons_plan_and_crisis_lines(circle):
    dana = client_for(circle.dana)
    response = dana.post(reverse("groups:struggling", kwargs={"group_id": circle.group_id}))
    assert response.status_code == 302
    assert response["Location"] == reverse("recovery:struggling")
    assert Message.objects.filter(group_id=circle.group_id, kind="struggling").count() == 1
    assert StrugglingMoment.objects.filter(user=circle.dana).count() == 1  # kept in her own record
    page = dana.get(response["Location"]).content.decode()
    assert 'data-testid="crisis-call"' in page or 'data-testid="emergency-call"' in page
    assert "Your group knows you are having a hard time" in page


def test_the_recovery_struggling_page_offers_to_tell_each_group(circle):
    dana = client_for(circle.dana)
    page = dana.get(reverse("recovery:struggling")).content.decode()
    assert "Tell your group" in page
    assert "Tell “Tuesday circle”" in page
    assert 'name="from" value="recovery"' in page
    dana.post(reverse("groups:struggling", kwargs={"group_id": circle.group_id}), {"from": "recovery"})
    # The recovery page kept the moment already: not a second one.
    assert StrugglingMoment.objects.filter(user=circle.dana).count() == 0
    assert Message.objects.filter(group_id=circle.group_id, kind="struggling").count() == 1


def test_starting_and_joining_a_group_through_the_pages(alice, bob):
    make_facilitator(alice)
    lead = client_for(alice)
    response = lead.post(
        reverse("groups:create"),
        {"name": "Friday night circle", "display_name": "Al", "size_limit": "10", "agreement": "Be kind."},
    )
    membership = Membership.objects.get(user=alice)
    assert response["Location"] == reverse("groups:manage", kwargs={"group_id": membership.group_id})
    lead.post(reverse("groups:invite_create", kwargs={"group_id": membership.group_id}), {"max_uses": ""})
    invite = Invite.objects.get(group_id=membership.group_id)
    manage = lead.get(response["Location"]).content.decode()
    assert invite.code in manage
    join_url = reverse("groups:join", kwargs={"code": invite.code})
    assert "Friday" not in join_url
    assert "circle" not in join_url
    person = client_for(bob)
    typed = person.post(reverse("groups:join_code"), {"code": f"https://example.org{join_url}"})
    assert typed["Location"] == join_url
    page = person.get(join_url)
    assert "Friday night circle" in page.content.decode()
    assert "Be kind." in page.content.decode()
    refused = person.post(join_url, {"display_name": "Bob"})
    assert refused.status_code == 200
    assert not Membership.objects.filter(user=bob).exists()
    joined = person.post(join_url, {"display_name": "Bob", "accept": "on"})
    assert joined["Location"] == room_url(membership.group_id)


def test_a_person_who_may_not_start_groups_is_told_how(bob):
    page = client_for(bob).get(reverse("groups:create"))
    assert page.status_code == 200
    assert "started by facilitators" in page.content.decode()
    client_for(bob).post(
        reverse("groups:create"), {"name": "x", "display_name": "y", "size_limit": "5", "agreement": "z"}
    )
    assert not Membership.objects.filter(user=bob).exists()


def test_a_stale_invite_link_says_so(bob):
    page = client_for(bob).get(reverse("groups:join", kwargs={"code": "nosuchcode12345"}))
    assert page.status_code == 404
    assert "This invite does not work" in page.content.decode()


def test_settings_sharing_and_leaving(circle):
    dana = client_for(circle.dana)
    url = reverse("groups:membership", kwargs={"group_id": circle.group_id})
    dana.post(url, {"display_name": "D", "share_mood": "on"})
    membership = Membership.objects.get(user=circle.dana)
    assert membership.display_name == "D"
    assert membership.share_mood
    assert not membership.share_checkin
    taken = dana.post(url, {"display_name": "eli"})
    assert "already uses that name" in taken.content.decode()
    leave = reverse("groups:leave", kwargs={"group_id": circle.group_id})
    assert dana.post(leave, {})["Location"] == reverse("groups:index")
    assert dana.get(room_url(circle.group_id)).status_code == 404
    # The facilitator is asked to hand over first.
    assert "Hand it over to another member first" in client_for(circle.alice).get(leave).content.decode()


def test_the_pages_are_in_spanish(circle):
    post(circle.eli, circle.group_id, "hola")
    dana = client_for(circle.dana)
    with translation.override("es"):
        urls = [
            reverse("groups:index"),
            room_url(circle.group_id),
            reverse("groups:board", kwargs={"group_id": circle.group_id}),
            reverse("groups:membership", kwargs={"group_id": circle.group_id}),
        ]
    pages = [dana.get(url).content.decode() for url in urls]
    assert "Mis grupos" in pages[0]
    assert "Conversación" in pages[1]
    assert "Enviar" in pages[1]
    assert "Tablero" in pages[2]
    assert "Lo que el tablero muestra de mi día" in pages[3]
    lead = client_for(circle.alice)
    with translation.override("es"):
        manage = lead.get(reverse("groups:manage", kwargs={"group_id": circle.group_id})).content.decode()
    assert "Invitaciones" in manage


def test_urls_carry_ids_only(circle):
    for name in ("room", "board", "membership", "agreement", "leave", "manage", "moderation"):
        url = reverse(f"groups:{name}", kwargs={"group_id": circle.group_id})
        assert "tuesday" not in url.lower()


def test_every_group_page_is_personal_and_never_cached(circle):
    """Each page a member or the facilitator opens answers `Cache-Control: no-store`."""
    message = post(circle.dana, circle.group_id, "hi")
    alice = client_for(circle.alice)
    ids = {"group_id": circle.group_id}
    names = ["room", "board", "membership", "agreement", "leave", "manage", "moderation", "moderation_log"]
    urls = [reverse(f"groups:{name}", kwargs=ids) for name in names]
    urls += [
        reverse("groups:index"),
        reverse("groups:create"),
        reverse("groups:join_code"),
        reverse("groups:message", kwargs={**ids, "message_id": message.pk}),
    ]
    for url in urls:
        response = alice.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
