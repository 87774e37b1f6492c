"""Demo systems for the three demo organisations: the common estate of a small company (directory, mail,
network, laptops, backups, finance…) and each one's own (a payment platform, hospital systems, a web shop),
about thirty each, with dependencies, a few past or near their vendor's end of support, costs, owners, a few
TIME decisions, and risks of the register linked (the register's affected assets that name a system become
links by themselves). An organisation that already has systems is left as it is. Everything goes through the
services (each write audited)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accord.core.clock import org_today
from accord.core.models import Membership, Organization
from accord.portfolio import services_systems
from accord.portfolio.models_systems import System
from accord.risks.models import Risk


@dataclass(frozen=True)
class Spec:
    """One demo system: `support` is its vendor's end of support in months from today (None: not known),
    `costs` licences, hosting and people a year in major units; `hosting` "on_premises", "cloud:Provider:region"
    or "saas:Vendor"."""

    name: str
    kind: str
    criticality: str
    needs: tuple[str, ...] = ()
    support: int | None = 48
    costs: tuple[int, int, int] = (0, 0, 0)
    hosting: str = "on_premises"
    data: str = "internal"
    personal: tuple[str, ...] = ()
    rto: int | None = None


COMMON = (
    Spec("Core network", "network", "critical", support=36, costs=(20_000, 0, 30_000), rto=2),
    Spec("Firewalls", "network", "critical", ("Core network",), support=5, costs=(15_000, 0, 10_000), rto=2),
    Spec("Wi-Fi", "network", "medium", ("Core network",), support=30, costs=(4_000, 0, 3_000)),
    Spec("VPN", "network", "high", ("Firewalls", "Directory"), support=24, costs=(6_000, 0, 4_000), rto=4),
    Spec("Virtualisation cluster", "infrastructure", "critical", ("Core network",), support=4,
         costs=(40_000, 12_000, 35_000), rto=4),
    Spec("Directory", "infrastructure", "critical", ("Virtualisation cluster",), support=60,
         costs=(0, 0, 15_000), data="confidential", personal=("employees",), rto=2),
    Spec("Identity provider", "saas", "critical", ("Directory",), support=None, costs=(18_000, 0, 5_000),
         hosting="saas:Example Identity", data="confidential", personal=("employees",), rto=1),
    Spec("Email", "saas", "high", ("Identity provider",), support=None, costs=(25_000, 0, 4_000),
         hosting="saas:Example Mail", data="confidential", personal=("employees", "customers"), rto=8),
    Spec("File shares", "data_store", "medium", ("Virtualisation cluster", "Directory"), support=40,
         costs=(0, 3_000, 2_000), data="confidential", personal=("employees",)),
    Spec("Backups", "infrastructure", "critical", ("Virtualisation cluster",), support=20,
         costs=(12_000, 6_000, 8_000), data="restricted", personal=("employees", "customers"), rto=24),
    Spec("Monitoring", "infrastructure", "high", ("Core network",), support=36, costs=(8_000, 2_000, 10_000)),
    Spec("Laptops", "endpoint_group", "high", ("Directory", "VPN"), support=30, costs=(10_000, 0, 20_000),
         personal=("employees",)),
    Spec("Mobile phones", "endpoint_group", "medium", ("Identity provider",), support=18, costs=(6_000, 0, 4_000),
         personal=("employees",)),
    Spec("Printers", "endpoint_group", "low", ("Core network", "Directory"), support=10, costs=(3_000, 0, 1_000)),
    Spec("Finance ERP", "application", "high", ("Virtualisation cluster", "Directory"), support=-2,
         costs=(45_000, 8_000, 30_000), data="confidential", personal=("suppliers", "employees"), rto=24),
    Spec("Payroll", "saas", "high", ("Identity provider",), support=None, costs=(14_000, 0, 6_000),
         hosting="saas:Example Payroll", data="restricted", personal=("employees",), rto=72),
    Spec("HR system", "saas", "medium", ("Identity provider", "Payroll"), support=None, costs=(9_000, 0, 3_000),
         hosting="saas:Example HR", data="restricted", personal=("employees", "candidates")),
    Spec("Ticketing", "saas", "medium", ("Identity provider", "Email"), support=None, costs=(7_000, 0, 2_000),
         hosting="saas:Example Desk"),
    Spec("Intranet", "application", "low", ("Directory", "File shares"), support=14, costs=(2_000, 1_000, 3_000)),
    Spec("Data warehouse", "data_store", "medium", ("Finance ERP",), support=50, costs=(12_000, 9_000, 15_000),
         hosting="cloud:Example Cloud:eu-west", data="confidential", personal=("customers",)),
)

OWN = {
    "nordpay": (
        Spec("Kubernetes platform", "infrastructure", "critical", ("Core network",), support=20,
             costs=(0, 60_000, 50_000), hosting="cloud:Example Cloud:eu-central", rto=1),
        Spec("Ledger database", "data_store", "critical", ("Kubernetes platform", "Backups"), support=11,
             costs=(30_000, 20_000, 25_000), hosting="cloud:Example Cloud:eu-central", data="restricted",
             personal=("customers",), rto=1),
        Spec("Card vault", "infrastructure", "critical", ("Kubernetes platform",), support=30,
             costs=(40_000, 10_000, 10_000), hosting="cloud:Example Cloud:eu-central", data="restricted",
             personal=("cardholders",), rto=1),
        Spec("Payment API", "application", "critical", ("Ledger database", "Card vault", "Fraud engine"),
             support=None, costs=(0, 25_000, 120_000), hosting="cloud:Example Cloud:eu-central", data="restricted",
             personal=("cardholders", "customers"), rto=1),
        Spec("Fraud engine", "application", "high", ("Ledger database",), support=None, costs=(20_000, 15_000, 60_000),
             hosting="cloud:Example Cloud:eu-central", data="confidential", personal=("customers",), rto=2),
        Spec("Merchant dashboard", "application", "high", ("Payment API", "Identity provider"), support=None,
             costs=(0, 8_000, 50_000), hosting="cloud:Example Cloud:eu-central", data="confidential",
             personal=("merchants",), rto=4),
        Spec("KYC service", "saas", "high", ("Payment API",), support=None, costs=(35_000, 0, 5_000),
             hosting="saas:Example KYC", data="restricted", personal=("customers",)),
        Spec("CI pipeline", "infrastructure", "high", ("Kubernetes platform", "Identity provider"), support=9,
             costs=(8_000, 6_000, 20_000), hosting="saas:Example CI"),
    ),
    "harbour-health": (
        Spec("EPR", "application", "critical", ("Virtualisation cluster", "Directory", "Clinical database"),
             support=30, costs=(300_000, 40_000, 150_000), data="restricted", personal=("patients", "health"), rto=2),
        Spec("Clinical database", "data_store", "critical", ("Virtualisation cluster", "Backups"), support=7,
             costs=(60_000, 10_000, 40_000), data="restricted", personal=("patients", "health"), rto=2),
        Spec("PACS", "application", "critical", ("Clinical database", "File shares"), support=8,
             costs=(90_000, 15_000, 40_000), data="restricted", personal=("patients", "health"), rto=4),
        Spec("PACS workstations", "endpoint_group", "high", ("PACS", "Directory"), support=-6,
             costs=(20_000, 0, 10_000), data="restricted", personal=("patients",)),
        Spec("Infusion pumps", "endpoint_group", "critical", ("Wi-Fi", "EPR"), support=16, costs=(15_000, 0, 25_000),
             data="restricted", personal=("patients", "health"), rto=1),
        Spec("Lab information system", "application", "high", ("EPR", "Clinical database"), support=26,
             costs=(70_000, 8_000, 30_000), data="restricted", personal=("patients", "health"), rto=8),
        Spec("Pharmacy system", "application", "high", ("EPR",), support=44, costs=(40_000, 5_000, 20_000),
             data="restricted", personal=("patients", "health"), rto=8),
        Spec("Patient portal", "application", "medium", ("EPR", "Identity provider"), support=None,
             costs=(0, 18_000, 45_000), hosting="cloud:Example Cloud:eu-west", data="restricted",
             personal=("patients",), rto=24),
        Spec("Scheduling", "saas", "medium", ("EPR", "Email"), support=None, costs=(22_000, 0, 6_000),
             hosting="saas:Example Scheduling", data="confidential", personal=("patients",)),
    ),
    "brightcart": (
        Spec("Web shop", "application", "critical", ("Product catalogue", "Order database", "Payment gateway", "CDN"),
             support=None, costs=(0, 45_000, 160_000), hosting="cloud:Example Cloud:eu-west", data="confidential",
             personal=("customers",), rto=1),
        Spec("Product catalogue", "application", "high", ("Order database",), support=None, costs=(0, 9_000, 40_000),
             hosting="cloud:Example Cloud:eu-west", rto=4),
        Spec("Order database", "data_store", "critical", ("Backups",), support=12, costs=(25_000, 20_000, 20_000),
             hosting="cloud:Example Cloud:eu-west", data="confidential", personal=("customers",), rto=1),
        Spec("Payment gateway", "saas", "critical", (), support=None, costs=(60_000, 0, 3_000),
             hosting="saas:Example Payments", data="restricted", personal=("cardholders",), rto=1),
        Spec("CDN", "saas", "high", (), support=None, costs=(18_000, 0, 1_000), hosting="saas:Example Edge", rto=1),
        Spec("Warehouse management", "application", "high", ("Order database", "Finance ERP"), support=-1,
             costs=(50_000, 6_000, 25_000), data="internal", personal=("customers",), rto=8),
        Spec("Recommendation engine", "application", "low", ("Product catalogue", "Data warehouse"), support=None,
             costs=(0, 14_000, 30_000), hosting="cloud:Example Cloud:eu-west", personal=("customers",)),
        Spec("Customer support desk", "saas", "medium", ("Order database", "Email"), support=None,
             costs=(16_000, 0, 4_000), hosting="saas:Example Support", data="confidential", personal=("customers",)),
    ),
}

#: TIME decisions the CIO has taken (name → (classification, reason)); one keeps a system the input flags.
DECISIONS = {
    "Identity provider": ("invest", "The base of single sign-on for every new service."),
    "Intranet": ("eliminate", "Its pages move to the ticketing knowledge base."),
    "Printers": ("tolerate", "A managed print contract replaces them next year; until then they stay."),
    "Email": ("tolerate", ""),
}


def _months(today: dt.date, months: int) -> dt.date:
    month = today.month - 1 + months
    year, month = today.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(today.day, 28))


def _data(spec: Spec, today: dt.date, owner: Membership | None, business: Membership | None) -> dict[str, object]:
    data: dict[str, object] = {
        "name": spec.name, "kind": spec.kind, "criticality": spec.criticality, "data_classification": spec.data,
        "personal_data": bool(spec.personal), "personal_data_categories": list(spec.personal),
        "licence_cost": spec.costs[0] * 100, "hosting_cost": spec.costs[1] * 100, "people_cost": spec.costs[2] * 100,
        "introduced_on": _months(today, -12 * (3 + len(spec.name) % 6)).isoformat(),
        "it_owner": owner.user.email if owner else None, "business_owner": business.user.email if business else None}
    if spec.rto is not None:
        data.update(rto_hours=spec.rto, rpo_hours=max(0, spec.rto // 2))
    if spec.support is not None:
        data["end_of_support_on"] = _months(today, spec.support).isoformat()
    where, *details = spec.hosting.split(":")
    data["hosting"] = where
    if where == "cloud":
        data.update(cloud_provider=details[0], cloud_region=details[1])
    elif where == "saas":
        data["saas_vendor"] = details[0]
    return data


def _ordered(specs: tuple[Spec, ...]) -> list[Spec]:
    """Each system after those it needs (the demo's graph has no cycle)."""
    by_name = {s.name: s for s in specs}
    done: list[Spec] = []
    seen: set[str] = set()

    def visit(spec: Spec) -> None:
        if spec.name in seen:
            return
        seen.add(spec.name)
        for need in spec.needs:
            visit(by_name[need])
        done.append(spec)

    for spec in specs:
        visit(spec)
    return done


def _member(org: Organization, *roles: str) -> Membership | None:
    return (Membership.objects.for_org(org).filter(role__in=roles).select_related("user").order_by("pk").first())


def load_org(org: Organization, *, extra: int = 0) -> int:
    """The demo estate of `org` (its own systems if it is a demo organisation), `extra` more generic ones; the
    number of systems added (0 when it has some already)."""
    if System.objects.for_org(org).exists():
        return 0
    today = org_today(org)
    cio = _member(org, "cio", "admin")
    engineer = _member(org, "contributor", "ciso") or cio
    specs = _ordered((*COMMON, *OWN.get(org.slug, ())))
    systems = {}
    for k, spec in enumerate(specs):
        data = _data(spec, today, engineer if k % 3 else cio, cio)
        data["dependencies"] = list(spec.needs)
        systems[spec.name] = services_systems.do_create_system(None, org, data)
    for k in range(extra):
        systems[f"Line-of-business app {k + 1}"] = services_systems.do_create_system(None, org, {
            "name": f"Line-of-business app {k + 1}", "dependencies": ["Directory", "Virtualisation cluster"],
            "end_of_support_on": _months(today, 6 + (k * 7) % 60).isoformat()})
    # The register's three highest risks affect the organisation's most critical systems.
    critical = [s for s in systems.values() if s.criticality == "critical"]
    for risk, system in zip(Risk.objects.for_org(org).filter(archived_at__isnull=True).order_by("-residual_rank",
                                                                                                 "number")[:3],
                            critical[-3:], strict=False):
        services_systems.do_link_risk(None, org, system, risk)
    for name, (time_class, reason) in DECISIONS.items():
        if name in systems and cio is not None:
            services_systems.do_decide_time(cio.user, org, systems[name], time_class=time_class,
                                            reason=reason or "Kept: no replacement planned.")
    return len(systems)
