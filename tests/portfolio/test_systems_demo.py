"""The demo inventories: 20 to 60 systems per demo organisation, with dependencies, a few at or near their
vendor's end of support (flagged by the security input), risks linked; loading twice changes nothing."""

import pytest

from accord.core.models import AuditEvent
from accord.portfolio import demo_systems, selectors_systems
from accord.portfolio.models_systems import RiskSystem, SystemDependency
from accord.risks import services as risk_services
from tests.factories import make_member, make_org

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", ["nordpay", "harbour-health", "brightcart"])
def test_each_demo_organisation_gets_an_estate_with_dependencies_flags_and_risks(slug):
    org = make_org(slug)
    make_member(org, "cio")
    make_member(org, "contributor")
    named = risk_services.do_create_risk(None, org, {"title": "Outage", "category": "cyber_security",
                                                     "likelihood": 3, "impact": 3, "affected_assets": ["Backups"]})
    added = demo_systems.load_org(org)
    assert 20 <= added <= 60
    assert SystemDependency.objects.for_org(org).count() >= added
    flagged = selectors_systems.systems(org, selectors_systems.SystemFilter(support="ending"))
    assert 3 <= flagged.count() <= 10
    assert RiskSystem.objects.for_org(org).filter(risk=named, system__name="Backups").exists()
    assert RiskSystem.objects.for_org(org).count() >= 2
    assert selectors_systems.systems(org, selectors_systems.SystemFilter(time="tolerate")).exists()
    events = AuditEvent.objects.for_org(org).count()
    assert demo_systems.load_org(org) == 0
    assert AuditEvent.objects.for_org(org).count() == events
