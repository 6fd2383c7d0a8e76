"""Print how well search answers the judged queries: nDCG@10, recall@3, zero-result share."""

from django.core.management.base import BaseCommand

from portal.search import relevance, service


class Command(BaseCommand):
    help = "Score search on the judged query set (bench/relevance.json) against the current index."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(relevance.JUDGED))
        parser.add_argument("--backend", choices=["database", "elasticsearch"], default="database")
        parser.add_argument("--verbose", action="store_true", help="one line per query, worst first")

    def handle(self, *args, file: str, backend: str, verbose: bool, **options):
        engine = service.database if backend == "database" else service.elasticsearch()
        if engine is None:
            self.stderr.write("ELASTICSEARCH_URL is not set.")
            return
        report = relevance.evaluate(relevance.load(file), backend=engine)
        if verbose:
            for outcome in sorted(report.outcomes, key=lambda o: (o.ndcg, o.recall)):
                first = outcome.titles[0] if outcome.titles else "(nothing)"
                self.stdout.write(
                    f"{outcome.ndcg:5.2f} {outcome.recall:4.2f}  [{outcome.judged.language:7}] "
                    f"{outcome.judged.query!r} → {first}"
                )
        self.stdout.write(
            f"{backend}: {report.size} judged queries · nDCG@10 {report.ndcg:.3f} · recall@3 {report.recall:.3f}"
            f" · zero results {report.zero_share:.1%}"
        )
