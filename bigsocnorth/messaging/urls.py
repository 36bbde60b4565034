"""Private message pages under /messages/."""

from django.urls import path

from bigsocnorth.messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/<slug:handle>/", views.conversation_new, name="conversation_new"),
    path("moderators/", views.moderators_new, name="moderators_new"),
    path("blocked/", views.block_list, name="block_list"),
    path("blocked/<int:user_id>/unblock/", views.block_delete, name="block_delete"),
    path("<int:pk>/", views.conversation_detail, name="conversation_detail"),
    path("<int:pk>/archive/", views.conversation_archive, name="conversation_archive"),
    path("<int:pk>/unarchive/", views.conversation_unarchive, name="conversation_unarchive"),
    path("<int:pk>/block/", views.conversation_block, name="conversation_block"),
]
