"""The incidents' routes for the generic suites (see tests/routes.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from accord.core import services as core_services
from accord.core.models import Membership, Organization
from accord.incidents import services, services_reviews
from accord.portfolio import services_systems
from tests.factories import Persona
from tests.routes import Route, Seed


def _member(org: Organization, role: str) -> Membership:
    people = Membership.objects.for_org(org).select_related("user").order_by("pk")
    found = people.filter(role=role).first() or people.first()
    assert found is not None
    return found


def seed_incidents(org: Organization) -> Seed:
    """In `org` (an essential entity under NIS2): a system with an RTO; an open ransomware incident affecting it
    with personal data involved (its breach opened), a timeline entry, a hand-made task and a communication;
    a closed outage with its review and a lesson owned by the CISO. Texts carry the organisation's name (B's
    canary)."""
    core_services.do_update_organization(None, org, nis2="essential")
    # The members already there (a new one would push the suites' member lists past one page).
    ciso, cio = _member(org, "ciso"), _member(org, "cio")
    system = services_systems.do_create_system(None, org, {"name": f"{org.name} canary billing", "rto_hours": 12})
    aware = timezone.now() - dt.timedelta(hours=6)
    incident = services.do_open_incident(None, org, {
        "title": f"{org.name} canary ransomware", "kind": "ransomware", "personal_data": "yes",
        "became_aware_at": aware, "systems": [system.pk], "commander": ciso.user.email,
        "recovery_lead": cio.user.email})
    services.do_add_timeline_entry(None, org, incident, {"text": f"{org.name} canary observation",
                                                              "happened_at": aware})
    task = services.do_add_incident_task(None, org, incident, {"title": f"{org.name} canary task",
                                                                "owner": ciso.user.email})
    services.do_log_communication(None, org, incident, {"audience": "staff", "summary": f"{org.name} canary note"})
    closed = services.do_open_incident(None, org, {"title": f"{org.name} canary outage", "kind": "outage",
                                                   "personal_data": "no", "became_aware_at": aware})
    for _ in range(5):
        services.do_advance_incident(None, org, closed)
    services_reviews.do_write_incident_review(None, org, closed, {"what_happened": f"{org.name} canary review"})
    lesson = services_reviews.do_add_lesson(None, org, closed, {"text": f"{org.name} canary lesson",
                                                                "action": f"{org.name} canary action",
                                                                "owner": ciso.user.email})
    return {"incident": incident, "incident_closed": closed, "incident_task": task, "incident_system": system,
            "incidents_ciso": ciso, "incident_lesson": lesson}


SEEDERS: list[Callable[[Organization], Seed]] = [seed_incidents]


def grow_incidents(seed: Seed, n: int) -> None:
    """`n` more incidents (every other one with personal data, so a breach), each with a timeline entry, the
    playbook's tasks, a communication and the seeded system."""
    org, system = seed["org"], seed["incident_system"]
    now = timezone.now()
    kinds = ["ransomware", "data_leak", "phishing", "outage", "third_party", "lost_device", "other"]
    for k in range(n):
        made = services.do_open_incident(None, org, {
            "title": f"Grown incident {k}", "kind": kinds[k % len(kinds)], "personal_data": "yes" if k % 2 else "no",
            "became_aware_at": now - dt.timedelta(hours=k + 1), "systems": [system.pk],
            "commander": seed["incidents_ciso"].user.email, "impact": 1 + k % 4, "urgency": 1 + (k // 4) % 4})
        services.do_add_timeline_entry(None, org, made, {"text": f"Grown entry {k}"})
        services.do_add_timeline_entry(None, org, seed["incident"], {"text": f"Grown entry {k}"})
        services.do_add_incident_task(None, org, seed["incident"], {"title": f"Grown task {k}"})
        services.do_log_communication(None, org, seed["incident"], {"audience": "board", "summary": f"Grown {k}"})
        if k % 3 == 0:
            services.do_advance_incident(None, org, made)


GROWERS = [grow_incidents]

API = "/api/v1/orgs/{org}"


def _incident(key: str = "incident") -> Callable[[Seed, Persona], dict[str, Any]]:
    return lambda seed, persona: {"incident_id": seed[key].pk}


def _task(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"incident_id": seed["incident"].pk, "task_id": seed["incident_task"].pk}


def _lesson(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"incident_id": seed["incident_closed"].pk, "lesson_id": seed["incident_lesson"].pk}


def _matrix_post(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"urgencies": "2", "impacts": "2", "urgency_1": "Later", "urgency_2": "Now", "impact_1": "Small",
            "impact_2": "Large", "level_1_1": "low", "level_1_2": "medium", "level_2_1": "medium",
            "level_2_2": "critical"}


def _report(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"incident_id": seed["incident"].pk, "report": "early_warning"}


def _aware(seed: Seed) -> str:
    return (seed["incident"].became_aware_at + dt.timedelta(hours=1)).isoformat()


def _aware_local(seed: Seed) -> str:
    return (seed["incident"].became_aware_at + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


_MATRIX = {"impacts": ["Small", "Large"], "urgencies": ["Later", "Now"],
           "levels": [["low", "medium"], ["medium", "high"]]}

ROUTES: list[Route] = [
    # --- API ---
    Route(f"GET {API}/incidents/", "GET", "incident.view", lists_data=True),
    Route(f"POST {API}/incidents/", "POST", "incident.change",
          body=lambda s, p: {"title": "Probe", "kind": "phishing", "personal_data": "unknown",
                             "became_aware_at": timezone.now().isoformat()}),
    Route(f"GET {API}/incidents/{{incident_id}}/", "GET", "incident.view", kwargs=_incident()),
    Route(f"PATCH {API}/incidents/{{incident_id}}/", "PATCH", "incident.change", kwargs=_incident(),
          body=lambda s, p: {"title": "Renamed", "detection_source": "EDR alert"}),
    Route(f"POST {API}/incidents/{{incident_id}}/advance", "POST", "incident.change", kwargs=_incident()),
    Route(f"POST {API}/incidents/{{incident_id}}/nis2/{{report}}", "POST", "incident.change", kwargs=_report),
    Route(f"POST {API}/incidents/{{incident_id}}/breach-awareness", "POST", "incident.breach", kwargs=_incident(),
          body=lambda s, p: {"became_aware_at": _aware(s), "reason": "Known later"}),
    Route(f"GET {API}/incidents/{{incident_id}}/timeline/", "GET", "incident.view", kwargs=_incident(),
          lists_data=True),
    Route(f"POST {API}/incidents/{{incident_id}}/timeline/", "POST", "incident.timeline", kwargs=_incident(),
          body=lambda s, p: {"text": "Probe entry", "kind": "action"}),
    Route(f"GET {API}/incidents/{{incident_id}}/tasks/", "GET", "incident.view", kwargs=_incident(),
          lists_data=True),
    Route(f"POST {API}/incidents/{{incident_id}}/tasks/", "POST", "incident.task", kwargs=_incident(),
          body=lambda s, p: {"title": "Probe task"}),
    Route(f"PATCH {API}/incidents/{{incident_id}}/tasks/{{task_id}}/", "PATCH", "incident.task", kwargs=_task,
          body=lambda s, p: {"status": "done"}),
    Route(f"GET {API}/incidents/{{incident_id}}/communications/", "GET", "incident.view", kwargs=_incident(),
          lists_data=True),
    Route(f"POST {API}/incidents/{{incident_id}}/communications/", "POST", "incident.task", kwargs=_incident(),
          body=lambda s, p: {"audience": "board", "summary": "Probe"}),
    Route(f"GET {API}/incidents/{{incident_id}}/review", "GET", "incident.view", kwargs=_incident("incident_closed"),
          lists_data=True),
    Route(f"PUT {API}/incidents/{{incident_id}}/review", "PUT", "incident.review", kwargs=_incident("incident_closed"),
          body=lambda s, p: {"worked": "Probe: the runbook", "held_on": "2026-01-05"}),
    Route(f"GET {API}/incidents/{{incident_id}}/lessons/", "GET", "incident.view", kwargs=_incident("incident_closed"),
          lists_data=True),
    Route(f"POST {API}/incidents/{{incident_id}}/lessons/", "POST", "incident.review",
          kwargs=_incident("incident_closed"),
          body=lambda s, p: {"text": "Probe lesson", "action": {"title": "Probe action", "due_on": "2026-09-01"}}),
    Route(f"PATCH {API}/incidents/{{incident_id}}/lessons/{{lesson_id}}", "PATCH", "incident.review", kwargs=_lesson,
          body=lambda s, p: {"action": {"status": "done"}}),
    Route(f"GET {API}/playbooks/", "GET", "incident.view"),
    Route(f"PUT {API}/playbooks/{{kind}}/", "PUT", "incident.playbook", kwargs=lambda s, p: {"kind": "outage"},
          names_objects=False, body=lambda s, p: {"tasks": [{"title": "Probe step", "role": "recovery_lead"}]}),
    Route(f"GET {API}/incident-matrix/", "GET", "incident.view"),
    Route(f"PUT {API}/incident-matrix/", "PUT", "incident.playbook", body=lambda s, p: _MATRIX),
    Route(f"GET {API}/incident-metrics/", "GET", "incident.view"),
    # --- web ---
    Route("incidents:list", "GET", "incident.view", lists_data=True),
    Route("incidents:metrics", "GET", "incident.view"),
    Route("incidents:create", "GET", "incident.change"),
    Route("incidents:create", "POST", "incident.change",
          body=lambda s, p: {"title": "Probe", "kind": "outage", "personal_data": "no", "impact": "2", "urgency": "2",
                             "became_aware_at": "2026-01-05T10:00"}),
    Route("incidents:detail", "GET", "incident.view", kwargs=_incident(), lists_data=True),
    Route("incidents:advance", "POST", "incident.change", kwargs=_incident()),
    Route("incidents:timeline_add", "POST", "incident.timeline", kwargs=_incident(),
          body=lambda s, p: {"text": "Probe entry", "kind": "decision"}),
    Route("incidents:task_add", "POST", "incident.task", kwargs=_incident(), body=lambda s, p: {"title": "Probe"}),
    Route("incidents:task_status", "POST", "incident.task", kwargs=_task, body=lambda s, p: {"status": "done"}),
    Route("incidents:communication_add", "POST", "incident.task", kwargs=_incident(),
          body=lambda s, p: {"audience": "press", "summary": "Probe"}),
    Route("incidents:nis2_report", "POST", "incident.change", kwargs=_report),
    Route("incidents:breach_awareness", "POST", "incident.breach", kwargs=_incident(),
          body=lambda s, p: {"became_aware_at": _aware_local(s), "reason": "Known later"}),
    Route("incidents:report", "POST", "incident.view", kwargs=_incident(), body=lambda s, p: {}),
    Route("incidents:review", "POST", "incident.review", kwargs=_incident("incident_closed"),
          body=lambda s, p: {"what_happened": "Probe", "worked": "Probe worked", "did_not_work": "Probe did not"}),
    Route("incidents:lesson_add", "POST", "incident.review", kwargs=_incident("incident_closed"),
          body=lambda s, p: {"text": "Probe lesson", "action": "Probe action"}),
    Route("incidents:lesson_status", "POST", "incident.review", kwargs=_lesson, body=lambda s, p: {"status": "done"}),
    Route("incidents:matrix", "GET", "incident.playbook"),
    Route("incidents:matrix", "POST", "incident.playbook", body=_matrix_post),
    Route("incidents:playbooks", "GET", "incident.view", lists_data=True),
    Route("incidents:playbook_edit", "GET", "incident.playbook", kwargs=lambda s, p: {"kind": "outage"},
          names_objects=False),
    Route("incidents:playbook_edit", "POST", "incident.playbook", kwargs=lambda s, p: {"kind": "outage"},
          names_objects=False, body=lambda s, p: {"steps": "Probe step | recovery_lead | 2 | One; Two"}),
]
