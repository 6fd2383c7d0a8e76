"""Take e-mail into support: one message on standard input (an MTA pipe), a Maildir, or IMAP."""

import imaplib
import mailbox
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tickets.inbound import ingest


class Command(BaseCommand):
    help = "Turn incoming e-mail into support requests and replies. Safe to repeat: a message is taken once."

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--maildir", help="process the new messages of this Maildir, then file them as seen")
        source.add_argument("--imap", action="store_true", help="fetch unseen messages from PORTAL_IMAP_* over TLS")

    def handle(self, *args, maildir=None, imap=False, **options):
        if maildir:
            results = self._maildir(maildir)
        elif imap:
            results = self._imap()
        else:
            results = [ingest(sys.stdin.buffer.read())]
        for result in results:
            self.stdout.write(f"{result.status}: {result.sender} {result.subject} {result.reason}".rstrip())

    def _maildir(self, path):
        box = mailbox.Maildir(path, factory=None, create=False)
        results = []
        for key in list(box.iterkeys()):
            message = box.get_message(key)
            if "S" in message.get_flags():
                continue
            results.append(ingest(box.get_bytes(key)))
            message.set_subdir("cur")
            message.add_flag("S")
            box[key] = message
        return results

    def _imap(self):
        if not settings.PORTAL_IMAP_HOST:
            raise CommandError("Set PORTAL_IMAP_HOST, PORTAL_IMAP_USER and PORTAL_IMAP_PASSWORD.")
        results = []
        connect = imaplib.IMAP4_SSL if settings.PORTAL_IMAP_SSL else imaplib.IMAP4
        with connect(settings.PORTAL_IMAP_HOST, settings.PORTAL_IMAP_PORT) as client:
            client.login(settings.PORTAL_IMAP_USER, settings.PORTAL_IMAP_PASSWORD)
            client.select(settings.PORTAL_IMAP_FOLDER)
            _status, found = client.search(None, "UNSEEN")
            for number in found[0].split():
                _status, data = client.fetch(number, "(BODY.PEEK[])")
                raw = next(part[1] for part in data if isinstance(part, tuple))
                results.append(ingest(raw))
                client.store(number, "+FLAGS", "\\Seen")  # only after it is kept
        return results
