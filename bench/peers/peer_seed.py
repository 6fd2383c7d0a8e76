"""Pieces shared by the peers' seeds (they import it from bench/peers/, their PYTHONPATH): the
words the portal's benchmark content uses, so pages and searches weigh the same on both sides, and
a signed-in session made the way Django's login() makes one."""

WORDS = "router wifi password network internet connection firmware reset cable light help".split()  # noqa: SIM905


def text(n: int, length: int) -> str:
    """`length` words, starting at the n-th."""
    return " ".join(WORDS[(n + i) % len(WORDS)] for i in range(length))


def session_for(user) -> str:
    """A stored session that signs `user` in; returns its key (the sessionid cookie's value)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key
