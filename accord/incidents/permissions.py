"""The incidents app's rows of the permission table. Every member reads the incidents; those who handle them
(the CISO's and CIO's sides, the DPO, contributors) record what happens and write the post-incident review; the
incident matrix and the playbooks are the CISO's (and the admin's); the DPO records a breach's own awareness
instant."""

from accord.core.choices import Role
from accord.core.permissions import READERS, Action, register

_HANDLERS = frozenset({Role.ADMIN, Role.CIO, Role.CISO, Role.DPO, Role.CONTRIBUTOR})

register(
    Action("incident.view", "See the incidents, their clocks, roles, systems, timeline, tasks and communications",
           READERS),
    Action("incident.change", "Open incidents, change them, advance their phase, record the NIS2 reports sent",
           _HANDLERS),
    Action("incident.timeline", "Add entries to an incident's timeline (never change or remove one)", _HANDLERS),
    Action("incident.task", "Add and update an incident's tasks and its communications log", _HANDLERS),
    Action("incident.review", "Write an incident's post-incident review and its lessons (actions, links to risks "
           "and controls)", _HANDLERS),
    Action("incident.breach", "Record the breach's own awareness instant, with its reason (the DPO's decision)",
           frozenset({Role.ADMIN, Role.DPO})),
    Action("incident.playbook", "Edit the organisation's incident matrix and playbooks",
           frozenset({Role.ADMIN, Role.CISO})),
)
