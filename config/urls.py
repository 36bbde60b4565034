"""Top-level URLs: pages per app, the API under /api/v1/, accounts, health."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from bigsocnorth.core.views import healthz
from bigsocnorth.notifications import views as notification_views
from config.api import api, api_not_found
from config.api_docs import api_explorer

urlpatterns = [
    # First: load balancers ask often, and it should not walk every app's URLs.
    path("healthz", healthz, name="healthz"),
    path("", include("bigsocnorth.core.urls")),
    path("areas/", include("bigsocnorth.places.urls")),
    path("directory/", include("bigsocnorth.directory.urls")),
    path("stories/", include("bigsocnorth.stories.urls")),
    path("cuts/", include("bigsocnorth.cuts.urls")),
    path("forum/", include("bigsocnorth.forum.urls")),
    path("gatherings/", include("bigsocnorth.events.urls")),
    path("help/", include("bigsocnorth.mutual_aid.urls")),
    # The demo's news feeds at /demo/feeds/<name>.xml, only when SERVE_DEMO_FEEDS is on.
    path("", include("bigsocnorth.stories.demo_feed_urls")),
    path("search/", include("bigsocnorth.search.urls")),
    # /map/ and its downloads, and /embed/map: one namespace, so mounted at the root.
    path("", include("bigsocnorth.mapping.urls")),
    path("notifications/", include("bigsocnorth.notifications.urls")),
    path("messages/", include("bigsocnorth.messaging.urls")),
    path("moderation/", include("bigsocnorth.moderation.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("bigsocnorth.accounts.urls")),
    # Before the API's own URLs: the interactive explorer of the API docs page.
    path("api/v1/docs/explorer", api_explorer, name="api_explorer"),
    path("api/v1/", api.urls),
    # Anything else under the API answers in JSON too, never an HTML page.
    re_path(r"^api/", api_not_found),
    # Short on purpose: it goes in every notification email's List-Unsubscribe header.
    path("unsubscribe/<str:token>/", notification_views.unsubscribe, name="unsubscribe"),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    # django.conf.urls.static.static() only serves while DEBUG is on; `make run`
    # serves production mode and still shows the demo's images.
    from django.views.static import serve

    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )
