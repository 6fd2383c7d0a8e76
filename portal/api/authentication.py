"""Personal access tokens: `Authorization: Bearer pat_…`."""

from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
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


class AppAuthentication(OAuth2Authentication):
    """OAuth 2 access tokens. A token from the client-credentials grant belongs to no person: the
    integration then acts as the staff member who registered the application, within the token's
    scopes (an application without an owner cannot use that grant)."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            return None
        user, token = found
        if user is None:
            owner = token.application.user if token.application_id else None
            if owner is None or not owner.is_active:
                raise exceptions.AuthenticationFailed(_("This application acts for nobody: give it an owner."))
            return owner, token
        return user, token
