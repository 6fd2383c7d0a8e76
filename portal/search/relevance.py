"""Measured relevance: a judged query set (bench/relevance.json) searched the way the search page
searches, scored with nDCG@10, recall@3 and the share of queries that find nothing.

Each judged query names its answers; an answer is one article, FAQ item or topic, given as the
titles of its translations and script copies, which count once: a result list that shows an
article in two scripts is not rewarded twice. Relevance is binary (an answer or not).
"""

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings
from wagtail.models import Site

from . import service
from .backends.base import Query

JUDGED = Path(settings.BASE_DIR) / "bench" / "relevance.json"


@dataclass
class Judged:
    query: str
    language: str
    site: str
    answers: list[list[str]]


@dataclass
class Outcome:
    judged: Judged
    titles: list[str]
    ndcg: float
    recall: float

    @property
    def zero(self) -> bool:
        return not self.titles


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.outcomes)

    @property
    def ndcg(self) -> float:
        return sum(o.ndcg for o in self.outcomes) / self.size if self.size else 0.0

    @property
    def recall(self) -> float:
        return sum(o.recall for o in self.outcomes) / self.size if self.size else 0.0

    @property
    def zero_share(self) -> float:
        return sum(o.zero for o in self.outcomes) / self.size if self.size else 0.0


def load(path: Path = JUDGED) -> list[Judged]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [Judged(**item) for item in data["queries"]]


def score(titles: list[str], answers: list[list[str]], k: int = 10) -> tuple[float, float]:
    """(nDCG@k, recall@3) of a ranked list of titles against the answers (each a set of titles)."""
    group_of = {title: index for index, group in enumerate(answers) for title in group}
    seen: set[int] = set()
    dcg, found_in_3 = 0.0, 0
    for rank, title in enumerate(titles[:k]):
        group = group_of.get(title)
        if group is None or group in seen:
            continue
        seen.add(group)
        dcg += 1 / math.log2(rank + 2)
        if rank < 3:
            found_in_3 += 1
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(len(answers), k)))
    return (dcg / ideal if ideal else 0.0), found_in_3 / min(len(answers), 3)


def _sites() -> dict[str, int]:
    return {site.site_name.lower(): site.pk for site in Site.objects.all()}


def search_titles(judged: Judged, *, backend=None, site_id: int | None = None) -> list[str]:
    """The first ten titles an anonymous reader of that language sees on that brand's search page."""
    query = Query(text=judged.query, tokens=("audience:everyone",), language=judged.language, site_id=site_id,
                  per_page=10)  # fmt: skip
    search = backend.search if backend is not None else (lambda q: service.search(q)[0])
    results = search(query)
    if not results.total:
        query = replace(query, language="")  # as the page widens to every language
        results = search(query)
    if not results.total and (spelled := service.spelling(query)):
        results = search(replace(query, text=spelled))  # as the page shows a close spelling's results
    return [hit.title for hit in results.hits]


def evaluate(judged: list[Judged], *, backend=None) -> Report:
    sites = _sites()
    report = Report()
    for item in judged:
        titles = search_titles(item, backend=backend, site_id=sites.get(item.site))
        ndcg, recall = score(titles, item.answers)
        report.outcomes.append(Outcome(item, titles, ndcg, recall))
    return report
