from django.urls import path

from . import views

app_name = "membership"

urlpatterns = [
    path("", views.benefits, name="benefits"),
    path("<int:pk>/redeem/", views.redeem, name="redeem"),
]
