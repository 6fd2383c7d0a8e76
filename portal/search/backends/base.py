"""The search interface: what a backend is asked, and what it answers."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Query:
    """One search. `tokens` say what the reader may find; the rest narrows or pages the results."""

    text: str
    tokens: tuple[str, ...]
    language: str = ""  # "" = any language
    kind: str = ""
    product: str = ""
    site_id: int | None = None
    page: int = 1
    per_page: int = 10


@dataclass
class Hit:
    key: str
    kind: str
    title: str
    url: str
    snippet: str = ""  # safe HTML, matched words in <mark>
    language: str = ""
    product_name: str = ""
    extra: dict = field(default_factory=dict)
    score: float = 0.0
    other_languages: list["Hit"] = field(default_factory=list)  # the same article in other languages


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class Results:
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    page: int
    per_page: int
    #: Every word matched (True), or — when nothing matched them all — any of them (False).
    matched_all: bool = True
    #: There are more matches than were counted (the total is a lower bound).
    more: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class SearchUnavailable(Exception):
    """The backend could not answer (a cluster down or too slow); the caller falls back."""


class Backend:
    name = "base"

    def replace(self, documents_by_source: dict) -> None:
        """Make each source's entries exactly these documents (none: remove the source)."""
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def begin_rebuild(self) -> None:
        """Start indexing everything again; searches keep being answered meanwhile."""
        raise NotImplementedError

    def finish_rebuild(self) -> None:
        raise NotImplementedError

    def search(self, query: Query) -> Results:
        raise NotImplementedError

    def suggest(self, query: Query, limit: int) -> list[Hit]:
        raise NotImplementedError

    def spelling(self, query: Query) -> str:
        """A better-spelled query that finds something, or ""."""
        raise NotImplementedError

    def status(self) -> dict:
        raise NotImplementedError
