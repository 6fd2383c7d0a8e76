"""Search benchmark: 50,000 articles and 200,000 community posts, 1,000 mixed queries.

Run by hand with `make bench-search`. Seeds a separate database (PostgreSQL `portal_bench_search`
when 127.0.0.1:5432 answers, else `var/bench-search.sqlite3`) straight through the search
backend, once; then times `search` and `suggest` for 1,000 queries in Serbian (Latin, Cyrillic,
without diacritics) and English, and prints p50/p95/p99 per backend (Elasticsearch too when
ELASTICSEARCH_URL is set). Aim on PostgreSQL: search p95 < 100 ms, suggest p95 < 30 ms.
"""

import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
ARTICLES, POSTS, QUERIES = 50_000, 200_000, 1_000
if os.environ.get("BENCH_SMALL"):
    ARTICLES, POSTS, QUERIES = 2_000, 8_000, 200

_ENGLISH_TEXT = (
    "router password reset wifi network firmware update backup restore cloud storage account login error "
    "connection slow signal mesh node guest port forwarding parental control invoice subscription renew "
    "speed test cable modem dns vpn printer sync folder share restore version download upload"
)
_SERBIAN_TEXT = (
    "ruter lozinka šifra mreža bežična ažuriranje rezervna kopija vraćanje nalog prijava greška veza spora "
    "signal čvor gost zaštita račun pretplata obnova brzina kabl modem štampač fascikla deljenje preuzimanje "
    "otpremanje podešavanje uređaj korisnik"
)
#: Real help text uses thousands of words, a few very often and most rarely (Zipf's law); a
#: corpus of forty words that every document contains would make every query match half of it.
VOCABULARY_SIZE = 4_000


def vocabulary(seed_words: list[str], rng: random.Random, syllables: list[str]) -> tuple[list[str], list[float]]:
    words = list(seed_words)
    seen = set(words)
    while len(words) < VOCABULARY_SIZE:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words, [1 / rank for rank in range(1, len(words) + 1)]


_ENGLISH_SYLLABLES = "ro ter net work pass word con fig set ting up date back store lo"
_SERBIAN_SYLLABLES = "ra če ni ko va ža še lo zi na mre pre uz po de ša nje ći"
_vocabulary_rng = random.Random(3)
ENGLISH = vocabulary(_ENGLISH_TEXT.split(), _vocabulary_rng, _ENGLISH_SYLLABLES.split())
SERBIAN = vocabulary(_SERBIAN_TEXT.split(), _vocabulary_rng, _SERBIAN_SYLLABLES.split())


def _postgres_up() -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", 5432)) == 0


def setup_django() -> None:
    if "DATABASE_URL" not in os.environ:
        if _postgres_up():
            subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", "CREATE DATABASE portal_bench_search"],
                capture_output=True,
                check=False,
            )
            os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/portal_bench_search"
        else:
            (BASE_DIR / "var").mkdir(exist_ok=True)
            os.environ["DATABASE_URL"] = f"sqlite:///{BASE_DIR / 'var' / 'bench-search.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def sentence(rng, language_words, n) -> str:
    words, weights = language_words
    return " ".join(rng.choices(words, weights=weights, k=n))


def query_words(rng, language_words, n) -> str:
    """One word as common as in the text ("router"), the others rarer ones that say what about."""
    words, weights = language_words
    first = rng.choices(words, weights=weights)[0]
    return " ".join([first, *rng.choices(words[100:], weights=weights[:-100], k=n - 1)])


def seed(backend) -> None:
    from portal.search.documents import SearchDocument
    from portal.search.models import SearchEntry

    have = SearchEntry.objects.count()
    if have >= ARTICLES + POSTS:
        print(f"{have} entries already seeded")
        return
    backend.clear()
    rng = random.Random(7)
    started = time.perf_counter()
    batch = {}
    for n in range(ARTICLES + POSTS):
        words, language = (SERBIAN, "sr-latn") if n % 2 else (ENGLISH, "en")
        is_article = n < ARTICLES
        kind = "article" if is_article else "topic"
        source = f"bench:{n}"
        batch[source] = [
            SearchDocument(
                key=source,
                source=source,
                kind=kind,
                title=sentence(rng, words, 6).capitalize(),
                body=sentence(rng, words, 80 if is_article else 40),
                url=f"/bench/{n}/",
                tokens=["audience:everyone" if n % 10 else "audience:members"],
                language=language,
                product="router-ax3" if n % 3 else "cloud-backup",
                product_name="Router AX3" if n % 3 else "Cloud Backup",
            )
        ]
        if len(batch) == 2000:
            backend.replace(batch)
            batch = {}
            print(f"\rseeded {n + 1}/{ARTICLES + POSTS}", end="", flush=True)
    backend.replace(batch)
    print(f"\nseeded in {time.perf_counter() - started:.0f} s")
    from django.db import connection

    if connection.vendor == "postgresql":
        # As after any bulk load: fresh planner statistics and a visibility map for index-only scans.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE portal_search_searchentry")
            cursor.execute("VACUUM ANALYZE portal_search_searchgrant")


def queries(rng) -> list[tuple[str, str]]:
    from portal.serbian import latin_to_cyrillic

    found = []
    for _ in range(QUERIES):
        if rng.random() < 0.5:
            text, language = query_words(rng, ENGLISH, rng.choice([1, 2, 2, 3])), "en"
        else:
            text, language = query_words(rng, SERBIAN, rng.choice([1, 2, 2, 3])), "sr-latn"
            variant = rng.random()
            if variant < 0.3:
                text = latin_to_cyrillic(text)
            elif variant < 0.6:
                from portal.search.analysis import fold

                text = fold(text)
        found.append((text, language))
    return found


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(p):
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    mean = statistics.mean(ordered) * 1000
    return f"p50 {at(0.50):6.1f} ms   p95 {at(0.95):6.1f} ms   p99 {at(0.99):6.1f} ms   mean {mean:6.1f} ms"


def run(backend, name: str) -> None:
    from portal.search.backends.base import Query

    rng = random.Random(11)
    mix = queries(rng)
    tokens = ("audience:everyone", "audience:customers", "user:1")
    search_times, suggest_times = [], []
    for text, language in mix:
        started = time.perf_counter()
        backend.search(Query(text=text, tokens=tokens, language=language))
        search_times.append(time.perf_counter() - started)
        prefix = text[: rng.randint(3, max(3, len(text)))]
        started = time.perf_counter()
        backend.suggest(Query(text=prefix, tokens=tokens, language=language, kind="article,faq,topic"), 6)
        suggest_times.append(time.perf_counter() - started)
    print(f"{name:<14} search   {percentiles(search_times)}")
    print(f"{name:<14} suggest  {percentiles(suggest_times)}")


def main() -> None:
    setup_django()
    from django.conf import settings
    from django.db import connection

    from portal.search import service

    print(f"database: {connection.vendor}; {ARTICLES} articles, {POSTS} posts, {QUERIES} queries")
    seed(service.database)
    run(service.database, f"database/{connection.vendor}")
    if settings.ELASTICSEARCH_URL:
        cluster = service.elasticsearch()
        seed(cluster)
        run(cluster, "elasticsearch")


if __name__ == "__main__":
    main()
