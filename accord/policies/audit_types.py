"""How the policies' object types read in the audit trail (accord.core.history): policies by reference and
title, members by name, codes by label. Registered by PoliciesConfig.ready()."""

from __future__ import annotations

from accord.core.history import ObjectType, Ref, register
from accord.policies import selectors
from accord.policies.choices import ExceptionStatus, PolicyKind, VersionStatus


def register_policy_types() -> None:
    register("policies.policy", ObjectType("Policy", name=selectors.policy_names, fields={
        "owner": Ref("core.membership"), "kind": PolicyKind},
        labels={"review_interval_months": "Review every (months)", "next_review_on": "Next review"}))
    register("policies.policyversion", ObjectType("Policy version", fields={
        "policy": Ref("policies.policy"), "status": VersionStatus},
        labels={"slot": "Approved as", "required_signatories": "Approvers"}))
    register("policies.attestationcampaign", ObjectType("Attestation campaign", fields={
        "policy": Ref("policies.policy")}, labels={"due_on": "Due on", "last_reminded_at": "Last reminded"}))
    register("policies.attestation", ObjectType("Attestation", fields={
        "campaign": Ref("policies.attestationcampaign")}))
    register("policies.policyexception", ObjectType("Policy exception", fields={
        "policy": Ref("policies.policy"), "risk": Ref("risks.risk"), "status": ExceptionStatus},
        labels={"slot": "Signed as", "expires_on": "Expires on"}))
