"""The one permission table: which role may do which action, on every front.

Actions are named `resource.verb`. Apps add their resources by listing them here, so the whole
table stays in one place and `docs/permissions.md` is rendered from it (`accord permissions`).
Missing and forbidden objects answer 404 (selectors); a forbidden action on a visible object
answers 403 (`require`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from accord.core.choices import Role

ALL_ROLES = frozenset(Role)
READERS = ALL_ROLES  # every member reads the organisation's shared workspace
GOVERNORS = frozenset({Role.ADMIN, Role.CIO, Role.CISO, Role.DPO})
OVERSIGHT = GOVERNORS | {Role.AUDITOR}


@dataclass(frozen=True)
class Action:
    """One permission: its name, what it allows, and the roles that hold it."""

    name: str
    description: str
    roles: frozenset[Role]


ACTIONS: tuple[Action, ...] = (
    Action("organization.view", "See the organisation, its dashboard and the organisation switcher", READERS),
    Action("member.view", "List the organisation's members and their roles", READERS),
    Action("member.manage", "Invite or add members, change their role, remove them; see who has a second factor",
           frozenset({Role.ADMIN})),
    Action("governance.view", "See the governance profile", READERS),
    Action("organization.change", "Change the organisation's settings: name, time zone, currency, country and "
           "subdivision (public holidays), the default language of its members",
           frozenset({Role.ADMIN})),
    Action("governance.change", "Change who the CISO reports to and how CISO/DPO are staffed",
           frozenset({Role.ADMIN})),
    Action("security_policy.change", "Require two-factor authentication of every member, or stop requiring it",
           frozenset({Role.ADMIN})),
    Action("sso.view", "See whether the organisation signs in through an identity provider, and which one",
           READERS),
    Action("sso.change", "Configure the organisation's identity provider (single sign-on) and whether members "
           "must sign in through it", frozenset({Role.ADMIN})),
    Action("audit.view", "Read the audit trail", OVERSIGHT),
    Action("job.view", "Follow the background jobs one asked for, and those of kinds one's role may run "
           "(status, progress, result)", ALL_ROLES),
    Action("token.manage_own", "Create and revoke one's own API tokens for this organisation", ALL_ROLES),
    Action("notification.manage_own", "Read one's own notifications, mark them read and choose how each kind is "
           "e-mailed", ALL_ROLES),
)

_BY_NAME = {action.name: action for action in ACTIONS}


def register(*actions: Action) -> None:
    """Add an app's actions to the table (called at import time of the app's permissions)."""
    global ACTIONS
    for action in actions:
        if action.name in _BY_NAME:
            raise ValueError(f"permission {action.name} is declared twice")
        _BY_NAME[action.name] = action
    ACTIONS = tuple(_BY_NAME.values())


def allows(role: str, action: str) -> bool:
    """True if `role` may perform `action`; an unknown action is a programming error."""
    try:
        return Role(role) in _BY_NAME[action].roles
    except KeyError:
        raise KeyError(f"unknown permission {action!r}; declare it in a permissions table") from None


def require(role: str, action: str) -> None:
    """Raise PermissionDenied (403) unless `role` may perform `action`."""
    if not allows(role, action):
        # The action's description is the permission table's, in English (decision 0034); the sentence is not.
        raise PermissionDenied(gettext("Your role (%(role)s) may not %(action)s.")
                               % {"role": Role(role).label, "action": _BY_NAME[action].description.lower()})


def actions_for(role: str) -> frozenset[str]:
    """Every action `role` holds, for templates that hide what a user cannot do."""
    return frozenset(name for name, action in _BY_NAME.items() if Role(role) in action.roles)


def render_markdown() -> str:
    """docs/permissions.md: the table as a person reads it."""
    roles = list(Role)
    lines = [
        "# Permissions",
        "",
        "Generated from `accord/core/permissions.py` by `accord permissions > docs/permissions.md`;",
        "a test fails when this file and the table disagree. Every front (web, API, CLI) checks the",
        "same table. An object of another organisation, or one that does not exist, answers 404; an",
        "action the role does not hold on an object it can see answers 403.",
        "",
        "| action | what it allows | " + " | ".join(r.value for r in roles) + " |",
        "| --- | --- | " + " | ".join(":-:" for _ in roles) + " |",
    ]
    for action in sorted(_BY_NAME.values(), key=lambda a: a.name):
        marks = " | ".join("yes" if r in action.roles else "-" for r in roles)
        lines.append(f"| `{action.name}` | {action.description} | {marks} |")
    lines += [
        "",
        "Roles: " + "; ".join(f"`{r.value}` = {r.label}" for r in roles) + ".",
        "A membership marked `external` is a virtual CISO/DPO: same rights as the role it holds.",
        "",
    ]
    return "\n".join(lines)
