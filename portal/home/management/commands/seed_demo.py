from django.core.management.base import BaseCommand

from portal.home.demo import seed_demo


class Command(BaseCommand):
    help = "Load demo content: two branded sites in four languages and one person per role. Idempotent."

    def handle(self, *args, **options):
        sites, people, password = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        for site in sites:
            self.stdout.write(f"  site: {site.site_name:<10} http://{site.hostname}:{site.port}/")
        self.stdout.write(f"  people (password for all: {password}):")
        for user in people:
            self.stdout.write(f"    {user.email}")
        self.stdout.write("  admin: http://127.0.0.1:8000/admin/  login admin@example.com")
