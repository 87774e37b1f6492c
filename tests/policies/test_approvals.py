"""A policy version takes effect only when every approver its kind names has approved that same version;
an approver approves once, in their own slot, never for another; a new draft withdraws the open one and its
approvals (decision 0062)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accord.core.conflict import Conflict
from accord.core.models import AuditEvent
from accord.core.services import do_update_governance
from accord.policies import selectors, services
from accord.policies.models import PolicyApproval, PolicyVersion
from tests.factories import make_member
from tests.policies.factories import make_policy


def _status(policy):
    return dict(PolicyVersion.objects.for_org(policy.organization).filter(policy=policy)
                .values_list("version", "status"))


def test_a_version_is_not_in_force_until_the_cio_and_the_ciso_both_approved_it(org_a, cio, ciso):
    policy = make_policy(ciso.user, org_a)
    row = selectors.policy_row(org_a, policy)
    assert row.draft.version == 1 and row.in_force is None
    assert row.draft_state.awaiting == ("cio", "ciso")

    services.do_approve_policy_version(ciso.user, org_a, policy, version=1)
    row = selectors.policy_row(org_a, policy)
    assert row.in_force is None and row.draft_state.awaiting == ("cio",)
    assert _status(policy) == {1: "draft"}

    services.do_approve_policy_version(cio.user, org_a, policy, version=1)
    row = selectors.policy_row(org_a, policy)
    assert row.in_force.version == 1 and row.draft is None
    assert row.in_force.required_signatories == ["cio", "ciso"]
    policy.refresh_from_db()
    assert policy.next_review_on is not None


def test_a_privacy_policy_is_approved_by_the_dpo_and_the_ciso_not_the_cio(org_a, cio, ciso, dpo):
    policy = make_policy(dpo.user, org_a, kind="privacy", title="Data protection")
    with pytest.raises(ValidationError, match="you are not one of them"):
        services.do_approve_policy_version(cio.user, org_a, policy, version=1)
    services.do_approve_policy_version(dpo.user, org_a, policy, version=1)
    assert selectors.policy_row(org_a, policy).in_force is None
    services.do_approve_policy_version(ciso.user, org_a, policy, version=1)
    assert selectors.policy_row(org_a, policy).in_force.version == 1


def test_the_approved_version_stays_in_force_until_a_newer_one_is_fully_approved(org_a, cio, ciso):
    policy = make_policy(ciso.user, org_a)
    services.do_approve_policy_version(ciso.user, org_a, policy, version=1)
    services.do_approve_policy_version(cio.user, org_a, policy, version=1)
    services.do_draft_policy_version(ciso.user, org_a, policy, body="# Rules\n\nBe very careful.\n", note="Stricter")
    services.do_approve_policy_version(ciso.user, org_a, policy, version=2)
    assert _status(policy) == {1: "in_force", 2: "draft"}
    services.do_approve_policy_version(cio.user, org_a, policy, version=2)
    assert _status(policy) == {1: "superseded", 2: "in_force"}


def test_approvals_of_a_withdrawn_draft_do_not_count_for_the_next_one(org_a, cio, ciso):
    policy = make_policy(ciso.user, org_a)
    services.do_approve_policy_version(cio.user, org_a, policy, version=1)
    services.do_draft_policy_version(ciso.user, org_a, policy, body="# Rules\n\nChanged after the CIO approved.\n")
    assert _status(policy) == {1: "withdrawn", 2: "draft"}
    services.do_approve_policy_version(ciso.user, org_a, policy, version=2)
    row = selectors.policy_row(org_a, policy)
    assert row.in_force is None and row.draft_state.awaiting == ("cio",)
    with pytest.raises(Conflict, match="not the current draft"):
        services.do_approve_policy_version(cio.user, org_a, policy, version=1)


def test_an_approver_cannot_approve_twice(org_a, cio, ciso):
    policy = make_policy(ciso.user, org_a)
    services.do_approve_policy_version(ciso.user, org_a, policy, version=1)
    with pytest.raises(Conflict, match="already signed"):
        services.do_approve_policy_version(ciso.user, org_a, policy, version=1)
    assert PolicyApproval.objects.for_org(org_a).count() == 1


def test_a_second_ciso_cannot_fill_the_cios_slot(org_a, cio, ciso):
    other_ciso = make_member(org_a, "ciso", email="ciso2@a.test")
    policy = make_policy(ciso.user, org_a)
    services.do_approve_policy_version(ciso.user, org_a, policy, version=1)
    with pytest.raises(Conflict, match="nothing is left for you"):
        services.do_approve_policy_version(other_ciso.user, org_a, policy, version=1)
    assert selectors.policy_row(org_a, policy).draft_state.awaiting == ("cio",)


def test_a_hybrid_cio_ciso_approves_with_the_board_representative(org_a, cio, viewer):
    from accord.core.services import do_change_member

    do_update_governance(None, org_a, ciso_model="hybrid", ciso_reports_to="ceo")
    do_change_member(None, org_a, viewer.membership, board_representative=True)
    policy = make_policy(cio.user, org_a)
    assert selectors.policy_row(org_a, policy).draft_state.required == ("cio_ciso", "board")
    services.do_approve_policy_version(cio.user, org_a, policy, version=1)
    services.do_approve_policy_version(viewer.user, org_a, policy, version=1)
    assert selectors.policy_row(org_a, policy).in_force.version == 1


def test_approving_is_audited_as_a_signature_naming_the_slot(org_a, cio, ciso):
    policy = make_policy(ciso.user, org_a)
    services.do_approve_policy_version(cio.user, org_a, policy, version=1)
    event = AuditEvent.objects.for_org(org_a).filter(action="sign").get()
    assert event.changes == {"slot": [None, "cio"]}


def test_a_policy_cannot_be_drafted_when_nobody_can_approve_it(org_a, ciso):
    with pytest.raises(Conflict, match="no member"):
        make_policy(ciso.user, org_a)


def test_a_new_draft_with_the_same_text_is_refused(org_a, cio, ciso):
    policy = make_policy(ciso.user, org_a)
    with pytest.raises(Conflict, match="same as v1"):
        services.do_draft_policy_version(ciso.user, org_a, policy, body="# Rules\n\nBe careful.\n")
