"""Writes of the policies app, one function per write, each with its audit events (re-exported here so
that every front and the generic suites find them in one place)."""

from accord.policies.services.attestations import (
    do_acknowledge_policy,
    do_launch_attestation_campaign,
    do_remind_attestation_campaign,
)
from accord.policies.services.exceptions import (
    do_request_policy_exception,
    do_sign_policy_exception,
    do_withdraw_policy_exception,
)
from accord.policies.services.policies import (
    do_approve_policy_version,
    do_create_policy,
    do_draft_policy_version,
    do_hand_over_member_policies,
    do_record_policy_review,
    do_update_policy,
)

__all__ = [
    "do_acknowledge_policy", "do_approve_policy_version", "do_create_policy", "do_draft_policy_version",
    "do_hand_over_member_policies", "do_launch_attestation_campaign", "do_record_policy_review",
    "do_remind_attestation_campaign", "do_request_policy_exception", "do_sign_policy_exception",
    "do_update_policy", "do_withdraw_policy_exception",
]
