from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("me/privacy/", views.privacy, name="privacy"),
    path("me/privacy/export/", views.export, name="export"),
    path("me/privacy/download/<uuid:key>/", views.download, name="download"),
    path("me/privacy/delete/", views.delete_account, name="delete_account"),
    path("privacy/keep-my-account/<uuid:key>/", views.cancel_erasure, name="cancel_erasure"),
    path("me/privacy/<slug:code>/", views.change, name="change"),
    path("privacy/withdraw/<str:token>/", views.withdraw, name="withdraw"),
]
