"""Import consents given elsewhere (a paper form, a previous system) into the ledger."""

import csv

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from portal.privacy import consent
from portal.privacy.models import ConsentHow


class Command(BaseCommand):
    help = (
        "Import consents from a CSV file with the columns email, purpose, granted (yes/no) and, optionally, "
        "at (ISO date and time) and note. Rows for unknown people or purposes are reported and skipped; "
        "importing the same file twice records nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        people = get_user_model().objects
        recorded = skipped = 0
        try:
            handle = open(path, newline="", encoding="utf-8")  # noqa: SIM115 (closed below)
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error}") from error
        with handle:
            try:
                rows = list(csv.DictReader(handle))
            except (csv.Error, UnicodeDecodeError) as error:
                raise CommandError(f"{path} is not a readable CSV file: {error}") from error
            for number, row in enumerate(rows, start=2):
                if any("\x00" in (value or "") for value in row.values() if isinstance(value, str)):
                    self.stderr.write(f"line {number}: contains a NUL character, skipped")
                    skipped += 1
                    continue
                person = people.filter(email__iexact=(row.get("email") or "").strip()).first()
                code = (row.get("purpose") or "").strip()
                if person is None or consent.purpose(code) is None:
                    self.stderr.write(f"line {number}: unknown person or purpose, skipped")
                    skipped += 1
                    continue
                event = consent.record(
                    person=person,
                    code=code,
                    granted=(row.get("granted") or "").strip().lower() in {"yes", "true", "1", "da"},
                    how=ConsentHow.IMPORT,
                    note=(row.get("note") or "").strip(),
                    at=parse_datetime((row.get("at") or "").strip()),
                )
                recorded += event is not None
        self.stdout.write(f"Recorded {recorded}, skipped {skipped}.")
