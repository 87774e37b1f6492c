"""The GDPR audit pre-filled from the privacy registers: hand-made registers give exactly the expected
suggestions (one rule per requirement, rules_gdpr_audit), and the auditor's acceptance records the result and a
finding through the compliance app's services, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accord.compliance import services as compliance_services
from accord.compliance import services_assessments
from accord.compliance.models_assessments import AssessmentResult, Finding
from accord.core.clock import org_today
from accord.core.models import AuditEvent
from accord.privacy import (
    rules_gdpr_audit,
    selectors_gdpr_audit,
    services_breaches,
    services_dpias,
    services_gdpr_audit,
    services_processors,
    services_requests,
    services_ropa,
)
from accord.privacy.models_processors import Transfer
from accord.privacy.rules_gdpr_audit import ActivityFact, Facts, Suggestion

pytestmark = pytest.mark.django_db

COMPLETE = {
    "name": "Patient records", "controller_name": "Alpha Clinic", "controller_contact": "privacy@alpha.test",
    "purposes": [{"name": "Care", "legal_basis": "c"}], "data_subjects": ["Patients"],
    "data_categories": [{"name": "Diagnoses", "special": True, "art9_condition": "h"}],
    "recipients": [{"name": "Laboratories"}], "retention": "20 years", "security_measures": "Encryption",
}
ALL_CLAUSES = {f"clause_{c}": True for c in "abcdefgh"}


def test_empty_registers_suggest_only_what_always_applies():
    assert rules_gdpr_audit.suggest(Facts()) == [
        Suggestion("Art.30(1)", "non_compliant", "no_record"), Suggestion("Art.35(1)", "compliant", "dpias_done")]


def test_each_rule_answers_from_its_facts():
    facts = Facts(
        activities=(ActivityFact("PA-001", complete=True, dpia_required=True, has_dpia=True),
                    ActivityFact("PA-002", complete=False, missing=("controller", "retention"), dpia_required=True)),
        requests_late=(), requests_total=3, breaches_notified_late=("BR-002",), breaches_notified=2,
        processors_incomplete=(("PR-001", ("clause_c",)),), processors_total=2,
        transfers_without_mechanism=(), transfers_total=1)
    assert rules_gdpr_audit.suggest(facts) == [
        Suggestion("Art.12(3)", "compliant", "requests_on_time"),
        Suggestion("Art.28(3)", "partial", "contracts_incomplete", ("PR-001: clause_c",)),
        Suggestion("Art.30(1)", "partial", "record_incomplete", ("PA-002: controller, retention",)),
        Suggestion("Art.33(1)", "non_compliant", "breaches_late", ("BR-002",)),
        Suggestion("Art.35(1)", "non_compliant", "dpia_missing", ("PA-002",)),
        Suggestion("Art.44", "compliant", "transfers_founded"),
    ]


def _registers(org):
    """Planted: PA-001 complete; PA-002 screened as requiring a DPIA, with none; PA-003 requiring one, with its
    DPIA; a request answered late and one on time; a breach notified late and one in time; a processor with a
    full contract and one missing clauses; a transfer with a mechanism and one without."""
    services_ropa.do_create_activity(None, org, COMPLETE)
    lacking = services_ropa.do_create_activity(None, org, {**COMPLETE, "name": "Genetic research"})
    services_ropa.do_screen_activity(None, org, lacking, criteria=["sensitive_data", "large_scale"])
    assessed = services_ropa.do_create_activity(None, org, {**COMPLETE, "name": "Video monitoring"})
    services_ropa.do_screen_activity(None, org, assessed, criteria=[], cases=["public_monitoring"])
    services_dpias.do_create_dpia(None, org, assessed)
    today = org_today(org)
    late = services_requests.do_create_request(None, org, {"kind": "access",
                                                           "received_on": today - dt.timedelta(days=80)})
    services_requests.do_close_request(None, org, late, outcome="answered", response="Sent")
    services_requests.do_create_request(None, org, {"kind": "erasure", "received_on": today})
    now = timezone.now()
    slow = services_breaches.do_open_breach(None, org, {"title": "Lost USB key",
                                                        "became_aware_at": now - dt.timedelta(hours=100)})
    services_breaches.do_add_breach_notification(None, org, slow, {"sent_at": now, "content": "First phase",
                                                                   "late_reasons": "Found the owner late"})
    quick = services_breaches.do_open_breach(None, org, {"title": "Misaddressed e-mail",
                                                         "became_aware_at": now - dt.timedelta(hours=5)})
    services_breaches.do_add_breach_notification(None, org, quick, {"sent_at": now, "content": "Notified"})
    services_processors.do_create_processor(None, org, {"name": "Hosting", **ALL_CLAUSES})
    partial = services_processors.do_create_processor(None, org, {"name": "Mailing", "clause_a": True})
    services_processors.do_create_transfer(None, org, {"processor": partial.pk, "destination": "US",
                                                       "mechanism": "scc", "scc_module": 2})
    services_processors.do_create_transfer(None, org, {"processor": partial.pk, "destination": "IN"})
    return {"lacking": lacking, "late": late, "slow": slow, "partial": partial}


@pytest.fixture
def gdpr_audit(org_a, auditor):
    compliance_services.do_install_builtin_framework(None, org_a, "gdpr")
    return services_assessments.do_create_assessment(None, org_a, {
        "title": "GDPR audit 2026", "framework": "gdpr", "status": "in_progress", "auditors": [auditor.user.email]})


def test_hand_made_registers_give_exactly_the_planted_suggestions(org_a, gdpr_audit):
    planted = _registers(org_a)
    rows = selectors_gdpr_audit.suggestions(org_a, gdpr_audit)
    unfounded = Transfer.objects.for_org(org_a).get(destination="IN").ref
    assert [(r.suggestion.requirement, r.suggestion.result, r.suggestion.reason, r.suggestion.evidence)
            for r in rows] == [
        ("Art.12(3)", "non_compliant", "requests_late", (planted["late"].ref,)),
        ("Art.28(3)", "partial", "contracts_incomplete",
         (f"{planted['partial'].ref}: clause_b, clause_c, clause_d, clause_e, clause_f, clause_g, clause_h",)),
        ("Art.30(1)", "compliant", "record_complete", ("3",)),
        ("Art.33(1)", "non_compliant", "breaches_late", (planted["slow"].ref,)),
        ("Art.35(1)", "non_compliant", "dpia_missing", (planted["lacking"].ref,)),
        ("Art.44", "non_compliant", "transfers_unfounded", (unfounded,)),
    ]
    assert all(r.result is not None and r.recorded == "not_assessed" for r in rows)


def test_the_auditor_accepts_a_suggestion_into_the_results_and_findings(org_a, gdpr_audit, auditor):
    planted = _registers(org_a)
    before = AuditEvent.objects.for_org(org_a).count()
    recorded = services_gdpr_audit.do_accept_gdpr_suggestion(auditor.user, org_a, gdpr_audit, "Art.35(1)")
    assert recorded.result == "non_compliant" and planted["lacking"].ref in recorded.notes
    finding = Finding.objects.for_org(org_a).get(assessment=gdpr_audit)
    assert finding.requirement.ref == "Art.35(1)" and finding.severity == "high"
    assert AuditEvent.objects.for_org(org_a).count() == before + 2
    changed = services_gdpr_audit.do_accept_gdpr_suggestion(auditor.user, org_a, gdpr_audit, "Art.30(1)",
                                                            result="partial", finding=False)
    assert changed.result == "partial" and Finding.objects.for_org(org_a).count() == 1
    assert AssessmentResult.objects.for_org(org_a).get(pk=changed.pk).assessed_by == auditor.user


def test_an_unknown_requirement_or_another_framework_is_refused(org_a, gdpr_audit, auditor):
    with pytest.raises(ValidationError, match="suggest nothing"):
        services_gdpr_audit.do_accept_gdpr_suggestion(auditor.user, org_a, gdpr_audit, "Art.99")
    compliance_services.do_install_builtin_framework(None, org_a, "nis2")
    other = services_assessments.do_create_assessment(None, org_a, {"title": "NIS2", "framework": "nis2"})
    with pytest.raises(ValidationError, match="built-in GDPR framework"):
        selectors_gdpr_audit.suggestions(org_a, other)


def test_the_fronts_show_and_accept_the_suggestions(client, org_a, gdpr_audit, auditor, viewer, capsys):
    from django.test import Client
    from django.urls import reverse

    from accord.cli import main

    _registers(org_a)
    path = f"/api/v1/orgs/{org_a.slug}/privacy/gdpr-audits/{gdpr_audit.pk}/suggestions"
    listed = client.get(path, **auditor.auth()).json()
    assert [(s["requirement"], s["result"]) for s in listed][:3] == [
        ("Art.12(3)", "non_compliant"), ("Art.28(3)", "partial"), ("Art.30(1)", "compliant")]
    refused = client.post(f"{path}/accept", {"requirement": "Art.44"}, content_type="application/json",
                          **viewer.auth())
    assert refused.status_code == 403
    accepted = client.post(f"{path}/accept", {"requirement": "Art.44"}, content_type="application/json",
                           **auditor.auth())
    assert accepted.status_code == 200, accepted.content
    assert {s["requirement"]: s["recorded"] for s in accepted.json()}["Art.44"] == "non_compliant"
    browser = Client()
    browser.force_login(viewer.user)
    page = browser.get(reverse("gdpr_audit:suggestions", kwargs={"org": org_a.slug, "assessment_id": gdpr_audit.pk}))
    rows = page.content.decode().split("<tbody>")[1]
    assert page.status_code == 200 and "Art.35(1)" in rows and "Record" not in rows  # a viewer records nothing
    assert main(["privacy", "gdpr-audit", "suggest", org_a.slug, gdpr_audit.ref]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1].split("\t")[:4] == ["Art.44", "non_compliant", "transfers_unfounded", "non_compliant"]
    assert main(["privacy", "gdpr-audit", "accept", org_a.slug, gdpr_audit.ref, "Art.28(3)", "--no-finding"]) == 0
    assert capsys.readouterr().out == "Art.28(3)\tpartial\n"


def test_an_incomplete_record_is_named_with_what_it_lacks(org_a, gdpr_audit):
    bare = services_ropa.do_create_activity(None, org_a, {"name": "Visitor log"})
    [row] = [r for r in selectors_gdpr_audit.suggestions(org_a, gdpr_audit) if r.suggestion.requirement == "Art.30(1)"]
    assert row.suggestion.result == "partial"
    assert row.suggestion.evidence == (f"{bare.ref}: controller (30(1)(a)), purposes (30(1)(b)), data_subjects "
                                       "(30(1)(c)), data_categories (30(1)(c)), recipients (30(1)(d)), retention "
                                       "(30(1)(f)), security (30(1)(g))",)
