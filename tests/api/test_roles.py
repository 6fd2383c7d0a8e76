"""Every list endpoint × every role, with a token carrying every scope the person may make: who
gets an answer and who is refused is the pages' rule, not the token's."""

import pytest

from portal.api.models import PersonalToken
from portal.api.scopes import API_SCOPES
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OK, REFUSED, UNAUTHENTICATED = 200, 403, 401
ENDPOINTS = {
    #                           anonymous        customer  agent    admin
    "/api/v1/kb/articles/": (OK, OK, OK, OK),
    "/api/v1/kb/faqs/": (OK, OK, OK, OK),
    "/api/v1/search/?q=router": (OK, OK, OK, OK),
    "/api/v1/community/categories/": (OK, OK, OK, OK),
    "/api/v1/community/topics/": (OK, OK, OK, OK),
    "/api/v1/request-types/": (UNAUTHENTICATED, OK, OK, OK),
    "/api/v1/requests/": (UNAUTHENTICATED, OK, OK, OK),
    "/api/v1/desk/requests/": (UNAUTHENTICATED, REFUSED, OK, OK),
    "/api/v1/people/": (UNAUTHENTICATED, REFUSED, REFUSED, OK),
    "/api/v1/organisations/": (UNAUTHENTICATED, REFUSED, OK, OK),
    "/api/v1/subscriptions/": (UNAUTHENTICATED, REFUSED, REFUSED, OK),
    "/api/v1/orders/": (UNAUTHENTICATED, REFUSED, REFUSED, OK),
    "/api/v1/invoices/": (UNAUTHENTICATED, REFUSED, REFUSED, OK),
    "/api/v1/points/": (UNAUTHENTICATED, REFUSED, REFUSED, OK),
    "/api/v1/benefits-taken/": (UNAUTHENTICATED, REFUSED, REFUSED, OK),
    "/api/v1/consents/": (UNAUTHENTICATED, REFUSED, REFUSED, OK),
    "/api/v1/webhooks/": (UNAUTHENTICATED, REFUSED, REFUSED, OK),
}


@pytest.mark.parametrize("path", list(ENDPOINTS))
def test_each_role_gets_what_its_pages_give(client, path):
    expected = dict(zip(("anonymous", "customer", "agent", "admin"), ENDPOINTS[path], strict=True))
    got = {"anonymous": client.get(path).status_code}
    for role in ("customer", "agent", "admin"):
        person = UserFactory(role=role)
        _made, secret = PersonalToken.make(person=person, name=role, scopes=API_SCOPES, days=1)
        got[role] = client.get(path, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code
    assert got == expected
