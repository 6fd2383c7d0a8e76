from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("", views.community_home, name="home"),
    path("new/", views.new_topic, name="new"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("images/<slug:token>/<str:name>", views.image, name="image"),
    path("c/<slug:slug>/", views.category_detail, name="category"),
    path("c/<slug:slug>/watch/", views.watch_category, name="watch_category"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag"),
    path("t/<id:pk>/", views.topic_detail, name="topic_short"),
    path("t/<id:pk>/seen.gif", views.topic_seen, name="topic_seen"),
    path("t/<id:pk>/reply/", views.reply, name="reply"),
    path("t/<id:pk>/accept/", views.accept, name="accept"),
    path("t/<id:pk>/watch/", views.watch_topic, name="watch_topic"),
    path("t/<id:pk>/moderate/", views.moderate_topic, name="moderate_topic"),
    path("t/<id:pk>/<slug:slug>/", views.topic_detail, name="topic"),
    path("p/<id:pk>/", views.post_redirect, name="post"),
    path("p/<id:pk>/edit/", views.edit_post, name="edit"),
    path("p/<id:pk>/delete/", views.delete_post, name="delete"),
    path("p/<id:pk>/vote/", views.vote, name="vote"),
    path("p/<id:pk>/flag/", views.flag, name="flag"),
    path("p/<id:pk>/history/", views.post_history, name="history"),
    path("p/<id:pk>/moderate/", views.moderate_post, name="moderate_post"),
    path("u/<slug:handle>/", views.profile, name="profile"),
    path("u/<slug:handle>/sanction/", views.sanction, name="sanction"),
    path("u/<slug:handle>/badge/", views.grant_badge, name="grant_badge"),
    path("<slug:view>/", views.topic_list, name="list"),
]
