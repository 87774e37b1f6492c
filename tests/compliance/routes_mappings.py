"""The mapping sets' routes for the generic suites (added to tests/compliance/routes.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accord.compliance import services, services_mappings
from accord.compliance.models import Requirement
from accord.core.models import Organization
from tests.compliance.routes import framework_document
from tests.factories import Persona
from tests.routes import Route, Seed


def mapping_document(org: Organization, key: str, source: str, target: str,
                     pairs: list[tuple[str, str, str, float]]) -> dict[str, Any]:
    return {"accord_mapping": 1, "key": key, "name": f"{org.name} mapping {key}", "description": f"{org.name} set",
            "source_framework": source, "target_framework": target,
            "mappings": [{"source": s, "target": t, "relationship": r, "strength": w} for s, t, r, w in pairs]}


SEED_PAIRS = [("G1.2", "G1.2", "equivalent", 0.9), ("G1.3", "G1.2", "subset", 0.5), ("G2.2", "G2.3", "intersects", 0.3)]


def seed_mappings(org: Organization) -> Seed:
    """A second framework of the organisation's and a set from the seeded framework to it (after
    seed_frameworks, whose framework is `seed-SLUG@1`); B's names carry the canary."""
    target = services.do_import_framework(None, org, framework_document(f"mapped-{org.slug}", f"{org.name} mapped"))
    made = services_mappings.do_import_mapping_set(None, org, mapping_document(
        org, f"seed-{org.slug}--mapped", f"seed-{org.slug}@1", target.ref, SEED_PAIRS))
    return {"mapping_set": made, "mapped_framework": target}


SEEDERS: list[Callable[[Organization], Seed]] = [seed_mappings]


def grow_mappings(seed: Seed, n: int) -> None:
    """`n` more sets in the list, each mapping G1.2 of the seeded framework (so its page lists `n` more mapped
    requirements), and the seeded set made again with about `n` more pairs."""
    org = seed["org"]
    wide = services.do_import_framework(None, org, framework_document(f"wide-{org.slug}", "Wide", per_group=3 + n))
    refs = list(Requirement.objects.for_org(org).filter(framework=wide).values_list("ref", flat=True))[:n + 3]
    source = f"seed-{org.slug}@1"
    for k in range(n):
        services_mappings.do_import_mapping_set(None, org, mapping_document(
            org, f"grown-{k}", source, wide.ref, [("G1.2", refs[k % len(refs)], "superset", 0.4)]))
    key = seed["mapping_set"].key
    services_mappings.do_delete_mapping_set(None, org, seed["mapping_set"])
    seed["mapping_set"] = services_mappings.do_import_mapping_set(None, org, mapping_document(
        org, key, source, wide.ref, [("G2.2", ref, "intersects", 0.2) for ref in refs]))


GROWERS = [grow_mappings]


def _set(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"key": seed["mapping_set"].key}


def _requirement(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"key": seed["framework"].ref, "ref": "G1.2"}


def _probe(seed: Seed, persona: Persona) -> dict[str, Any]:
    org = seed["org"]
    return mapping_document(org, "probe", seed["framework"].ref, seed["mapped_framework"].ref,
                            [("G1.3", "G2.3", "superset", 0.7)])


ROUTES: list[Route] = [
    # --- web ---
    Route("compliance:requirement", "GET", "framework.view", kwargs=_requirement, lists_data=True),
    Route("compliance:mapping_sets", "GET", "mapping.view", lists_data=True),
    Route("compliance:mapping_set", "GET", "mapping.view", kwargs=_set, lists_data=True),
    # --- API ---
    Route("GET /api/v1/orgs/{org}/mappings/", "GET", "mapping.view", lists_data=True),
    Route("POST /api/v1/orgs/{org}/mappings/", "POST", "mapping.change", body=_probe),
    Route("GET /api/v1/orgs/{org}/mappings/{key}/", "GET", "mapping.view", kwargs=_set, lists_data=True),
    Route("DELETE /api/v1/orgs/{org}/mappings/{key}/", "DELETE", "mapping.change", kwargs=_set),
    Route("GET /api/v1/orgs/{org}/frameworks/{key}/requirements/{ref}/mappings/", "GET", "mapping.view",
          kwargs=_requirement, lists_data=True),
]
