from tests.tickets.conftest import agent, calendar, policy, queue, request_type, second_agent  # noqa: F401
