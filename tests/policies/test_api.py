"""The policies through the API, as the checks use them: a version is not in force until every named
approver approved that same version; nobody approves twice or for someone else; a viewer cannot approve;
organisation B's policies are 404 to A; attestations and exceptions."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.core.clock import org_today
from accord.policies.models import PolicyApproval
from tests.factories import create_risk, make_member

pytestmark = pytest.mark.django_db


def api(org):
    return f"/api/v1/orgs/{org.slug}"


def post(client, url, persona, body=None):
    return client.post(url, body or {}, content_type="application/json", **persona.auth())


def get(client, url, persona):
    return client.get(url, **persona.auth())


def make(client, org, persona, **extra):
    response = post(client, f"{api(org)}/policies/", persona, {"template": "information_security", **extra})
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_version_is_in_force_only_once_the_cio_and_the_ciso_approved_the_same_version(client, org_a, cio, ciso):
    policy = make(client, org_a, ciso)
    assert policy["ref"] == "POL-001" and policy["kind"] == "information_security"
    assert policy["version_in_force"] is None
    assert policy["draft"]["awaiting"] == ["cio", "ciso"]
    url = f"{api(org_a)}/policies/{policy['id']}"

    first = post(client, f"{url}/versions/1/approve", ciso)
    assert first.status_code == 200, first.json()
    assert first.json()["status"] == "draft" and first.json()["awaiting"] == ["cio"]
    assert get(client, f"{url}/", cio).json()["version_in_force"] is None

    redraft = post(client, f"{url}/versions/", ciso, {"body": "# Changed\n\nAfter the CISO approved.\n"})
    assert redraft.status_code == 201 and redraft.json()["version"] == 2
    assert post(client, f"{url}/versions/1/approve", cio).status_code == 409  # v1 was withdrawn
    post(client, f"{url}/versions/2/approve", cio)
    assert get(client, f"{url}/", cio).json()["version_in_force"] is None  # the CISO approved v1, not v2

    done = post(client, f"{url}/versions/2/approve", ciso)
    assert done.json()["status"] == "in_force" and done.json()["awaiting"] == []
    body = get(client, f"{url}/", cio).json()
    assert body["version_in_force"] == 2 and body["draft"] is None and body["next_review_on"]


def test_an_approver_cannot_approve_twice_nor_in_anothers_name(client, org_a, cio, ciso):
    policy = make(client, org_a, ciso)
    url = f"{api(org_a)}/policies/{policy['id']}/versions/1/approve"
    assert post(client, url, ciso).status_code == 200
    again = post(client, url, ciso)
    assert again.status_code == 409 and "already signed" in again.json()["detail"] + str(again.json()["errors"])
    for field in ({"slot": "cio"}, {"on_behalf_of": cio.user.email}, {"user": cio.user.email}):
        assert post(client, url, ciso, field).status_code == 422
    assert list(PolicyApproval.objects.for_org(org_a).values_list("slot", "user_id")) == [("ciso", ciso.user.pk)]


def test_a_viewer_cannot_approve_and_an_auditor_cannot_draft(client, org_a, cio, ciso, viewer, auditor):
    policy = make(client, org_a, ciso)
    url = f"{api(org_a)}/policies/{policy['id']}"
    refused = post(client, f"{url}/versions/1/approve", viewer)
    assert refused.status_code == 422  # holds the action (board) but is not an approver under this profile
    assert "not one of them" in str(refused.json())
    assert post(client, f"{url}/versions/", auditor, {"body": "# Mine"}).status_code == 403
    assert post(client, f"{url}/versions/1/approve", auditor).status_code == 403
    assert not PolicyApproval.objects.for_org(org_a).exists()


def test_organisation_bs_policies_are_404_to_a(client, org_a, org_b, cio, ciso, outsider):
    make_member(org_b, "cio", email="cio@b.test")
    make_member(org_b, "ciso", email="ciso@b.test")
    theirs = make(client, org_b, outsider)
    for path in (f"/policies/{theirs['id']}/", f"/policies/{theirs['id']}/versions/",
                 f"/policies/{theirs['id']}/versions/1/"):
        assert get(client, f"{api(org_a)}{path}", cio).status_code == 404
    assert post(client, f"{api(org_a)}/policies/{theirs['id']}/versions/1/approve", cio).status_code == 404
    assert get(client, f"{api(org_b)}/policies/", cio).status_code == 404
    assert get(client, f"{api(org_a)}/policies/", cio).json()["items"] == []


def test_a_version_answers_its_safe_html_and_its_diff(client, org_a, cio, ciso):
    policy = make(client, org_a, ciso, body="# Rules\n\nLine one\nLine two\n")
    url = f"{api(org_a)}/policies/{policy['id']}/versions/"
    created = post(client, url, ciso, {"body": "# Rules\n\nLine one\nLine 2 <script>alert(1)</script>\n"}).json()
    assert "<script>" not in created["html"] and "&lt;script&gt;" in created["html"]
    assert "\n-Line two\n+Line 2 <script>alert(1)</script>\n" in created["diff"]
    assert created["diff"].startswith("--- v1\n+++ v2\n")


def test_members_acknowledge_a_campaign_for_themselves_and_it_shows_who_has_not(client, org_a, cio, ciso, viewer):
    policy = make(client, org_a, ciso)
    url = f"{api(org_a)}/policies/{policy['id']}/versions/1/approve"
    post(client, url, ciso)
    post(client, url, cio)
    due = (org_today(org_a) + dt.timedelta(days=14)).isoformat()
    launched = post(client, f"{api(org_a)}/attestations/", ciso,
                    {"policy": policy["id"], "roles": ["viewer", "cio"], "due_on": due})
    assert launched.status_code == 201, launched.json()
    campaign = launched.json()
    assert campaign["asked"] == 2 and campaign["acknowledged"] == [] and campaign["version"] == 1
    ack = post(client, f"{api(org_a)}/attestations/{campaign['id']}/acknowledge", viewer)
    assert ack.status_code == 200
    assert ack.json()["acknowledged"] == [viewer.user.display_name]
    assert ack.json()["pending"] == [cio.user.display_name] and ack.json()["percent"] == 50
    assert post(client, f"{api(org_a)}/attestations/{campaign['id']}/acknowledge", viewer).status_code == 409
    assert post(client, f"{api(org_a)}/attestations/{campaign['id']}/acknowledge", ciso).status_code == 422
    reminded = post(client, f"{api(org_a)}/attestations/{campaign['id']}/remind", ciso)
    assert reminded.json() == {"reminded": 1}  # the CIO only: the viewer has acknowledged


def test_an_exception_is_in_force_only_once_co_signed_and_is_flagged_once_expired(client, org_a, cio, ciso):
    policy = make(client, org_a, ciso)
    risk = create_risk(ciso.user, org_a, {"title": "Legacy scanner", "category": "cyber_security", "likelihood": 3,
                                          "impact": 3, "owner": ciso.user.email})
    expires = org_today(org_a) + dt.timedelta(days=30)
    asked = post(client, f"{api(org_a)}/policy-exceptions/", ciso, {
        "policy": policy["id"], "risk": risk.pk, "justification": "The vendor cannot do MFA yet",
        "compensating_measures": "Network isolation", "expires_on": expires.isoformat()})
    assert asked.status_code == 201, asked.json()
    exception = asked.json()
    assert exception["status"] == "pending" and exception["awaiting"] == ["cio"]  # the CISO signed on asking
    signed = post(client, f"{api(org_a)}/policy-exceptions/{exception['id']}/sign", cio).json()
    assert signed["status"] == "in_force" and signed["awaiting"] == []

    from accord.policies.models import PolicyException

    PolicyException.objects.for_org(org_a).filter(pk=exception["id"]).update(
        expires_on=org_today(org_a) - dt.timedelta(days=1))
    listed = get(client, f"{api(org_a)}/policy-exceptions/?status=expired", cio).json()["items"]
    assert [e["id"] for e in listed] == [exception["id"]] and listed[0]["status"] == "expired"


def test_a_policy_starts_from_a_template(client, org_a, cio, ciso, dpo):
    templates = get(client, f"{api(org_a)}/policy-templates/", cio).json()
    assert 6 <= len(templates) <= 8 and {t["key"] for t in templates} >= {"privacy", "backup"}
    privacy = make(client, org_a, dpo, template="privacy")
    assert privacy["kind"] == "privacy" and privacy["draft"]["required"] == ["ciso", "dpo"]
