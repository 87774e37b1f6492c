"""The compliance app's routes for the generic suites (see tests/routes.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.compliance import services
from accord.core.models import Organization
from tests.factories import Persona
from tests.routes import Route, Seed


def framework_document(key: str, name: str, *, groups: int = 2, per_group: int = 3,
                       version: str = "1") -> dict[str, Any]:
    """A framework in Accord's format: `groups` groups (the first with a sub-group) of `per_group`
    requirements, the first requirement of each group split into two sub-requirements."""
    tops = []
    for g in range(1, groups + 1):
        requirements = [{"id": f"G{g}.{r}", "title": f"{name} requirement {g}.{r}",
                         "description": f"{name} asks {g}.{r}", "evidence": ["A record"]}
                        for r in range(1, per_group + 1)]
        requirements[0] = {**requirements[0], "assessable": False, "requirements": [
            {"id": f"G{g}.1({s})", "title": f"{name} part {s} of {g}.1", "description": "Part"} for s in "ab"]}
        group: dict[str, Any] = {"id": f"G{g}", "title": f"{name} group {g}", "requirements": requirements}
        if g == 1:
            group["groups"] = [{"id": "G1.X", "title": f"{name} sub-group", "requirements": [
                {"id": "G1.X.1", "title": f"{name} nested requirement", "parameters": [
                    {"id": "p1", "label": "Frequency", "values": ["yearly"], "choices": ["yearly", "monthly"]}]}]}]
        tops.append(group)
    return {"accord_framework": 1, "key": key, "name": name, "version": version, "publisher": f"{name} publisher",
            "description": f"{name} canary description", "licence_note": "Written for the tests", "source": "",
            "groups": tops}


def seed_frameworks(org: Organization) -> Seed:
    """A framework of the organisation's own (key unique to it, texts naming it: B's carry the canary)."""
    framework = services.do_import_framework(None, org, framework_document(f"seed-{org.slug}", f"{org.name} controls"))
    return {"framework": framework}


SEEDERS: list[Callable[[Organization], Seed]] = [seed_frameworks]


def grow_frameworks(seed: Seed, n: int) -> None:
    """`n` more frameworks in the list, and a new version of the seeded one with about `2n/3` more requirements, which
    its pages then show (its key names the newest version; under one page of requirements, so that a page's
    count query, which only runs when more may follow, is not mistaken for a query per row)."""
    org = seed["org"]
    for k in range(n):
        services.do_import_framework(None, org, framework_document(f"grown-{k}", f"Grown {k}", groups=1))
    services.do_import_framework(None, org, framework_document(f"seed-{org.slug}", f"{org.name} controls",
                                                               per_group=3 + n // 3, version="2"))


GROWERS = [grow_frameworks]


def _framework(seed: Seed, persona: Persona) -> dict[str, Any]:
    # The key alone names the newest version: the grown one where the query-count suite grew the lists.
    return {"key": seed["framework"].key}


def _oscal_catalog(seed: Seed, persona: Persona) -> dict[str, Any]:
    from tests.compliance.test_oscal import authored_catalog

    return authored_catalog()


def _sheet(seed: Seed, persona: Persona) -> dict[str, Any]:
    content = (b"framework_key,framework_name,framework_version,group,group_title,ref,title\r\n"
               b"probe-sheet,Probe,1,P,Probe group,P.1,Probe requirement\r\n")
    return {"file": SimpleUploadedFile("framework.csv", content, content_type="text/csv")}


ROUTES: list[Route] = [
    # --- web ---
    Route("compliance:frameworks", "GET", "framework.view", lists_data=True),
    Route("compliance:framework", "GET", "framework.view", kwargs=_framework, lists_data=True),
    # --- API ---
    Route("GET /api/v1/orgs/{org}/frameworks/", "GET", "framework.view", lists_data=True),
    Route("POST /api/v1/orgs/{org}/frameworks/", "POST", "framework.import",
          body=lambda s, p: {"builtin": "iso27001-2022"}),
    Route("POST /api/v1/orgs/{org}/oscal/import", "POST", "framework.import", body=_oscal_catalog),
    Route("POST /api/v1/orgs/{org}/frameworks/import", "POST", "framework.import", body=_sheet),
    Route("GET /api/v1/orgs/{org}/frameworks/{key}/", "GET", "framework.view", kwargs=_framework, lists_data=True),
    Route("GET /api/v1/orgs/{org}/frameworks/{key}/requirements/", "GET", "framework.view", kwargs=_framework,
          lists_data=True),
]
