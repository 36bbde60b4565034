"""Needs and offers under /help/: lists, posts, answers (matches) and open data."""

from django.urls import path

from bigsocnorth.mutual_aid import data_views, views

app_name = "mutual_aid"

urlpatterns = [
    path("", views.post_list, name="post_list"),
    path("new/", views.post_create, name="post_create"),
    path("yours/", views.yours, name="yours"),
    path("near/", views.needs_near, name="needs_near"),
    path("data/", data_views.open_data, name="open_data"),
    path("data/counts.csv", data_views.counts_csv, name="counts_csv"),
    path("data/counts.json", data_views.counts_json, name="counts_json"),
    path("checks/<slug:entry_slug>/", views.checks_declare, name="checks_declare"),
    path("matches/<int:pk>/", views.match_detail, name="match_detail"),
    path("matches/<int:pk>/accept/", views.match_accept, name="match_accept"),
    path("matches/<int:pk>/decline/", views.match_decline, name="match_decline"),
    path("matches/<int:pk>/finish/", views.match_finish, name="match_finish"),
    path("matches/<int:pk>/withdraw/", views.match_withdraw, name="match_withdraw"),
    path("<slug:slug>/", views.post_detail, name="post_detail"),
    path("<slug:slug>/edit/", views.post_edit, name="post_edit"),
    path("<slug:slug>/close/", views.post_close, name="post_close"),
    path("<slug:slug>/renew/", views.post_renew, name="post_renew"),
    path("<slug:slug>/answer/", views.match_request, name="match_request"),
]
