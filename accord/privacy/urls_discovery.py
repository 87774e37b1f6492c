"""Pages of the data-privacy audits, under /o/<org>/privacy/data-audits/ (accord/urls.py)."""

from django.urls import path

from accord.privacy import views_discovery

app_name = "dataaudits"

urlpatterns = [
    path("", views_discovery.audit_list, name="list"),
    path("new/", views_discovery.audit_create, name="create"),
    path("<id:audit_id>/", views_discovery.audit_detail, name="detail"),
    path("<id:audit_id>/discovery/", views_discovery.discovery_upload, name="discovery"),
    path("<id:audit_id>/questionnaires/", views_discovery.questionnaires_send, name="send"),
    path("<id:audit_id>/questionnaires/<id:questionnaire_id>/", views_discovery.questionnaire, name="questionnaire"),
    path("<id:audit_id>/compare/", views_discovery.audit_compare, name="compare"),
    path("<id:audit_id>/report/", views_discovery.audit_report, name="report"),
]
