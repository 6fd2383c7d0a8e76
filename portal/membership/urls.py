from django.urls import path

from . import views

app_name = "membership"

urlpatterns = [
    path("benefits/", views.benefits, name="benefits"),
    path("benefits/<int:pk>/redeem/", views.redeem, name="redeem"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/<int:pk>/renewal/", views.auto_renew, name="auto_renew"),
]
