from django.urls import path

from . import views

app_name = "knowledge_base"

urlpatterns = [
    path("feedback/<int:article_id>/", views.feedback, name="feedback"),
    path("follow/<int:page_id>/", views.follow, name="follow"),
]
