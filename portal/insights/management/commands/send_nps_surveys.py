from django.core.management.base import BaseCommand

from portal.insights.nps import send_surveys


class Command(BaseCommand):
    help = "Ask customers with recent activity the NPS question by e-mail (safe to run twice)."

    def handle(self, *args, **options):
        self.stdout.write(f"Asked {send_surveys()} people.")
