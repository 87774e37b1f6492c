from django.urls import path

from accord.core import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("members/", views.members, name="members"),
    path("members/<int:member_id>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path("governance/", views.governance, name="governance"),
    path("audit/", views.audit_trail, name="audit_trail"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
