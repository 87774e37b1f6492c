"""The portfolio tells people what waits for them: the reviewer of a review just opened, both sides of a review
past its target (once), and the signatories of a gate exception still awaited."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.core.clock import org_today
from accord.core.models import Notification
from accord.core.notifications import services as notifications
from accord.core.notifications.registry import kind
from accord.portfolio import services
from accord.portfolio.models import SecurityReview
from accord.portfolio.notifications import EXCEPTION_SIGNATURE, REVIEW_OVERDUE, REVIEW_REQUESTED

pytestmark = pytest.mark.django_db


def _told(org, kind):
    """{recipient's role: title} of the notifications of `kind`."""
    return {n.recipient.role: n.title for n in Notification.objects.for_org(org).filter(kind=kind)
            .select_related("recipient")}


@pytest.fixture
def portal(org_a, cio):
    return services.do_create_initiative(cio.user, org_a, {"title": "Patient portal", "kind": "digital_transformation",
                                                           "phase": "proposed", "owner": cio.user.email})


def test_opening_a_review_tells_its_reviewer_the_gate_and_the_due_date(org_a, cio, ciso, viewer, portal):
    review = services.do_open_review(cio.user, org_a, portal)
    assert _told(org_a, REVIEW_REQUESTED) == {
        "ciso": f"The approval review of I-001 Patient portal is yours, due {review.due_on:%Y-%m-%d}"}


def test_a_review_past_its_target_is_flagged_to_both_sides_once(org_a, cio, ciso, viewer, portal):
    review = services.do_open_review(cio.user, org_a, portal)
    assert notifications.run_scans([org_a]) == 0  # on time: nobody
    due = org_today(org_a) - dt.timedelta(days=1)
    SecurityReview.objects.for_org(org_a).filter(pk=review.pk).update(due_on=due)
    notifications.run_scans([org_a])
    told = _told(org_a, REVIEW_OVERDUE)
    assert set(told) == {"ciso", "cio"}  # the reviewer and the CIO who owns it; not the viewer
    assert told["cio"] == f"The approval review of I-001 Patient portal was due {due:%Y-%m-%d} and is not complete"
    assert notifications.run_scans([org_a]) == 0  # once per review and due date
    services.do_complete_review(ciso.user, org_a, review, outcome="approved")
    assert notifications.run_scans([org_a]) == 0


def test_a_gate_exception_tells_the_signatories_still_awaited(org_a, cio, ciso, portal):
    exception = services.do_request_gate_exception(cio.user, org_a, portal, reasons="The board wants it live")
    told = _told(org_a, EXCEPTION_SIGNATURE)
    assert told == {"ciso": "Passing the approval gate of I-001 Patient portal without a review awaits your signature"}
    services.do_sign_gate_exception(ciso.user, org_a, exception)
    assert kind(EXCEPTION_SIGNATURE).load(org_a, str(exception.pk)) is None  # in force: no e-mail goes out for it
