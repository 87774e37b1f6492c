"""The data-privacy audit's routes for the generic suites (added to tests/privacy/routes.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.core.models import Membership, Organization
from accord.portfolio import services_systems
from accord.privacy import services_discovery, services_ropa
from accord.privacy.models_discovery import Questionnaire
from tests.factories import Persona
from tests.routes import Route, Seed, own

API = "/api/v1/orgs/{org}/privacy/data-audits"


def seed_data_audit(org: Organization) -> Seed:
    """In `org`: two systems with an owner and one without, an activity on the first, a data-privacy audit of the
    activity and the other systems with an imported discovery, a questionnaire sent for the first system (the
    second still to send) and a comparison kept; texts carry the organisation's name (B's canary)."""
    owner = Membership.objects.for_org(org).order_by("pk").first()
    email = owner.user.email if owner else ""
    first = services_systems.do_create_system(None, org, {"name": f"{org.name} audited records",
                                                          "business_owner": email})
    second = services_systems.do_create_system(None, org, {"name": f"{org.name} audited leads", "it_owner": email,
                                                           "hosting": "cloud", "cloud_provider": "AWS",
                                                           "cloud_region": "us-east-1"})
    activity = services_ropa.do_create_activity(None, org, {
        "name": f"{org.name} audited care", "systems": [first.ref],
        "data_categories": [{"name": "Contact details", "retention": "1 year"}, {"name": "Bank details"}]})
    audit = services_discovery.do_create_data_audit(None, org, {"title": f"{org.name} data audit",
                                                                "activities": [activity.ref],
                                                                "systems": [second.ref]})
    services_discovery.do_import_discovery(None, org, audit, [
        (2, {"system": first.ref, "location": "people", "field": "email", "rows": "10"}),
        (3, {"system": first.ref, "location": "people", "field": "date_of_birth"}),
        (4, {"system": second.ref, "location": f"{org.name} leads", "field": "phone"})], filename="seed.csv",
        digest="seed")
    sent = services_discovery.do_send_questionnaires(None, org, audit)
    services_discovery.do_compare_data_audit(None, org, audit)
    # The second system's questionnaire is left to send (a send that finds nothing to send writes nothing).
    for q in sent.sent[1:]:
        Questionnaire.objects.for_org(org).filter(pk=q.pk).delete()
    return {"data_audit": audit, "questionnaire": sent.sent[0]}


def grow_data_audits(seed: Seed, n: int) -> None:
    """More data-privacy audits (1 for n=3, 4 for n=30), each with an imported discovery and a comparison. Each
    is also a compliance audit with findings: a tenth of `n` keeps the audit and finding lists growing within
    one API page (50 rows), where the pagination's count query would show as a query per row."""
    org = seed["org"]
    system = seed["data_audit"].system_links.first().system
    for k in range(n // 10 + 1):
        audit = services_discovery.do_create_data_audit(None, org, {"title": f"Grown audit {k}",
                                                                    "systems": [system.ref]})
        services_discovery.do_import_discovery(None, org, audit, [
            (2, {"system": system.ref, "field": f"email_{k}"}), (3, {"system": system.ref, "field": "iban"})],
            filename="grown.csv", digest=f"grown{k}")
        services_discovery.do_compare_data_audit(None, org, audit)


def _audit(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"audit_id": seed["data_audit"].pk}


def _questionnaire(seed: Seed, persona: Persona) -> dict[str, Any]:
    """The seeded questionnaire, sent to the caller when they call their own organisation (so that the role table
    decides, not whose system it is)."""
    q = seed["questionnaire"]
    if own(seed, persona):
        Questionnaire.objects.for_org(seed["org"]).filter(pk=q.pk).update(recipient=persona.membership)
    return {"audit_id": seed["data_audit"].pk, "questionnaire_id": q.pk}


def _discovery_file(seed: Seed, persona: Persona) -> dict[str, Any]:
    system = seed["data_audit"].system_links.first().system
    content = f"system,location,field\r\n{system.ref},probe,email\r\n".encode()
    return {"file": SimpleUploadedFile("probe.csv", content, content_type="text/csv")}


_ANSWER = {"fields": [{"name": "email", "retention": "2 years"}], "stored_in": ["FR"], "retention": "1 year",
           "access": "Probe", "shared_with": "Nobody"}
_ANSWER_FORM = {"fields_text": "email; people; 2 years", "stored_in": "FR", "retention": "1 year",
                "access": "Probe", "shared_with": ""}


def _create(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"title": "Probe data audit", "systems": [seed["data_audit"].system_links.first().system.ref]}


_ID: Callable[[Seed, Persona], dict[str, Any]] = _audit

ROUTES: list[Route] = [
    # --- API ---
    Route(f"GET {API}/", "GET", "privacy.data_audit.view", lists_data=True),
    Route(f"POST {API}/", "POST", "privacy.data_audit.change", body=_create),
    Route(f"GET {API}/{{audit_id}}", "GET", "privacy.data_audit.view", kwargs=_ID, lists_data=True),
    Route(f"POST {API}/{{audit_id}}/discovery", "POST", "privacy.data_audit.change", kwargs=_ID,
          body=_discovery_file),
    Route(f"GET {API}/{{audit_id}}/questionnaires/", "GET", "privacy.data_audit.view", kwargs=_ID, lists_data=True),
    Route(f"POST {API}/{{audit_id}}/questionnaires/", "POST", "privacy.data_audit.change", kwargs=_ID),
    Route(f"PUT {API}/{{audit_id}}/questionnaires/{{questionnaire_id}}", "PUT", "privacy.data_audit.answer",
          kwargs=_questionnaire, body=lambda s, p: _ANSWER),
    Route(f"GET {API}/{{audit_id}}/discrepancies", "GET", "privacy.data_audit.view", kwargs=_ID, lists_data=True),
    Route(f"POST {API}/{{audit_id}}/discrepancies", "POST", "privacy.data_audit.change", kwargs=_ID),
    Route(f"POST {API}/{{audit_id}}/report", "POST", "privacy.data_audit.view", kwargs=_ID),
    # --- web ---
    Route("dataaudits:list", "GET", "privacy.data_audit.view", lists_data=True),
    Route("dataaudits:create", "GET", "privacy.data_audit.change"),
    Route("dataaudits:create", "POST", "privacy.data_audit.change", body=_create),
    Route("dataaudits:detail", "GET", "privacy.data_audit.view", kwargs=_ID, lists_data=True),
    Route("dataaudits:discovery", "POST", "privacy.data_audit.change", kwargs=_ID, body=_discovery_file),
    Route("dataaudits:send", "POST", "privacy.data_audit.change", kwargs=_ID),
    Route("dataaudits:questionnaire", "GET", "privacy.data_audit.answer", kwargs=_questionnaire),
    Route("dataaudits:questionnaire", "POST", "privacy.data_audit.answer", kwargs=_questionnaire,
          body=lambda s, p: _ANSWER_FORM),
    Route("dataaudits:compare", "POST", "privacy.data_audit.change", kwargs=_ID),
    Route("dataaudits:report", "POST", "privacy.data_audit.view", kwargs=_ID),
]
