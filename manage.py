#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    # Everything the platform creates (the SQLite database and its -wal and -shm
    # files, backups, uploads, imports) holds members' private details: nothing for
    # other local users, no writing for the group. Stricter umasks are kept.
    os.umask(os.umask(0o027) | 0o027)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
