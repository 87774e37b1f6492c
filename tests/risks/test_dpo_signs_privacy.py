"""The DPO has a say (issue 9): under the governance profile's setting (on by default) the DPO is a
required signatory of every acceptance of a risk in a privacy category, on every front."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accord.cli import main
from accord.core import services as core_services
from accord.core.clock import org_today
from accord.risks import selectors, services
from accord.risks.models import RiskCategory
from tests.conftest import signed_in
from tests.factories import make_member

API = "/api/v1/orgs/org-a"


def _privacy_risk(org, actor, **extra):
    return services.do_create_risk(actor.user, org, {"title": "Patient records exposed", "category": "privacy",
                                                     "likelihood": 1, "impact": 2, **extra})


def _request(org, actor, risk):
    return services.do_request_acceptance(actor.user if actor else None, org, risk, justification="x",
                                          expires_on=org_today(org) + dt.timedelta(days=30))


def test_the_seeded_privacy_category_is_flagged_and_the_profile_names_the_dpo_by_default(org_a):
    assert list(RiskCategory.objects.for_org(org_a).filter(is_privacy=True).values_list("key", flat=True)) == [
        "privacy"]
    assert core_services.do_update_governance(None, org_a).dpo_signs_privacy_acceptances is True


def test_a_privacy_acceptance_needs_the_dpo_besides_the_owner(org_a, ciso, dpo):
    owner = make_member(org_a, "contributor")
    risk = _privacy_risk(org_a, ciso, owner=owner.user.email)
    acceptance = _request(org_a, owner, risk)  # the owner requests and signs in the same step
    assert acceptance.required_signatories == ["owner", "dpo"]
    assert not selectors.access_risk(org_a, risk.pk).accepted
    with pytest.raises(ValidationError, match="you are not one of them"):
        services.do_sign_acceptance(ciso.user, org_a, acceptance)
    services.do_sign_acceptance(dpo.user, org_a, acceptance)
    assert selectors.access_risk(org_a, risk.pk).accepted


def test_above_tolerance_the_dpo_signs_with_the_ciso_and_the_cio(org_a, cio, ciso, dpo):
    draft = services.do_draft_appetite(ciso.user, org_a, statement="s", category_levels={"privacy": "low"})
    services.do_sign_appetite(cio.user, org_a, version=draft.version)
    services.do_sign_appetite(ciso.user, org_a, version=draft.version)
    risk = _privacy_risk(org_a, ciso, likelihood=5, impact=5)
    assert _request(org_a, None, risk).required_signatories == ["ciso", "cio", "dpo"]


def test_a_dpo_who_owns_the_risk_signs_once_as_owner(org_a, ciso, dpo):
    risk = _privacy_risk(org_a, ciso, owner=dpo.user.email)
    acceptance = _request(org_a, dpo, risk)
    assert acceptance.required_signatories == ["owner"]
    assert acceptance.status == "in_force"


def test_the_profile_can_leave_the_dpo_out_on_every_front(client, org_a, admin, capsys):
    core_services.do_update_governance(None, org_a, dpo_signs_privacy_acceptances=False)
    risk = _privacy_risk(org_a, admin, owner=admin.user.email)
    assert _request(org_a, None, risk).required_signatories == ["owner"]
    body = client.get(f"{API}/governance/", **admin.auth()).json()
    assert body["dpo_signs_privacy_acceptances"] is False
    put = client.put(f"{API}/governance/", {"ciso_reports_to": "cio", "ciso_model": "internal", "dpo_model": "internal",
                                            "dpo_signs_privacy_acceptances": True}, content_type="application/json",
                     **admin.auth())
    assert put.status_code == 200, put.content
    assert put.json()["dpo_signs_privacy_acceptances"] is True
    assert main(["org", "governance", "org-a", "--no-dpo-signs-privacy-acceptances"]) == 0
    assert "dpo_signs_privacy_acceptances=no" in capsys.readouterr().out
    page = signed_in(admin).get("/o/org-a/governance/").content.decode()
    assert 'name="dpo_signs_privacy_acceptances"' in page
    signed_in(admin).post("/o/org-a/governance/", {"ciso_reports_to": "cio", "ciso_model": "internal",
                                                   "dpo_model": "internal", "dpo_signs_privacy_acceptances": "on"})
    assert core_services.do_update_governance(None, org_a).dpo_signs_privacy_acceptances is True


def test_any_category_can_be_marked_privacy_and_the_api_says_which(client, org_a, admin, ciso, dpo):
    category = services.do_create_category(admin.user, org_a, key="health_data", name="Health data", is_privacy=True)
    risk = services.do_create_risk(ciso.user, org_a, {"title": "R", "category": "health_data", "likelihood": 1,
                                                      "impact": 1, "owner": ciso.user.email})
    assert _request(org_a, None, risk).required_signatories == ["owner", "dpo"]
    items = {c["key"]: c["is_privacy"] for c in client.get(f"{API}/risk-categories/", **admin.auth()).json()["items"]}
    assert (items["health_data"], items["privacy"], items["strategic"]) == (True, True, False)
    services.do_update_category(admin.user, org_a, category, is_privacy=False)
    assert _request(org_a, None, risk).required_signatories == ["owner"]


def test_moving_an_accepted_risk_into_a_privacy_category_takes_its_cover(org_a, ciso):
    risk = services.do_create_risk(ciso.user, org_a, {"title": "R", "category": "it_operations", "likelihood": 1,
                                                      "impact": 1, "owner": ciso.user.email})
    assert _request(org_a, ciso, risk).status == "in_force"
    services.do_update_risk(ciso.user, org_a, risk, {"category": "privacy"})
    assert not selectors.access_risk(org_a, risk.pk).accepted


def test_a_privacy_acceptance_is_refused_when_no_member_can_sign_as_the_dpo(org_a, ciso):
    owner = make_member(org_a, "contributor")
    risk = _privacy_risk(org_a, ciso, owner=owner.user.email)
    with pytest.raises(ValidationError, match=r"needs the signature of the DPO, and no member of .* can sign as "
                                              r"that.*turn off \"the DPO signs privacy acceptances\""):
        _request(org_a, owner, risk)
    core_services.do_update_governance(None, org_a, dpo_signs_privacy_acceptances=False)
    assert _request(org_a, owner, risk).status == "in_force"  # the owner alone, who signed on request
