"""Run the periodic commands on their schedules, in one process (portal/scheduler.py)."""

from django.core.management.base import BaseCommand, CommandError

from portal import scheduler


class Command(BaseCommand):
    help = "Run every periodic command on its schedule. Only one scheduler runs at a time."

    def add_arguments(self, parser):
        parser.add_argument(
            "--list", dest="show", action="store_true", help="print the jobs and when they run, and exit"
        )
        parser.add_argument("--once", metavar="COMMAND", help="run one job now (under the lock) and exit")

    def handle(self, *args, show: bool, once: str | None, **options):
        if show:
            for job in scheduler.jobs():
                when = f"every {job.minutes} min" if job.minutes else f"cron {job.cron}"
                self.stdout.write(f"{job.name:<36}{when}")
            return
        try:
            with scheduler.single_instance():
                if once:
                    wanted = [job for job in scheduler.jobs() if job.name == once or job.command == once]
                    if not wanted:
                        raise CommandError(f"No scheduled job is called {once!r}.")
                    for job in wanted:
                        scheduler.run(job)
                    return
                self.stdout.write(f"Scheduler started with {len(scheduler.jobs())} jobs.")
                scheduler.build_scheduler().start()
        except scheduler.AlreadyRunning as error:
            raise CommandError("Another scheduler is running (it holds the lock); this one stops.") from error
