"""Gathering pages under /gatherings/: the lists, one gathering, answering, organising."""

from django.urls import path

from bigsocnorth.events import views

app_name = "events"

urlpatterns = [
    path("", views.gathering_list, name="gathering_list"),
    path("past/", views.gathering_past, name="gathering_past"),
    path("new/", views.gathering_create, name="gathering_create"),
    path("rsvp/confirm/<str:token>/", views.rsvp_confirm, name="rsvp_confirm"),
    path("rsvp/cancel/<str:token>/", views.rsvp_cancel_link, name="rsvp_cancel_link"),
    path("<slug:slug>/", views.gathering_detail, name="gathering_detail"),
    path("<slug:slug>/edit/", views.gathering_edit, name="gathering_edit"),
    path("<slug:slug>/postpone/", views.gathering_postpone, name="gathering_postpone"),
    path("<slug:slug>/state/<str:action>/", views.gathering_state, name="gathering_state"),
    path("<slug:slug>/rsvp/", views.rsvp, name="rsvp"),
    path("<slug:slug>/rsvp/sent/", views.rsvp_sent, name="rsvp_sent"),
    path("<slug:slug>/rsvp/cancel/", views.rsvp_cancel, name="rsvp_cancel"),
    path("<slug:slug>/attendees/", views.attendees, name="attendees"),
    path("<slug:slug>/attendees.csv", views.attendees_csv, name="attendees_csv"),
]
