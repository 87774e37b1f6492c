"""The policies app's rows of the permission table. Approving and signing are narrowed further by the
governance profile (rules.approval_slots, rules.exception_slots): holding the action is not enough, the
member must fit an awaited slot."""

from accord.core.choices import Role
from accord.core.permissions import READERS, Action, register

_AUTHORS = frozenset({Role.ADMIN, Role.CIO, Role.CISO, Role.DPO})
_SIGNERS = frozenset({Role.ADMIN, Role.CIO, Role.CISO, Role.DPO, Role.VIEWER})

register(
    Action("policy.view", "See the policies, their versions and differences, approvals, attestation campaigns "
                          "and exceptions", READERS),
    Action("policy.change", "Add policies (from a template too), change their owner, kind, review cycle and "
                            "links, draft new versions and record reviews", _AUTHORS),
    # Narrowed by the governance profile: only the approvers the policy's kind names (CIO and CISO; for
    # privacy, the DPO and the CISO; the board representative where the CIO-CISO is hybrid).
    Action("policy.approve", "Approve a policy version (when the governance profile names you for its kind)",
           _SIGNERS),
    Action("policy.export", "Export a policy version (PDF, Markdown)", READERS),
    Action("attestation.launch", "Launch an attestation campaign and send its reminders", _AUTHORS),
    Action("attestation.acknowledge", "Acknowledge a policy an attestation campaign asks you to read", READERS),
    Action("policyexception.request", "Ask for an exception to a policy, linked to a risk",
           frozenset({Role.ADMIN, Role.CIO, Role.CISO, Role.DPO, Role.CONTRIBUTOR})),
    Action("policyexception.sign", "Sign a policy exception (when the governance profile names you)", _SIGNERS),
    Action("policyexception.withdraw", "Withdraw a policy exception, pending or in force, with the reason",
           _AUTHORS),
    Action("policies.dashboard", "See the policies panel of the dashboard: reviews overdue, versions awaiting "
                                 "approval, expired exceptions", frozenset({Role.ADMIN, Role.CIO, Role.CISO})),
)
