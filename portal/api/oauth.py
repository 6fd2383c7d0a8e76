"""django-oauth-toolkit's validator with what Portal says about a person when it is the OpenID
Connect provider (another site signing people in with their Portal account)."""

from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "email_verified": "email"}

    def get_additional_claims(self, request):
        user = request.user
        from allauth.account.models import EmailAddress

        verified = EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
        return {
            "name": user.display_name or user.email,
            "email": user.email,
            "email_verified": verified,
        }
