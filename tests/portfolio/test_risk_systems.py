"""A risk names the systems it affects: its page lists them with links, and the API answers them (ids, references
and names) on one risk and on the register, without a query per risk."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.portfolio import services_systems
from accord.risks import services as risk_services
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def risk(org, persona, title):
    return risk_services.do_create_risk(persona.user, org, {"title": title, "category": "cyber_security",
                                                            "likelihood": 2, "impact": 3})


def test_the_risk_page_lists_its_systems_with_links(org_a, cio):
    erp = services_systems.do_create_system(cio.user, org_a, {"name": "Core ERP"})
    outage = risk(org_a, cio, "ERP outage")
    services_systems.do_link_risk(cio.user, org_a, erp, outage)
    page = signed_in(cio).get(f"/o/{org_a.slug}/risks/register/{outage.pk}/").content.decode()
    assert f'<a href="/o/{org_a.slug}/systems/{erp.pk}/">{erp.ref} Core ERP</a>' in page
    other = risk(org_a, cio, "Other")
    unlinked = signed_in(cio).get(f"/o/{org_a.slug}/risks/register/{other.pk}/").content.decode()
    assert 'id="risk-systems">—</dd>' in unlinked


def test_the_risk_api_answers_its_systems_on_one_risk_and_the_register(client, org_a, cio):
    erp = services_systems.do_create_system(cio.user, org_a, {"name": "Core ERP"})
    crm = services_systems.do_create_system(cio.user, org_a, {"name": "CRM"})
    outage = risk(org_a, cio, "ERP outage")
    for s in (erp, crm):
        services_systems.do_link_risk(cio.user, org_a, s, outage)
    risk(org_a, cio, "Unlinked")
    one = client.get(f"/api/v1/orgs/{org_a.slug}/risks/{outage.pk}/", **cio.auth()).json()
    assert one["systems"] == [{"id": erp.pk, "ref": erp.ref, "name": "Core ERP"},
                              {"id": crm.pk, "ref": crm.ref, "name": "CRM"}]
    register = client.get(f"/api/v1/orgs/{org_a.slug}/risks/", **cio.auth()).json()["items"]
    assert [r["systems"] for r in register] == [one["systems"], []]


def test_the_register_reads_every_risk_s_systems_in_one_query(client, org_a, cio):
    erp = services_systems.do_create_system(cio.user, org_a, {"name": "Core ERP"})

    def count(n):
        for k in range(n):
            services_systems.do_link_risk(cio.user, org_a, erp, risk(org_a, cio, f"Risk {n}-{k}"))
        client.get(f"/api/v1/orgs/{org_a.slug}/risks/", **cio.auth())  # the session, the simulation
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/api/v1/orgs/{org_a.slug}/risks/", **cio.auth())
        return len([q for q in queries.captured_queries if "portfolio_system" in q["sql"]])

    assert count(2) == count(10) == 1
