from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("", views.community_home, name="home"),
    path("new/", views.new_topic, name="new"),
    path("opened/", views.opened_suggestion, name="opened"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("images/<str:token>/<str:name>", views.image, name="image"),
    path("c/<slug:slug>/", views.category_detail, name="category"),
    path("c/<slug:slug>/watch/", views.watch_category, name="watch_category"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag"),
    path("t/<int:pk>/", views.topic_detail, name="topic_short"),
    path("t/<int:pk>/reply/", views.reply, name="reply"),
    path("t/<int:pk>/accept/", views.accept, name="accept"),
    path("t/<int:pk>/watch/", views.watch_topic, name="watch_topic"),
    path("t/<int:pk>/moderate/", views.moderate_topic, name="moderate_topic"),
    path("t/<int:pk>/<slug:slug>/", views.topic_detail, name="topic"),
    path("p/<int:pk>/", views.post_redirect, name="post"),
    path("p/<int:pk>/edit/", views.edit_post, name="edit"),
    path("p/<int:pk>/delete/", views.delete_post, name="delete"),
    path("p/<int:pk>/vote/", views.vote, name="vote"),
    path("p/<int:pk>/flag/", views.flag, name="flag"),
    path("p/<int:pk>/history/", views.post_history, name="history"),
    path("p/<int:pk>/moderate/", views.moderate_post, name="moderate_post"),
    path("u/<slug:handle>/", views.profile, name="profile"),
    path("u/<slug:handle>/sanction/", views.sanction, name="sanction"),
    path("u/<slug:handle>/badge/", views.grant_badge, name="grant_badge"),
    path("<slug:view>/", views.topic_list, name="list"),
]
