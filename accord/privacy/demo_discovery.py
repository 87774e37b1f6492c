"""Demo data-privacy audit of the hospital group: a scope of two activities (the patient record and the patient
portal) and the data warehouse, an imported discovery, the questionnaires sent to the systems' owners with one
answered, and a comparison whose discrepancies are findings of its GDPR audit. An organisation that already has a
data-privacy audit is left as it is. Everything goes through the services (each write audited)."""

from __future__ import annotations

from accord.core.models import Organization
from accord.portfolio.models_systems import System
from accord.privacy import services_discovery
from accord.privacy.models_discovery import DataAudit
from accord.privacy.models_ropa import ProcessingActivity

SLUG = "harbour-health"
ACTIVITIES = ("Electronic patient record", "Patient portal")
SYSTEMS = ("Data warehouse",)
#: (system, location, field, sample classification, rows)
DISCOVERY = (
    ("EPR", "patients", "patient_name", "", 182_000), ("EPR", "patients", "date_naissance", "", 182_000),
    ("EPR", "patients", "email", "", 97_000), ("EPR", "stays", "code_diagnostic", "", 640_000),
    ("EPR", "stays", "created_at", "", 640_000), ("Clinical database", "results", "Befund", "", 2_100_000),
    ("Clinical database", "results", "icd10_code", "", 2_100_000), ("Patient portal", "accounts", "email", "", 61_000),
    ("Patient portal", "accounts", "last_login_ip", "", 61_000), ("Data warehouse", "dim_patient", "nir", "", 180_000),
    ("Data warehouse", "dim_patient", "col_12", "EMAIL_ADDRESS", 180_000),
    ("Data warehouse", "fact_stay", "length_of_stay", "", 640_000),
)


def load_org(org: Organization) -> int:
    """The demo data-privacy audit of `org` (the hospital group only); the number of discrepancies found."""
    if org.slug != SLUG or DataAudit.objects.for_org(org).exists():
        return 0
    names = set(ProcessingActivity.objects.for_org(org).values_list("name", flat=True))
    known = set(System.objects.for_org(org).values_list("name", flat=True))
    activities = [a for a in ACTIVITIES if a in names]
    if not activities:
        return 0
    audit = services_discovery.do_create_data_audit(None, org, {
        "title": "Patient data, declared and observed", "activities": activities,
        "systems": [s for s in SYSTEMS if s in known]})
    in_scope = {s.name for s in services_discovery.selectors_discovery.scope_systems(org, audit)}
    rows = [(n, {"system": system, "location": location, "field": field, "classification": sample,
                 "rows": str(count)})
            for n, (system, location, field, sample, count) in enumerate(DISCOVERY, start=2) if system in in_scope]
    services_discovery.do_import_discovery(None, org, audit, rows, filename="discovery-2026-11.csv", digest="demo")
    sent = services_discovery.do_send_questionnaires(None, org, audit)
    for q in sent.sent:
        if q.system.name == "EPR":
            services_discovery.do_answer_questionnaire(None, org, q, {
                "fields": [{"name": "patient_name"}, {"name": "code_diagnostic", "retention": "30 years"}],
                "stored_in": ["FR"], "access": "Care staff of the patient's unit; medical records office",
                "shared_with": "Laboratories; the regional health agency (statistics)"})
    return len(services_discovery.do_compare_data_audit(None, org, audit).created)
