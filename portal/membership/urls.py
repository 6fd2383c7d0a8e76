from django.urls import path, re_path

from . import views

app_name = "membership"

urlpatterns = [
    path("benefits/", views.benefits, name="benefits"),
    path("benefits/<int:pk>/redeem/", views.redeem, name="redeem"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/<int:pk>/renewal/", views.auto_renew, name="auto_renew"),
    path("subscriptions/<int:pk>/change/", views.change, name="change"),
    path("orders/<int:pk>/", views.order, name="order"),
    path("orders/<int:pk>/pay/", views.pay, name="pay"),
    re_path(r"^invoices/(?P<number>\d{4}-\d{6})/$", views.invoice, name="invoice"),
]
