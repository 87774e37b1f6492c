"""The demo audits: each demo organisation has one audit in progress, with findings, remediation actions (one
overdue) and a risk raised from a finding, and one closed audit with every requirement assessed; loading the
demo twice adds none."""

import pytest

from accord.compliance import selectors_assessments as selectors
from accord.core.audit import verify_chain
from accord.core.demo import load_demo
from accord.core.models import Organization

DEMO_ORGS = ("nordpay", "harbour-health", "brightcart")


@pytest.fixture
def demo(db):
    load_demo(log=lambda line: None)


@pytest.mark.parametrize("slug", DEMO_ORGS)
def test_each_demo_organisation_has_an_audit_in_progress_and_a_closed_one(demo, slug):
    org = Organization.objects.get(slug=slug)
    audits = {a.status: a for a in selectors.assessments(org)}
    assert set(audits) == {"in_progress", "closed"}
    closed, current = audits["closed"], audits["in_progress"]
    assert closed.not_assessed_count == 0 and closed.closed_at is not None
    assert 0 < current.not_assessed_count < current.result_count
    findings = list(selectors.findings(org, selectors.FindingFilter(assessment=current.pk)))
    assert {f.kind for f in findings} == {"finding", "observation"}
    assert any(f.risk_id for f in findings)
    remediations = list(selectors.remediations(org))
    assert any(r.overdue for r in remediations) and any(r.status == "done" for r in remediations)
    assert selectors.auditors(current)


def test_loading_the_demo_twice_adds_no_audit_and_the_chains_verify(demo):
    counts = {o.slug: selectors.assessments(o).count() for o in Organization.objects.filter(slug__in=DEMO_ORGS)}
    load_demo(log=lambda line: None)
    assert {o.slug: selectors.assessments(o).count() for o in Organization.objects.filter(slug__in=DEMO_ORGS)} == counts
    for org in Organization.objects.filter(slug__in=DEMO_ORGS):
        assert verify_chain(org).ok
