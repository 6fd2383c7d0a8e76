"""Queries whose SQL is built once per connection (portal/db/compiled.py)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from portal.accounts.models import Organisation, User
from portal.db.compiled import CompiledQuery, CompileError, model_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    now = timezone.now()
    return [
        User.objects.create_user(email=f"person{n}@example.com", password="x", date_joined=now - timedelta(days=n))
        for n in range(5)
    ]


def _joined_before(email: str):
    return User.objects.filter(email__startswith="person", is_active=True).exclude(email=email).order_by("-date_joined")


def test_rows_are_what_values_list_gives_for_each_argument(people):
    fields = ("id", "email", "date_joined", "is_active")
    query = CompiledQuery(lambda email: _joined_before(email).values_list(*fields), email=str)
    for person in people:
        expected = list(_joined_before(person.email).values_list(*fields))
        assert query.rows(email=person.email) == expected
        assert person.pk not in [row[0] for row in query.rows(email=person.email)]
    # Dates come back as dates on every database (SQLite returns text that Django converts).
    assert isinstance(query.rows(email="nobody@example.com")[0][2], type(people[0].date_joined))


@pytest.mark.django_db(transaction=True)  # the other thread must see the rows
def test_the_sql_is_built_once_per_connection_and_each_run_is_one_counted_query(people, django_assert_num_queries):
    builds = []

    def build(pk):
        builds.append(pk)
        return User.objects.filter(pk=pk).values_list("email")

    query = CompiledQuery(build, pk=int)
    assert query.rows(pk=people[0].pk) == [("person0@example.com",)]
    built = len(builds)
    with django_assert_num_queries(3):
        for person in people[1:4]:
            assert query.rows(pk=person.pk) == [(person.email,)]
    assert len(builds) == built  # not built again

    # Another thread has its own connection, and builds the SQL for it.
    answers = []

    def other():
        try:
            answers.append(query.rows(pk=people[4].pk))
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert answers == [[("person4@example.com",)]]
    assert len(builds) > built


def test_model_query_gives_model_instances(people):
    by_pk = model_query(User, lambda pk: User.objects.filter(pk=pk), pk=int)
    found = by_pk.first(pk=people[2].pk)
    assert isinstance(found, User)
    assert (found.pk, found.email, found.date_joined) == (people[2].pk, people[2].email, people[2].date_joined)
    assert found._state.adding is False
    found.display_name = "Renamed"
    found.save(update_fields=["display_name"])  # an ordinary saved row
    assert User.objects.get(pk=people[2].pk).display_name == "Renamed"
    assert by_pk.first(pk=-1) is None
    # An id from an address may be any number of digits: past 64 bits no row has it (and SQLite
    # would refuse it), as with Django's lookups.
    assert by_pk.first(pk=2**63) is None and by_pk.first(pk=10**20) is None


def test_model_query_reads_related_rows_as_select_related_does(people, django_assert_num_queries):
    acme = Organisation.objects.create(name="Acme")
    User.objects.filter(pk=people[1].pk).update(organisation=acme)
    by_pk = model_query(User, lambda pk: User.objects.filter(pk=pk), related=("organisation",), pk=int)
    with django_assert_num_queries(2):
        member, loner = by_pk.first(pk=people[1].pk), by_pk.first(pk=people[0].pk)
        assert member.organisation == acme and member.organisation.name == "Acme"
        assert loner.organisation is None


def test_arguments_of_small_and_positive_integer_fields(people):
    # A sample value outside a field's range would make Django drop the condition's SQL altogether.
    from community.models import CommunityProfile

    CommunityProfile.objects.create(user=people[0], handle="zero", trust_level=3)
    query = CompiledQuery(
        lambda level: CommunityProfile.objects.filter(trust_level=level).values_list("handle"), level=int
    )
    assert query.rows(level=3) == [("zero",)]
    assert query.rows(level=4) == []


def test_an_aggregate_can_be_compiled(people):
    count = CompiledQuery(
        lambda active: (
            User.objects.filter(is_active=True, email__startswith="person")
            .exclude(pk=active)
            .order_by()
            .values("is_active")
            .annotate(count=Count("pk"))
            .values_list("count")
        ),
        active=int,
    )
    assert count.rows(active=people[0].pk) == [(4,)]


def test_a_query_that_reads_the_clock_is_refused_rather_than_frozen(people):
    query = CompiledQuery(
        lambda pk: User.objects.filter(pk=pk, date_joined__lte=timezone.now()).values_list("email"), pk=int
    )
    with pytest.raises(CompileError, match="neither an argument nor a constant"):
        query.rows(pk=people[0].pk)


def test_an_argument_the_query_changes_is_refused(people):
    # `contains` wraps the value in wildcards: the SQL would not take the value as given.
    query = CompiledQuery(lambda text: User.objects.filter(email__contains=text).values_list("email"), text=str)
    with pytest.raises(CompileError):
        query.rows(text="person")


def test_only_plain_values_list_querysets_and_declared_arguments(people):
    with pytest.raises(CompileError, match="values_list"):
        CompiledQuery(lambda pk: User.objects.filter(pk=pk), pk=int).rows(pk=1)
    with pytest.raises(CompileError, match="values_list"):
        CompiledQuery(lambda pk: User.objects.filter(pk=pk).values_list("pk", flat=True), pk=int).rows(pk=1)
    query = CompiledQuery(lambda pk: User.objects.filter(pk=pk).values_list("email"), pk=int)
    with pytest.raises(TypeError, match="expected the arguments"):
        query.rows(id=1)
    with pytest.raises(CompileError, match="only int and str"):
        CompiledQuery(lambda day: User.objects.filter(date_joined=day).values_list("pk"), day=object).rows(day=1)
