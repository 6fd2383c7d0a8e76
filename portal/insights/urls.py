from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("nps/", views.answer_form, name="nps_form"),
    path("nps/<str:token>/", views.answer_link, name="nps_answer"),
]
