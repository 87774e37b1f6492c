"""The security gates through the API, as the checks use them: a gated initiative cannot be approved before
its review is complete (the refusal names the gate), an approval with conditions lets it through and the
conditions are open actions; another organisation's initiatives and reviews are 404."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.core import services as core_services
from accord.core.clock import org_today
from accord.core.models import AuditEvent
from accord.portfolio import selectors
from accord.portfolio.models import ReviewCondition
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def api(org):
    return f"/api/v1/orgs/{org.slug}"


def post(client, url, persona, body=None):
    return client.post(url, body or {}, content_type="application/json", **persona.auth())


def make_initiative(client, org, cio, **extra):
    response = post(client, f"{api(org)}/initiatives/", cio,
                    {"title": "Patient portal", "kind": "digital_transformation", "phase": "proposed", **extra})
    assert response.status_code == 201, response.json()
    return response.json()


def test_an_initiative_is_not_approved_before_its_review_and_the_refusal_names_the_gate(client, org_a, cio, ciso):
    initiative = make_initiative(client, org_a, cio)
    url = f"{api(org_a)}/initiatives/{initiative['id']}"
    refused = post(client, f"{url}/advance", cio, {"to": "approved"})
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "to"
    assert "approval security review (approval)" in refused.json()["errors"][0]["message"]
    opened = post(client, f"{url}/reviews/", cio)
    assert opened.status_code == 201
    review = opened.json()
    assert review["gate"] == "approval" and review["reviewer"] == ciso.user.email
    still = post(client, f"{url}/advance", cio, {"to": "approved"})
    assert still.status_code == 409
    assert "is open and not complete" in still.json()["errors"][0]["message"]


def test_an_approval_with_conditions_opens_the_gate_and_the_conditions_are_open_actions(client, org_a, cio, ciso):
    initiative = make_initiative(client, org_a, cio)
    url = f"{api(org_a)}/initiatives/{initiative['id']}"
    review = post(client, f"{url}/reviews/", cio).json()
    due = (org_today(org_a) + dt.timedelta(days=30)).isoformat()
    done = post(client, f"{url}/reviews/{review['id']}/complete", ciso, {
        "outcome": "approved_with_conditions", "conditions": [{"title": "Pen test before go-live", "due_on": due}]})
    assert done.status_code == 200, done.json()
    assert done.json()["outcome"] == "approved_with_conditions"
    assert [(c["title"], c["status"], c["due_on"]) for c in done.json()["conditions"]] == [
        ("Pen test before go-live", "open", due)]
    moved = post(client, f"{url}/advance", cio, {"to": "approved"})
    assert moved.status_code == 200, moved.json()
    assert moved.json()["phase"] == "approved"
    condition = ReviewCondition.objects.for_org(org_a).get()
    assert list(selectors.open_conditions(org_a, selectors.access_initiative(org_a, initiative["id"]))) == [condition]


def test_only_the_ciso_completes_a_review(client, org_a, cio, ciso):
    initiative = make_initiative(client, org_a, cio)
    url = f"{api(org_a)}/initiatives/{initiative['id']}"
    review = post(client, f"{url}/reviews/", cio).json()
    refused = post(client, f"{url}/reviews/{review['id']}/complete", cio, {"outcome": "approved"})
    assert refused.status_code == 403
    assert "CISO" in refused.json()["detail"]


def test_the_hybrid_cio_ciso_completes_reviews(client, org_a, cio, ciso):
    core_services.do_update_governance(None, org_a, ciso_model="hybrid", ciso_reports_to="ceo")
    initiative = make_initiative(client, org_a, cio)
    url = f"{api(org_a)}/initiatives/{initiative['id']}"
    review = post(client, f"{url}/reviews/", cio).json()
    assert post(client, f"{url}/reviews/{review['id']}/complete", cio, {"outcome": "approved"}).status_code == 200


def test_a_rejection_needs_reasons_and_keeps_the_gate_shut(client, org_a, cio, ciso):
    initiative = make_initiative(client, org_a, cio)
    url = f"{api(org_a)}/initiatives/{initiative['id']}"
    review = post(client, f"{url}/reviews/", cio).json()
    bare = post(client, f"{url}/reviews/{review['id']}/complete", ciso, {"outcome": "rejected"})
    assert bare.status_code == 422
    assert bare.json()["errors"][0]["field"] == "reasons"
    assert post(client, f"{url}/reviews/{review['id']}/complete", ciso,
                {"outcome": "rejected", "reasons": "No threat model"}).status_code == 200
    refused = post(client, f"{url}/advance", cio, {"to": "approved"})
    assert refused.status_code == 409
    assert "rejected" in refused.json()["errors"][0]["message"]


def test_another_organisations_initiatives_and_reviews_are_404(client, org_a, org_b, cio, ciso):
    outsider = make_member(org_b, "ciso")
    initiative = make_initiative(client, org_a, cio)
    url = f"{api(org_a)}/initiatives/{initiative['id']}"
    review = post(client, f"{url}/reviews/", cio).json()
    foreign = f"{api(org_b)}/initiatives/{initiative['id']}"
    assert client.get(f"{foreign}/", **outsider.auth()).status_code == 404
    assert client.get(f"{foreign}/reviews/", **outsider.auth()).status_code == 404
    assert post(client, f"{foreign}/reviews/{review['id']}/complete", outsider,
                {"outcome": "approved"}).status_code == 404
    assert client.get(f"{api(org_b)}/initiatives/", **outsider.auth()).json()["count"] == 0


def test_every_step_of_a_gate_is_audited(client, org_a, cio, ciso):
    cio.auth(), ciso.auth()  # their tokens first: creating one is audited too
    before = AuditEvent.objects.for_org(org_a).count()
    initiative = make_initiative(client, org_a, cio)
    url = f"{api(org_a)}/initiatives/{initiative['id']}"
    review = post(client, f"{url}/reviews/", cio).json()
    post(client, f"{url}/reviews/{review['id']}/complete", ciso, {"outcome": "approved"})
    post(client, f"{url}/advance", cio, {"to": "approved"})
    actions = list(AuditEvent.objects.for_org(org_a).order_by("seq").values_list("object_type", "action")[before:])
    assert actions == [("portfolio.initiative", "create"), ("portfolio.securityreview", "create"),
                       ("portfolio.securityreview", "update"), ("portfolio.initiative", "update")]


def test_the_list_filters_by_kind_phase_and_health(client, org_a, cio):
    make_initiative(client, org_a, cio)
    make_initiative(client, org_a, cio, title="Network refresh", kind="infrastructure", phase="idea", health="at_risk")
    listed = client.get(f"{api(org_a)}/initiatives/?kind=infrastructure", **cio.auth()).json()
    assert [i["title"] for i in listed["items"]] == ["Network refresh"]
    assert client.get(f"{api(org_a)}/initiatives/?health=at_risk&phase=idea", **cio.auth()).json()["count"] == 1
    assert client.get(f"{api(org_a)}/initiatives/?phase=live", **cio.auth()).json()["count"] == 0


def test_a_new_initiative_cannot_start_past_a_gate(client, org_a, cio):
    response = post(client, f"{api(org_a)}/initiatives/", cio,
                    {"title": "Sneaky", "kind": "security", "phase": "approved"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "phase"
