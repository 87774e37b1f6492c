"""Policies made for the tests (through the services, audited like any)."""

from __future__ import annotations

from typing import Any

from accord.core.models import Organization, User
from accord.policies import services


def make_policy(actor: User | None, org: Organization, *, kind: str = "information_security",
                title: str = "Information security policy", body: str = "# Rules\n\nBe careful.\n",
                **data: Any) -> Any:
    return services.do_create_policy(actor, org, {"title": title, "kind": kind, **data}, body=body)


def in_force(org: Organization, policy: Any, *signers: User) -> Any:
    """Approve the policy's draft by each of `signers` (in order) and return the last approved version."""
    version = None
    for signer in signers:
        draft = policy.versions.filter(status="draft").get()
        version = services.do_approve_policy_version(signer, org, policy, version=draft.version)
    return version
