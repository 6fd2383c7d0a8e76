from django.urls import path

from . import views

app_name = "knowledge_base"

urlpatterns = [
    path("feedback/<id:article_id>/", views.feedback, name="feedback"),
    path("follow/<id:page_id>/", views.follow, name="follow"),
]
