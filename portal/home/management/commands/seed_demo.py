import os

from django.core.management.base import BaseCommand

from portal.home.demo import seed_demo


class Command(BaseCommand):
    help = "Load demo content: two branded sites in four languages and one person per role. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("PORT", "8000")),
            help="The port the portal will be served on; the demo sites' addresses use it.",
        )

    def handle(self, *args, port: int, **options):
        sites, people, password = seed_demo(port=port)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        for site in sites:
            self.stdout.write(f"  site: {site.site_name:<10} {site.root_url}/")
        self.stdout.write(f"  people (password for all: {password}):")
        for user in people:
            self.stdout.write(f"    {user.email}")
        self.stdout.write(f"  admin: {sites[0].root_url}/admin/  login admin@example.com")
