"""The controls pages: the list filters and sorts, a control is added and edited with costs in the currency's unit,
its page shows its money (yearly cost, risk reduced, ROSI or why none), its risks with its effect on each and its
requirements, which are linked and removed from it; the cost-effectiveness table ranks; the navigation leads there;
an auditor reads and cannot change; a French reader reads French."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from accord.compliance import services, services_controls
from accord.compliance.models_controls import Control, ControlRequirement, ControlRisk
from accord.core import services as core_services
from accord.risks import quantified
from accord.risks import services as risk_services
from tests.compliance.routes import framework_document
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_simulations(monkeypatch):
    monkeypatch.setattr(quantified, "YEARS", 5_000)
    cache.clear()
    quantified.forget_local()


@pytest.fixture
def library(org_a, ciso):
    risk = risk_services.do_create_risk(None, org_a, {
        "title": "Ransomware", "category": "cyber_security", "likelihood": 3, "impact": 4, "frequency_low": "0.5",
        "frequency_high": "4", "loss_low": "10000", "loss_high": "400000"})
    services.do_import_framework(None, org_a, framework_document("own", "Own"))
    backups = services_controls.do_create_control(None, org_a, {
        "name": "Offline backups", "kind": "technical", "status": "implemented", "run_cost": 100_000,
        "owner": ciso.user.email, "next_review_on": "2027-03-01"})
    services_controls.do_link_control_risk(None, org_a, backups, risk, frequency_reduction="0.5")
    awareness = services_controls.do_create_control(None, org_a, {"name": "Awareness training", "kind": "policy",
                                                                  "run_cost": 500})
    return {"risk": risk, "backups": backups, "awareness": awareness}


def test_the_list_filters_sorts_and_offers_the_library_as_a_file(library, ciso):
    client = signed_in(ciso)
    page = client.get("/o/org-a/compliance/controls/").content.decode()
    assert "2 controls" in page and "C-001" in page and "C-002" in page
    filtered = client.get("/o/org-a/compliance/controls/?kind=policy").content.decode()
    assert "Awareness training" in filtered and "Offline backups" not in filtered
    assert "1 control matches these filters" in filtered
    by_name = client.get("/o/org-a/compliance/controls/?sort=name").content.decode()
    assert by_name.index("Awareness training") < by_name.index("Offline backups")
    assert 'aria-sort="ascending"' in by_name
    reversed_refs = client.get("/o/org-a/compliance/controls/?sort=-ref").content.decode()
    assert reversed_refs.index("C-002") < reversed_refs.index("C-001")
    exported = client.get("/o/org-a/compliance/controls/export/?kind=technical&format=csv")
    assert exported["Content-Disposition"].startswith('attachment; filename="org-a-controls-')
    body = exported.content.decode("utf-8-sig")
    assert "Offline backups" in body and "Awareness" not in body and "R-001 (frequency 0.5)" in body
    assert client.get("/o/org-a/compliance/controls/export/?format=pdf").status_code == 400


def test_a_control_is_added_and_edited_with_costs_in_the_currencys_unit(org_a, ciso):
    client = signed_in(ciso)
    response = client.post("/o/org-a/compliance/controls/new/", {
        "name": "MFA everywhere", "kind": "technical", "status": "in_progress", "owner": ciso.user.email,
        "build_cost": "12000.50", "run_cost": "3000", "run_days": "1.5"})
    assert response.status_code == 302
    control = Control.objects.for_org(org_a).get()
    assert (control.build_cost, control.run_cost, str(control.run_days)) == (1_200_050, 300_000, "1.50")
    form = client.get(f"/o/org-a/compliance/controls/{control.pk}/edit/").content.decode()
    assert 'value="12000.50"' in form and "Build cost (EUR)" in form
    refused = client.post(f"/o/org-a/compliance/controls/{control.pk}/edit/", {
        "name": "MFA", "kind": "technical", "status": "planned", "build_cost": "1.234", "run_days": "-1"})
    assert refused.status_code == 422
    assert Control.objects.for_org(org_a).get().name == "MFA everywhere"
    saved = client.post(f"/o/org-a/compliance/controls/{control.pk}/edit/", {
        "name": "MFA", "kind": "technical", "status": "implemented", "build_cost": "12000.50"})
    assert saved.status_code == 302
    control.refresh_from_db()
    assert (control.name, control.status, control.run_cost, control.owner) == ("MFA", "implemented", 0, None)


def test_a_controls_page_shows_its_money_its_risks_with_their_effect_and_its_requirements(library, ciso):
    client = signed_in(ciso)
    backups = library["backups"]
    page = client.get(f"/o/org-a/compliance/controls/{backups.pk}/").content.decode()
    assert "Yearly cost" in page and "1,000.00 EUR" in page
    assert "Risk reduced a year" in page and 'id="control-rosi"' in page
    assert "R-001 Ransomware" in page and "50 %" in page
    assert ("Offline backups" in page and "Created" in page) or "created" in page  # the history
    lonely = client.get(f"/o/org-a/compliance/controls/{library['awareness'].pk}/").content.decode()
    assert "No risk is linked to it." in lonely and "Risk it would take off a year" in lonely


def test_links_are_made_changed_and_removed_from_the_controls_page(library, ciso, org_a):
    client = signed_in(ciso)
    control = library["awareness"]
    base = f"/o/org-a/compliance/controls/{control.pk}"
    made = client.post(f"{base}/risks/", {"risk": library["risk"].pk, "frequency_reduction": "20%",
                                          "loss_reduction": ""})
    assert made.status_code == 302 and made["Location"].endswith("#risks")
    client.post(f"{base}/risks/", {"risk": library["risk"].pk, "frequency_reduction": "0.3", "loss_reduction": "0.1"})
    link = ControlRisk.objects.for_org(org_a).get(control=control)
    assert (str(link.frequency_reduction), str(link.loss_reduction)) == ("0.3000", "0.1000")
    refused = client.post(f"{base}/risks/", {"risk": library["risk"].pk, "frequency_reduction": "3"})
    assert refused.status_code == 422 and "outside 0 to 1" in refused.content.decode()
    client.post(f"{base}/requirements/", {"framework": "own@1", "requirement": "G1.2"})
    missing = client.post(f"{base}/requirements/", {"framework": "own@1", "requirement": "Z.9"})
    assert missing.status_code == 422 and "has no requirement" in missing.content.decode()
    requirement_link = ControlRequirement.objects.for_org(org_a).get(control=control)
    page = client.get(base + "/").content.decode()
    assert "G1.2" in page and "Own requirement 1.2" in page
    client.post(f"{base}/requirements/{requirement_link.pk}/remove/")
    client.post(f"{base}/risks/{link.pk}/remove/")
    assert not ControlRisk.objects.for_org(org_a).filter(control=control).exists()
    assert not ControlRequirement.objects.for_org(org_a).filter(control=control).exists()


def test_the_cost_effectiveness_page_ranks_the_controls_and_the_navigation_leads_there(library, ciso):
    client = signed_in(ciso)
    home = client.get("/o/org-a/compliance/controls/").content.decode()
    assert 'href="/o/org-a/compliance/controls/"' in client.get("/o/org-a/").content.decode()
    assert "/o/org-a/compliance/controls/cost-effectiveness/" in home
    page = client.get("/o/org-a/compliance/controls/cost-effectiveness/").content.decode()
    assert page.index("C-001 Offline backups") < page.index("C-002 Awareness training")
    assert "No risk is linked to it." in page and "%" in page
    assert "with every implemented control" in page


def test_an_auditor_reads_the_controls_and_cannot_change_them(library, auditor):
    client = signed_in(auditor)
    control = library["backups"]
    page = client.get(f"/o/org-a/compliance/controls/{control.pk}/").content.decode()
    assert "Offline backups" in page and "Link a risk" not in page and "Edit" not in page.split("<main")[-1][:2000]
    assert client.get(f"/o/org-a/compliance/controls/{control.pk}/edit/").status_code == 403
    assert client.post(f"/o/org-a/compliance/controls/{control.pk}/risks/", {"risk": library["risk"].pk}
                       ).status_code == 403


def test_a_french_reader_reads_the_controls_pages_in_french(library, ciso):
    core_services.do_set_user_language(ciso.user, language="fr")
    client = signed_in(ciso)
    page = client.get("/o/org-a/compliance/controls/").content.decode()
    assert "Bibliothèque des mesures" in page and "Ajouter une mesure" in page
    detail = client.get(f"/o/org-a/compliance/controls/{library['backups'].pk}/").content.decode()
    assert "Coût annuel" in detail and "Risques qu'elle réduit" in detail
    table = client.get("/o/org-a/compliance/controls/cost-effectiveness/").content.decode()
    assert "Aucun risque ne lui est lié." in table
