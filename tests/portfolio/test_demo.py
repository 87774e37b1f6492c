"""The demo initiatives: one blocked at its gate, one past its review target, one with open conditions;
loading twice changes nothing."""

import pytest

from accord.core.models import AuditEvent
from accord.portfolio import selectors
from accord.portfolio.demo import load_org
from accord.portfolio.models import Initiative, ReviewCondition

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_blocked_an_overdue_and_a_conditional_initiative(org_a, cio, ciso):
    load_org(org_a)
    assert Initiative.objects.for_org(org_a).count() == 9
    assert Initiative.objects.for_org(org_a).filter(planned_start__isnull=True).count() == 0
    assert Initiative.dependencies.through.objects.for_org(org_a).count() == 3
    clocks = [due.clock for due in selectors.open_reviews(org_a)]
    assert any(c.overdue for c in clocks) and any(not c.overdue for c in clocks)
    assert ReviewCondition.objects.for_org(org_a).filter(status="open").count() == 2
    assert set(Initiative.objects.for_org(org_a).values_list("phase", flat=True)) == {
        "idea", "proposed", "in_delivery", "live"}
    events = AuditEvent.objects.for_org(org_a).count()
    load_org(org_a)
    assert AuditEvent.objects.for_org(org_a).count() == events
