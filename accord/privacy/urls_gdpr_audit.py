"""Pages of the GDPR audit's suggestions, under /o/<org>/privacy/gdpr-audits/ (accord/urls.py)."""

from django.urls import path

from accord.privacy import views_gdpr_audit

app_name = "gdpr_audit"

urlpatterns = [
    path("<int:assessment_id>/", views_gdpr_audit.gdpr_suggestions, name="suggestions"),
    path("<int:assessment_id>/accept", views_gdpr_audit.gdpr_accept, name="accept"),
]
