"""Gathering pages under /gatherings/: the lists, one gathering, answering, organising."""

from django.urls import path

from bigsocnorth.events import feed_views, needs_views, outcome_views, views

app_name = "events"

urlpatterns = [
    path("", views.gathering_list, name="gathering_list"),
    path("past/", views.gathering_past, name="gathering_past"),
    path("calendar/", views.gathering_month, name="gathering_month"),
    path("calendar/<int:year>/<int:month>/", views.gathering_month, name="gathering_month"),
    path("calendar/<int:year>/<int:month>/<int:day>/", views.gathering_month, name="gathering_day"),
    path("new/", views.gathering_create, name="gathering_create"),
    path("yours/", views.your_gatherings, name="your_gatherings"),
    path("needs/", needs_views.needs_list, name="needs_list"),
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

# Open formats (feed_views.py): iCalendar files, Atom and JSON Feed, the private "going" calendar.
urlpatterns += [
    path("calendar.ics", feed_views.all_ics, name="all_ics"),
    path("feed.atom", feed_views.upcoming_feed, {"format": "atom"}, name="feed_atom"),
    path("feed.json", feed_views.upcoming_feed, {"format": "json"}, name="feed_json"),
    path("calendars/area/<slug:slug>.ics", feed_views.area_ics, name="area_ics"),
    path("calendars/organiser/<slug:handle>.ics", feed_views.organiser_ics, name="organiser_ics"),
    path("calendars/group/<slug:slug>.ics", feed_views.entry_ics, name="entry_ics"),
    path("calendars/going/", feed_views.going_calendar, name="going_calendar"),
    path("calendars/going/<str:token>.ics", feed_views.going_ics, name="going_ics"),
    path("<slug:slug>/calendar.ics", feed_views.gathering_ics, name="gathering_ics"),
]

# Needs and offers (needs_views.py): what a gathering needs, and offers to fill it.
urlpatterns += [
    path("<slug:slug>/needs/add/", needs_views.need_add, name="need_add"),
    path("<slug:slug>/needs/<int:pk>/edit/", needs_views.need_edit, name="need_edit"),
    path("<slug:slug>/needs/<int:pk>/remove/", needs_views.need_remove, name="need_remove"),
    path("<slug:slug>/needs/<int:pk>/offer/", needs_views.offer_make, name="offer_make"),
    path(
        "<slug:slug>/offers/<int:pk>/<str:action>/",
        needs_views.offer_answer,
        name="offer_answer",
    ),
]

# After the gathering (outcome_views.py): how it went, and the story told from it.
urlpatterns += [
    path(
        "<slug:slug>/afterwards/",
        outcome_views.gathering_afterwards,
        name="gathering_afterwards",
    ),
    path("<slug:slug>/afterwards/story/", outcome_views.gathering_story, name="gathering_story"),
]
