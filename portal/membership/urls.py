from django.urls import path, re_path

from . import views

app_name = "membership"

urlpatterns = [
    path("benefits/", views.benefits, name="benefits"),
    path("benefits/<id:pk>/redeem/", views.redeem, name="redeem"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/<id:pk>/renewal/", views.auto_renew, name="auto_renew"),
    path("subscriptions/<id:pk>/change/", views.change, name="change"),
    path("orders/<id:pk>/", views.order, name="order"),
    path("orders/<id:pk>/pay/", views.pay, name="pay"),
    re_path(r"^invoices/(?P<number>[0-9]{4}-[0-9]{6})/$", views.invoice, name="invoice"),
]
