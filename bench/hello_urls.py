"""The site's URLs plus a hello-world view, for bench_pages.

The hello-world goes through the same middleware stack as every page, so a
page's time next to it is what the page itself costs: its queries, its
template and its view.
"""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def hello(request):
    return HttpResponse("Hello")


urlpatterns = [*site_urlpatterns, path("bench/hello", hello, name="bench_hello")]
