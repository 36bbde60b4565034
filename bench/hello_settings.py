"""The site's settings with bench/hello_urls.py as the URLconf, for bench_pages.

bench_pages points DJANGO_SETTINGS_MODULE here both in its measuring process
and in the server it starts, so both serve the hello-world next to the pages.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.hello_urls"
