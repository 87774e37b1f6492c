from django.urls import include, path, register_converter

from accord.api import api
from accord.core import views as core_views
from accord.core.converters import IdConverter, SegmentConverter
from accord.core.notifications import views as notification_views
from accord.core.wellknown import security_txt

# `<id:…>`: ids in the apps' paths, within what a database column holds (accord/core/converters.py).
register_converter(IdConverter, "id")
# `<segment:…>`: a name that may hold "/" yet is one segment of the path (a framework's key@version).
register_converter(SegmentConverter, "segment")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("orgs/", core_views.org_list, name="org_list"),
    path(".well-known/security.txt", security_txt, name="security_txt"),
    # An invitation's e-mailed link: outside any organisation, the token names it.
    path("invitations/<str:token>/", core_views.invitation_accept, name="invitation_accept"),
    # Sign-in through an organisation's identity provider, from its slug (decision 0033).
    path("accounts/sso/", core_views.sso_start, name="sso_start"),
    # allauth's step to the provider, answering a provider that does not answer with a page, not a 500.
    path("accounts/oidc/<str:provider_id>/login/", core_views.sso_login, name="sso_login"),
    # allauth's last SAML step, answering an assertion Accord cannot decrypt with a page, not a 500.
    path("accounts/saml/<slug:organization_slug>/acs/finish/", core_views.saml_finish_acs, name="sso_saml_finish"),
    # The person's own settings (their language), among allauth's account pages.
    path("accounts/preferences/", core_views.account_preferences, name="account_preferences"),
    # A notification e-mail's one-click unsubscribe link: no sign-in, the signed token names member and kind.
    path("notifications/unsubscribe/<str:token>/", notification_views.unsubscribe, name="notification_unsubscribe"),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("o/<str:org>/", include("accord.core.urls")),
    path("o/<str:org>/risks/", include("accord.risks.urls")),
    path("o/<str:org>/initiatives/", include("accord.portfolio.urls")),
    path("o/<str:org>/objectives/", include("accord.portfolio.urls_objectives")),
    path("o/<str:org>/costs/", include("accord.portfolio.urls_costs")),
    path("o/<str:org>/systems/", include("accord.portfolio.urls_systems")),
    path("o/<str:org>/compliance/", include("accord.compliance.urls")),
    path("o/<str:org>/audits/", include("accord.compliance.urls_assessments")),
    path("o/<str:org>/privacy/ropa/", include("accord.privacy.urls_ropa")),
    path("o/<str:org>/privacy/data-audits/", include("accord.privacy.urls_discovery")),
    path("o/<str:org>/privacy/dpias/", include("accord.privacy.urls_dpias")),
    path("o/<str:org>/privacy/gdpr-audits/", include("accord.privacy.urls_gdpr_audit")),
    path("o/<str:org>/privacy/", include("accord.privacy.urls")),
    path("o/<str:org>/policies/", include("accord.policies.urls")),
    path("o/<str:org>/incidents/", include("accord.incidents.urls")),
]

# Error pages in the site's layout (and the API's error shape under /api/): accord/errors.py.
handler400 = "accord.errors.bad_request"
handler403 = "accord.errors.permission_denied"
handler404 = "accord.errors.page_not_found"
handler500 = "accord.errors.server_error"
