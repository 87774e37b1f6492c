"""A policy version as a PDF (accord.core.reports): its rendered text (the same safe HTML as the page),
who approved it and when, what it answers (requirements, controls) and its review cycle. A report of one
thing among several: `policy` (id or reference) and optionally `version` (default: the version in force,
else the latest)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.core import reports
from accord.core.models import Organization
from accord.policies import selectors
from accord.policies.models import Policy, PolicyVersion
from accord.policies.texts import render_markdown

POLICY = "policy"


def chosen_version(org: Organization, policy: Policy, version: int | None) -> PolicyVersion:
    """Version `version` of `policy` (404 if none), or else the version in force, else the latest."""
    if version is not None:
        return selectors.access_version(org, policy, version)
    row = selectors.policy_row(org, policy)
    if row.in_force is not None:
        return row.in_force
    latest = selectors.versions(org, policy)
    if not latest:
        raise ValidationError({"version": _("%(ref)s has no version yet.") % {"ref": policy.ref}})
    return latest[0]


def check(org: Organization, asked: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters kept with the job: the policy's id and the version number (404 for what `org` lacks)."""
    unknown = sorted(set(asked) - {"policy", "version"})
    if unknown:
        raise ValidationError({unknown[0]: _("The policy report takes `policy` and `version` only.")})
    if not asked.get("policy"):
        raise ValidationError({"policy": _("Name the policy (its id or reference, POL-001).")})
    policy = selectors.access_policy(org, str(asked["policy"]))
    raw = asked.get("version")
    number: int | None = None
    if raw not in (None, ""):
        try:
            number = int(str(raw))
        except ValueError:
            raise ValidationError({"version": _("A version is a whole number.")}) from None
    version = chosen_version(org, policy, number)
    return {"policy": policy.pk, "version": version.version}


def build_policy(org: Organization, *, policy: int, version: int) -> reports.Document:
    """The report's content: one version of one policy."""
    found = selectors.access_policy(org, policy)
    chosen = selectors.access_version(org, found, version)
    state = selectors.version_state(chosen, found, selectors.profile_of(org))
    requirements, controls = selectors.links(org, found)
    sections = [reports.Section("text", _("The policy")), reports.Section("approval", _("Approval and review")),
                reports.Section("links", _("What it answers"))]
    context = {"policy": found, "version": chosen, "state": state, "html": render_markdown(chosen.body),
               "approvals": list(chosen.approvals.all()), "requirements": requirements, "controls": controls}
    return reports.Document("policies/reports/policy.html", context, sections,
                            subject=f"{found.ref} v{chosen.version}")


POLICY_REPORT = reports.Report(POLICY, gettext_lazy("Policy"), "policy.export", build_policy, parameters=check)
