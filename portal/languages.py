"""The language switch: plain links, so pages that show it stay the same for every anonymous reader.

Each link goes to /i18n/setlang/ with the language, the address to return to and the page shown
(whose translation the reader is taken to). Following it sets the language cookie. A signed-in
person's links also carry a token signed for them, and only with it is the choice saved to their
profile (the language of their e-mail): a link from another site changes no one's profile.
"""

from urllib.parse import urlencode

from django.core import signing
from django.urls import reverse

_signer = signing.Signer(salt="portal.languages.preference")


def preference_token(user) -> str:
    return _signer.sign(str(user.pk)).split(":", 1)[1]


def preference_token_valid(user, token: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not token:
        return False
    try:
        return _signer.unsign(f"{user.pk}:{token}") == str(user.pk)
    except signing.BadSignature:
        return False


def switch_url(language: str, *, next_path: str, page_id: int | None = None, user=None) -> str:
    query = {"language": language, "next": next_path}
    if page_id:
        query["page"] = page_id
    if getattr(user, "is_authenticated", False):
        query["token"] = preference_token(user)
    return f"{reverse('set_language')}?{urlencode(query)}"
