"""The compliance app's rows of the permission table."""

from accord.core.choices import Role
from accord.core.permissions import READERS, Action, register

# Which frameworks the organisation works against is the CISO's call (an admin can always act).
_FRAMEWORK_KEEPERS = frozenset({Role.ADMIN, Role.CISO})
# Controls are kept by those who keep risks (their effects are the residual money figures): the auditor and
# the viewer read them.
_CONTROL_KEEPERS = frozenset({Role.ADMIN, Role.CIO, Role.CISO, Role.DPO, Role.CONTRIBUTOR})
_CONTROL_IMPORTERS = frozenset({Role.ADMIN, Role.CIO, Role.CISO, Role.DPO})
# Audits are planned (framework, scope, period, auditors, status) by the organisation's governors; results,
# observations and findings are recorded by them and by auditors (an auditor only in the audits that name them,
# rules.may_record), who change nothing else. Remediation and evidence are the organisation's own work.
_AUDIT_PLANNERS = frozenset({Role.ADMIN, Role.CIO, Role.CISO, Role.DPO})
_AUDIT_RECORDERS = _AUDIT_PLANNERS | {Role.AUDITOR}
# The Statement of Applicability is the organisation's own declaration (which Annex A controls apply and why):
# written by its governors, read by every member, auditors included (who check it, never change it).
_SOA_KEEPERS = frozenset({Role.ADMIN, Role.CIO, Role.CISO, Role.DPO})
_REMEDIATORS = frozenset({Role.ADMIN, Role.CIO, Role.CISO, Role.DPO, Role.CONTRIBUTOR})

register(
    Action("framework.view", "See the organisation's frameworks, their groups and requirements", READERS),
    Action("framework.import", "Import a framework (a file in Accord's format, or a built-in one)",
           _FRAMEWORK_KEEPERS),
    Action("mapping.view", "See the mapping sets between frameworks and each requirement's mapped requirements",
           READERS),
    Action("mapping.change", "Import, install and delete mapping sets between frameworks", _FRAMEWORK_KEEPERS),
    Action("control.view", "See the controls library, its links to risks and requirements and its "
                           "cost-effectiveness", READERS),
    Action("control.change", "Add and edit controls, and link them to risks (with their effect) and to "
                             "requirements", _CONTROL_KEEPERS),
    Action("control.import", "Import controls from CSV or XLSX", _CONTROL_IMPORTERS),
    Action("assessment.view", "See audits, their results, findings, remediation actions and evidence, and export "
                              "audits", READERS),
    Action("assessment.manage", "Plan audits and change them: framework, scope, period, auditors, status (start, "
                                "close, reopen)", _AUDIT_PLANNERS),
    Action("assessment.record", "Record an audit's results (with their notes and controls), observations and "
                                "findings (an auditor only in the audits that name them)", _AUDIT_RECORDERS),
    Action("remediation.change", "Plan and update the remediation actions of findings", _REMEDIATORS),
    Action("finding.raise_risk", "Raise a risk in the register from a finding", _REMEDIATORS),
    Action("soa.view", "See the Statement of Applicability (ISO 27001 Annex A: applicability, justification, "
                       "implementation status, linked controls) and export it (XLSX, PDF)", READERS),
    Action("soa.change", "Say whether each Annex A control applies and why (the Statement of Applicability)",
           _SOA_KEEPERS),
    Action("evidence.add", "Attach evidence (files or links) to audit results and controls, and add new versions",
           _REMEDIATORS),
)
