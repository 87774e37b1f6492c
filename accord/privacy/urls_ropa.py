"""Pages of the record of processing, under /o/<org>/privacy/ropa/ (accord/urls.py)."""

from django.urls import path

from accord.privacy import views_records, views_ropa

app_name = "ropa"

urlpatterns = [
    path("", views_ropa.ropa_register, name="register"),
    path("export", views_ropa.ropa_export, name="export"),
    path("activities/<int:activity_id>/", views_ropa.activity_detail, name="activity"),
    path("activities/<int:activity_id>/screening", views_ropa.activity_screen, name="screen"),
    path("activities/new/", views_records.activity_create, name="activity_create"),
    path("activities/<id:activity_id>/edit/", views_records.activity_edit, name="activity_edit"),
    path("processors/", views_records.processor_list, name="processors"),
    path("processors/new/", views_records.processor_create, name="processor_create"),
    path("processors/<id:processor_id>/edit/", views_records.processor_edit, name="processor_edit"),
    path("transfers/", views_records.transfer_list, name="transfers"),
    path("transfers/new/", views_records.transfer_create, name="transfer_create"),
    path("transfers/<id:transfer_id>/edit/", views_records.transfer_edit, name="transfer_edit"),
]
