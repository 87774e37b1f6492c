"""Pages of the record of processing, under /o/<org>/privacy/ropa/ (accord/urls.py)."""

from django.urls import path

from accord.privacy import views_ropa

app_name = "ropa"

urlpatterns = [
    path("", views_ropa.ropa_register, name="register"),
    path("export", views_ropa.ropa_export, name="export"),
    path("activities/<int:activity_id>/", views_ropa.activity_detail, name="activity"),
    path("activities/<int:activity_id>/screening", views_ropa.activity_screen, name="screen"),
]
