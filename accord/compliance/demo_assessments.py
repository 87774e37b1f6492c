"""Demo audits: in each demo organisation, a closed internal audit of ISO/IEC 27001:2022 from last year (every
requirement assessed) and this year's audit in progress, with findings, observations, remediation actions
(one overdue, one done), a finding that raised a risk in the register, and evidence. Idempotent: an
organisation that has an audit gets none."""

from __future__ import annotations

import datetime as dt

from accord.compliance import selectors, selectors_assessments, services_assessments, services_evidence
from accord.compliance.models_assessments import Assessment, AssessmentResult
from accord.core.clock import org_today
from accord.core.demo import DemoContext
from accord.core.models import Membership, Organization

FRAMEWORK = "iso27001-2022"
# (requirement, severity, title, what the auditor saw, remediation, days until due (negative: overdue), status)
FINDINGS = (
    ("A.5.15", "high", "Leavers keep access for weeks", "Three of ten sampled leavers still had active accounts 20 "
     "days after leaving.", "Automate account removal from the HR leaver feed", -10, "in_progress"),
    ("A.8.13", "critical", "Backups never restored in a test", "No restore test is recorded for the core systems "
     "in the last 12 months.", "Run and record a quarterly restore test", 30, "open"),
    ("A.5.24", "medium", "Incident roles not written down", "The incident procedure names no incident manager "
     "or deputy.", "Name the incident manager and deputy in the procedure", 14, "done"),
)
OBSERVATION = ("A.6.3", "Awareness training could track completion by team, not only overall.")


def _members(org: Organization) -> tuple[list[str], str | None]:
    members = list(Membership.objects.for_org(org).select_related("user").order_by("pk"))
    owner = next((m.user.email for m in members if m.role == "ciso"), members[0].user.email if members else None)
    # An external auditor where the organisation has one; else its CISO audits internally.
    auditors = [m.user.email for m in members if m.role == "auditor"] or ([owner] if owner else [])
    return auditors, owner


def _results(org: Organization, assessment: Assessment) -> list[AssessmentResult]:
    return list(selectors_assessments.results(org, assessment))


def _verdict(k: int) -> dict[str, str]:
    if k % 17 == 5:
        return {"result": "not_applicable", "justification": "No such activity in scope (no in-house development "
                                                             "or no premises of our own)."}
    if k % 11 == 3:
        return {"result": "non_compliant", "notes": "No evidence of this in place."}
    if k % 5 == 2:
        return {"result": "partial", "notes": "In place for the main systems only."}
    return {"result": "compliant", "notes": "Seen in place; evidence sampled."}


def _closed(org: Organization, today: dt.date, auditors: list[str]) -> None:
    assessment = services_assessments.do_create_assessment(None, org, {
        "title": "ISO 27001 internal audit, last year", "framework": FRAMEWORK, "status": "in_progress",
        "scope": "The whole information security management system, all sites.", "auditors": auditors,
        "starts_on": today - dt.timedelta(days=380), "ends_on": today - dt.timedelta(days=350)})
    for k, result in enumerate(_results(org, assessment)):
        services_assessments.do_record_result(None, org, result, _verdict(k))
    services_assessments.do_update_assessment(None, org, assessment, {"status": "closed"})


def _in_progress(org: Organization, today: dt.date, auditors: list[str], owner: str | None) -> int:
    assessment = services_assessments.do_create_assessment(None, org, {
        "title": "ISO 27001 surveillance audit", "framework": FRAMEWORK, "status": "in_progress",
        "scope": "Annex A controls for the production systems and the service desk.", "auditors": auditors,
        "starts_on": today - dt.timedelta(days=20), "ends_on": today + dt.timedelta(days=25)})
    results = _results(org, assessment)
    by_ref = {r.requirement.ref: r for r in results}
    for k, result in enumerate(results[: len(results) * 2 // 5]):
        services_assessments.do_record_result(None, org, result, _verdict(k + 1))
    made = 0
    for ref, severity, title, seen, action, due, status in FINDINGS:
        found = by_ref.get(ref)
        if found is not None:
            services_assessments.do_record_result(None, org, found, {"result": "non_compliant", "notes": seen})
        finding = services_assessments.do_create_finding(None, org, assessment, {
            "title": title, "severity": severity, "description": seen, "requirement": ref if found else ""})
        services_assessments.do_create_remediation(None, org, finding, {
            "title": action, "owner": owner, "due_on": today + dt.timedelta(days=due), "status": status})
        if severity == "critical":
            services_assessments.do_raise_finding_risk(None, org, finding, {"owner": owner} if owner else None)
        made += 1
    ref, text = OBSERVATION
    services_assessments.do_create_finding(None, org, assessment, {
        "title": text, "kind": "observation", "severity": "low", "requirement": ref if ref in by_ref else ""})
    first = by_ref.get("A.5.1") or results[0]
    services_evidence.do_add_evidence(None, org, {
        "title": "Information security policy (approved)", "url": "https://intranet.example/policies/isms",
        "expires_on": today + dt.timedelta(days=20)}, result=first)
    return made


def load(context: DemoContext) -> None:
    for slug, org in context.orgs.items():
        if Assessment.objects.for_org(org).exists():
            continue
        if not selectors.frameworks(org).filter(key=FRAMEWORK).exists():
            continue
        today = org_today(org)
        auditors, owner = _members(org)
        _closed(org, today, auditors)
        made = _in_progress(org, today, auditors, owner)
        context.log(f"{slug}: a closed audit and one in progress with {made} findings")
