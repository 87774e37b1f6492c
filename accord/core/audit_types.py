"""How the core's object types read in the audit trail (accord.core.history): members and users by
name, roles and governance choices by label. Registered by CoreConfig.ready()."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accord.core import selectors
from accord.core.choices import CisoModel, CisoReportsTo, DpoModel, Role
from accord.core.history import ObjectType, Ref, register
from accord.core.notifications.choices import Delivery

#: Labels of the fields whose name alone reads badly.
LABELS: dict[str, str | Promise] = {
          "board_representative": _("Signs for the CEO/board"), "ciso_reports_to": _("The CISO reports to"),
          "ciso_model": _("CISO function"), "dpo_model": _("DPO function"), "user": _("Person"),
          "handed_over_to": _("Holdings handed over to"), "holdings_cleared": _("Holdings cleared"),
          "dpo_consulted_on_appetite": _("The DPO is consulted on the risk appetite"),
          "dpo_signs_privacy_acceptances": _("The DPO signs acceptances of privacy risks"),
          "sso_required": _("Members must sign in through the identity provider"), "issuer": _("Issuer"),
          "client_id": _("Client id"), "client_secret": _("Client secret"),
          "allowed_domains": _("Allowed e-mail domains"),
          "join_role": _("Role of people who join by signing in"),
          "linked_accounts_forgotten": _("Links to provider accounts forgotten"),
          "identity_provider_subject": _("Account at the identity provider"),
          "notifications_read": _("Notifications marked read"), "notifications_deleted": _("Notifications deleted"),
          "read_at": _("Read"), "delivery": _("E-mail")}


def register_core_types() -> None:
    register("core.organization", ObjectType(_("Organisation"), labels=LABELS))
    register("core.user", ObjectType(_("Person"), name=selectors.user_names))
    register("core.membership", ObjectType(_("Member"), name=selectors.member_names,
                                           fields={"user": Ref("core.user"), "role": Role,
                                                   "handed_over_to": Ref("core.membership")}, labels=LABELS))
    register("core.invitation", ObjectType(_("Invitation"), fields={"role": Role, "membership": Ref("core.membership")},
                                           labels=LABELS))
    register("core.job", ObjectType(_("Background job"), labels=LABELS))
    register("core.apitoken", ObjectType(_("API token"), fields={"user": Ref("core.user")}, labels=LABELS))
    register("core.identityprovider", ObjectType(_("Identity provider"), labels=LABELS))
    register("core.governanceprofile", ObjectType(
        "Governance profile", fields={"ciso_reports_to": CisoReportsTo, "ciso_model": CisoModel,
                                      "dpo_model": DpoModel}, labels=LABELS))
    register("core.notification", ObjectType(_("Notification"), labels=LABELS))
    register("core.notificationpreference", ObjectType(_("Notification preference"), fields={"delivery": Delivery},
                                                       labels=LABELS))
