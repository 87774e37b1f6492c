"""The demo incidents: each demo organisation gets a closed phishing incident (timeline, phases a few weeks ago)
and one open data-leak incident with personal data involved, its breach opened in the privacy register and its
72-hour clock running, affecting the organisation's most critical system of the inventory with an RTO. The closed
incident has its post-incident review and three lessons: one updates an existing risk of the register, one links
a control of the library, one raises a new risk. Idempotent: an organisation that has incidents is left as it is,
and a closed demo incident that has its review keeps it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from accord.compliance.models_controls import Control
from accord.core.choices import Role
from accord.core.clock import org_today
from accord.core.demo import DemoContext
from accord.core.models import Membership, Organization
from accord.incidents import services, services_reviews
from accord.incidents.models import Incident, IncidentReview
from accord.portfolio.models_systems import System
from accord.risks.models import Risk


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
        "title": _CLOSED_TITLE, "kind": "phishing", "personal_data": "no",
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


_CLOSED_TITLE = "Payroll mailbox taken over by a phishing message"


def _first(queryset: Any, *words: str) -> Any:
    """The first row whose title or name holds one of `words`, else the first row."""
    field = "title" if queryset.model is Risk else "name"
    wanted = Q()
    for word in words:
        wanted |= Q(**{f"{field}__icontains": word})
    return queryset.filter(wanted).first() or queryset.first()


def review_org(org: Organization) -> int:
    """The review and lessons of `org`'s closed demo incident; the number of lessons added (0 when it has its
    review already, or there is no such incident)."""
    closed = Incident.objects.for_org(org).filter(title=_CLOSED_TITLE, status="closed").first()
    if closed is None or IncidentReview.objects.for_org(org).filter(incident=closed).exists():
        return 0
    ciso, cio = _email(org, Role.CISO) or _email(org, Role.CIO), _email(org, Role.CIO)
    today = org_today(org)
    held = (closed.closed_at or timezone.now()).date() + dt.timedelta(days=3)
    services_reviews.do_write_incident_review(None, org, closed, {
        "held_on": min(held, today),
        "what_happened": "A message imitating the sign-in page took the payroll mailbox's password; a forwarding "
                         "rule then sent payroll messages to an outside address for about five hours.",
        "worked": "The member of staff who saw the fake page reported it at once; sessions were revoked and the "
                  "rule removed within the hour; the DPO's check of what left the mailbox was quick.",
        "did_not_work": "Nobody is alerted when a mailbox forwards outside; the service desk had no script for a "
                        "phishing report; the payroll account signed in with a password only."})
    risks = Risk.objects.for_org(org).filter(archived_at__isnull=True).order_by("number")
    risk = _first(risks, "phishing", "account", "credential", "email", "mail")
    control = _first(Control.objects.for_org(org).order_by("number"), "awareness", "training", "phishing", "mail")
    due = today + dt.timedelta(days=30)
    lessons = [
        {"text": "A forwarding rule to an outside address ran for five hours before anyone looked.",
         "action": "Alert on every new mailbox rule that forwards outside the organisation", "owner": ciso,
         "due_on": due, **({"risk": risk.ref} if risk else {})},
        {"text": "The service desk improvised its answer to the phishing report.",
         "action": "Give the service desk a phishing-report checklist and rehearse it", "owner": cio,
         "due_on": due - dt.timedelta(days=14), **({"control": control.ref} if control else {})},
        {"text": "Payroll and finance accounts sign in with a password only.",
         "action": "Require phishing-resistant multi-factor sign-in for payroll and finance accounts", "owner": ciso,
         "due_on": due + dt.timedelta(days=30), "new_risk": "Finance accounts without phishing-resistant sign-in"},
    ]
    for data in lessons:
        services_reviews.do_add_lesson(None, org, closed, {k: v for k, v in data.items() if v})
    return len(lessons)


def load(context: DemoContext) -> None:
    for org in context.orgs.values():
        added = load_org(org)
        if added:
            context.log(f"{org.slug}: {added} incidents")
        lessons = review_org(org)
        if lessons:
            context.log(f"{org.slug}: the closed incident's review and {lessons} lessons")
