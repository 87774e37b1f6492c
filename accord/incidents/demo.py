"""The demo incidents: each demo organisation gets a closed phishing incident (timeline, phases a few weeks ago)
and one open data-leak incident with personal data involved, its breach opened in the privacy register and its
72-hour clock running, affecting the organisation's most critical system of the inventory with an RTO.
Idempotent: an organisation that has incidents is left as it is."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accord.core.choices import Role
from accord.core.demo import DemoContext
from accord.core.models import Membership, Organization
from accord.incidents import services
from accord.incidents.models import Incident
from accord.portfolio.models_systems import System


def _email(org: Organization, role: str) -> str:
    member = Membership.objects.for_org(org).select_related("user").filter(role=role).order_by("pk").first()
    return member.user.email if member is not None else ""


def load_org(org: Organization) -> int:
    """The demo incidents of `org`; the number added (0 when it has some already)."""
    if Incident.objects.for_org(org).exists():
        return 0
    now = timezone.now().replace(second=0, microsecond=0)
    ciso, cio, dpo = _email(org, Role.CISO) or _email(org, Role.CIO), _email(org, Role.CIO), _email(org, Role.DPO)
    roles = {"commander": ciso, "response_lead": ciso, "recovery_lead": cio, "dpo": dpo}
    aware = now - dt.timedelta(days=40)
    closed = services.do_open_incident(None, org, {
        "title": "Payroll mailbox taken over by a phishing message", "kind": "phishing", "personal_data": "no",
        "became_aware_at": aware, "occurred_at": aware - dt.timedelta(hours=5), "impact": 2, "urgency": 3,
        "detection_source": "User report to the service desk",
        "description": "A forwarding rule sent payroll messages outside; no personal data left (checked).", **roles})
    for hours, kind, text in ((0, "observation", "A member of staff reports a fake sign-in page."),
                              (1, "action", "Password reset, sessions revoked, forwarding rule removed."),
                              (6, "decision", "No personal data left the mailbox: no breach to record.")):
        services.do_add_timeline_entry(None, org, closed, {"happened_at": aware + dt.timedelta(hours=hours),
                                                           "kind": kind, "text": text})
    for k in range(5):
        services.do_advance_incident(None, org, closed, at=aware + dt.timedelta(hours=2 + 24 * k))
    rank = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    candidates = sorted(System.objects.for_org(org).filter(rto_hours__isnull=False),
                        key=lambda s: (rank.get(s.criticality, 9), s.rto_hours, s.number))
    system = candidates[0] if candidates else None
    aware = now - dt.timedelta(hours=10)
    running = services.do_open_incident(None, org, {
        "title": "Patient export shared by a public link", "kind": "data_leak", "personal_data": "yes",
        "became_aware_at": aware, "impact": 3, "urgency": 3, "detection_source": "Cloud storage alert",
        "description": "An export of appointments was reachable through a public link for two days.",
        "systems": [system.pk] if system else [], **roles})
    services.do_add_timeline_entry(None, org, running, {"happened_at": aware, "kind": "observation",
                                                        "text": "The storage alert names a public link on an export."})
    services.do_add_timeline_entry(None, org, running, {"happened_at": aware + dt.timedelta(hours=1),
                                                        "kind": "action", "text": "Link removed; access log kept."})
    services.do_advance_incident(None, org, running, at=aware + dt.timedelta(hours=2))
    services.do_log_communication(None, org, running, {"audience": "board", "summary": "First briefing to the "
                                                       "board: scope being confirmed, DPO deciding on notification.",
                                                       "sent_at": aware + dt.timedelta(hours=3)})
    return 2


def load(context: DemoContext) -> None:
    for org in context.orgs.values():
        added = load_org(org)
        if added:
            context.log(f"{org.slug}: {added} incidents")
