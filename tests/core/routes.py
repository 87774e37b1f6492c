"""The core app's routes for the generic suites (see tests/routes.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accord.core import services
from accord.core.models import Organization
from accord.core.services.sso import make_sp_key
from tests.factories import Persona, make_member, make_notification
from tests.routes import Route, Seed, own


def seed_core(org: Organization) -> Seed:
    """Objects of the core app in `org`: a second member to act on."""
    other = make_member(org, "contributor", full_name=f"{org.name} colleague")
    return {"org": org, "member": other.membership}


def seed_invitations(org: Organization) -> Seed:
    """An open invitation in `org`, sent by an admin whose name carries the organisation's name."""
    inviter = make_member(org, "admin", full_name=f"{org.name} inviter")
    invitation = services.do_invite_member(inviter.user, org, f"invitee@{org.slug}.test", "viewer",
                                           site_url="http://testserver")
    return {"invitation": invitation}


def seed_jobs(org: Organization) -> Seed:
    """A done job of `org` that every role may follow (its kind needs member.view), with a result file."""
    from django.core.files.base import ContentFile

    from accord.core.choices import JobStatus
    from accord.core.jobs.models import Job
    from tests.core import jobkinds

    asker = make_member(org, "contributor", full_name=f"{org.name} job asker")
    job = Job(organization=org, kind=jobkinds.FLAKY, user=asker.user, status=JobStatus.DONE,
              parameters={"note": org.name}, result={"note": org.name})
    job.result_file.save("result.txt", ContentFile(f"{org.name}\n".encode()), save=False)
    job.save(force_insert=True)
    return {"job": job}


def seed_identity_provider(org: Organization) -> Seed:
    """An identity provider for `org`, its client id carrying the organisation's name."""
    idp = services.do_set_identity_provider(None, org, issuer=f"https://login.{org.slug}.test/realms/main",
                                            client_id=f"{org.name} client", client_secret="seeded-secret",
                                            allowed_domains=[f"{org.slug}.test"], join_role="viewer")
    return {"identity_provider": idp}


def seed_notifications(org: Organization) -> Seed:
    """A notification of a member of `org`, its title naming the organisation (B's carries the canary)."""
    member = make_member(org, "contributor", full_name=f"{org.name} notified")
    return {"notification": make_notification(member.membership, title=f"{org.name} requires a second factor")}


SEEDERS: list[Callable[[Organization], Seed]] = [seed_core, seed_invitations, seed_identity_provider,
                                                     seed_jobs, seed_notifications]


def grow_core(seed: Seed, n: int) -> None:
    """`n` more members, open invitations and API tokens of the calling persona (with their audit events)."""
    org, persona = seed["org"], seed["persona"]
    for k in range(n):
        make_member(org, "contributor")
        services.do_invite_member(None, org, f"grown-{k}-{org.slug}@x.test", "viewer", site_url="http://testserver")
        services.do_create_token(None, org, persona.user, name=f"grown {k}")
        make_notification(persona.membership, title=f"grown notice {k}")
    from accord.core.jobs.models import Job
    from tests.core import jobkinds

    for k in range(n):
        Job(organization=org, kind=jobkinds.FLAKY, user=persona.user, parameters={"k": k}).save(force_insert=True)
    for reports_to in ["board", "ceo"] * (n // 2):
        services.do_update_governance(None, org, ciso_reports_to=reports_to)


GROWERS = [grow_core]


def _member(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"member_id": seed["member"].pk}


def _invitation(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"invitation_id": seed["invitation"].pk}


def _job(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"job_id": seed["job"].pk}


def _own_token(seed: Seed, persona: Persona) -> dict[str, Any]:
    # Tokens are per user: the persona's own token when it belongs to the seeded organisation,
    # otherwise a token of that organisation's member (which the persona must not reach).
    owner = persona.user if own(seed, persona) else seed["member"].user
    token, _ = services.do_create_token(None, seed["org"], owner, name="probe")
    return {"token_id": token.pk}


def _own_notification(seed: Seed, persona: Persona) -> dict[str, Any]:
    # Notifications are per member: a new unread one of the persona's in its own organisation, otherwise
    # the seeded one of another member (which the persona must not reach).
    if own(seed, persona):
        return {"notification_id": make_notification(persona.membership).pk}
    return {"notification_id": seed["notification"].pk}


def _unread_notification(seed: Seed, persona: Persona) -> dict[str, Any]:
    if own(seed, persona):
        make_notification(persona.membership)
    return {}


def _notification_choices(seed: Seed, persona: Persona) -> dict[str, Any]:
    from accord.core.notifications.registry import KINDS

    return dict.fromkeys(KINDS, "off")


def _second_factor_then_require(seed: Seed, persona: Persona) -> dict[str, Any]:
    # Requiring the policy is a change (switching off an off policy writes nothing); the service refuses
    # it of an admin without a second factor, so the persona gets an authenticator app first.
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if own(seed, persona):
        TOTP.activate(persona.user, generate_totp_secret())
    return {"two_factor_required": "on"}


_SSO = {"issuer": "https://login.probe.test", "client_id": "probe-client", "join_role": "contributor"}


def _sso(seed: Seed, persona: object) -> dict[str, object]:
    """The provider's form: for the domain of the organisation's own members (the only kind it may name)."""
    return {**_SSO, "allowed_domains": f"{seed['org'].slug}.test"}


def _sso_api(seed: Seed, persona: object) -> dict[str, object]:
    return {**_SSO, "allowed_domains": [f"{seed['org'].slug}.test"]}


def _saml_with_sp_key(seed: Seed, persona: Persona) -> dict[str, Any]:
    """No URL arguments; on the way, the persona's organisation is set to sign in through SAML with signed
    requests, so that Accord holds an SP key to replace."""
    if own(seed, persona):
        certificate, _key = make_sp_key("probe identity provider")
        org = seed["org"]
        services.do_set_saml_identity_provider(
            None, org, entity_id=f"https://idp.{org.slug}.test/saml", sso_url=f"https://idp.{org.slug}.test/sso",
            x509_cert=certificate, email_attribute="email", name_attribute="", allowed_domains=[f"{org.slug}.test"],
            join_role="", sign_requests=True)
    return {}


_GOVERNANCE = {"ciso_reports_to": "ceo", "ciso_model": "external", "dpo_model": "external"}

ROUTES: list[Route] = [
    # --- web ---
    Route("core:dashboard", "GET", "organization.view", lists_data=True),
    Route("core:members", "GET", "member.view", lists_data=True),
    Route("core:member_edit", "GET", "member.manage", kwargs=_member),
    Route("core:member_edit", "POST", "member.manage", kwargs=_member, body=lambda s, p: {"role": "viewer"}),
    Route("core:member_remove", "GET", "member.manage", kwargs=_member),
    Route("core:member_remove", "POST", "member.manage", kwargs=_member, body=lambda s, p: {"reassign_to": "clear"}),
    Route("core:invitation_create", "POST", "member.manage",
          body=lambda s, p: {"email": "probe-invitee@x.test", "role": "viewer"}),
    Route("core:invitation_resend", "POST", "member.manage", kwargs=_invitation),
    Route("core:invitation_revoke", "POST", "member.manage", kwargs=_invitation),
    Route("core:governance", "GET", "governance.view"),
    Route("core:governance", "POST", "governance.change", body=lambda s, p: dict(_GOVERNANCE)),
    Route("core:two_factor_policy", "POST", "security_policy.change", body=_second_factor_then_require),
    Route("core:sso", "GET", "sso.view"),
    Route("core:sso", "POST", "sso.change", body=_sso),
    Route("core:sso_remove", "POST", "sso.change"),
    Route("core:sso_rotate_sp_key", "POST", "sso.change", kwargs=_saml_with_sp_key, names_objects=False),
    Route("core:organization_language", "POST", "organization.change", body=lambda s, p: {"language": "en"}),
    Route("core:organization_calendar", "POST", "organization.change",
          body=lambda s, p: {"country": "DE", "subdivision": "BY"}),
    Route("core:audit_trail", "GET", "audit.view", lists_data=True),
    Route("core:audit_export", "GET", "audit.view", lists_data=True),
    Route("core:jobs", "GET", "job.view", lists_data=True),
    Route("core:job", "GET", "job.view", kwargs=_job),
    Route("core:job_file", "GET", "job.view", kwargs=_job),
    Route("core:tokens", "GET", "token.manage_own", lists_data=True),
    Route("core:tokens", "POST", "token.manage_own", body=lambda s, p: {"name": "probe"}),
    Route("core:token_revoke", "POST", "token.manage_own", kwargs=_own_token),
    Route("core:notifications", "GET", "notification.manage_own", lists_data=True),
    Route("core:notification_read", "POST", "notification.manage_own", kwargs=_own_notification),
    Route("core:notifications_read_all", "POST", "notification.manage_own", body=_unread_notification),
    Route("core:notification_preferences", "GET", "notification.manage_own"),
    Route("core:notification_preferences", "POST", "notification.manage_own", body=_notification_choices),
    # --- API ---
    Route("GET /api/v1/orgs/{org}/", "GET", "organization.view"),
    Route("PATCH /api/v1/orgs/{org}/", "PATCH", "organization.change",
          body=lambda s, p: {"country": "DE", "subdivision": "BY"}),
    Route("GET /api/v1/orgs/{org}/governance/", "GET", "governance.view"),
    Route("PUT /api/v1/orgs/{org}/governance/", "PUT", "governance.change", body=lambda s, p: dict(_GOVERNANCE)),
    Route("GET /api/v1/orgs/{org}/members/", "GET", "member.view", lists_data=True),
    Route("POST /api/v1/orgs/{org}/members/{member_id}/remove/", "POST", "member.manage", kwargs=_member,
          body=lambda s, p: {"clear": True}),
    Route("GET /api/v1/orgs/{org}/security-policy/", "GET", "organization.view"),
    Route("PUT /api/v1/orgs/{org}/security-policy/", "PUT", "security_policy.change",
          body=lambda s, p: {"two_factor_required": bool(_second_factor_then_require(s, p))}),
    Route("GET /api/v1/orgs/{org}/identity-provider/", "GET", "sso.view"),
    Route("PUT /api/v1/orgs/{org}/identity-provider/", "PUT", "sso.change", body=_sso_api),
    Route("POST /api/v1/orgs/{org}/identity-provider/remove/", "POST", "sso.change"),
    Route("POST /api/v1/orgs/{org}/identity-provider/rotate-sp-key/", "POST", "sso.change", kwargs=_saml_with_sp_key,
          names_objects=False),
    Route("GET /api/v1/orgs/{org}/invitations/", "GET", "member.manage", lists_data=True),
    Route("POST /api/v1/orgs/{org}/invitations/", "POST", "member.manage",
          body=lambda s, p: {"email": "probe-invitee@x.test", "role": "viewer"}),
    Route("POST /api/v1/orgs/{org}/invitations/{invitation_id}/resend/", "POST", "member.manage",
          kwargs=_invitation),
    Route("POST /api/v1/orgs/{org}/invitations/{invitation_id}/revoke/", "POST", "member.manage",
          kwargs=_invitation),
    Route("GET /api/v1/orgs/{org}/jobs/", "GET", "job.view", lists_data=True),
    Route("GET /api/v1/orgs/{org}/jobs/{job_id}/", "GET", "job.view", kwargs=_job),
    Route("GET /api/v1/orgs/{org}/jobs/{job_id}/file/", "GET", "job.view", kwargs=_job),
    Route("GET /api/v1/orgs/{org}/tokens/", "GET", "token.manage_own", lists_data=True),
    Route("POST /api/v1/orgs/{org}/tokens/", "POST", "token.manage_own", body=lambda s, p: {"name": "probe"}),
    Route("POST /api/v1/orgs/{org}/tokens/{token_id}/revoke/", "POST", "token.manage_own", kwargs=_own_token),
    Route("GET /api/v1/orgs/{org}/notifications/", "GET", "notification.manage_own", lists_data=True),
    Route("POST /api/v1/orgs/{org}/notifications/{notification_id}/read/", "POST", "notification.manage_own",
          kwargs=_own_notification),
    Route("POST /api/v1/orgs/{org}/notifications/read-all/", "POST", "notification.manage_own",
          body=_unread_notification),
    Route("GET /api/v1/orgs/{org}/notification-preferences/", "GET", "notification.manage_own"),
    Route("PUT /api/v1/orgs/{org}/notification-preferences/", "PUT", "notification.manage_own",
          body=lambda s, p: {"deliveries": _notification_choices(s, p)}),
    Route("GET /api/v1/orgs/{org}/audit-events/", "GET", "audit.view", lists_data=True),
    Route("GET /api/v1/orgs/{org}/audit-events/export/", "GET", "audit.view", lists_data=True),
]
