"""The demo Statement of Applicability: each demo organisation with ISO 27001 has a statement on every Annex A
control, a few left out with their justification, statuses from controls linked to Annex A; loading the demo
twice adds nothing."""

import pytest

from accord.compliance import selectors_soa
from accord.compliance.choices import SoaStatus
from accord.compliance.demo_soa import EXCLUDED
from accord.compliance.models_soa import SoaEntry
from accord.core.demo import load_demo
from accord.core.models import Organization


@pytest.fixture
def demo(db):
    load_demo(log=lambda line: None)


@pytest.mark.parametrize("slug", sorted(EXCLUDED))
def test_each_demo_organisation_has_a_filled_statement_with_a_few_controls_left_out(demo, slug):
    soa = selectors_soa.soa(Organization.objects.get(slug=slug))
    assert soa.total == 93 and soa.unjustified == 0
    excluded = [row for row in soa.rows if not row.applicable]
    assert [row.ref for row in excluded] == sorted((ref for ref, _ in EXCLUDED[slug]),
                                                   key=[r.ref for r in soa.rows].index)
    assert all(row.justification for row in excluded)
    assert {SoaStatus.IMPLEMENTED, SoaStatus.IN_PROGRESS, SoaStatus.PLANNED, SoaStatus.NOT_IMPLEMENTED,
            SoaStatus.NOT_APPLICABLE} <= set(soa.counts)


def test_loading_the_demo_twice_writes_no_second_statement(demo):
    count = SoaEntry.objects.for_org(Organization.objects.get(slug="nordpay")).count()
    load_demo(log=lambda line: None)
    assert SoaEntry.objects.for_org(Organization.objects.get(slug="nordpay")).count() == count == 93
