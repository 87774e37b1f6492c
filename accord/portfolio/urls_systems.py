from django.urls import path

from accord.portfolio import views_systems as views

app_name = "systems"

urlpatterns = [
    path("", views.system_list, name="list"),
    path("new/", views.system_create, name="create"),
    path("export/", views.system_export, name="export"),
    path("import/", views.system_import, name="import"),
    path("assets/", views.assets_review, name="assets"),
    path("assets/link/", views.assets_link, name="assets_link"),
    path("<id:system_id>/", views.system_detail, name="detail"),
    path("<id:system_id>/edit/", views.system_edit, name="edit"),
    path("<id:system_id>/delete/", views.system_delete, name="delete"),
    path("<id:system_id>/time/", views.system_time, name="time"),
    path("<id:system_id>/risks/", views.system_risk_link, name="risk_link"),
    path("<id:system_id>/risks/<str:risk_id>/remove/", views.system_risk_unlink, name="risk_unlink"),
    path("<id:system_id>/sbom/", views.system_sbom, name="sbom"),
]
