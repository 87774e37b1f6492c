"""The portfolio's kinds of notification, registered by PortfolioConfig.ready():

- a security review is opened: its reviewer (else whoever may complete reviews under the governance
  profile, `rules.may_complete_review`) is told the gate and the due date;
- a review passes its target (the review clock, `rules.review_clock`): both sides are told, the CISO side
  (the reviewer, else whoever may complete it) and the CIO side (the initiative's owner and sponsor, the
  organisation's CIOs), once per review (a periodic check, `notify_overdue_reviews`);
- a gate exception awaits a member's signature: those who can give an awaited one now
  (`selectors.exception_signature_state`, the rule the signing service reads).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.core.choices import Role
from accord.core.clock import org_today
from accord.core.models import GovernanceProfile, Membership, Organization
from accord.core.notifications.registry import Kind, register, register_scan
from accord.core.notifications.services import notify
from accord.core.workdays import WorkCalendar
from accord.portfolio import rules, selectors
from accord.portfolio.choices import ExceptionStatus, Gate
from accord.portfolio.models import GateException, SecurityReview

REVIEW_REQUESTED = "portfolio.review_requested"
REVIEW_OVERDUE = "portfolio.review_overdue"
EXCEPTION_SIGNATURE = "portfolio.exception_signature"


def _members(org: Organization) -> list[Membership]:
    return list(Membership.objects.for_org(org).select_related("user").order_by("pk"))


def _reviewers(org: Organization, review: SecurityReview) -> list[Membership]:
    """The review's reviewer while they may still complete it, else everyone who may."""
    profile = GovernanceProfile.objects.for_org(org).get()
    able = [m for m in _members(org) if rules.may_complete_review(profile, m)]
    named = [m for m in able if m.pk == review.reviewer_id]
    return named or able


def _both_sides(org: Organization, review: SecurityReview) -> list[Membership]:
    initiative = review.initiative
    cio_side = {initiative.owner_id, initiative.sponsor_id}
    chosen = {m.pk: m for m in _reviewers(org, review)}
    chosen.update({m.pk: m for m in _members(org) if m.pk in cio_side or m.role == Role.CIO})
    return list(chosen.values())


def _open_review(org: Organization, object_id: str) -> SecurityReview | None:
    return (SecurityReview.objects.for_org(org).filter(pk=int(object_id), completed_at__isnull=True)
            .select_related("initiative").first())


def _overdue_review(org: Organization, object_id: str) -> SecurityReview | None:
    review = _open_review(org, object_id)
    if review is None:
        return None
    return review if rules.review_clock(review.due_on, org_today(org), WorkCalendar.of(org)).overdue else None


def _pending_exception(org: Organization, object_id: str) -> GateException | None:
    return (GateException.objects.for_org(org).filter(pk=int(object_id), status=ExceptionStatus.PENDING)
            .select_related("initiative").first())


def _who_can_sign(org: Organization, exception: GateException) -> list[Membership]:
    state = selectors.exception_signature_state(org, exception)
    return [m for m in _members(org) if state.can_sign(m)] if state.awaiting else []


def _link(org: Organization, obj: SecurityReview | GateException) -> str:
    return reverse("portfolio:detail", kwargs={"org": org.slug, "initiative_id": obj.initiative_id})


def _what(obj: SecurityReview | GateException) -> dict[str, str]:
    return {"gate": str(Gate(obj.gate).label).lower(), "initiative": f"{obj.initiative.ref} {obj.initiative.title}"}


def notify_overdue_reviews(org: Organization) -> int:
    """The periodic check: tell both sides of each open review past its due date, once per review and due
    date. Returns the number of notifications written."""
    today = org_today(org)
    told = 0
    for review in (SecurityReview.objects.for_org(org).filter(completed_at__isnull=True, due_on__lt=today)
                   .select_related("initiative")):
        told += len(notify(org, REVIEW_OVERDUE, review, key=f"{review.pk}:{review.due_on}"))
    return told


def register_portfolio_kinds() -> None:
    register(Kind(
        REVIEW_REQUESTED, gettext_lazy("A security review is yours to do"), "review.complete",
        recipients=_reviewers,
        title=lambda r, m: _("The %(gate)s review of %(initiative)s is yours, due %(date)s") % {
            **_what(r), "date": f"{r.due_on:%Y-%m-%d}"},
        link=_link, load=_open_review,
        description=gettext_lazy("An initiative reached a security gate and its review names you, or you may "
                                 "complete reviews under the governance profile.")))
    register(Kind(
        REVIEW_OVERDUE, gettext_lazy("A security review is past its target"), "initiative.view",
        recipients=_both_sides,
        title=lambda r, m: _("The %(gate)s review of %(initiative)s was due %(date)s and is not complete") % {
            **_what(r), "date": f"{r.due_on:%Y-%m-%d}"},
        link=_link, load=_overdue_review,
        description=gettext_lazy("A review you do, or of an initiative you own, sponsor or lead as CIO, missed "
                                 "its service-level target.")))
    register(Kind(
        EXCEPTION_SIGNATURE, gettext_lazy("A gate exception awaits your signature"), "gateexception.sign",
        recipients=_who_can_sign,
        title=lambda e, m: _("Passing the %(gate)s gate of %(initiative)s without a review awaits your "
                             "signature") % _what(e),
        link=_link, load=_pending_exception,
        description=gettext_lazy("The CIO asked to move an initiative past its security gate without a completed "
                                 "review, and you are one of its required signatories.")))
    register_scan("portfolio.reviews_overdue", notify_overdue_reviews)
