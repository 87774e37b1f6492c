"""The privacy app's rows of the permission table.

The DPO keeps both registers (with the admin, who stands in where an organisation has no DPO member). Every
member may see that requests exist, their kinds and clocks; only those holding `privacy.request.personal` read
who asked and what they wrote (data minimisation, Art. 5(1)(c)): the API answers those fields as null and the
pages leave them out. The CISO, who runs incidents, may also record breaches.
"""

from accord.core.choices import Role
from accord.core.permissions import READERS, Action, register

_DPO = frozenset({Role.ADMIN, Role.DPO})

register(
    Action("privacy.request.view", "See the data-subject requests register: kinds, dates, status, due dates and "
                                   "whether they were answered late (not who asked: see privacy.request.personal)",
           READERS),
    Action("privacy.request.personal", "Read a data-subject request's personal details: the requester's name, "
                                       "contact and what they wrote", _DPO),
    Action("privacy.request.change", "Record data-subject requests, pause their clock while identity is checked, "
                                     "extend them, answer, refuse or close them", _DPO),
    Action("privacy.breach.view", "See the personal-data breach register, its 72-hour deadlines, notifications "
                                  "and decisions", READERS),
    Action("privacy.breach.change", "Record personal-data breaches, their Art. 33(3) content, the notifications "
                                    "to the authority and the decisions on notifying and informing people",
           frozenset({Role.ADMIN, Role.DPO, Role.CISO})),
    Action("privacy.dashboard", "See the DPO's panel of the dashboard: requests overdue and due soon, breach "
                                "deadlines running", _DPO),
)

# The record of processing, processors and transfers (models_ropa, models_processors): every member reads and exports
# it; the DPO (and the admin) keeps it and screens each activity for a DPIA.
register(
    Action("privacy.ropa.view", "See the record of processing activities with what each record lacks, their DPIA "
                                "screening, the processors and the transfers outside the EEA", READERS),
    Action("privacy.ropa.change", "Record processing activities, processors (Art. 28) and transfers outside the EEA",
           _DPO),
    Action("privacy.ropa.screen", "Record an activity's DPIA screening and the DPO's justified exception", _DPO),
    Action("privacy.ropa.export", "Export the record of processing (XLSX, PDF)", READERS),
)

# The data-privacy audit (models_discovery): every member reads it; the DPO (and the admin) plans it, imports the data
# discovery, sends the questionnaires, compares and asks for the report; a system's owner answers the questionnaire
# of their system (the service checks that it is theirs; the DPO and the admin may answer for them).
register(
    Action("privacy.data_audit.view", "See the data-privacy audits: scope, questionnaires, imported data discovery, "
                                      "the discrepancy matrix and its findings", READERS),
    Action("privacy.data_audit.change", "Plan a data-privacy audit, import its data discovery, send its "
                                        "questionnaires, compare declared and observed, ask for its report", _DPO),
    Action("privacy.data_audit.answer", "Answer the data-inventory questionnaire of a system one owns",
           frozenset({Role.ADMIN, Role.CIO, Role.CISO, Role.DPO, Role.CONTRIBUTOR})),
)

# DPIAs (models_dpias): every member reads them; the DPO, the CISO and the CIO carry them out (the controller's
# assessment, with the DPO's help); only the DPO (or the admin standing in) records the advice; the decision is
# signed by whoever the governance profile names (the approvals kit refuses anyone else), so the action is held by
# every role that can fill such a slot (a viewer may be the board's representative).
register(
    Action("privacy.dpia.view", "See the DPIAs: the assessment, its risks against the appetite, the measures, the "
                                "DPO's advice, the decision and whether prior consultation is required", READERS),
    Action("privacy.dpia.change", "Open a DPIA, write the assessment, add its risks and measures, submit it to the "
                                  "DPO", frozenset({Role.ADMIN, Role.DPO, Role.CISO, Role.CIO})),
    Action("privacy.dpia.advise", "Record the DPO's advice on a DPIA (Art. 35(2))", _DPO),
    Action("privacy.dpia.decide", "Sign the controller's decision on a DPIA (when the governance profile names you)",
           frozenset({Role.ADMIN, Role.CIO, Role.CISO, Role.VIEWER})),
)
