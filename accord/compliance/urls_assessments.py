"""The audit pages, under o/<org>/audits/ (namespace `audits`)."""

from django.urls import path

from accord.compliance import views_assessments as views
from accord.compliance import views_offers

app_name = "audits"

urlpatterns = [
    path("", views.audit_list, name="list"),
    path("new/", views.audit_create, name="create"),
    path("<int:assessment_id>/", views.audit_detail, name="detail"),
    path("<int:assessment_id>/edit/", views.audit_edit, name="edit"),
    # What results recorded against mapped requirements offer (mapping sets, views_offers.py).
    path("<int:assessment_id>/offers/", views_offers.audit_offers, name="offers"),
    path("<int:assessment_id>/offers/accept/", views_offers.audit_offer_accept, name="offer_accept"),
    path("<int:assessment_id>/export/", views.audit_export, name="export"),
    path("<int:assessment_id>/report/", views.audit_report, name="report"),
    path("<int:assessment_id>/findings/", views.finding_create, name="finding_create"),
    path("<int:assessment_id>/results/<int:result_id>/", views.result_row, name="result"),
    path("<int:assessment_id>/results/<int:result_id>/record/", views.result_record, name="result_record"),
    path("<int:assessment_id>/results/<int:result_id>/evidence/list/", views.result_evidence,
         name="result_evidence"),
    path("<int:assessment_id>/results/<int:result_id>/evidence/", views.evidence_add, name="evidence_add"),
    path("findings/", views.finding_list, name="findings"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding"),
    path("findings/<int:finding_id>/edit/", views.finding_edit, name="finding_edit"),
    path("findings/<int:finding_id>/risk/", views.finding_raise_risk, name="finding_risk"),
    path("findings/<int:finding_id>/remediations/", views.remediation_create, name="remediation_create"),
    path("remediations/", views.remediation_list, name="remediations"),
    path("remediations/<int:remediation_id>/edit/", views.remediation_edit, name="remediation_edit"),
    path("evidence/<int:evidence_id>/versions/", views.evidence_version, name="evidence_version"),
    path("evidence/<int:evidence_id>/download/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:evidence_id>/versions/<int:number>/download/", views.evidence_version_download,
         name="evidence_version_download"),
    path("evidence/files/<str:name>", views.evidence_file, name="evidence_file"),
]
