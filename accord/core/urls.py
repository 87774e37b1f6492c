from django.urls import path

from accord.core import views
from accord.core.jobs import views as jobs
from accord.core.notifications import views as notifications
from accord.core.reports import views as reports

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("members/", views.members, name="members"),
    path("members/<id:member_id>/edit/", views.member_edit, name="member_edit"),
    path("members/<id:member_id>/remove/", views.member_remove, name="member_remove"),
    path("members/invitations/", views.invitation_create, name="invitation_create"),
    path("members/invitations/<id:invitation_id>/resend/", views.invitation_resend, name="invitation_resend"),
    path("members/invitations/<id:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("governance/", views.governance, name="governance"),
    path("governance/two-factor/", views.two_factor_policy, name="two_factor_policy"),
    path("sso/", views.sso, name="sso"),
    path("sso/remove/", views.sso_remove, name="sso_remove"),
    path("sso/rotate-sp-key/", views.sso_rotate_sp_key, name="sso_rotate_sp_key"),
    path("governance/language/", views.organization_language, name="organization_language"),
    path("governance/calendar/", views.organization_calendar, name="organization_calendar"),
    path("audit/", views.audit_trail, name="audit_trail"),
    path("audit/export/", views.audit_export, name="audit_export"),
    path("jobs/", jobs.job_list, name="jobs"),
    path("jobs/<id:job_id>/", jobs.job_detail, name="job"),
    path("jobs/<id:job_id>/file/", jobs.job_file, name="job_file"),
    path("reports/<str:name>/", reports.report_request, name="report"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<id:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("notifications/", notifications.inbox, name="notifications"),
    path("notifications/read-all/", notifications.mark_all_read, name="notifications_read_all"),
    path("notifications/<id:notification_id>/read/", notifications.mark_read, name="notification_read"),
    path("notifications/e-mails/", notifications.preferences, name="notification_preferences"),
]
