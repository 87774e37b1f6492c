"""The compliance panel of the dashboard: the posture page's reading (each audited framework's compliance with
which way it went since the closed audit before, overdue remediation actions, evidence to refresh within 30
days), linking to the posture page, shown to the roles that may see the posture and to no other; the trend's
rule itself."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from accord.compliance import rules, services, services_controls, services_evidence
from accord.compliance.selectors_posture import posture
from accord.core.choices import Role
from accord.core.clock import org_today
from accord.core.extensions import PANELS
from accord.core.permissions import allows
from tests.compliance.routes import framework_document
from tests.compliance.test_posture import _audit
from tests.conftest import signed_in
from tests.factories import make_member

PANEL = "compliance/_dashboard_posture.html"


def test_the_trend_goes_up_down_or_stays_steady_within_half_a_point():
    assert rules.trend(0.5, 0.75) == "up" and rules.trend(0.75, 0.5) == "down"
    assert rules.trend(0.5, 0.504) == "steady" and rules.trend(0.5, 0.5) == "steady"
    assert rules.trend(None, 0.5) == "" and rules.trend(0.5, None) == ""


@pytest.fixture
def audited(org_a, ciso):
    """Probe audited twice and closed (31 % then 75 %: up), a third audit in progress at 50 %; an overdue and a
    future remediation action; evidence due in 10 days, expired 5 days ago, and fresh for 200 days."""
    services.do_import_framework(None, org_a, framework_document("probe", "Probe"))
    services.do_import_framework(None, org_a, framework_document("unaudited", "Unaudited"))
    _audit(org_a, ciso, "First", {"G1.2": "compliant", "G1.3": "compliant", "G2.2": "partial",
                                  "G2.3": "non_compliant", "G1.X.1": "not_applicable"}, close=True)
    _audit(org_a, ciso, "Second", {"G1.1(a)": "compliant", "G1.1(b)": "compliant", "G1.2": "compliant",
                                   "G1.3": "compliant", "G2.1(a)": "compliant", "G2.1(b)": "compliant",
                                   "G2.2": "non_compliant", "G2.3": "non_compliant", "G1.X.1": "not_applicable"},
           close=True)
    third = _audit(org_a, ciso, "Third", {"G1.2": "compliant", "G1.3": "partial", "G2.2": "partial",
                                          "G2.3": "compliant", "G1.X.1": "not_applicable", "G1.1(a)": "compliant",
                                          "G1.1(b)": "non_compliant", "G2.1(a)": "non_compliant",
                                          "G2.1(b)": "non_compliant"}, close=False)
    from accord.compliance import services_assessments as svc

    finding = svc.do_create_finding(ciso.user, org_a, third, {"title": "Gap", "requirement": "G1.2"})
    today = org_today(org_a)
    svc.do_create_remediation(ciso.user, org_a, finding, {"title": "Late fix", "due_on": today - dt.timedelta(days=2)})
    svc.do_create_remediation(ciso.user, org_a, finding, {"title": "Future fix", "due_on": today + dt.timedelta(9)})
    control = services_controls.do_create_control(None, org_a, {"name": "A control"})
    for title, days in (("Soon stale", 10), ("Already stale", -5), ("Fresh for long", 200)):
        services_evidence.do_add_evidence(None, org_a, {
            "title": title, "url": "https://example.org/policy",
            "expires_on": (today + dt.timedelta(days=days)).isoformat()}, control=control)


def _panel(page: str) -> str:
    match = re.search(r'aria-labelledby="compliance-posture-h">(.*?)</section>', page, re.S)
    assert match, "no compliance panel on the dashboard"
    return " ".join(match.group(1).split())


def test_the_panel_shows_each_audited_frameworks_compliance_its_trend_and_the_counts(org_a, ciso, audited):
    page = signed_in(ciso).get(reverse("core:dashboard", kwargs={"org": org_a.slug})).content.decode()
    panel = _panel(page)
    found = posture(org_a).frameworks[0]
    assert (found.framework.key, found.direction, found.current.share) == ("probe", "up", 0.75)
    assert "<strong>75%</strong>" in panel and "↑" in panel and "up since the audit before" in panel
    assert "50% in the audit in progress" in panel  # (3 + 0.5 × 2) / 8: G1.X.1 left out
    assert "Unaudited" not in panel  # a framework never audited has nothing to say here
    assert "1 remediation action overdue" in panel
    assert "2 pieces of evidence to refresh within 30 days" in panel
    assert f'href="{reverse("compliance:posture", kwargs={"org": org_a.slug})}"' in panel


def test_the_posture_page_shows_the_same_arrow(org_a, ciso, audited):
    page = signed_in(ciso).get(reverse("compliance:posture", kwargs={"org": org_a.slug})).content.decode()
    assert "trend-up" in page and "up since the audit before" in page


def test_the_api_gives_the_same_direction(client, org_a, ciso, audited):
    body = client.get(f"/api/v1/orgs/{org_a.slug}/posture/", **ciso.auth()).json()
    assert {f["key"]: f["direction"] for f in body["frameworks"]} == {"probe": "up", "unaudited": ""}


@pytest.mark.parametrize("role", list(Role))
def test_the_panel_is_shown_to_the_roles_that_may_see_the_posture(org_a, audited, role):
    (panel,) = [p for p in PANELS if p.template == PANEL]
    assert panel.action == "assessment.view"
    page = signed_in(make_member(org_a, role)).get(reverse("core:dashboard", kwargs={"org": org_a.slug}))
    assert ('id="compliance-posture-h"' in page.content.decode()) == allows(role, "assessment.view")


def test_an_organisation_without_frameworks_says_so(org_a, ciso):
    panel = _panel(signed_in(ciso).get(reverse("core:dashboard", kwargs={"org": org_a.slug})).content.decode())
    assert "No framework yet." in panel and "0 remediation actions overdue" in panel
