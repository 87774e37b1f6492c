"""Demo record of processing for the three demo organisations: the hospital group's (about twenty activities,
special categories of health data, two that the screening says need a DPIA, processors, transfers outside the
EEA, a few records still missing items), and the fintech's and the retailer's smaller ones. An organisation that
already has activities is left as it is. Everything goes through the services (each write audited)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accord.core.models import Organization
from accord.portfolio.models_systems import System
from accord.privacy import services_processors, services_ropa
from accord.privacy.models_ropa import ProcessingActivity

H = "h"  # Art. 9(2)(h): health or social care


@dataclass(frozen=True)
class Activity:
    """One demo activity: purposes as (name, legal basis), categories as (name, Art. 9(2) condition or "" for an
    ordinary one, None for a special one whose condition is not recorded yet), screening as (criteria, cases)."""

    name: str
    purposes: tuple[tuple[str, str], ...]
    subjects: tuple[str, ...]
    categories: tuple[tuple[str, str | None], ...]
    recipients: tuple[tuple[str, str], ...] = ()
    retention: str = ""
    security: str = "Role-based access, encryption at rest and in transit, logged access"
    systems: tuple[str, ...] = ()
    processors: tuple[str, ...] = ()
    screening: tuple[tuple[str, ...], tuple[str, ...]] | None = None


PATIENTS = ("Patients",)
HOSPITAL = (
    Activity("Electronic patient record", (("Patient care", "c"),), PATIENTS,
             (("Identity", ""), ("Diagnoses and treatments", H), ("Genetic data", H)), (("Laboratories", ""),),
             "20 years after the last stay (public health code)", systems=("EPR", "Clinical database"),
             processors=("Harbour hosting partner",),
             screening=(("sensitive_data", "large_scale", "vulnerable_subjects"), ("large_scale_special",))),
    Activity("Medical imaging", (("Diagnosis", "c"),), PATIENTS, (("Images and reports", H),),
             (("Tele-radiology partner", "CH"),), "20 years", systems=("PACS", "PACS workstations"),
             processors=("Tele-radiology partner",), screening=(("sensitive_data", "large_scale"), ())),
    Activity("Laboratory results", (("Diagnosis", "c"),), PATIENTS, (("Test results", H),), retention="20 years",
             systems=("Lab information system",), screening=(("sensitive_data",), ())),
    Activity("Pharmacy and prescriptions", (("Dispensing medicines", "c"),), PATIENTS,
             (("Prescriptions", H), ("Allergies", H)), retention="20 years", systems=("Pharmacy system",)),
    Activity("Appointment scheduling", (("Booking appointments", "b"),), PATIENTS,
             (("Identity", ""), ("Contact details", "")), (("Scheduling provider", "US"),), "2 years after the visit",
             systems=("Scheduling",), processors=("Scheduling provider",), screening=((), ())),
    Activity("Patient portal", (("Access to one's own record", "c"),), PATIENTS,
             (("Identity", ""), ("Login data", ""), ("Record extracts", H)), retention="While the account exists",
             systems=("Patient portal", "Identity provider")),
    Activity("Clinical research registry", (("Research on outcomes", "e"),), ("Patients who consented",),
             (("Pseudonymised outcomes", "j"),), (("University research partner", ""),), "15 years",
             screening=(("sensitive_data", "matching_datasets", "innovative_technology"), ())),
    Activity("Billing and health insurance", (("Invoicing", "c"),), PATIENTS,
             (("Identity", ""), ("Insurance number", ""), ("Procedure codes", H)), (("Health insurers", ""),),
             "10 years (accounting law)", systems=("Finance ERP",)),
    Activity("Staff records", (("Employment", "b"),), ("Employees",), (("Identity", ""), ("Contracts", "")),
             (("Payroll bureau", ""),), "5 years after leaving", systems=("HR system", "Payroll"),
             processors=("Payroll bureau",)),
    Activity("Occupational health", (("Fitness for work", "c"),), ("Employees",), (("Medical aptitude", None),),
             retention="", systems=("HR system",)),
    Activity("Video surveillance of entrances", (("Safety of people and property", "f"),),
             ("Patients", "Visitors", "Employees"), (("Images", ""),), retention="30 days",
             screening=(("systematic_monitoring",), ())),
    Activity("Visitor log", (("Building security", "f"),), ("Visitors",), (("Identity", ""),), retention="1 year"),
    Activity("Complaints and mediation", (("Handling complaints", "c"),), PATIENTS, (("Complaint", ""),
                                                                                     ("Health details", H)),
             retention="10 years"),
    Activity("Infusion pump telemetry", (("Safe medication delivery", "c"),), PATIENTS, (("Dose records", H),),
             retention="1 year", systems=("Infusion pumps",)),
    Activity("E-mail and collaboration", (("Internal communication", "f"),), ("Employees",),
             (("Messages", ""),), (("Mail provider", "US"),), "1 year after leaving", systems=("Email",)),
    Activity("IT support tickets", (("Supporting users", "f"),), ("Employees",), (("Identity", ""),),
             retention="3 years", systems=("Ticketing",)),
    Activity("Backups", (("Restoring data", "c"),), ("Patients", "Employees"),
             (("Copies of every category", H),), retention="90 days", systems=("Backups",)),
    Activity("Donor and fundraising contacts", (("Fundraising", "f"),), ("Donors",), (("Contact details", ""),)),
)
NORDPAY = (
    Activity("Customer onboarding (KYC)", (("Anti-money laundering checks", "c"),), ("Customers",),
             (("Identity documents", ""), ("Biometric selfie", "a")), (("KYC provider", "GB"),), "5 years after the "
             "relationship", systems=("KYC service",), processors=("KYC provider",),
             screening=(("evaluation_scoring", "sensitive_data", "innovative_technology"), ())),
    Activity("Payment processing", (("Executing payments", "b"),), ("Customers", "Merchants"),
             (("Account data", ""), ("Transactions", "")), (("Card schemes", ""),), "10 years",
             systems=("Payment API", "Ledger database")),
    Activity("Fraud scoring", (("Preventing fraud", "f"),), ("Customers",), (("Transactions", ""),),
             retention="2 years", systems=("Fraud engine",),
             screening=(("evaluation_scoring", "automated_decision"), ("systematic_evaluation",))),
    Activity("Staff records", (("Employment", "b"),), ("Employees",), (("Identity", ""),),
             (("Payroll bureau", ""),), "5 years after leaving", systems=("Payroll",)),
    Activity("Marketing newsletter", (("Newsletters", "a"),), ("Subscribers",), (("E-mail address", ""),),
             (("Mailing service", "US"),)),
)
BRIGHTCART = (
    Activity("Orders and delivery", (("Selling and delivering", "b"),), ("Customers",),
             (("Identity", ""), ("Addresses", ""), ("Orders", "")), (("Carriers", ""),), "10 years (accounting)",
             systems=("Web shop", "Order database")),
    Activity("Product recommendations", (("Personalised offers", "f"),), ("Customers",), (("Browsing history", ""),),
             retention="13 months", systems=("Recommendation engine",),
             screening=(("evaluation_scoring", "large_scale"), ())),
    Activity("Customer support", (("Answering customers", "b"),), ("Customers",), (("Messages", ""),),
             (("Support desk vendor", "US"),), "3 years", systems=("Customer support desk",),
             processors=("Support desk vendor",)),
    Activity("Staff records", (("Employment", "b"),), ("Employees",), (("Identity", ""),), retention="5 years",
             systems=("HR system",)),
)
OWN = {"harbour-health": HOSPITAL, "nordpay": NORDPAY, "brightcart": BRIGHTCART}

ALL_CLAUSES = {f"clause_{c}": True for c in "abcdefgh"}
PROCESSORS: dict[str, tuple[dict[str, Any], ...]] = {
    "harbour-health": (
        {"name": "Harbour hosting partner", "contact": "privacy@hosting.example", "country": "FR",
         "services": "Certified health data hosting", **ALL_CLAUSES, "authorisation": "specific",
         "sub_processors": [{"name": "Backup site operator", "country": "FR", "service": "Off-site copies",
                             "approval": "approved", "approved_on": "2025-02-01"}],
         "contract_signed_on": "2024-01-15", "last_reviewed_on": "2025-01-20", "next_review_on": "2026-01-20",
         "systems": ["EPR", "Clinical database"]},
        {"name": "Tele-radiology partner", "contact": "dpo@teleradiology.example", "country": "CH",
         "services": "Night reading of images", **ALL_CLAUSES, "clause_h": False, "authorisation": "specific",
         "contract_signed_on": "2023-06-01", "next_review_on": "2026-06-01", "systems": ["PACS"]},
        {"name": "Scheduling provider", "contact": "privacy@scheduling.example", "country": "US",
         "services": "Online appointment booking", **ALL_CLAUSES, "authorisation": "general",
         "sub_processors": [{"name": "Cloud platform", "country": "US", "service": "Hosting", "approval": "pending"}],
         "contract_signed_on": "2024-09-01", "next_review_on": "2025-09-01", "systems": ["Scheduling"]},
        {"name": "Payroll bureau", "contact": "dpo@payroll.example", "country": "FR", "services": "Payroll",
         "clause_a": True, "clause_b": True, "clause_c": True, "authorisation": "specific", "systems": ["Payroll"]},
    ),
    "nordpay": (
        {"name": "KYC provider", "contact": "privacy@kyc.example", "country": "GB", "services": "Identity checks",
         **ALL_CLAUSES, "authorisation": "specific", "systems": ["KYC service"], "next_review_on": "2026-03-01"},
    ),
    "brightcart": (
        {"name": "Support desk vendor", "contact": "privacy@support.example", "country": "US",
         "services": "Support desk software", **ALL_CLAUSES, "clause_d": False, "authorisation": "general",
         "systems": ["Customer support desk"]},
    ),
}
#: (activity name, processor name or "", destination, mechanism and what it needs)
TRANSFERS: dict[str, tuple[tuple[str, str, str, dict[str, Any]], ...]] = {
    "harbour-health": (
        ("Medical imaging", "Tele-radiology partner", "CH", {"mechanism": "adequacy"}),
        ("Appointment scheduling", "Scheduling provider", "US",
         {"mechanism": "scc", "scc_module": 2, "tia_done_on": "2024-08-20",
          "tia_conclusion": "Supplementary measures: encryption with keys held in the EU."}),
        ("E-mail and collaboration", "", "US", {"mechanism": "adequacy", "in_scope": True,
                                               "recipient": "Mail provider (DPF-certified)"}),
    ),
    "nordpay": (
        ("Customer onboarding (KYC)", "KYC provider", "GB", {"mechanism": "adequacy"}),
        ("Marketing newsletter", "", "US", {"mechanism": "scc"}),
    ),
    "brightcart": (
        ("Customer support", "Support desk vendor", "US", {"mechanism": "adequacy"}),
    ),
}


def _controller(org: Organization) -> dict[str, Any]:
    slug = org.slug
    return {"controller_name": org.name.split(" (")[0], "controller_contact": f"privacy@{slug}.example",
            "dpo_designated": True, "dpo_name": "Data protection officer", "dpo_contact": f"dpo@{slug}.example"}


def load_org(org: Organization) -> int:
    """The demo record of processing of `org`; the number of activities added (0 when it has some already)."""
    if ProcessingActivity.objects.for_org(org).exists():
        return 0
    systems = {s.name for s in System.objects.for_org(org).only("name")}
    processors = {}
    for data in PROCESSORS.get(org.slug, ()):
        wanted = [s for s in data.get("systems", []) if s in systems]
        processors[data["name"]] = services_processors.do_create_processor(None, org, {**data, "systems": wanted})
    activities = {}
    for k, spec in enumerate(OWN.get(org.slug, ())):
        fields: dict[str, Any] = {
            **_controller(org), "name": spec.name,
            "purposes": [{"name": n, "legal_basis": b} for n, b in spec.purposes],
            "data_subjects": list(spec.subjects),
            "data_categories": [{"name": n, "special": c != "", "art9_condition": c or ""}
                                for n, c in spec.categories],
            "recipients": [{"name": n, "country": c} for n, c in spec.recipients],
            "no_recipients": not spec.recipients, "retention": spec.retention,
            "security_measures": spec.security if k % 7 != 6 else "",
            "systems": [s for s in spec.systems if s in systems],
            "processors": [p for p in spec.processors if p in processors]}
        if any(b == "f" for _n, b in spec.purposes) and k % 2 == 0:
            fields["purposes"] = [{**p, "lia": {"interest": "Safety and security", "necessity": "No less intrusive way",
                                                "balancing": "Limited retention, signage, restricted access"}}
                                  if p["legal_basis"] == "f" else p for p in fields["purposes"]]
        activity = services_ropa.do_create_activity(None, org, fields)
        activities[spec.name] = activity
        if spec.screening is not None:
            criteria, cases = spec.screening
            services_ropa.do_screen_activity(None, org, activity, criteria=criteria, cases=cases)
    for activity_name, processor_name, destination, details in TRANSFERS.get(org.slug, ()):
        owner = activities.get(activity_name)
        extra = dict(details)
        services_processors.do_create_transfer(None, org, {
            "activity": owner.pk if owner else None,
            "processor": processors[processor_name].pk if processor_name in processors else None,
            "destination": destination, "recipient": extra.pop("recipient", processor_name), **extra})
    return len(activities)
