from tests.browser.conftest import live_site  # noqa: F401
from tests.community.conftest import _badges, asker, helper, members_only, moderator, newcomer, questions  # noqa: F401
from tests.knowledge_base.conftest import kb  # noqa: F401
from tests.tickets.conftest import agent, calendar, policy, queue, request_type  # noqa: F401
