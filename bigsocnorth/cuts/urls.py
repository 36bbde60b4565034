"""Threat and cut pages under /cuts/: the list, reports, dashboards and open data."""

from django.urls import path

from bigsocnorth.cuts import dashboard_views, data_views, views

app_name = "cuts"

urlpatterns = [
    path("", views.cut_list, name="cut_list"),
    path("report/", views.cut_report, name="cut_report"),
    path("report/thank-you/", views.cut_reported, name="cut_reported"),
    path(
        "report/confirm/<str:token>/", views.reporter_email_confirm, name="reporter_email_confirm"
    ),
    path("due/", views.decisions_due, name="decisions_due"),
    path("export.csv", data_views.cuts_csv, name="cuts_csv"),
    path("export.geojson", data_views.cuts_geojson, name="cuts_geojson"),
    path("feed.atom", data_views.cuts_feed, {"format": "atom"}, name="feed_atom"),
    path("feed.json", data_views.cuts_feed, {"format": "json"}, name="feed_json"),
    path("dashboards/", dashboard_views.dashboard_north, name="dashboard_north"),
    path(
        "dashboards/region/<slug:slug>/", dashboard_views.dashboard_region, name="dashboard_region"
    ),
    path(
        "dashboards/council/<slug:slug>/",
        dashboard_views.dashboard_council,
        name="dashboard_council",
    ),
    path(
        "dashboards/<str:scope>/chart/<slug:chart>.csv", dashboard_views.chart_csv, name="chart_csv"
    ),
    path("dashboards/<str:scope>/share.png", dashboard_views.share_image, name="share_image"),
    path("embed/<slug:slug>/", data_views.council_embed, name="council_embed"),
    path("<slug:slug>/", views.cut_detail, name="cut_detail"),
    path("<slug:slug>/edit/", views.cut_edit, name="cut_edit"),
    path("<slug:slug>/update/", views.timeline_add, name="timeline_add"),
    path("<slug:slug>/confirm/", views.cut_confirm, name="cut_confirm"),
    path("<slug:slug>/verify/", views.cut_verify, name="cut_verify"),
    path("<slug:slug>/merge/", views.cut_merge, name="cut_merge"),
    path("<slug:slug>/evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
]
