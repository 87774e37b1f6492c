from django.urls import path

from accord.incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_create, name="create"),
    path("metrics/", views.incident_metrics, name="metrics"),
    path("playbooks/", views.playbook_list, name="playbooks"),
    path("matrix/", views.matrix_edit, name="matrix"),
    path("playbooks/<str:kind>/", views.playbook_edit, name="playbook_edit"),
    path("<id:incident_id>/", views.incident_detail, name="detail"),
    path("<id:incident_id>/advance/", views.incident_advance, name="advance"),
    path("<id:incident_id>/timeline/", views.timeline_add, name="timeline_add"),
    path("<id:incident_id>/tasks/", views.task_add, name="task_add"),
    path("<id:incident_id>/tasks/<id:task_id>/status/", views.task_status, name="task_status"),
    path("<id:incident_id>/communications/", views.communication_add, name="communication_add"),
    path("<id:incident_id>/nis2/<str:report>/", views.nis2_report, name="nis2_report"),
    path("<id:incident_id>/breach-awareness/", views.breach_awareness, name="breach_awareness"),
    path("<id:incident_id>/report/", views.incident_report, name="report"),
    path("<id:incident_id>/review/", views.review_write, name="review"),
    path("<id:incident_id>/lessons/", views.lesson_add, name="lesson_add"),
    path("<id:incident_id>/lessons/<id:lesson_id>/status/", views.lesson_status, name="lesson_status"),
]
