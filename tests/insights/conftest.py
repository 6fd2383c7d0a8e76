from tests.community.conftest import asker, questions  # noqa: F401
from tests.knowledge_base.conftest import kb  # noqa: F401
from tests.tickets.conftest import agent, calendar, policy, queue, request_type, second_agent  # noqa: F401
