"""WSGI entry point for granian, gunicorn or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

# Everything the platform creates (the SQLite database and its -wal and -shm
# files, backups, uploads, imports) holds members' private details: nothing for
# other local users, no writing for the group. Stricter umasks are kept.
os.umask(os.umask(0o027) | 0o027)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()
