"""The CIO's dashboard names the systems reaching end of support: ended or ending within 12 months, soonest
first, with their count and a link to the systems list filtered that way; nothing of another organisation."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.core.clock import org_today
from accord.portfolio import selectors_systems, services_systems
from accord.portfolio.rules import months_later
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def system(persona, org, name, days):
    return services_systems.do_create_system(persona.user, org, {
        "name": name, "end_of_support_on": (org_today(org) + dt.timedelta(days=days)).isoformat()})


def test_the_panel_lists_the_systems_whose_support_ended_or_ends_within_12_months_soonest_first(org_a, cio):
    ending = system(cio, org_a, "Ending ERP", 40)
    ended = system(cio, org_a, "Ended mainframe", -10)
    edge = services_systems.do_create_system(cio.user, org_a, {
        "name": "Edge", "end_of_support_on": months_later(org_today(org_a), 12).isoformat()})
    system(cio, org_a, "Far", 400)
    services_systems.do_create_system(cio.user, org_a, {"name": "No date"})
    found = selectors_systems.support_ending(org_a)
    assert found.count == 3
    assert found.soonest == [ended, ending, edge]
    page = signed_in(cio).get(f"/o/{org_a.slug}/").content.decode()
    assert "Systems reaching end of support" in page
    panel = page[page.index('id="cio-support"'):]
    assert panel.index("Ended mainframe") < panel.index("Ending ERP") < panel.index("Edge")
    assert "Far" not in panel[:panel.index("</ul>")]
    assert f'href="/o/{org_a.slug}/systems/?support=ending">All 3 systems in the inventory</a>' in page
    listed = signed_in(cio).get(f"/o/{org_a.slug}/systems/?support=ending").content.decode()
    assert all(name in listed for name in ("Ended mainframe", "Ending ERP", "Edge"))
    assert "No date" not in listed


def test_the_count_covers_more_systems_than_the_panel_names(org_a, cio):
    for k in range(selectors_systems.SUPPORT_PANEL_LENGTH + 2):
        system(cio, org_a, f"Old {k}", k)
    found = selectors_systems.support_ending(org_a)
    assert found.count == selectors_systems.SUPPORT_PANEL_LENGTH + 2
    assert len(found.soonest) == selectors_systems.SUPPORT_PANEL_LENGTH


def test_another_organisation_s_systems_never_show(org_a, org_b, cio, outsider):
    system(outsider, org_b, "CANARYB legacy", 5)
    assert selectors_systems.support_ending(org_a).count == 0
    page = signed_in(cio).get(f"/o/{org_a.slug}/").content.decode()
    assert "CANARYB" not in page
    assert "vendor support ends within 12 months." in page
    assert 'id="cio-support"' not in page
