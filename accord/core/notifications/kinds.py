"""The core's own kinds of notification: an invitation accepted (told to those who manage members) and an
organisation that starts requiring a second factor (told to every member). Registered by CoreConfig.ready()."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.core.models import Invitation, Membership, Organization
from accord.core.notifications.choices import Delivery
from accord.core.notifications.registry import Kind, register
from accord.core.permissions import allows

INVITATION_ACCEPTED = "core.invitation_accepted"
TWO_FACTOR_REQUIRED = "core.two_factor_required"


def _managers(org: Organization, invitation: Invitation) -> list[Membership]:
    if invitation.accepted_at is None:
        return []
    members = Membership.objects.for_org(org).select_related("user")
    return [m for m in members if allows(m.role, "member.manage") and m.user_id != invitation.accepted_by_id]


def _invitation(org: Organization, object_id: str) -> Invitation | None:
    return Invitation.objects.for_org(org).filter(pk=int(object_id)).select_related("accepted_by").first()


def _accepted_title(invitation: Invitation, membership: Membership) -> str:
    who = invitation.accepted_by.display_name if invitation.accepted_by else invitation.email
    return _("%(who)s (%(email)s) accepted the invitation and joined as %(role)s") % {
        "who": who, "email": invitation.email, "role": invitation.get_role_display()}


def _every_member(org: Organization, obj: Organization) -> list[Membership]:
    return list(Membership.objects.for_org(org).select_related("user")) if org.two_factor_required else []


def _organization(org: Organization, object_id: str) -> Organization | None:
    org.refresh_from_db(fields=["two_factor_required"])
    return org if str(org.pk) == object_id else None


def register_core_kinds() -> None:
    register(Kind(
        INVITATION_ACCEPTED, gettext_lazy("An invitation was accepted"), "member.manage",
        recipients=_managers, title=_accepted_title,
        link=lambda org, inv: reverse("core:members", kwargs={"org": org.slug}), load=_invitation,
        default=Delivery.DIGEST,
        description=gettext_lazy("Someone you or another admin invited joined the organisation.")))
    register(Kind(
        TWO_FACTOR_REQUIRED, gettext_lazy("Two-factor authentication becomes required"), "organization.view",
        recipients=_every_member,
        title=lambda org, m: _("%(org)s now requires two-factor authentication of every member: set up an "
                               "authenticator app before you next open it") % {"org": org.name},
        link=lambda org, obj: reverse("mfa_index"), load=_organization,
        description=gettext_lazy("An administrator made a second factor (authenticator app) required in the "
                                 "organisation.")))
