"""Values every template needs: the site's name and the navigation."""

from django.conf import settings

from bigsocnorth.core.navigation import navigation_for


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "main_navigation": navigation_for(request),
    }
