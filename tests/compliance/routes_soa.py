"""The Statement of Applicability's routes for the generic suites (see tests/routes.py), added to the compliance
app's lists by tests/compliance/routes.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accord.compliance import rules, services, services_controls, services_soa
from accord.compliance.models import Requirement
from accord.core.models import Organization
from tests.factories import Persona
from tests.routes import Route, Seed

THEMES = (("A.5", "Organisational controls"), ("A.6", "People controls"), ("A.7", "Physical controls"),
          ("A.8", "Technological controls"))


def iso_like(org: Organization, version: str, per_theme: int, *, text: str = "") -> dict[str, Any]:
    """An ISO 27001-like framework (the SoA's key, a clause and Annex A in four themes of `per_theme` controls), with
    one Annex A control whose id names the organisation (`A.8.org-b`: only B has it)."""
    themes = [{"id": ref, "title": title, "requirements": [
        {"id": f"{ref}.{k}", "title": f"{text}control {ref}.{k}", "description": "What to do"}
        for k in range(1, per_theme + 1)]} for ref, title in THEMES]
    themes[-1]["requirements"].append({"id": f"A.8.{org.slug}", "title": f"{org.name} own control"})
    return {"accord_framework": 1, "key": rules.SOA_FRAMEWORK, "name": "ISO-like", "version": version,
            "groups": [{"id": "4", "title": "Context", "requirements": [{"id": "4.1", "title": "Context"}]},
                       {"id": rules.SOA_ANNEX, "title": "Annex A", "groups": themes}]}


def seed_soa(org: Organization) -> Seed:
    """An ISO-like framework (not the built-in, which the frameworks' routes install), a control linked to the
    organisation's own Annex A control and a statement on it (B's texts carry the canary)."""
    services.do_import_framework(None, org, iso_like(org, "seed", 2))
    ref = f"A.8.{org.slug}"
    requirement = Requirement.objects.for_org(org).get(framework__version="seed", ref=ref)
    control = services_controls.do_create_control(None, org, {"name": f"{org.name} SoA control",
                                                              "status": "implemented"})
    services_controls.do_link_control_requirement(None, org, control, requirement)
    services_soa.do_set_soa_entry(None, org, ref, {"applicable": True, "reasons": ["risk_treatment"],
                                                   "justification": f"{org.name} canary justification"})
    return {"soa_ref": ref}


SEEDERS: list[Callable[[Organization], Seed]] = [seed_soa]


def grow_soa(seed: Seed, n: int) -> None:
    """A newer version of the ISO-like framework (which the SoA then reads) with `n` more controls in each theme,
    a statement on `n` of them, half left out, and a control linked to every third (`grow_controls` adds `n`
    controls too: together they stay under one page of the controls list, so that its count query, which only
    runs when more may follow, is not mistaken for a query per row)."""
    org = seed["org"]
    services.do_import_framework(None, org, iso_like(org, "grown", 2 + n, text="Grown "))
    for k in range(1, n + 1):
        ref = f"{THEMES[k % 4][0]}.{k}"
        services_soa.do_set_soa_entry(None, org, ref, {"applicable": bool(k % 2), "reasons": ["business"],
                                                       "justification": f"Grown {k}"})
        if k % 3:
            continue
        control = services_controls.do_create_control(None, org, {"name": f"Grown SoA control {k}",
                                                                  "status": ("planned", "implemented")[k % 2]})
        requirement = Requirement.objects.for_org(org).get(framework__version="grown", ref=ref)
        services_controls.do_link_control_requirement(None, org, control, requirement)
    ref = f"A.8.{org.slug}"
    services_soa.do_set_soa_entry(None, org, ref, {"applicable": True, "reasons": ["legal"],
                                                   "justification": f"{org.name} grown justification"})


GROWERS = [grow_soa]


def _ref(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"ref": seed["soa_ref"]}


_EXCLUDE = {"applicable": "no", "justification": "Probe: no such activity"}
API = "/api/v1/orgs/{org}"

ROUTES: list[Route] = [
    Route("compliance:soa", "GET", "soa.view", lists_data=True),
    Route("compliance:soa_export", "GET", "soa.view"),
    Route("compliance:soa_row", "GET", "soa.view", kwargs=_ref, lists_data=True),
    Route("compliance:soa_edit", "GET", "soa.change", kwargs=_ref),
    Route("compliance:soa_edit", "POST", "soa.change", kwargs=_ref, body=lambda s, p: {**_EXCLUDE, "next": "1"}),
    Route(f"GET {API}/soa/", "GET", "soa.view", lists_data=True),
    Route(f"GET {API}/soa/export", "GET", "soa.view"),
    Route(f"POST {API}/soa/export", "POST", "soa.view"),
    Route(f"GET {API}/soa/{{ref}}", "GET", "soa.view", kwargs=_ref, lists_data=True),
    Route(f"PATCH {API}/soa/{{ref}}", "PATCH", "soa.change", kwargs=_ref,
          body=lambda s, p: {"applicable": False, "justification": "Probe: no such activity"}),
]
