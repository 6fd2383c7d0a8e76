"""/o/: django-oauth-toolkit's authorisation server — authorise, token, revoke, introspect, its
metadata and OpenID Connect. Not its pages for registering applications or dynamic client
registration: applications are registered by admins (Settings → API applications)."""

from oauth2_provider import urls as toolkit

app_name = "oauth2_provider"
urlpatterns = toolkit.metadata_urlpatterns + toolkit.base_urlpatterns + toolkit.oidc_urlpatterns
