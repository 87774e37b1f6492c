"""How the core's object types read in the audit trail (accord.core.history): members and users by
name, roles and governance choices by label. Registered by CoreConfig.ready()."""

from __future__ import annotations

from accord.core import selectors
from accord.core.choices import CisoModel, CisoReportsTo, DpoModel, Role
from accord.core.history import ObjectType, Ref, register
from accord.core.notifications.choices import Delivery

#: Labels of the fields whose name alone reads badly.
LABELS = {"board_representative": "Signs for the CEO/board", "ciso_reports_to": "The CISO reports to",
          "ciso_model": "CISO function", "dpo_model": "DPO function", "user": "Person",
          "handed_over_to": "Holdings handed over to", "holdings_cleared": "Holdings cleared",
          "dpo_consulted_on_appetite": "The DPO is consulted on the risk appetite",
          "dpo_signs_privacy_acceptances": "The DPO signs acceptances of privacy risks",
          "sso_required": "Members must sign in through the identity provider", "issuer": "Issuer",
          "client_id": "Client id", "client_secret": "Client secret", "allowed_domains": "Allowed e-mail domains",
          "join_role": "Role of people who join by signing in",
          "linked_accounts_forgotten": "Links to provider accounts forgotten",
          "identity_provider_subject": "Account at the identity provider",
          "notifications_read": "Notifications marked read", "notifications_deleted": "Notifications deleted",
          "read_at": "Read", "delivery": "E-mail"}


def register_core_types() -> None:
    register("core.organization", ObjectType("Organisation", labels=LABELS))
    register("core.user", ObjectType("Person", name=selectors.user_names))
    register("core.membership", ObjectType("Member", name=selectors.member_names,
                                           fields={"user": Ref("core.user"), "role": Role,
                                                   "handed_over_to": Ref("core.membership")}, labels=LABELS))
    register("core.invitation", ObjectType("Invitation", fields={"role": Role, "membership": Ref("core.membership")},
                                           labels=LABELS))
    register("core.job", ObjectType("Background job", labels=LABELS))
    register("core.apitoken", ObjectType("API token", fields={"user": Ref("core.user")}, labels=LABELS))
    register("core.identityprovider", ObjectType("Identity provider", labels=LABELS))
    register("core.governanceprofile", ObjectType(
        "Governance profile", fields={"ciso_reports_to": CisoReportsTo, "ciso_model": CisoModel,
                                      "dpo_model": DpoModel}, labels=LABELS))
    register("core.notification", ObjectType("Notification", labels=LABELS))
    register("core.notificationpreference", ObjectType("Notification preference", fields={"delivery": Delivery},
                                                       labels=LABELS))
