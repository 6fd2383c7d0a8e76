"""Restore a backup folder into an empty database and the file roots (portal/backup.py)."""

import dj_database_url
from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup folder into an empty database (DATABASE_URL, or --database-url) and the file roots."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--database-url", help="the empty database to restore into (default: the portal's own)")

    def handle(self, *args, folder: str, database_url: str | None, **options):
        from django.db import connection

        database = dj_database_url.parse(database_url) if database_url else connection.settings_dict
        try:
            restore(folder, database=database)
        except (BackupError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {folder}.")
