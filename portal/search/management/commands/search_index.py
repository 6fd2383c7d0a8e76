"""`manage.py search_index rebuild|update|status` — the bulk work of the search index."""

import sys

from django.core.management.base import BaseCommand, CommandError

from portal.search import documents, service


class Command(BaseCommand):
    help = (
        "rebuild: index everything from scratch (Elasticsearch swaps the new index in when done); "
        "update: re-index every source in place; status: what each backend holds."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "update", "status"])
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--backend", choices=["all", "database", "elasticsearch"], default="all")

    def handle(self, *args, action: str, batch_size: int, backend: str, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        targets = self._targets(backend)
        if action == "status":
            for target in targets:
                self.stdout.write(", ".join(f"{name}: {value}" for name, value in target.status().items()))
            return
        if action == "rebuild":
            total = service.rebuild(batch_size=batch_size, progress=self._progress, targets=targets)
        else:
            total = 0
            batch: list[str] = []
            count = documents.source_count()
            done = 0
            for source, _docs in documents.all_documents(batch_size):
                batch.append(source)
                if len(batch) >= batch_size:
                    total += self._update(targets, batch)
                    done += len(batch)
                    batch = []
                    self._progress(done, count)
            total += self._update(targets, batch)
            self._progress(done + len(batch), count)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"{action}: {total} documents indexed."))

    def _targets(self, backend: str):
        cluster = service.elasticsearch()
        if backend == "elasticsearch" and cluster is None:
            raise CommandError("ELASTICSEARCH_URL is not set.")
        if backend == "database":
            return [service.database]
        if backend == "elasticsearch":
            return [cluster]
        return service.backends()

    def _update(self, targets, sources) -> int:
        found = documents.documents_for(sources)
        for target in targets:
            target.replace(found)
        return sum(len(docs) for docs in found.values())

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} sources"
        stream = self.stdout
        stream.write(line, ending="")
        if not getattr(sys.stdout, "isatty", lambda: False)():
            stream.write("")
