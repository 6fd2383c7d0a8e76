import os
import uuid

import pytest
from wagtail.models import Locale

from knowledge_base.choices import Audience
from portal.search import service
from portal.search.backends.base import Query
from tests.knowledge_base.conftest import KB, add_article, kb, publish  # noqa: F401
from tests.tickets.conftest import agent, calendar, make_ticket, policy, queue, request_type  # noqa: F401

BACKENDS = ["database"] + (["elasticsearch"] if os.environ.get("ELASTICSEARCH_URL") else [])


@pytest.fixture
def database(settings):
    """The database backend alone (the page and analytics tests)."""
    settings.ELASTICSEARCH_URL = ""
    return service.database


@pytest.fixture(params=BACKENDS)
def backend(request, db, settings):
    """Each behaviour test runs on the database backend, and on Elasticsearch when a cluster is given."""
    if request.param == "database":
        settings.ELASTICSEARCH_URL = ""
        yield service.database
        return
    from portal.search.backends.elastic import ElasticsearchBackend

    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.ELASTICSEARCH_INDEX = f"portal-test-{uuid.uuid4().hex[:8]}"
    service._elasticsearch.cache_clear()
    cluster = service.elasticsearch()
    assert isinstance(cluster, ElasticsearchBackend)
    yield cluster
    cluster.client.indices.delete(index=f"{settings.ELASTICSEARCH_INDEX}-*", ignore_unavailable=True)
    service._elasticsearch.cache_clear()


@pytest.fixture
def content(kb, make_ticket, customer):  # noqa: F811
    """The knowledge base fixture, a Serbian and a Slovenian article, and a customer's request."""
    translated = translate(kb.second, "sr-latn", "Kako da promenite šifru za Wi-Fi", "Nova lozinka za bežičnu mrežu.")
    sl_article = translate(kb.third, "sl", "Posodobitev vdelane programske opreme", "Serijska številka je na nalepki.")
    body_only = add_article(kb.subsection, "Reset to factory defaults")
    body_only.summary = "If nothing else helps, a reset sets the router password back."
    publish(body_only)
    ticket = make_ticket(customer, subject="Router reboots at midnight", description="Since the quasar update.")
    return {"kb": kb, "serbian": translated, "slovenian": sl_article, "body_only": body_only, "ticket": ticket}


def translate(article, language: str, title: str, summary: str):
    translated = article.copy_for_translation(Locale.objects.get(language_code=language), copy_parents=True).specific
    translated.title, translated.summary = title, summary
    translated.save()
    return publish(translated)


def indexed(backend):
    service.rebuild(backend=backend)
    return backend


def ask(backend, text, tokens=("audience:everyone",), **options) -> list[str]:
    """The keys found, best first."""
    results = backend.search(Query(text=text, tokens=tuple(tokens), per_page=50, **options))
    return [hit.key for hit in results.hits]


EVERYONE = ("audience:everyone",)
CUSTOMER = ("audience:everyone", f"audience:{Audience.CUSTOMERS}")
