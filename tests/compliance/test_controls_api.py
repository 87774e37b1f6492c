"""The controls library over the API: a control added, read, filtered, changed and retired; its links to risks
(with the effect, changed by linking again) and to requirements (by framework key and id), removed; its money
and the cost-effectiveness table, the same rule the pages read; bad input names its field and writes nothing;
another organisation's controls and links answer 404; the auditor reads and cannot change."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from accord.compliance import selectors_controls, services, services_controls
from accord.compliance.models_controls import Control, ControlRequirement, ControlRisk
from accord.risks import quantified
from accord.risks import services as risk_services
from tests.compliance.routes import framework_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_simulations(monkeypatch):
    monkeypatch.setattr(quantified, "YEARS", 5_000)
    cache.clear()
    quantified.forget_local()


def api(org):
    return f"/api/v1/orgs/{org.slug}"


def send(client, method, url, persona, body=None):
    return getattr(client, method)(url, body or {}, content_type="application/json", **persona.auth())


def _risk(org, title="Ransomware"):
    return risk_services.do_create_risk(None, org, {
        "title": title, "category": "cyber_security", "likelihood": 3, "impact": 4, "frequency_low": "0.5",
        "frequency_high": "4", "loss_low": "10000", "loss_high": "400000"})


def test_a_control_is_added_read_filtered_changed_and_retired(client, org_a, ciso):
    created = send(client, "post", f"{api(org_a)}/controls/", ciso, {
        "name": "Offline backups", "kind": "technical", "owner": ciso.user.email, "run_cost": 250_000,
        "build_cost": 900_000, "run_days": "2.5", "implemented_on": "2026-03-01"})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["ref"] == "C-001" and body["owner"] == ciso.user.email and body["status"] == "planned"
    assert body["risk_count"] == 0 and body["run_days"] == "2.50"
    send(client, "post", f"{api(org_a)}/controls/", ciso, {"name": "Awareness policy", "kind": "policy"})
    listed = send(client, "get", f"{api(org_a)}/controls/?kind=technical", ciso).json()
    assert [c["ref"] for c in listed["items"]] == ["C-001"]
    assert [c["ref"] for c in send(client, "get", f"{api(org_a)}/controls/?q=aware", ciso).json()["items"]] == ["C-002"]
    assert send(client, "get", f"{api(org_a)}/controls/?q=c-1", ciso).json()["items"][0]["name"] == "Offline backups"
    owned = send(client, "get", f"{api(org_a)}/controls/?owner={ciso.membership.pk}", ciso).json()
    assert [c["ref"] for c in owned["items"]] == ["C-001"]
    changed = send(client, "patch", f"{api(org_a)}/controls/C-001/", ciso, {"status": "implemented", "owner": None})
    assert changed.status_code == 200 and changed.json()["owner"] is None
    retired = send(client, "patch", f"{api(org_a)}/controls/{body['id']}/", ciso, {"status": "retired"})
    assert retired.json()["status"] == "retired"
    assert [c["ref"] for c in send(client, "get", f"{api(org_a)}/controls/?status=retired", ciso).json()["items"]] == [
        "C-001"]


def test_bad_control_input_names_every_field_and_writes_nothing(client, org_a, ciso):
    refused = send(client, "post", f"{api(org_a)}/controls/", ciso, {
        "name": "Bad", "owner": "nobody@x.test", "run_cost": -5, "run_days": "1.234"})
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert {"owner", "run_cost", "run_days"} <= fields
    assert send(client, "post", f"{api(org_a)}/controls/", ciso, {"name": "X", "colour": "red"}).status_code == 422
    assert send(client, "get", f"{api(org_a)}/controls/?status=done", ciso).status_code == 422
    assert not Control.objects.for_org(org_a).exists()


def test_links_to_risks_with_their_effect_and_to_requirements_by_framework_key(client, org_a, ciso):
    risk = _risk(org_a)
    services.do_import_framework(None, org_a, framework_document("own", "Own"))
    control = services_controls.do_create_control(None, org_a, {"name": "MFA", "status": "implemented"})
    url = f"{api(org_a)}/controls/{control.ref}/links/"
    made = send(client, "post", url, ciso, {"risk": risk.ref, "frequency_reduction": "40%", "loss_reduction": 0.1})
    assert made.status_code == 201, made.json()
    assert made.json()["frequency_reduction"] == "0.4000" and made.json()["risk"] == "R-001"
    again = send(client, "post", url, ciso, {"risk": str(risk.pk), "frequency_reduction": "0.6"})
    assert again.status_code == 200 and again.json()["frequency_reduction"] == "0.6000"
    assert again.json()["id"] == made.json()["id"]
    requirement = send(client, "post", url, ciso, {"framework": "own", "requirement": "G2.3"})
    assert requirement.status_code == 201 and requirement.json()["requirement_title"] == "Own requirement 2.3"
    assert send(client, "post", url, ciso, {"framework": "own@1", "requirement": "G2.3"}).status_code == 200
    links = send(client, "get", url, ciso).json()
    assert [(link["kind"], link["risk"] or link["requirement"]) for link in links] == [("risk", "R-001"),
                                                                                       ("requirement", "G2.3")]
    detail = send(client, "get", f"{api(org_a)}/controls/{control.pk}/", ciso).json()
    assert detail["risk_count"] == 1 and detail["requirement_count"] == 1 and len(detail["links"]) == 2
    for link in links:
        assert send(client, "delete", f"{url}{link['id']}", ciso).status_code == 204
    assert not ControlRisk.objects.for_org(org_a).exists() and not ControlRequirement.objects.for_org(org_a).exists()
    assert send(client, "delete", f"{url}{links[0]['id']}", ciso).status_code == 404


@pytest.mark.parametrize(("body", "fields"), [
    ({}, {"risk"}),
    ({"risk": "R-099"}, {"risk"}),
    ({"risk": "R-001", "frequency_reduction": "140%"}, {"frequency_reduction"}),
    ({"risk": "R-001", "requirement": "G1.2"}, {"requirement"}),
    ({"framework": "own"}, {"requirement"}),
    ({"framework": "other", "requirement": "G1.2"}, {"framework"}),
    ({"framework": "own", "requirement": "Z.9"}, {"requirement"}),
    ({"framework": "own", "requirement": "G1.2", "loss_reduction": "0.2"}, {"loss_reduction"}),
])
def test_a_bad_link_names_its_field_and_writes_nothing(client, org_a, ciso, body, fields):
    _risk(org_a)
    services.do_import_framework(None, org_a, framework_document("own", "Own"))
    control = services_controls.do_create_control(None, org_a, {"name": "MFA"})
    refused = send(client, "post", f"{api(org_a)}/controls/{control.pk}/links/", ciso, body)
    assert refused.status_code == 422, refused.json()
    assert {e["field"] for e in refused.json()["errors"]} == fields
    assert not ControlRisk.objects.for_org(org_a).exists() and not ControlRequirement.objects.for_org(org_a).exists()


def test_money_of_a_control_and_the_cost_effectiveness_table_read_the_one_rule(client, org_a, ciso):
    risk = _risk(org_a)
    backups = services_controls.do_create_control(None, org_a, {"name": "Backups", "status": "implemented",
                                                                "run_cost": 100_000})
    services_controls.do_link_control_risk(None, org_a, backups, risk, frequency_reduction="0.5")
    lonely = services_controls.do_create_control(None, org_a, {"name": "Linked to nothing", "run_cost": 10})
    table = send(client, "get", f"{api(org_a)}/controls/cost-effectiveness/", ciso)
    assert table.status_code == 200, table.json()
    body = table.json()
    expected = selectors_controls.effectiveness(org_a)
    assert body["figures"] == "fresh" and body["currency"] == org_a.currency
    assert [row["ref"] for row in body["controls"]] == [row.control.ref for row in expected.rows] == ["C-001", "C-002"]
    first = body["controls"][0]
    assert first["reduced"] == expected.rows[0].reduced > 0 and first["yearly_cost"] == 100_000
    assert first["rosi"] == pytest.approx((first["reduced"] - 100_000) / 100_000)
    assert body["controls"][1]["reason"] == "No risk is linked to it." and body["controls"][1]["reduced"] is None
    assert body["residual_ale"] < body["inherent_ale"]
    money = send(client, "get", f"{api(org_a)}/controls/{backups.ref}/", ciso).json()["money"]
    assert money == {k: first[k] for k in money}
    assert send(client, "get", f"{api(org_a)}/controls/{lonely.ref}/", ciso).json()["money"]["rosi"] is None


def test_another_organisations_controls_and_links_answer_404(client, org_a, org_b, ciso):
    risk_b = _risk(org_b, "B's risk")
    control_b = services_controls.do_create_control(None, org_b, {"name": "B's control"})
    link_b = services_controls.do_link_control_risk(None, org_b, control_b, risk_b, loss_reduction="0.3")
    mine = services_controls.do_create_control(None, org_a, {"name": "Mine"})
    assert send(client, "get", f"{api(org_a)}/controls/{control_b.pk}/", ciso).status_code == 404
    assert send(client, "patch", f"{api(org_a)}/controls/{control_b.pk}/", ciso, {"name": "x"}).status_code == 404
    assert send(client, "delete", f"{api(org_a)}/controls/{mine.pk}/links/risk-{link_b.pk}", ciso).status_code == 404
    linked = send(client, "post", f"{api(org_a)}/controls/{mine.pk}/links/", ciso, {"risk": str(risk_b.pk)})
    assert linked.status_code == 422 and linked.json()["errors"][0]["field"] == "risk"
    assert send(client, "get", f"{api(org_b)}/controls/", ciso).status_code == 404
    assert ControlRisk.objects.for_org(org_b).count() == 1


def test_the_auditor_reads_the_controls_and_cannot_change_them(client, org_a, auditor):
    control = services_controls.do_create_control(None, org_a, {"name": "Backups"})
    assert send(client, "get", f"{api(org_a)}/controls/{control.pk}/", auditor).status_code == 200
    assert send(client, "patch", f"{api(org_a)}/controls/{control.pk}/", auditor, {"name": "x"}).status_code == 403
    assert send(client, "post", f"{api(org_a)}/controls/", auditor, {"name": "x"}).status_code == 403
