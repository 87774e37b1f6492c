"""Passing a gate without a review: a co-signed exception (the signatures of a risk acceptance above
tolerance under the governance profile), not in force until every one is in; the portfolio settings
(gated kinds, review target) decide the gate and its clock; a leaving member's holdings are handed over."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accord.core import services as core_services
from accord.core.clock import org_today
from accord.core.conflict import Conflict
from accord.core.workdays import WorkCalendar
from accord.portfolio import rules, selectors, services
from accord.portfolio.choices import ExceptionStatus
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def proposed(org, actor, kind="security"):
    return services.do_create_initiative(actor.user, org, {"title": "Firewall refresh", "kind": kind,
                                                           "phase": "proposed"})


def test_an_exception_is_not_in_force_until_every_required_signature_is_there(org_a, cio, ciso):
    item = proposed(org_a, cio)
    exception = services.do_request_gate_exception(cio.user, org_a, item, reasons="Regulator deadline")
    # The CIO asked and signed in the same step; the CISO's signature is still awaited.
    assert exception.status == ExceptionStatus.PENDING
    assert selectors.exception_signature_state(org_a, exception).awaiting == ("ciso",)
    with pytest.raises(Conflict, match="approval security review"):
        services.do_advance_initiative(cio.user, org_a, item, to="approved")
    services.do_sign_gate_exception(ciso.user, org_a, exception)
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.IN_FORCE
    assert exception.required_signatories == ["ciso", "cio"]
    moved = services.do_advance_initiative(cio.user, org_a, item, to="approved")
    assert moved.phase == "approved"


def test_a_hybrid_organisation_needs_the_board_to_co_sign(org_a, cio, ciso):
    board = make_member(org_a, "viewer", board_representative=True)
    core_services.do_update_governance(None, org_a, ciso_model="hybrid", ciso_reports_to="ceo")
    item = proposed(org_a, cio)
    exception = services.do_request_gate_exception(cio.user, org_a, item, reasons="Board asked for it")
    assert selectors.exception_signature_state(org_a, exception).awaiting == ("board",)
    services.do_sign_gate_exception(board.user, org_a, exception)
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.IN_FORCE


def test_one_person_cannot_sign_an_exception_twice(org_a, cio, ciso):
    item = proposed(org_a, cio)
    exception = services.do_request_gate_exception(cio.user, org_a, item, reasons="Deadline")
    with pytest.raises(Conflict, match="already signed"):
        services.do_sign_gate_exception(cio.user, org_a, exception)


def test_an_exception_needs_reasons(org_a, cio, ciso):
    with pytest.raises(ValidationError, match="Say why") as info:
        services.do_request_gate_exception(cio.user, org_a, proposed(org_a, cio), reasons="  ")
    assert "reasons" in info.value.message_dict


def test_a_kind_that_is_not_gated_moves_freely(org_a, cio):
    services.do_change_portfolio_settings(cio.user, org_a, gated_kinds=["security"])
    item = proposed(org_a, cio, kind="other")
    assert services.do_advance_initiative(cio.user, org_a, item, to="approved").phase == "approved"
    with pytest.raises(Conflict, match="not gated"):
        services.do_open_review(cio.user, org_a, item)


def test_the_review_is_due_the_organisations_target_in_working_days(org_a, cio, ciso):
    services.do_change_portfolio_settings(cio.user, org_a, review_target_days=3)
    review = services.do_open_review(cio.user, org_a, proposed(org_a, cio))
    assert review.due_on == rules.add_working_days(org_today(org_a), 3)
    assert selectors.open_reviews(org_a)[0].clock.working_days_left == 3


def test_the_review_clock_skips_the_organisations_public_holidays(org_a, cio, ciso):
    import datetime as dt

    from accord.core.services import do_update_organization

    services.do_change_portfolio_settings(cio.user, org_a, review_target_days=3)
    friday = dt.date(2026, 7, 10)  # the next Tuesday, 14 July, is a public holiday in France
    before = services.do_open_review(cio.user, org_a, proposed(org_a, cio), opened_on=friday)
    assert before.due_on == dt.date(2026, 7, 15)
    do_update_organization(None, org_a, country="FR")
    review = services.do_open_review(cio.user, org_a, proposed(org_a, cio), opened_on=friday)
    assert review.due_on == dt.date(2026, 7, 16)
    assert rules.review_clock(review.due_on, friday, WorkCalendar.of(org_a)).working_days_left == 3
    before.refresh_from_db()
    assert before.due_on == dt.date(2026, 7, 15), "a review opened before keeps its due date"


def test_the_go_live_gate_follows_the_approval_gate(org_a, cio, ciso):
    item = proposed(org_a, cio)
    review = services.do_open_review(cio.user, org_a, item)
    services.do_complete_review(ciso.user, org_a, review, outcome="approved")
    services.do_advance_initiative(cio.user, org_a, item, to="approved")
    services.do_advance_initiative(cio.user, org_a, item, to="in_delivery")
    with pytest.raises(Conflict, match="go-live security review"):
        services.do_advance_initiative(cio.user, org_a, item, to="live")
    assert services.do_open_review(cio.user, org_a, item).gate == "go_live"


def test_a_phase_cannot_skip_ahead(org_a, cio):
    item = services.do_create_initiative(cio.user, org_a, {"title": "Idea", "kind": "other"})
    with pytest.raises(Conflict, match="may go to"):
        services.do_advance_initiative(cio.user, org_a, item, to="live")


def test_the_phase_is_not_changed_by_an_edit(org_a, cio):
    item = proposed(org_a, cio)
    with pytest.raises(ValidationError, match="only through advance") as info:
        services.do_update_initiative(cio.user, org_a, item, {"phase": "approved"})
    assert "advance" in info.value.message_dict["phase"][0]


def test_another_organisations_initiative_cannot_be_a_dependency(org_a, org_b, cio, outsider):
    foreign = services.do_create_initiative(outsider.user, org_b, {"title": "B's", "kind": "other"})
    with pytest.raises(ValidationError, match="No initiative of") as info:
        services.do_create_initiative(cio.user, org_a, {"title": "A's", "kind": "other",
                                                        "dependencies": [foreign.pk]})
    assert "dependencies" in info.value.message_dict


def test_a_leaving_members_initiatives_and_reviews_are_handed_over(org_a, cio, ciso, admin):
    other = make_member(org_a, "ciso")
    item = services.do_create_initiative(cio.user, org_a, {"title": "Portal", "kind": "security",
                                                           "phase": "proposed", "owner": ciso.user.email})
    review = services.do_open_review(cio.user, org_a, item, reviewer=ciso.user.email)
    assert len(selectors.member_holdings(org_a, ciso.membership)) == 2
    assert services.do_hand_over_member_initiatives(admin.user, org_a, ciso.membership, other.membership) == 2
    item.refresh_from_db()
    review.refresh_from_db()
    assert item.owner_id == other.membership.pk and review.reviewer_id == other.membership.pk


def test_an_admin_records_a_review_only_for_an_external_ciso(org_a, cio, ciso, admin):
    from django.core.exceptions import PermissionDenied

    review = services.do_open_review(cio.user, org_a, proposed(org_a, cio))
    with pytest.raises(PermissionDenied, match="Only the CISO"):
        services.do_complete_review(admin.user, org_a, review, outcome="approved")
    core_services.do_update_governance(None, org_a, ciso_model="external", ciso_reports_to="ceo")
    assert services.do_complete_review(admin.user, org_a, review, outcome="approved").is_complete


def test_a_gate_exception_is_withdrawn_while_pending_or_before_it_is_used(org_a, cio, ciso):
    from accord.core.models import AuditEvent
    from tests.conftest import signed_in

    item = services.do_create_initiative(cio.user, org_a, {"title": "Data lake", "kind": "infrastructure",
                                                           "phase": "proposed"})
    pending = services.do_request_gate_exception(cio.user, org_a, item, reasons="Needed for the audit")
    response = signed_in(cio).post(f"/o/org-a/initiatives/{item.pk}/exceptions/{pending.pk}/withdraw/",
                                   {"reason": "The review will be on time after all"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "withdrawn"
    event = AuditEvent.objects.for_org(org_a).filter(object_type="portfolio.gateexception").order_by("-pk").first()
    assert event.changes == {"status": ["pending", "withdrawn"],
                             "reason": [None, "The review will be on time after all"]}
    with pytest.raises(Conflict, match="withdrawn; only one awaiting signatures"):
        services.do_withdraw_gate_exception(cio.user, org_a, pending)

    used = services.do_request_gate_exception(cio.user, org_a, item, reasons="Second try")  # a new one may be asked
    services.do_sign_gate_exception(ciso.user, org_a, used)
    services.do_advance_initiative(cio.user, org_a, item, to="approved")
    with pytest.raises(Conflict, match="has moved past its gate"):
        services.do_withdraw_gate_exception(cio.user, org_a, used)
    assert rules.may_withdraw_exception("in_force", "approval", "proposed")
    assert not rules.may_withdraw_exception("in_force", "approval", "approved")
