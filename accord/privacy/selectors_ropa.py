"""Tenant-scoped reads of the record of processing, processors and transfers: the register (each activity with its
systems, processors and transfers loaded in a constant number of queries, and its completeness from
`rules_ropa`), one activity, its screening (`rules_screening`), the processors with their missing contract clauses,
the transfers with what each still needs. Nothing here writes; the rules are the pure modules'."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from accord.core.clock import org_today
from accord.core.history import names_by_id
from accord.core.inputs import INT64_MAX
from accord.core.models import Organization
from accord.privacy import rules_ropa, rules_screening
from accord.privacy.adequacy import shipped
from accord.privacy.choices_ropa import CONTRACT_CLAUSES, ITEM_LABELS, TRANSFER_ISSUES, RecordKind
from accord.privacy.models_processors import Processor, ProcessorSystem, Transfer
from accord.privacy.models_ropa import ActivityProcessor, ActivitySystem, ProcessingActivity


def activities(org: Organization) -> QuerySet[ProcessingActivity]:
    """The register by reference, with what the completeness check and the export read loaded."""
    return (ProcessingActivity.objects.for_org(org).select_related("organization", "screened_by")
            .prefetch_related(
                Prefetch("system_links", ActivitySystem.objects.for_org(org).select_related("system")
                         .order_by("system__number")),
                Prefetch("processor_links", ActivityProcessor.objects.for_org(org).select_related("processor")
                         .order_by("processor__number")),
                Prefetch("transfers", Transfer.objects.for_org(org).order_by("number")))
            .order_by("number"))


def _id(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404("No such object.") from None
    if not 0 < number <= INT64_MAX:
        raise Http404("No such object.")
    return number


def access_activity(org: Organization, activity_id: Any) -> ProcessingActivity:
    """One activity of `org` with its links loaded; another organisation's answers 404, like a missing one."""
    found = activities(org).filter(pk=_id(activity_id)).first()
    if found is None:
        raise Http404("No such processing activity.")
    return found


def _transfer(t: Transfer) -> rules_ropa.Transfer:
    return rules_ropa.Transfer(destination=t.destination, mechanism=t.mechanism, scc_module=t.scc_module,
                               derogation=t.derogation, safeguards=t.safeguards, in_scope=t.in_scope,
                               impact_assessed=t.tia_done_on is not None)


def _text(item: Any, key: str) -> str:
    return str(item.get(key) or "") if isinstance(item, dict) else ""


def record_of(activity: ProcessingActivity) -> rules_ropa.ControllerRecord | rules_ropa.ProcessorRecord:
    """The activity as the pure rules read it (its transfers and links prefetched by `activities`)."""
    transfers = tuple(_transfer(t) for t in activity.transfers.all())
    representative = rules_ropa.Party(activity.representative_name, activity.representative_contact)
    dpo = rules_ropa.Party(activity.dpo_name, activity.dpo_contact)
    if activity.record_kind == RecordKind.PROCESSOR:
        return rules_ropa.ProcessorRecord(
            processor=rules_ropa.Party(activity.controller_name, activity.controller_contact),
            controllers=tuple(rules_ropa.Party(_text(c, "name"), _text(c, "contact")) for c in activity.controllers),
            processing_categories=tuple(str(c) for c in activity.processing_categories), transfers=transfers,
            security=activity.security_measures, representative=representative,
            representative_applies=activity.representative_required, dpo=dpo, dpo_applies=activity.dpo_designated)
    return rules_ropa.ControllerRecord(
        controller=rules_ropa.Party(activity.controller_name, activity.controller_contact),
        purposes=tuple(rules_ropa.Purpose(_text(p, "name"), _text(p, "legal_basis"), interests_assessed(p))
                       for p in activity.purposes),
        data_subjects=tuple(str(s) for s in activity.data_subjects),
        data_categories=tuple(rules_ropa.DataCategory(_text(c, "name"), bool(c.get("special")),
                                                      _text(c, "art9_condition"), _text(c, "retention"))
                              for c in activity.data_categories if isinstance(c, dict)),
        recipients=tuple(rules_ropa.Recipient(_text(r, "name"), _text(r, "country")) for r in activity.recipients),
        no_recipients=activity.no_recipients, transfers=transfers, retention=activity.retention,
        security=activity.security_measures,
        joint_controller=rules_ropa.Party(activity.joint_controller_name, activity.joint_controller_contact),
        joint_applies=activity.joint_controllership, representative=representative,
        representative_applies=activity.representative_required, dpo=dpo, dpo_applies=activity.dpo_designated)


def interests_assessed(purpose: Any) -> bool:
    """A purpose's legitimate-interests assessment is recorded: its interest, necessity and balancing are
    written."""
    lia = purpose.get("lia") if isinstance(purpose, dict) else None
    return isinstance(lia, dict) and all(str(lia.get(k) or "").strip() for k in ("interest", "necessity",
                                                                                  "balancing"))


def completeness(activity: ProcessingActivity, on: dt.date) -> rules_ropa.Completeness:
    """What the activity's record lacks on `on` (adequacy decisions count from their dates)."""
    record = record_of(activity)
    if isinstance(record, rules_ropa.ProcessorRecord):
        return rules_ropa.check_processor(record, on)
    return rules_ropa.check_controller(record, on)


@dataclass(frozen=True)
class GapRow:
    """A missing item as a front shows it."""

    item: str
    article: str
    detail: str
    label: str


def gap_rows(gaps: Iterable[rules_ropa.Gap]) -> list[GapRow]:
    return [GapRow(g.item, g.article, g.detail, str(ITEM_LABELS.get(g.item, g.item))) for g in gaps]


@dataclass(frozen=True)
class RegisterRow:
    """One activity of the register with what it lacks."""

    activity: ProcessingActivity
    completeness: rules_ropa.Completeness

    @property
    def complete(self) -> bool:
        return self.completeness.complete

    @property
    def missing(self) -> list[GapRow]:
        return gap_rows(self.completeness.missing)

    @property
    def gaps(self) -> list[GapRow]:
        return gap_rows(self.completeness.gaps)


@dataclass(frozen=True)
class Register:
    """The record of processing with each activity's completeness and the share complete."""

    rows: Sequence[RegisterRow]
    share: rules_ropa.Share


def register(org: Organization, queryset: Iterable[ProcessingActivity] | None = None) -> Register:
    """The register of `org` (or the activities of `queryset`, a page), each checked on the organisation's today,
    with the share complete of the whole register (`register_share`)."""
    today = org_today(org)
    rows = [RegisterRow(a, completeness(a, today)) for a in (queryset if queryset is not None else activities(org))]
    return Register(rows=rows, share=register_share(org))


def register_share(org: Organization) -> rules_ropa.Share:
    """The share complete of the whole register, counted in SQL from the flag the services keep."""
    counts = ProcessingActivity.objects.for_org(org).aggregate(total=Count("pk"), complete=Count("pk", filter=Q(
        complete=True)))
    return rules_ropa.Share(complete=counts["complete"], total=counts["total"])


def screening_of(activity: ProcessingActivity) -> rules_screening.Screening | None:
    """The activity's screening as the rule reads its stored answers; None when not screened yet."""
    if not activity.screening_outcome:
        return None
    return rules_screening.screen(activity.screening_criteria, activity.screening_cases,
                                  exception=activity.screening_exception)


# --- processors ----------------------------------------------------------------------------------------------

def processors(org: Organization) -> QuerySet[Processor]:
    """The processors by reference, with their systems, activities and transfers loaded."""
    return (Processor.objects.for_org(org)
            .prefetch_related(
                Prefetch("system_links", ProcessorSystem.objects.for_org(org).select_related("system")
                         .order_by("system__number")),
                Prefetch("activity_links", ActivityProcessor.objects.for_org(org).select_related("activity")
                         .order_by("activity__number")),
                Prefetch("transfers", Transfer.objects.for_org(org).order_by("number")))
            .order_by("number"))


def access_processor(org: Organization, processor_id: Any) -> Processor:
    """One processor of `org`; another organisation's answers 404."""
    found = processors(org).filter(pk=_id(processor_id)).first()
    if found is None:
        raise Http404("No such processor.")
    return found


def missing_clauses(processor: Processor) -> list[str]:
    """The Art. 28(3) clauses its contract lacks, as their fields (`clause_a` …)."""
    return [name for name, _label in CONTRACT_CLAUSES if not getattr(processor, name)]


def processor_review_due(processor: Processor, on: dt.date) -> bool:
    """Its next review date has come (or passed) on `on`."""
    return processor.next_review_on is not None and processor.next_review_on <= on


# --- transfers -----------------------------------------------------------------------------------------------

def transfers(org: Organization) -> QuerySet[Transfer]:
    """The transfers by reference, with the activity and processor they belong to."""
    return (Transfer.objects.for_org(org).select_related("organization", "activity", "processor")
            .order_by("number"))


def access_transfer(org: Organization, transfer_id: Any) -> Transfer:
    found = transfers(org).filter(pk=_id(transfer_id)).first()
    if found is None:
        raise Http404("No such transfer.")
    return found


def transfer_issues(transfer: Transfer, on: dt.date) -> list[tuple[str, str]]:
    """What the transfer still needs on `on`, as (key, text)."""
    return [(key, str(TRANSFER_ISSUES[key])) for key in rules_ropa.transfer_issues(_transfer(transfer), on)]


def adequacy_of(transfer: Transfer) -> str | None:
    """The adequacy decision covering the transfer's destination (its act and date), or None."""
    decision = shipped().find(transfer.destination) if transfer.destination else None
    return f"{decision.decision} ({decision.decided_on})" if decision else None


def activity_names(org: Organization, ids: set[str]) -> dict[str, str]:
    """For the audit trail: activities by reference and name (one query whatever the events)."""
    return names_by_id(ProcessingActivity.objects.for_org(org).only("number", "name"), ids, str)
