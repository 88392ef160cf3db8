from django.urls import path

from waypoint.core.access import Policy, page_access
from waypoint.groups.views import facilitate, member, pages, review, room

# The person's own list and the invite pages: nothing of a group until they join.
signed_in = page_access(Policy.SIGNED_IN)
# A group's pages, for its active members only (selectors.group_for_member).
group_member = page_access(Policy.GROUP_MEMBER)
# A group's settings and moderation, for its facilitator only (selectors.group_for_facilitator).
facilitator = page_access(Policy.FACILITATOR)
# Reports across every group, for operators (verified staff).
staff = page_access(Policy.STAFF)

app_name = "groups"

# Ids only: no group name, no words about anyone's health in any address.
urlpatterns = [
    path("", signed_in(pages.index), name="index"),
    path("new/", signed_in(pages.create), name="create"),
    path("join/", signed_in(pages.join_code), name="join_code"),
    path("join/<str:code>/", signed_in(pages.join), name="join"),
    path("review/", staff(review.review), name="review"),
    path("review/messages/<int:message_id>/", staff(review.review_act), name="review_act"),
    path("<int:group_id>/", group_member(room.room), name="room"),
    path("<int:group_id>/post/", group_member(room.post), name="post"),
    path("<int:group_id>/struggling/", group_member(room.struggling), name="struggling"),
    path("<int:group_id>/messages/<int:message_id>/", group_member(room.message), name="message"),
    path("<int:group_id>/messages/<int:message_id>/edit/", group_member(room.message_edit), name="message_edit"),
    path("<int:group_id>/messages/<int:message_id>/delete/", group_member(room.message_delete), name="message_delete"),
    path("<int:group_id>/messages/<int:message_id>/react/", group_member(room.message_react), name="message_react"),
    path("<int:group_id>/messages/<int:message_id>/report/", group_member(room.message_report), name="message_report"),
    path("<int:group_id>/board/", group_member(member.board), name="board"),
    path("<int:group_id>/me/", group_member(member.membership), name="membership"),
    path("<int:group_id>/agreement/", group_member(member.agreement), name="agreement"),
    path("<int:group_id>/leave/", group_member(member.leave), name="leave"),
    path("<int:group_id>/manage/", facilitator(facilitate.manage), name="manage"),
    path("<int:group_id>/manage/invites/", facilitator(facilitate.invite_create), name="invite_create"),
    path(
        "<int:group_id>/manage/invites/<int:invite_id>/revoke/",
        facilitator(facilitate.invite_revoke),
        name="invite_revoke",
    ),
    path("<int:group_id>/manage/transfer/", facilitator(facilitate.transfer), name="transfer"),
    path("<int:group_id>/moderation/", facilitator(facilitate.queue), name="moderation"),
    path(
        "<int:group_id>/moderation/messages/<int:message_id>/",
        facilitator(facilitate.moderate_message),
        name="moderate_message",
    ),
    path(
        "<int:group_id>/moderation/members/<int:member_id>/",
        facilitator(facilitate.moderate_member),
        name="moderate_member",
    ),
    path("<int:group_id>/moderation/log/", facilitator(facilitate.moderation_log), name="moderation_log"),
]
