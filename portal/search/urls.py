from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("", views.search, name="search"),
    path("suggest/", views.suggest, name="suggest"),
    path("open/", views.click, name="click"),
    path("opened/<slug:area>/", views.suggestion_opened, name="opened"),
]
