"""Objectives: the progress rule (closed forms, decreasing targets, clamping), the API with key results
nested, contributions that every initiative shows and that filter the initiatives, the pages and the
CLI, another organisation's objectives 404, every write audited."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accord.cli import main
from accord.core.models import AuditEvent
from accord.portfolio import rules, services, services_objectives
from accord.portfolio.models_objectives import InitiativeObjective, KeyResult, Objective
from tests.factories import make_member

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.mark.parametrize(("baseline", "target", "current", "expected"), [
    ("10", "50", "20", 0.25),        # rising: a quarter of the way
    ("40", "10", "25", 0.5),         # decreasing target: half of the way down
    ("40", "10", "50", 0.0),         # the wrong way counts as nothing
    ("10", "50", "80", 1.0),         # past the target counts as done
    ("40", "10", "5", 1.0),          # below a decreasing target: done
    ("0", "3", "1", 1 / 3),
])
def test_a_key_results_progress_is_its_share_of_the_way_from_baseline_to_target(baseline, target, current, expected):
    assert rules.key_result_progress(D(baseline), D(target), D(current)) == pytest.approx(expected)


def test_an_objectives_progress_is_the_mean_of_its_key_results_and_none_without_any():
    assert rules.objective_progress([(D(10), D(50), D(20)), (D(40), D(10), D(25))]) == pytest.approx(0.375)
    assert rules.objective_progress([]) is None


def api(org):
    return f"/api/v1/orgs/{org.slug}"


def send(client, method, url, persona, body=None):
    return getattr(client, method)(url, body or {}, content_type="application/json", **persona.auth())


def test_objectives_through_the_api_with_key_results_nested_and_progress(client, org_a, cio):
    created = send(client, "post", f"{api(org_a)}/objectives/", cio, {
        "title": "Cut the cost of running IT", "owner": cio.user.email, "horizon_start": "2026-01-01",
        "horizon_end": "2027-12-31", "key_results": [
            {"metric": "Run cost", "unit": "k€", "baseline": "1000", "target": "800", "current": "900"},
            {"metric": "Applications retired", "baseline": "0", "target": "10"}]})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["ref"] == "O-01" and body["owner"] == cio.user.email
    assert [k["progress"] for k in body["key_results"]] == [0.5, 0.0]
    assert body["progress"] == pytest.approx(0.25)
    url = f"{api(org_a)}/objectives/{body['id']}"
    kr = body["key_results"][1]["id"]
    moved = send(client, "patch", f"{url}/key-results/{kr}/", cio, {"current": "5"})
    assert moved.status_code == 200 and moved.json()["progress"] == 0.5
    assert send(client, "get", f"{url}/", cio).json()["progress"] == pytest.approx(0.5)
    added = send(client, "post", f"{url}/key-results/", cio, {"metric": "Same", "baseline": "3", "target": "3"})
    assert added.status_code == 422
    assert added.json()["errors"][0]["field"] == "target"
    assert send(client, "delete", f"{url}/key-results/{kr}/", cio).status_code == 204
    assert KeyResult.objects.for_org(org_a).filter(objective_id=body["id"]).count() == 1


def test_a_bad_objective_names_every_bad_field_and_writes_nothing(client, org_a, cio):
    refused = send(client, "post", f"{api(org_a)}/objectives/", cio, {
        "title": "Backwards", "horizon_start": "2027-01-01", "horizon_end": "2026-01-01", "owner": "nobody@x.test",
        "key_results": [{"metric": "M", "baseline": "1", "target": "1"}]})
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert {"horizon_end", "owner", "key_results.0.target"} <= fields
    assert not Objective.objects.for_org(org_a).exists()


def test_every_initiative_shows_its_objectives_and_the_list_reads_by_objective(client, org_a, cio):
    portal = services.do_create_initiative(cio.user, org_a, {"title": "Portal", "kind": "digital_transformation"})
    wifi = services.do_create_initiative(cio.user, org_a, {"title": "Wi-Fi", "kind": "infrastructure"})
    growth = services_objectives.do_create_objective(cio.user, org_a, {
        "title": "Grow online sales", "horizon_start": "2026-01-01", "horizon_end": "2026-12-31"})
    put = send(client, "put", f"{api(org_a)}/objectives/{growth.pk}/initiatives/{portal.pk}", cio, {"weight": 3})
    assert put.status_code == 200 and put.json() == {"initiative_id": portal.pk, "ref": "I-001", "title": "Portal",
                                                     "weight": 3}
    shown = send(client, "get", f"{api(org_a)}/initiatives/{portal.pk}/", cio).json()
    assert shown["objectives"] == [{"objective_id": growth.pk, "ref": "O-01", "title": "Grow online sales",
                                    "weight": 3}]
    listed = send(client, "get", f"{api(org_a)}/initiatives/?objective={growth.pk}", cio).json()
    assert [i["ref"] for i in listed["items"]] == ["I-001"]
    assert wifi.pk not in [i["id"] for i in listed["items"]]
    page = client.get(f"/o/{org_a.slug}/initiatives/?objective={growth.pk}", **{})
    assert page.status_code == 302  # signed out
    client.force_login(cio.user)
    page = client.get(f"/o/{org_a.slug}/initiatives/?objective={growth.pk}")
    assert "Portal" in page.content.decode() and "Wi-Fi" not in page.content.decode()
    detail = client.get(f"/o/{org_a.slug}/initiatives/{portal.pk}/").content.decode()
    assert "O-01 Grow online sales" in detail
    gone = send(client, "delete", f"{api(org_a)}/objectives/{growth.pk}/initiatives/{portal.pk}", cio)
    assert gone.status_code == 204
    assert not InitiativeObjective.objects.for_org(org_a).exists()


def test_another_organisations_objectives_are_404(client, org_a, org_b, cio):
    theirs = services_objectives.do_create_objective(None, org_b, {
        "title": "B's objective", "horizon_start": "2026-01-01", "horizon_end": "2026-12-31"},
        key_results=[{"metric": "M", "baseline": "0", "target": "1"}])
    kr = theirs.key_results.get()
    assert send(client, "get", f"{api(org_a)}/objectives/{theirs.pk}/", cio).status_code == 404
    assert send(client, "patch", f"{api(org_a)}/objectives/{theirs.pk}/key-results/{kr.pk}/", cio,
                {"current": "1"}).status_code == 404
    assert send(client, "get", f"{api(org_a)}/objectives/", cio).json()["items"] == []
    client.force_login(cio.user)
    assert client.get(f"/o/{org_a.slug}/objectives/{theirs.pk}/").status_code == 404


def test_every_objective_write_is_audited(org_a, cio):
    before = AuditEvent.objects.for_org(org_a).count()
    item = services.do_create_initiative(cio.user, org_a, {"title": "Portal", "kind": "security"})
    objective = services_objectives.do_create_objective(cio.user, org_a, {
        "title": "Safer", "horizon_start": "2026-01-01", "horizon_end": "2026-12-31"},
        key_results=[{"metric": "Phishing clicks", "unit": "%", "baseline": "12", "target": "3"}])
    services_objectives.do_set_contribution(cio.user, org_a, objective, item, weight=2)
    services_objectives.do_set_contribution(cio.user, org_a, objective, item, weight=2)  # unchanged: no event
    services_objectives.do_update_key_result(cio.user, org_a, objective.key_results.get(), {"current": "6"})
    services_objectives.do_delete_objective(cio.user, org_a, objective)
    kinds = list(AuditEvent.objects.for_org(org_a).order_by("pk")
                 .values_list("action", "object_type")[before:])
    assert kinds == [("create", "portfolio.initiative"), ("create", "portfolio.objective"),
                     ("create", "portfolio.keyresult"), ("create", "portfolio.initiativeobjective"),
                     ("update", "portfolio.keyresult"), ("delete", "portfolio.initiativeobjective"),
                     ("delete", "portfolio.keyresult"), ("delete", "portfolio.objective")]
    assert not Objective.objects.for_org(org_a).exists() and not KeyResult.objects.for_org(org_a).exists()


def test_a_leaving_owner_hands_over_their_objectives(org_a, cio):
    other = make_member(org_a, "cio")
    objective = services_objectives.do_create_objective(cio.user, org_a, {
        "title": "Owned", "owner": cio.user.email, "horizon_start": "2026-01-01", "horizon_end": "2026-12-31"})
    assert services_objectives.do_hand_over_member_objectives(None, org_a, cio.membership, other.membership) == 1
    objective.refresh_from_db()
    assert objective.owner_id == other.membership.pk


def test_the_pages_add_an_objective_a_key_result_and_a_contribution(client, org_a, cio):
    client.force_login(cio.user)
    item = services.do_create_initiative(cio.user, org_a, {"title": "Portal", "kind": "security"})
    base = f"/o/{org_a.slug}/objectives"
    response = client.post(f"{base}/new/", {"title": "Faster delivery", "horizon_start": "2026-01-01",
                                            "horizon_end": "2026-12-31"})
    objective = Objective.objects.for_org(org_a).get()
    assert response.status_code == 302 and response["Location"].endswith(f"/objectives/{objective.pk}/")
    client.post(f"{base}/{objective.pk}/key-results/", {"metric": "Lead time", "unit": "days", "baseline": "30",
                                                        "target": "10", "current": "20"})
    client.post(f"{base}/{objective.pk}/initiatives/", {"initiative": str(item.pk), "weight": "5"})
    page = client.get(f"{base}/{objective.pk}/").content.decode()
    assert "Lead time" in page and "I-001 Portal" in page and "50%" in page
    listing = client.get(f"{base}/").content.decode()
    assert "O-01" in listing and "Faster delivery" in listing
    bad = client.post(f"{base}/{objective.pk}/key-results/", {"metric": "Flat", "baseline": "1", "target": "1"})
    assert bad.status_code == 422 and "must differ from the baseline" in bad.content.decode()


def test_cli_lists_the_objectives_with_their_progress(org_a, cio, capsys):
    item = services.do_create_initiative(cio.user, org_a, {"title": "Portal", "kind": "security"})
    objective = services_objectives.do_create_objective(cio.user, org_a, {
        "title": "Safer\tonline", "horizon_start": "2026-01-01", "horizon_end": "2026-12-31"},
        key_results=[{"metric": "Clicks", "baseline": "12", "target": "2", "current": "7"}])
    services_objectives.do_set_contribution(cio.user, org_a, objective, item)
    assert main(["objective", "list", "org-a"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [f"{objective.pk}\tO-01\t50%\t1 KR\t1 initiatives\t2026-01-01..2026-12-31\tSafer online"]
    assert main(["initiative", "list", "org-a", "--objective", str(objective.pk)]) == 0
    assert [line.split("\t")[1] for line in capsys.readouterr().out.splitlines()] == ["I-001"]
