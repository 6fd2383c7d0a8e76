"""Django's PostgreSQL backend with cheaper health checks.

With CONN_HEALTH_CHECKS, Django asks a reused connection `SELECT 1` at the start of every request:
one more round trip than most cached pages make. Here a connection that finished a request in the
last HEALTH_CHECK_IDLE_SECONDS is trusted without asking; one idle for longer (when a database
restart may have gone unnoticed) is still checked. A connection whose request failed is checked
(or closed) by Django as before.
"""

import time

from django.db.backends.postgresql import base

#: A connection used this recently is not asked `SELECT 1` before its next request.
HEALTH_CHECK_IDLE_SECONDS = 5.0


class DatabaseWrapper(base.DatabaseWrapper):
    last_request_finished = 0.0

    def close_if_unusable_or_obsolete(self):
        # Called when a request starts and when it finishes: the connection worked until now.
        super().close_if_unusable_or_obsolete()
        if self.connection is not None and not self.errors_occurred:
            recently = time.monotonic() - self.last_request_finished < HEALTH_CHECK_IDLE_SECONDS
            self.last_request_finished = time.monotonic()
            if recently:
                self.health_check_done = True
