from django.urls import path

from accord.privacy import views

app_name = "privacy"

urlpatterns = [
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<id:request_id>/", views.request_detail, name="request_detail"),
    path("requests/<id:request_id>/edit/", views.request_edit, name="request_edit"),
    path("requests/<id:request_id>/pause/", views.request_pause, name="request_pause"),
    path("requests/<id:request_id>/resume/", views.request_resume, name="request_resume"),
    path("requests/<id:request_id>/extend/", views.request_extend, name="request_extend"),
    path("requests/<id:request_id>/close/", views.request_close, name="request_close"),
    path("breaches/", views.breach_list, name="breaches"),
    path("breaches/new/", views.breach_create, name="breach_create"),
    path("breaches/<id:breach_id>/", views.breach_detail, name="breach_detail"),
    path("breaches/<id:breach_id>/edit/", views.breach_edit, name="breach_edit"),
    path("breaches/<id:breach_id>/notifications/", views.breach_notification_add, name="breach_notification_add"),
]
