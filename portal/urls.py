from allauth.account import views as account_views
from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve as serve_static
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from portal import views
from portal.accounts import urls as accounts_urls
from portal.accounts import views as account_area_views
from portal.membership import callbacks
from portal.search import urls as search_urls
from themes import views as theme_views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("brand.css", theme_views.brand_css, name="brand_css"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    # One sign-in for the whole site: the admin's login and logout are allauth's (verified e-mail,
    # two-factor, rate limits). Wagtail's own password reset is switched off in settings.
    path("admin/login/", account_area_views.admin_login, name="admin_login"),
    # Wagtail's own sign-in for pages behind a "signed-in readers" restriction is Django's password
    # form: it hands over to allauth too, so no password is ever taken outside it.
    path("_util/login/", account_area_views.admin_login, name="page_restriction_login"),
    path("admin/logout/", account_views.logout, name="admin_logout"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    # The API (portal/api), OAuth 2 and OpenID Connect for apps acting for a person (django-oauth-toolkit).
    path("api/", include("portal.api.urls")),
    path("o/", include("portal.api.oauth_urls", namespace="oauth2_provider")),
    path("me/api-tokens/", include("portal.api.page_urls")),
    path("", include("portal.privacy.urls")),
    path("me/notifications/", include("portal.notifications.urls")),
    path("me/", include("portal.membership.urls")),
    path("me/", include(accounts_urls)),
    path("search/", include(search_urls)),
    path("help/", include("knowledge_base.urls")),
    path("community/", include("community.urls")),
    path("support/", include("tickets.urls")),
    path("feedback/", include("portal.insights.urls")),
    # Gateway callbacks (django-payments): unknown payments answer 404, unverifiable ones 400.
    path("payments/process/<uuid:token>/", callbacks.process_payment, name="process_payment"),
    re_path(
        r"^payments/process/(?P<variant>[a-z-]+)/$", callbacks.static_process_payment, name="static_process_payment"
    ),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve_static, {"document_root": settings.MEDIA_ROOT})]

# Wagtail serves every other address from the page tree (/, /help/, …); keep it last.
urlpatterns += [path("", include(wagtail_urls))]

handler500 = "portal.views.server_error"
