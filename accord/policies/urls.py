from django.urls import path

from accord.policies import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("new/", views.policy_create, name="create"),
    path("attestations/", views.campaign_list, name="campaigns"),
    path("attestations/<id:campaign_id>/", views.campaign_detail, name="campaign"),
    path("attestations/<id:campaign_id>/acknowledge/", views.campaign_acknowledge, name="acknowledge"),
    path("attestations/<id:campaign_id>/remind/", views.campaign_remind, name="remind"),
    path("exceptions/", views.exception_list, name="exceptions"),
    path("exceptions/new/", views.exception_request, name="exception_request"),
    path("exceptions/<id:exception_id>/sign/", views.exception_sign, name="exception_sign"),
    path("exceptions/<id:exception_id>/withdraw/", views.exception_withdraw, name="exception_withdraw"),
    path("<id:policy_id>/", views.policy_detail, name="detail"),
    path("<id:policy_id>/edit/", views.policy_edit, name="edit"),
    path("<id:policy_id>/review/", views.policy_review, name="review"),
    path("<id:policy_id>/export/", views.policy_export, name="export"),
    path("<id:policy_id>/attestations/", views.campaign_launch, name="campaign_launch"),
    path("<id:policy_id>/versions/new/", views.version_draft, name="draft"),
    path("<id:policy_id>/versions/<id:version>/", views.version_detail, name="version"),
    path("<id:policy_id>/versions/<id:version>/approve/", views.version_approve, name="approve"),
]
