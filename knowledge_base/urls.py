from django.urls import path

from . import views

app_name = "knowledge_base"

urlpatterns = [
    path("seen/<id:article_id>.gif", views.article_seen, name="seen"),
    path("feedback/<id:article_id>/", views.feedback, name="feedback"),
    path("follow/<id:page_id>/", views.follow, name="follow"),
]
