"""Removing a member hands over what they hold in the register: the admin says to whom (or clears it
explicitly), and every risk whose owner or treatment owner changes gets its own audit event. Nothing is
nulled silently by `on_delete=SET_NULL` any more."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accord.cli import main
from accord.core import services as core_services
from accord.core.models import AuditEvent, Membership
from accord.risks import services
from accord.risks.models import Risk
from tests.conftest import signed_in
from tests.factories import make_member, make_org

API = "/api/v1/orgs/org-a"
WEB = "/o/org-a"


@pytest.fixture
def leaver(org_a):
    return make_member(org_a, "ciso", email="leaver@a.test", full_name="Lee Leaver")


@pytest.fixture
def held(org_a, leaver, cio):
    """Three risks: the leaver owns one, owns and treats one, treats one (owned by the CIO); one archived."""
    def risk(title, **extra):
        return services.do_create_risk(cio.user, org_a, {"title": title, "category": "cyber_security",
                                                         "likelihood": 3, "impact": 3, **extra})
    owned = risk("Owned", owner=leaver.user.email)
    both = risk("Both", owner=leaver.user.email, treatment_owner=leaver.user.email)
    treated = risk("Treated", owner=cio.user.email, treatment_owner=leaver.user.email)
    archived = risk("Archived", owner=leaver.user.email)
    services.do_archive_risk(None, org_a, archived, reason="Old")
    risk("Elsewhere", owner=cio.user.email)
    return {"owned": owned, "both": both, "treated": treated, "archived": archived}


def _people(org, risk):
    risk = Risk.objects.for_org(org).get(pk=risk.pk)
    return risk.owner_id, risk.treatment_owner_id


def _risk_events(org):
    return list(AuditEvent.objects.for_org(org).filter(object_type="risks.risk", action="update").order_by("seq"))


def test_removing_a_member_who_holds_risks_asks_whom_to_hand_them_to(org_a, admin, leaver, held):
    with pytest.raises(ValidationError, match="holds 4 risk") as caught:
        core_services.do_remove_member(admin.user, org_a, leaver.membership)
    assert set(caught.value.message_dict) == {"reassign_to"}
    assert "R-001" in str(caught.value)
    assert Membership.objects.for_org(org_a).filter(pk=leaver.membership.pk).exists()


def test_the_risks_go_to_the_member_named_each_with_its_audit_event(org_a, admin, leaver, cio, held):
    before = len(_risk_events(org_a))
    core_services.do_remove_member(admin.user, org_a, leaver.membership, reassign_to=cio.membership)
    me = cio.membership.pk
    assert _people(org_a, held["owned"]) == (me, None)
    assert _people(org_a, held["both"]) == (me, me)
    assert _people(org_a, held["treated"]) == (me, me)
    assert _people(org_a, held["archived"]) == (me, None)  # archived risks are handed over too
    events = _risk_events(org_a)[before:]
    assert sorted(e.object_id for e in events) == sorted(str(r.pk) for r in held.values())
    gone = leaver.membership.pk
    by_id = {e.object_id: e.changes for e in events}
    assert by_id[str(held["both"].pk)] == {"owner": [gone, me], "treatment_owner": [gone, me]}
    assert by_id[str(held["treated"].pk)] == {"treatment_owner": [gone, me]}
    assert not Membership.objects.for_org(org_a).filter(pk=gone).exists()


def test_clearing_is_explicit_and_audited_too(org_a, admin, leaver, held):
    before = len(_risk_events(org_a))
    core_services.do_remove_member(admin.user, org_a, leaver.membership, clear=True)
    assert _people(org_a, held["both"]) == (None, None)
    events = _risk_events(org_a)[before:]
    assert len(events) == 4
    assert all(v[1] is None for e in events for v in e.changes.values())


def test_reassigning_to_the_leaver_or_another_organisations_member_is_refused(org_a, admin, leaver, held):
    with pytest.raises(ValidationError, match="someone who stays") as caught:
        core_services.do_remove_member(admin.user, org_a, leaver.membership, reassign_to=leaver.membership)
    assert set(caught.value.message_dict) == {"reassign_to"}
    stranger = make_member(make_org("org-z"), "ciso")
    with pytest.raises(ValidationError, match="another organisation") as caught:
        core_services.do_remove_member(admin.user, org_a, leaver.membership, reassign_to=stranger.membership)
    assert set(caught.value.message_dict) == {"reassign_to"}
    with pytest.raises(ValidationError, match="not both") as caught:
        core_services.do_remove_member(admin.user, org_a, leaver.membership, reassign_to=admin.membership,
                                       clear=True)
    assert _people(org_a, held["owned"]) == (leaver.membership.pk, None)


def test_a_member_holding_nothing_is_removed_without_a_question(org_a, admin, viewer):
    core_services.do_remove_member(admin.user, org_a, viewer.membership)
    assert not Membership.objects.for_org(org_a).filter(pk=viewer.membership.pk).exists()


# --- web ------------------------------------------------------------------------------------------------

def test_the_removal_page_lists_what_they_hold_and_the_members_to_hand_it_to(org_a, admin, leaver, cio, held):
    client = signed_in(admin)
    page = client.get(f"{WEB}/members/{leaver.membership.pk}/remove/").content.decode()
    assert "R-001 Owned" in page and "R-003 Treated" in page
    assert f'value="{cio.membership.pk}"' in page
    assert f'value="{leaver.membership.pk}"' not in page
    refused = client.post(f"{WEB}/members/{leaver.membership.pk}/remove/", {"reassign_to": ""})
    assert refused.status_code == 200
    assert "holds 4 risk" in refused.content.decode()
    response = client.post(f"{WEB}/members/{leaver.membership.pk}/remove/", {"reassign_to": str(cio.membership.pk)})
    assert response.status_code == 302
    assert _people(org_a, held["both"]) == (cio.membership.pk, cio.membership.pk)


def test_the_removal_page_clears_when_asked(org_a, admin, leaver, held):
    response = signed_in(admin).post(f"{WEB}/members/{leaver.membership.pk}/remove/", {"reassign_to": "clear"})
    assert response.status_code == 302
    assert _people(org_a, held["owned"]) == (None, None)


# --- API ------------------------------------------------------------------------------------------------

def test_the_api_removes_a_member_handing_their_risks_over(client, org_a, admin, leaver, cio, held):
    url = f"{API}/members/{leaver.membership.pk}/remove/"
    refused = client.post(url, {}, content_type="application/json", **admin.auth())
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "reassign_to"
    outsider = client.post(url, {"reassign_to": "nobody@a.test"}, content_type="application/json", **admin.auth())
    assert outsider.status_code == 422
    assert outsider.json()["errors"][0]["field"] == "reassign_to"
    response = client.post(url, {"reassign_to": cio.user.email}, content_type="application/json", **admin.auth())
    assert response.status_code == 200, response.content
    assert response.json() == {"email": "leaver@a.test", "reassigned_to": cio.user.email, "changed": 4}
    assert _people(org_a, held["owned"]) == (cio.membership.pk, None)


def test_the_api_refuses_a_non_admin(client, org_a, ciso, leaver, held):
    response = client.post(f"{API}/members/{leaver.membership.pk}/remove/", {"clear": True},
                           content_type="application/json", **ciso.auth())
    assert response.status_code == 403
    assert Membership.objects.for_org(org_a).filter(pk=leaver.membership.pk).exists()


# --- CLI ------------------------------------------------------------------------------------------------

def test_the_cli_removes_a_member_with_reassign_to_or_clear(org_a, admin, leaver, cio, held, capsys):
    assert main(["member", "remove", "org-a", "leaver@a.test"]) != 0
    assert "--reassign-to" in capsys.readouterr().err
    assert main(["member", "remove", "org-a", "leaver@a.test", "--reassign-to", cio.user.email]) == 0
    assert "4 risk" in capsys.readouterr().out
    assert _people(org_a, held["treated"]) == (cio.membership.pk, cio.membership.pk)
    other = make_member(org_a, "contributor", email="other@a.test")
    assert main(["member", "remove", "org-a", other.user.email, "--clear"]) == 0
    assert main(["member", "remove", "org-a", "ghost@a.test", "--clear"]) != 0
    assert "ghost@a.test" in capsys.readouterr().err
