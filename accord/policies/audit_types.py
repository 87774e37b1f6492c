"""How the policies' object types read in the audit trail (accord.core.history): policies by reference and
title, members by name, codes by label. Registered by PoliciesConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accord.core.history import ObjectType, Ref, register
from accord.policies import selectors
from accord.policies.choices import ExceptionStatus, PolicyKind, VersionStatus


def register_policy_types() -> None:
    register("policies.policy", ObjectType(_("Policy"), name=selectors.policy_names, fields={
        "owner": Ref("core.membership"), "kind": PolicyKind},
        labels={"review_interval_months": _("Review every (months)"), "next_review_on": _("Next review")}))
    register("policies.policyversion", ObjectType(_("Policy version"), fields={
        "policy": Ref("policies.policy"), "status": VersionStatus},
        labels={"slot": _("Approved as"), "required_signatories": _("Approvers")}))
    register("policies.attestationcampaign", ObjectType(
        _("Attestation campaign"), name=selectors.campaign_names, fields={"policy": Ref("policies.policy")},
        labels={"due_on": _("Due on"), "last_reminded_at": _("Last reminded")}))
    register("policies.attestation", ObjectType(_("Attestation"), fields={
        "campaign": Ref("policies.attestationcampaign")}))
    register("policies.policyexception", ObjectType(_("Policy exception"), fields={
        "policy": Ref("policies.policy"), "risk": Ref("risks.risk"), "status": ExceptionStatus},
        labels={"slot": _("Signed as"), "expires_on": _("Expires on"),
                "compensating_measures": _("Compensating measures"),
                "required_signatories": _("Required signatories"), "withdrawal_reason": _("Reason for withdrawal")}))
