from django.urls import path

from accord.compliance import views, views_controls, views_mappings, views_posture, views_soa

app_name = "compliance"

urlpatterns = [
    path("frameworks/", views.framework_list, name="frameworks"),
    path("posture/", views_posture.posture_page, name="posture"),
    # The Statement of Applicability: an Annex A control is named by its id (A.8.24).
    path("soa/", views_soa.soa_page, name="soa"),
    path("soa/export/", views_soa.soa_export, name="soa_export"),
    path("soa/<str:ref>/", views_soa.soa_row, name="soa_row"),
    path("soa/<str:ref>/edit/", views_soa.soa_edit, name="soa_edit"),
    # A framework is named by its key (the newest version imported) or key@version (its "/" escaped).
    path("frameworks/<segment:key>/", views.framework_detail, name="framework"),
    # A requirement's id may hold "/" (its own framework's numbering): the path converter keeps it whole.
    path("frameworks/<segment:key>/requirements/<path:ref>/", views_mappings.requirement_detail, name="requirement"),
    path("mappings/", views_mappings.mapping_set_list, name="mapping_sets"),
    path("mappings/<str:key>/", views_mappings.mapping_set_detail, name="mapping_set"),
    path("controls/", views_controls.control_list, name="controls"),
    path("controls/new/", views_controls.control_create, name="control_create"),
    path("controls/export/", views_controls.control_export, name="controls_export"),
    path("controls/cost-effectiveness/", views_controls.cost_effectiveness, name="cost_effectiveness"),
    path("controls/<id:control_id>/", views_controls.control_detail, name="control"),
    path("controls/<id:control_id>/edit/", views_controls.control_edit, name="control_edit"),
    path("controls/<id:control_id>/risks/", views_controls.risk_link, name="control_risk_link"),
    path("controls/<id:control_id>/risks/<id:link_id>/remove/", views_controls.risk_unlink,
         name="control_risk_unlink"),
    path("controls/<id:control_id>/requirements/", views_controls.requirement_link, name="control_requirement_link"),
    path("controls/<id:control_id>/requirements/<id:link_id>/remove/", views_controls.requirement_unlink,
         name="control_requirement_unlink"),
]
