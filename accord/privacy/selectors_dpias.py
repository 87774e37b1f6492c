"""Reads of the DPIAs, always for one organisation: the list, one DPIA with its risks read from the shared
register (the register's own `above_tolerance` flag, so a DPIA's risk is judged against the signed appetite as
any risk is), whether prior consultation is required (`rules_dpia`), and where the decision's signatures stand
(the approvals kit). Missing and another organisation's both answer 404."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from accord.core.approvals import rules as approvals
from accord.core.approvals.rules import SignatureState
from accord.core.history import names_by_id
from accord.core.models import GovernanceProfile, Membership, Organization
from accord.privacy import rules_dpia
from accord.privacy.choices_dpias import OPEN_STATUSES, DpiaStatus
from accord.privacy.models_dpias import Dpia, DpiaControl, DpiaSignature
from accord.privacy.models_ropa import ProcessingActivity
from accord.risks import selectors as risk_selectors
from accord.risks.choices import LEVEL_RANK, Level
from accord.risks.models import RiskCategory


def dpias(org: Organization, *, status: str = "", activity: ProcessingActivity | None = None) -> QuerySet[Dpia]:
    """The DPIAs of `org`, newest first, with their activity and the number of their risks."""
    qs = (Dpia.objects.for_org(org).select_related("activity", "dpo_advice_by")
          .annotate(risk_count=Count("risk_links", distinct=True)).order_by("-number"))
    if status:
        qs = qs.filter(status=status)
    if activity is not None:
        qs = qs.filter(activity=activity)
    return qs


def _id(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such DPIA.") from None


def access_dpia(org: Organization, dpia_id: Any) -> Dpia:
    """One DPIA of `org` with its measures and signatures loaded, or 404."""
    found = (Dpia.objects.for_org(org).select_related("activity", "dpo_advice_by", "created_by")
             .prefetch_related(Prefetch("control_links", DpiaControl.objects.for_org(org).select_related("control")),
                               Prefetch("signatures", DpiaSignature.objects.for_org(org).select_related("user")))
             .filter(pk=_id(dpia_id)).first())
    if found is None:
        raise Http404("No such DPIA.")
    return found


def open_dpia(org: Organization, activity: ProcessingActivity) -> Dpia | None:
    """The activity's DPIA still open (at most one), if any."""
    return Dpia.objects.for_org(org).filter(activity=activity, status__in=OPEN_STATUSES).first()


def tolerance_ranks(org: Organization) -> dict[str, int]:
    """category key → the highest residual rank the appetite in force tolerates (categories it leaves out are
    absent; no appetite in force, none)."""
    appetite = risk_selectors.appetite_in_force(org)
    if appetite is None:
        return {}
    return {key: LEVEL_RANK[Level(level)] for key, level in appetite.category_levels.items() if level in Level.values}


def privacy_category(org: Organization) -> RiskCategory | None:
    """The category a DPIA's new risks go in: the active privacy category (the seeded `privacy` first)."""
    qs = RiskCategory.objects.for_org(org).filter(is_privacy=True, active=True).order_by("position", "pk")
    return qs.filter(key="privacy").first() or qs.first()


def _reading(risk: Any, ranks: dict[str, int]) -> rules_dpia.ResidualReading:
    return rules_dpia.ResidualReading(residual_rank=risk.residual_rank, above_tolerance=bool(risk.above_tolerance),
                                      tolerance_rank=ranks.get(risk.category.key))


@dataclass(frozen=True)
class DpiaRiskRow:
    """A risk of the DPIA as the register judges it: its levels, `above_tolerance`, and whether it stays high."""

    risk: Any
    tolerance: str | None  # the tolerated level of its category under the appetite in force
    high_residual: bool


@dataclass(frozen=True)
class DpiaReading:
    """One DPIA as every front shows it."""

    dpia: Dpia
    risks: list[DpiaRiskRow]
    consultation_required: bool
    signatures: SignatureState

    @property
    def controls(self) -> list[Any]:
        return [link.control for link in self.dpia.control_links.all()]


def dpia_risks(org: Organization, dpia: Dpia) -> QuerySet[Any]:
    """The DPIA's risks, read by the register's query (its flags against the signed appetite), archived ones too."""
    return risk_selectors.annotated_risks(org, archived=None).filter(dpia_links__dpia=dpia).order_by("number")


def required_slots(org: Organization, dpia: Dpia, profile: GovernanceProfile | None = None) -> list[str]:
    """Who signs the decision: while it awaits, the governance profile as it is; once decided, those recorded."""
    if dpia.status == DpiaStatus.DECIDED:
        return list(dpia.required_signatories)
    return rules_dpia.decision_slots(profile or GovernanceProfile.objects.for_org(org).get())


def signature_state(org: Organization, dpia: Dpia, *, people: bool = False) -> SignatureState:
    """Where the decision's signatures stand (the approvals kit's answer); `people` adds who could sign."""
    is_open = dpia.status == DpiaStatus.AWAITING_DECISION
    members = (Membership.objects.for_org(org).select_related("user").order_by("pk")
               if people and is_open else None)
    return approvals.signature_state(required_slots(org, dpia), dpia.signatures.all(), is_open=is_open,
                                     members=members)


def reading(org: Organization, dpia: Dpia, *, people: bool = False) -> DpiaReading:
    """The DPIA with its risks judged against the appetite, the prior-consultation flag and its signatures."""
    ranks = tolerance_ranks(org)
    level_of = {rank: level for level, rank in LEVEL_RANK.items()}
    rows = []
    for risk in dpia_risks(org, dpia):
        one = _reading(risk, ranks)
        tolerated = ranks.get(risk.category.key)
        rows.append(DpiaRiskRow(risk=risk, tolerance=level_of[tolerated].value if tolerated else None,
                                high_residual=rules_dpia.is_high_residual(one)))
    consultation = (dpia.consultation_required if dpia.status == DpiaStatus.DECIDED
                    else any(row.high_residual for row in rows))
    return DpiaReading(dpia=dpia, risks=rows, consultation_required=consultation,
                       signatures=signature_state(org, dpia, people=people))


def consultations(org: Organization, listed: Iterable[Dpia]) -> dict[int, bool]:
    """DPIA id → prior consultation required, for a page of DPIAs in one query (decided ones: as recorded)."""
    page = list(listed)
    ranks = tolerance_ranks(org)
    out = {d.pk: d.consultation_required for d in page if d.status == DpiaStatus.DECIDED}
    open_ids = [d.pk for d in page if d.status != DpiaStatus.DECIDED]
    for d in open_ids:
        out[d] = False
    if open_ids:
        rows = (risk_selectors.annotated_risks(org, archived=None).filter(dpia_links__dpia_id__in=open_ids)
                .values_list("dpia_links__dpia_id", "residual_rank", "above_tolerance", "category__key"))
        for dpia_id, rank, above, key in rows:
            if rules_dpia.is_high_residual(rules_dpia.ResidualReading(rank, bool(above), ranks.get(key))):
                out[dpia_id] = True
    return out


def risk_dpias(org: Organization, risk: Any) -> QuerySet[Dpia]:
    """The DPIAs that assess `risk` (the link read from the risk's side)."""
    return Dpia.objects.for_org(org).filter(risk_links__risk=risk).select_related("activity").order_by("-number")


def dpia_names(org: Organization, ids: set[str]) -> dict[str, str]:
    return names_by_id(Dpia.objects.for_org(org).only("number"), ids, lambda d: d.ref)

