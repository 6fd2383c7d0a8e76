from tests.tickets.conftest import agent, calendar, policy, queue, request_type  # noqa: F401
