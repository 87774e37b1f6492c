"""Failing controls into TIME (decision 0059): a control meant to work (implemented, in progress) fails when a
requirement it serves stands non-compliant in its newest audit in progress or closed that assessed it; a system
relies on the controls of its open risks, and the security input lists each failing one. The rule
(accord.compliance.rules) and its SQL twin (selectors_controls.failing_controls) agree; the list reads the
reasons of a page in a constant number of queries; another organisation's controls never count."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.compliance import services as compliance_services
from accord.compliance import services_assessments, services_controls
from accord.compliance.models_assessments import AssessmentResult
from accord.compliance.rules import AuditVerdict, control_failing, standing_verdict
from accord.compliance.selectors_controls import failing_controls
from accord.core.clock import org_today
from accord.portfolio import selectors_systems, services_systems
from accord.risks import services as risk_services
from tests.compliance.routes import framework_document
from tests.conftest import signed_in
from tests.portfolio.test_systems import high_risk, in_force_appetite

pytestmark = pytest.mark.django_db


# --- the rule ------------------------------------------------------------------------------------------------

def test_the_standing_verdict_is_the_newest_audit_in_progress_or_closed_that_assessed_the_requirement():
    old_closed = AuditVerdict(1, "closed", "non_compliant")
    assert standing_verdict([old_closed]) == "non_compliant"
    assert standing_verdict([old_closed, AuditVerdict(2, "in_progress", "compliant")]) == "compliant"
    # Not assessed yet in the newer audit, or an audit not started: the closed one's verdict stands.
    assert standing_verdict([old_closed, AuditVerdict(2, "in_progress", "not_assessed")]) == "non_compliant"
    assert standing_verdict([old_closed, AuditVerdict(3, "planned", "compliant")]) == "non_compliant"
    assert standing_verdict([AuditVerdict(3, "planned", "non_compliant")]) is None
    assert standing_verdict([]) is None


def test_a_control_fails_only_when_meant_to_work_and_a_requirement_it_serves_stands_non_compliant():
    assert control_failing("implemented", ["compliant", "non_compliant"])
    assert control_failing("in_progress", ["non_compliant"])
    assert not control_failing("planned", ["non_compliant"])
    assert not control_failing("retired", ["non_compliant"])
    assert not control_failing("implemented", ["partial", "compliant", None])  # a gap to close, not a failure
    assert not control_failing("implemented", [])


# --- the SQL twin --------------------------------------------------------------------------------------------

def _framework(org, key, **size):
    return compliance_services.do_import_framework(None, org, framework_document(key, f"{org.name} {key}", **size))


def _audit(org, framework, status="in_progress"):
    return services_assessments.do_create_assessment(None, org, {"title": f"Audit of {framework.key}",
                                                                 "framework": framework.key, "status": status})


def _record(org, assessment, requirement, result):
    row = AssessmentResult.objects.for_org(org).get(assessment=assessment, requirement=requirement)
    services_assessments.do_record_result(None, org, row, {"result": result})


def _close(org, assessment):
    services_assessments.do_update_assessment(None, org, assessment, {"status": "closed"})


def _control(org, name, status, requirement, risk=None):
    control = services_controls.do_create_control(None, org, {"name": name, "status": status})
    services_controls.do_link_control_requirement(None, org, control, requirement)
    if risk is not None:
        services_controls.do_link_control_risk(None, org, control, risk)
    return control


def test_the_sql_twin_agrees_with_the_rule_over_statuses_and_audit_histories(org_a):
    framework = _framework(org_a, "twin", groups=3, per_group=6)
    first, second = _audit(org_a, framework), _audit(org_a, framework)
    requirements = [r.requirement for r in AssessmentResult.objects.for_org(org_a).filter(assessment=first)
                    .select_related("requirement").order_by("requirement__position")]
    histories = list(itertools.product(["not_assessed", "compliant", "partial", "non_compliant"], repeat=2))
    assert len(requirements) >= len(histories)
    expected = {}
    for requirement, (older, newer) in zip(requirements, histories, strict=False):
        if older != "not_assessed":
            _record(org_a, first, requirement, older)
        if newer != "not_assessed":
            _record(org_a, second, requirement, newer)
        verdict = standing_verdict([AuditVerdict(first.number, "closed", older),
                                    AuditVerdict(second.number, "in_progress", newer)])
        for status in ("planned", "in_progress", "implemented", "retired"):
            control = _control(org_a, f"{older}/{newer} {status}", status, requirement)
            expected[control.pk] = control_failing(status, [verdict])
    _close(org_a, first)
    assert set(failing_controls(org_a).values_list("pk", flat=True)) == {pk for pk, fails in expected.items() if fails}
    assert any(expected.values()) and not all(expected.values())


def test_a_control_serving_several_requirements_fails_when_any_stands_non_compliant(org_a):
    framework = _framework(org_a, "many")
    audit = _audit(org_a, framework)
    rows = list(AssessmentResult.objects.for_org(org_a).filter(assessment=audit).order_by("requirement__position"))
    control = _control(org_a, "Backups", "implemented", rows[0].requirement)
    services_controls.do_link_control_requirement(None, org_a, control, rows[1].requirement)
    _record(org_a, audit, rows[0].requirement, "compliant")
    assert not failing_controls(org_a).exists()
    _record(org_a, audit, rows[1].requirement, "non_compliant")
    assert list(failing_controls(org_a)) == [control]


# --- into TIME -----------------------------------------------------------------------------------------------

@pytest.fixture
def failing_setup(org_a, cio, ciso):
    """A system past end of support, linked to a risk above tolerance that relies on a failing control."""
    in_force_appetite(org_a, cio, ciso)
    legacy = services_systems.do_create_system(cio.user, org_a, {
        "name": "Legacy ERP", "end_of_support_on": (org_today(org_a) - dt.timedelta(days=30)).isoformat()})
    risk = high_risk(org_a, ciso)
    services_systems.do_link_risk(cio.user, org_a, legacy, risk)
    framework = _framework(org_a, "iso")
    audit = _audit(org_a, framework)
    row = AssessmentResult.objects.for_org(org_a).filter(assessment=audit).order_by("requirement__position")[0]
    control = _control(org_a, "Patch management", "implemented", row.requirement, risk)
    _record(org_a, audit, row.requirement, "non_compliant")
    return {"system": legacy, "risk": risk, "control": control, "audit": audit, "requirement": row.requirement}


def test_past_end_of_support_above_tolerance_and_failing_control_gets_migrate_or_eliminate_with_three_reasons(
        client, org_a, cio, failing_setup):
    legacy, risk, control = failing_setup["system"], failing_setup["risk"], failing_setup["control"]
    suggestion = selectors_systems.time_input(org_a, legacy)
    assert suggestion.suggested == ("migrate", "eliminate")
    assert [r.code for r in suggestion.reasons] == ["end_of_support_passed", "risk_above_tolerance",
                                                    "failing_control"]
    assert [r.ref for r in suggestion.reasons] == ["", risk.ref, control.ref]
    body = client.get(f"/api/v1/orgs/{org_a.slug}/systems/{legacy.pk}/", **cio.auth()).json()
    assert body["flagged"] is True
    assert body["time_input"]["suggested"] == ["migrate", "eliminate"]
    assert [r["code"] for r in body["time_input"]["reasons"]] == ["end_of_support_passed", "risk_above_tolerance",
                                                                 "failing_control"]
    assert body["time_input"]["reasons"][2]["text"] == f"Control {control.ref} Patch management is failing."
    page = signed_in(cio).get(f"/o/{org_a.slug}/systems/{legacy.pk}/").content.decode()
    assert f"Control {control.ref} Patch management is failing." in page
    listed = signed_in(cio).get(f"/o/{org_a.slug}/systems/").content.decode()
    assert f"Control {control.ref} Patch management is failing." in listed


def test_the_failing_control_alone_flags_the_system_in_the_list_filter_and_the_decision_s_audit(
        client, org_a, cio, ciso):
    erp = services_systems.do_create_system(cio.user, org_a, {"name": "ERP"})
    quiet = services_systems.do_create_system(cio.user, org_a, {"name": "Quiet"})
    risk = risk_services.do_create_risk(ciso.user, org_a, {"title": "Low risk", "category": "cyber_security",
                                                           "likelihood": 1, "impact": 1})
    services_systems.do_link_risk(cio.user, org_a, erp, risk)
    services_systems.do_link_risk(cio.user, org_a, quiet, risk_services.do_create_risk(
        ciso.user, org_a, {"title": "Other", "category": "cyber_security", "likelihood": 1, "impact": 1}))
    framework = _framework(org_a, "solo")
    audit = _audit(org_a, framework)
    row = AssessmentResult.objects.for_org(org_a).filter(assessment=audit).order_by("requirement__position")[0]
    control = _control(org_a, "MFA", "in_progress", row.requirement, risk)
    assert not selectors_systems.systems(org_a).get(pk=erp.pk).flagged
    _record(org_a, audit, row.requirement, "non_compliant")
    flagged = client.get(f"/api/v1/orgs/{org_a.slug}/systems/?flagged=true", **cio.auth()).json()["items"]
    assert [s["name"] for s in flagged] == ["ERP"]
    decided = services_systems.do_decide_time(cio.user, org_a, erp, time_class="tolerate", reason="Fixing MFA")
    assert decided.time_class == "tolerate"
    from accord.core.models import AuditEvent

    event = AuditEvent.objects.for_org(org_a).filter(object_type="portfolio.system").order_by("-pk").first()
    assert control.ref in str(event.changes)


def test_a_closed_or_archived_risk_s_controls_are_not_relied_on(org_a, cio, failing_setup):
    legacy, risk = failing_setup["system"], failing_setup["risk"]
    risk_services.do_archive_risk(cio.user, org_a, risk, reason="Gone")
    codes = [r.code for r in selectors_systems.time_input(org_a, legacy).reasons]
    assert codes == ["end_of_support_passed"]


def test_a_newer_compliant_verdict_clears_the_failing_control(org_a, failing_setup):
    _close(org_a, failing_setup["audit"])
    framework = failing_setup["requirement"].framework
    newer = _audit(org_a, framework)
    assert "failing_control" in [r.code for r in selectors_systems.time_input(org_a, failing_setup["system"]).reasons]
    _record(org_a, newer, failing_setup["requirement"], "compliant")
    assert "failing_control" not in [r.code for r in
                                     selectors_systems.time_input(org_a, failing_setup["system"]).reasons]


def test_another_organisation_s_failing_controls_never_count(org_a, org_b, failing_setup):
    assert list(failing_controls(org_a)) == [failing_setup["control"]]
    assert not failing_controls(org_b).exists()
    framework = _framework(org_b, "theirs")
    audit = _audit(org_b, framework)
    row = AssessmentResult.objects.for_org(org_b).filter(assessment=audit).order_by("requirement__position")[0]
    theirs = _control(org_b, "CANARYB control", "implemented", row.requirement)
    _record(org_b, audit, row.requirement, "non_compliant")
    assert list(failing_controls(org_b)) == [theirs]
    assert list(failing_controls(org_a)) == [failing_setup["control"]]


def test_the_list_reads_the_reasons_of_a_page_in_a_constant_number_of_queries(org_a, cio, failing_setup):
    browser = signed_in(cio)
    linked = [1]  # the legacy system, then every system added

    def count(n):
        for k in range(n):
            system = services_systems.do_create_system(cio.user, org_a, {"name": f"System {n}-{k}"})
            services_systems.do_link_risk(cio.user, org_a, system, failing_setup["risk"])
        browser.get(f"/o/{org_a.slug}/systems/")
        with CaptureQueriesContext(connection) as queries:
            page = browser.get(f"/o/{org_a.slug}/systems/").content.decode()
        linked[0] += n
        assert page.count(f"Control {failing_setup['control'].ref} Patch management is failing.") == linked[0]
        return len(queries)

    assert count(2) == count(10)

