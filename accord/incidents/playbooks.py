"""The playbooks Accord ships, one per incident kind, written for Accord: the tasks an incident of that kind opens
with, who owns each (a role on the incident), when it is due (hours after the organisation became aware) and its
checklist. Texts are marked for translation and written in the language of the person who opens the incident.
An organisation edits its own copy (models.Playbook); these are the starting point and the fallback."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Step:
    title: str | Promise
    role: str
    due_hours: int | None
    checklist: tuple[str | Promise, ...] = ()

    def as_data(self) -> dict[str, object]:
        return {"title": str(self.title), "role": self.role, "due_hours": self.due_hours,
                "checklist": [str(item) for item in self.checklist]}


_TRIAGE = Step(_("Confirm the incident and set its severity"), "commander", 2,
               (_("Who reported it and how"), _("Impact and urgency agreed"), _("Roles on the incident named")))
_PRIVACY = Step(_("Decide whether personal data is involved"), "dpo", 24,
                (_("Data categories and people affected"), _("Breach recorded if so")))
_LESSONS = Step(_("Hold the post-incident review"), "commander", None,
                (_("What happened"), _("What worked"), _("What did not"), _("Lessons turned into tasks")))

SHIPPED: dict[str, tuple[Step, ...]] = {
    "ransomware": (
        _TRIAGE,
        Step(_("Isolate the infected machines from the network"), "response_lead", 1,
             (_("Network ports or VLANs cut"), _("Shared drives unmounted"), _("Backups taken offline"))),
        Step(_("Identify the strain and the way in"), "response_lead", 12),
        Step(_("Check the backups are clean before restoring"), "recovery_lead", 24,
             (_("Last clean copy found"), _("Restore tested on an isolated machine"))),
        _PRIVACY,
        Step(_("Decide on any contact with the attackers with management"), "commander", 24),
        _LESSONS,
    ),
    "data_leak": (
        _TRIAGE,
        Step(_("Stop the leak at its source"), "response_lead", 4,
             (_("Access revoked or link removed"), _("Credentials involved rotated"))),
        Step(_("List the data and the people affected"), "dpo", 24),
        _PRIVACY,
        Step(_("Prepare the message to the people affected"), "dpo", 48),
        _LESSONS,
    ),
    "phishing": (
        _TRIAGE,
        Step(_("Reset the compromised accounts and end their sessions"), "response_lead", 2,
             (_("Passwords reset"), _("Sessions and tokens revoked"), _("Second factor checked"))),
        Step(_("Block the sender and remove the message from every mailbox"), "response_lead", 4),
        Step(_("Look for what the accounts did while compromised"), "response_lead", 24,
             (_("Mail rules and forwards"), _("Files opened or shared"))),
        _PRIVACY,
        _LESSONS,
    ),
    "outage": (
        _TRIAGE,
        Step(_("Tell the users the service is down and when to expect news"), "recovery_lead", 1),
        Step(_("Find the cause and fall back if possible"), "recovery_lead", 4),
        Step(_("Confirm the service is back and its data is complete"), "recovery_lead", None,
             (_("Checks run by the business owner"), _("Data since the last recovery point verified"))),
        _LESSONS,
    ),
    "third_party": (
        _TRIAGE,
        Step(_("Get the supplier's account of the incident in writing"), "response_lead", 24),
        Step(_("Cut or narrow the supplier's access"), "response_lead", 4),
        _PRIVACY,
        Step(_("Check the contract's notification and audit clauses"), "dpo", 48),
        _LESSONS,
    ),
    "lost_device": (
        _TRIAGE,
        Step(_("Lock or wipe the device remotely"), "recovery_lead", 2,
             (_("Device located in the fleet tool"), _("Wipe or lock confirmed"))),
        Step(_("Check whether the disk was encrypted"), "response_lead", 4),
        Step(_("Reset the accounts used on the device"), "response_lead", 4),
        _PRIVACY,
        _LESSONS,
    ),
    "other": (_TRIAGE, _PRIVACY, _LESSONS),
}


def shipped(kind: str) -> list[dict[str, object]]:
    """The shipped playbook of `kind` as data (texts in the active language)."""
    return [step.as_data() for step in SHIPPED[kind]]
