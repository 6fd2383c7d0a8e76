from tests.community.conftest import questions  # noqa: F401
from tests.tickets.conftest import agent, calendar, policy, queue, request_type  # noqa: F401
