from django.urls import path

from waypoint.core.access import Policy, page_access
from waypoint.journal import views

# The signed-in person's own pages: there is no id to guess.
signed_in = page_access(Policy.SIGNED_IN)
# One entry of one person, named by id: reached only through `entry_for_owner`.
owner = page_access(Policy.OWNER)

app_name = "journal"

# Paths name pages and ids only: never a word of an entry, a tag, a prompt or a search.
urlpatterns = [
    path("", signed_in(views.index), name="index"),
    path("new/", signed_in(views.entry_new), name="entry_new"),
    path("search/", signed_in(views.search), name="search"),
    path("search/<str:key>/", signed_in(views.results), name="results"),
    path("sharing/", signed_in(views.sharing), name="sharing"),
    path("<int:entry_id>/", owner(views.entry), name="entry"),
    path("<int:entry_id>/edit/", owner(views.entry_edit), name="entry_edit"),
    path("<int:entry_id>/delete/", owner(views.entry_delete), name="entry_delete"),
]
