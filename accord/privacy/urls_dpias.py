"""Pages of the DPIAs, under /o/<org>/privacy/dpias/ (accord/urls.py)."""

from django.urls import path

from accord.privacy import views_dpias

app_name = "dpias"

urlpatterns = [
    path("", views_dpias.dpia_list, name="list"),
    path("new", views_dpias.dpia_create, name="create"),
    path("<int:dpia_id>/", views_dpias.dpia_detail, name="detail"),
    path("<int:dpia_id>/edit", views_dpias.dpia_edit, name="edit"),
    path("<int:dpia_id>/risks", views_dpias.dpia_risk_add, name="risk_add"),
    path("<int:dpia_id>/submit", views_dpias.dpia_submit, name="submit"),
    path("<int:dpia_id>/advice", views_dpias.dpia_advice, name="advice"),
    path("<int:dpia_id>/decision", views_dpias.dpia_decision, name="decision"),
    path("<int:dpia_id>/report", views_dpias.dpia_report, name="report"),
]
