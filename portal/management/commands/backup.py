"""Back up the database and the uploaded files into one folder (portal/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup folder: the database, public uploads and private files, with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("--to", default=str(Path(settings.BASE_DIR) / "var" / "backups"))

    def handle(self, *args, to: str, **options):
        try:
            folder = backup(Path(to))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(folder))
