"""The risk register's rows of the permission table."""

from accord.core.choices import Role
from accord.core.permissions import ALL_ROLES, READERS, Action, register

_WRITERS = frozenset({Role.ADMIN, Role.CIO, Role.CISO, Role.DPO, Role.CONTRIBUTOR})
_GOVERNORS = frozenset({Role.ADMIN, Role.CIO, Role.CISO, Role.DPO})
_RISK_LEADS = frozenset({Role.ADMIN, Role.CIO, Role.CISO})
# Who keeps the register whole: a risk leaves it only by the CISO's (or an admin's) decision, never by
# a contributor's, the DPO's or the CIO's alone (docs/decisions/0015-archive-not-delete.md).
_ARCHIVERS = frozenset({Role.ADMIN, Role.CISO})

register(
    Action("risk.view", "See the risk register, heat map, money view, risk pages and their history", READERS),
    Action("risk.export", "Export the risk register (CSV, XLSX)", READERS),
    # Every member reads what the report prints (register, money view, acceptances), the board first.
    Action("report.register", "Produce the risk register report (PDF: the register in money against the signed "
                              "tolerance, the register, the acceptances)", READERS),
    Action("risk.create", "Add risks to the register", _WRITERS),
    Action("risk.change", "Edit risks", _WRITERS),
    Action("risk.archive", "Archive risks (out of the register, restorable, with a reason) and restore them",
           _ARCHIVERS),
    Action("risk.import", "Import risks from CSV or XLSX", _GOVERNORS),
    Action("riskmatrix.change", "Change the risk matrix and the risk categories", _RISK_LEADS),
    Action("appetite.view", "See the risk appetite and its signatures", READERS),
    Action("appetite.draft", "Draft a new version of the risk appetite", _RISK_LEADS),
    Action("appetite.sign", "Sign the risk appetite (when the governance profile names you)",
           frozenset({Role.ADMIN, Role.CIO, Role.CISO, Role.VIEWER})),
    Action("appetite.consult", "Record an opinion on the draft risk appetite (the DPO, when the governance "
                               "profile consults the DPO, and admins; not a signature)",
           frozenset({Role.ADMIN, Role.DPO})),
    Action("acceptance.view", "See risk acceptances", READERS),
    Action("acceptance.request", "Request the acceptance of a risk", _WRITERS),
    Action("acceptance.sign", "Sign a risk acceptance (when the governance profile or ownership names you)",
           ALL_ROLES - {Role.AUDITOR}),
    Action("acceptance.withdraw", "Withdraw a risk acceptance, with a reason (as its requester, one of its "
                                  "required signatories or an admin)", ALL_ROLES - {Role.AUDITOR}),
)
