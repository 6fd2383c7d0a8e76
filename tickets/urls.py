from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("", views.support_home, name="home"),
    path("new/", views.new_request, name="new"),
    path("inbound/", views.inbound_email, name="inbound"),
    path("requests/", views.request_list, name="list"),
    path("requests/<str:reference>/", views.request_detail, name="detail"),
    path("requests/<str:reference>/reply/", views.reply, name="reply"),
    path("requests/<str:reference>/solve/", views.solve, name="solve"),
    path("requests/<str:reference>/reopen/", views.reopen, name="reopen"),
    path("requests/<str:reference>/rate/", views.rate_request, name="rate_request"),
    path("rate/<str:token>/", views.rate_link, name="rate"),
    path("requests/<str:reference>/cc/", views.update_cc, name="cc"),
    path("requests/<str:reference>/files/<id:pk>/", views.download_attachment, name="attachment"),
]
