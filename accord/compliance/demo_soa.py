"""Demo Statement of Applicability: in each demo organisation with ISO/IEC 27001, a few security controls linked
to the Annex A controls they serve (implemented, in progress, planned: the SoA's statuses come from them), a
statement on every Annex A control (the reasons for including it; a few left out with a justification that
fits the organisation). Idempotent: an organisation with a statement gets none."""

from __future__ import annotations

from accord.compliance import selectors_soa, services_controls, services_soa
from accord.compliance.models import Requirement
from accord.compliance.models_soa import SoaEntry
from accord.core.demo import DemoContext

# (name, kind, status, the Annex A controls it serves)
CONTROLS = (
    ("Information security policy set", "policy", "implemented", ("A.5.1", "A.5.36", "A.5.37")),
    ("Joiners, movers and leavers process", "process", "in_progress", ("A.5.15", "A.5.16", "A.5.18", "A.6.5")),
    ("Multi-factor sign-in everywhere", "technical", "implemented", ("A.5.17", "A.8.5")),
    ("Privileged access management", "technical", "planned", ("A.8.2", "A.8.18")),
    ("Backups with quarterly restore tests", "technical", "in_progress", ("A.8.13",)),
    ("Security awareness programme", "process", "implemented", ("A.6.3",)),
    ("Incident response procedure", "process", "implemented", ("A.5.24", "A.5.25", "A.5.26", "A.5.27", "A.6.8")),
    ("Endpoint protection and disk encryption", "technical", "implemented", ("A.8.1", "A.8.7")),
    ("Supplier security clauses and reviews", "policy", "in_progress", ("A.5.19", "A.5.20", "A.5.22")),
    ("Central logging and alerting", "technical", "planned", ("A.8.15", "A.8.16")),
    ("Vulnerability scanning and patching", "technical", "implemented", ("A.8.8", "A.8.19")),
    ("Encryption key management", "technical", "planned", ("A.8.24",)),
)
#: Annex A controls each demo organisation leaves out, and why.
EXCLUDED = {
    "nordpay": (
        ("A.7.12", "No cabling of our own: offices in a serviced building, every system in a certified cloud region."),
        ("A.7.11", "The landlord runs power and cooling of the serviced offices; no equipment room of our own."),
        ("A.8.30", "No development is outsourced: the payment platform is built by our own engineers only."),
    ),
    "harbour-health": (
        ("A.8.28", "No software is developed in-house: clinical and administrative systems are bought and run."),
        ("A.8.25", "No in-house development life cycle (see A.8.28); suppliers' life cycles are checked under A.5.21."),
    ),
    "brightcart": (
        ("A.8.30", "No development is outsourced: the web shop is built by our own team."),
        ("A.7.5", "Shops and the warehouse are leased; their landlords' physical protection is covered in the leases "
                  "(A.5.20)."),
    ),
}
#: The reasons for including an Annex A control when none of the demo's controls serves it.
LEGAL = {"A.5.31", "A.5.32", "A.5.33", "A.5.34", "A.6.1", "A.6.2", "A.6.6"}


def load(context: DemoContext) -> None:
    for slug, org in context.orgs.items():
        framework = selectors_soa.soa_framework(org)
        if framework is None or SoaEntry.objects.for_org(org).exists():
            continue
        requirements = {r.ref: r for r in Requirement.objects.for_org(org).filter(framework=framework)}
        served: set[str] = set()
        for name, kind, status, refs in CONTROLS:
            control = services_controls.do_create_control(None, org, {"name": name, "kind": kind, "status": status})
            for ref in refs:
                if ref in requirements:
                    services_controls.do_link_control_requirement(None, org, control, requirements[ref])
                    served.add(ref)
        excluded = dict(EXCLUDED.get(slug, ()))
        for row in selectors_soa.soa(org).rows:
            if row.ref in excluded:
                data = {"applicable": False, "justification": excluded[row.ref]}
            elif row.ref in served:
                data = {"applicable": True, "reasons": ["risk_treatment"]}
            elif row.ref in LEGAL:
                data = {"applicable": True, "reasons": ["legal"]}
            else:
                data = {"applicable": True, "reasons": ["business"],
                        "justification": "Part of the security baseline the board approved."}
            services_soa.do_set_soa_entry(None, org, row.ref, data)
        context.log(f"{slug}: Statement of Applicability written ({len(excluded)} controls not applicable)")
