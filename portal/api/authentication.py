"""Personal access tokens: `Authorization: Bearer pat_…`."""

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from .models import TOKEN_PREFIX, PersonalToken, digest

#: Recording every use would write on every call; once a minute is enough to tell "in use".
LAST_USED_EVERY = timezone.timedelta(minutes=1)


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        kind, _space, secret = header.partition(" ")
        if kind.lower() != "bearer" or not secret.startswith(TOKEN_PREFIX):
            return None  # not ours: an OAuth token, or no token at all
        token = PersonalToken.objects.usable().select_related("person").filter(token_digest=digest(secret)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid: it is unknown, expired or revoked."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            PersonalToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.person, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
