"""The GDPR audit's suggestions for one audit: the privacy registers read into `rules_gdpr_audit.Facts` (each flag
the registers' own rule: completeness, the screening, the requests' and breaches' deadlines, the contract
checklist, the transfer's mechanism), the rule's suggestions, and beside each the result the auditor recorded so
far. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.compliance.choices import ResultValue
from accord.compliance.models_assessments import Assessment, AssessmentResult
from accord.core.models import Organization
from accord.privacy import rules_deadlines, rules_gdpr_audit, selectors_breaches, selectors_requests, selectors_ropa
from accord.privacy.choices_ropa import ScreeningOutcome
from accord.privacy.models_dpias import Dpia

#: The built-in framework a GDPR audit is of.
GDPR_KEY = "gdpr"
#: How each reason reads.
REASONS = {
    "no_record": gettext_lazy("The record of processing holds no activity."),
    "record_complete": gettext_lazy("Every record of processing holds every Art. 30 item."),
    "record_incomplete": gettext_lazy("Records of processing lack Art. 30 items."),
    "dpia_missing": gettext_lazy("Activities screened as requiring a DPIA have none."),
    "dpias_done": gettext_lazy("Every activity screened as requiring a DPIA has one."),
    "requests_late": gettext_lazy("Data-subject requests were answered late or are overdue."),
    "requests_on_time": gettext_lazy("Every data-subject request was answered in time."),
    "breaches_late": gettext_lazy("Breaches were notified after the 72-hour deadline."),
    "breaches_on_time": gettext_lazy("Every notified breach was notified within 72 hours."),
    "contracts_incomplete": gettext_lazy("Processors' contracts lack Art. 28(3) clauses."),
    "contracts_complete": gettext_lazy("Every processor's contract holds the Art. 28(3) clauses."),
    "transfers_unfounded": gettext_lazy("Transfers outside the EEA have no mechanism (Chapter V)."),
    "transfers_founded": gettext_lazy("Every transfer outside the EEA has its mechanism."),
}


def _missing(items: list[Any]) -> tuple[str, ...]:
    """The stored gaps ([item, article, detail]) as the evidence reads them: "transfers (30(1)(e): TR-001)"."""
    out = []
    for item in items:
        name, article, detail = [*item, "", "", ""][:3] if isinstance(item, list) else (str(item), "", "")
        out.append(f"{name} ({article}{': ' + detail if detail else ''})" if article else str(name))
    return tuple(out)


def facts(org: Organization) -> rules_gdpr_audit.Facts:
    """The registers of `org` as the rules read them (a fixed number of queries)."""
    with_dpia = set(Dpia.objects.for_org(org).values_list("activity_id", flat=True))
    activities = tuple(
        rules_gdpr_audit.ActivityFact(ref=a.ref, complete=a.complete, missing=_missing(a.missing_items),
                                      dpia_required=a.screening_outcome == ScreeningOutcome.REQUIRED,
                                      has_dpia=a.pk in with_dpia)
        for a in selectors_ropa.activities(org))
    requests = list(selectors_requests.requests(org))
    late = tuple(r.ref for r in requests if r.answered_late or r.is_overdue)
    notified = []
    for b in selectors_breaches.breaches(org):
        first = next(iter(b.notifications.all()), None)
        if first is not None:
            notified.append((b.ref, rules_deadlines.notified_late(b.notify_authority_by, first.sent_at)))
    processors = list(selectors_ropa.processors(org))
    incomplete = tuple((p.ref, tuple(selectors_ropa.missing_clauses(p))) for p in processors
                       if selectors_ropa.missing_clauses(p))
    transfers = list(selectors_ropa.transfers(org))
    return rules_gdpr_audit.Facts(
        activities=activities, requests_late=tuple(sorted(late)), requests_total=len(requests),
        breaches_notified_late=tuple(sorted(ref for ref, is_late in notified if is_late)),
        breaches_notified=len(notified), processors_incomplete=incomplete, processors_total=len(processors),
        transfers_without_mechanism=tuple(t.ref for t in transfers if not t.mechanism),
        transfers_total=len(transfers))


@dataclass(frozen=True)
class SuggestionRow:
    """A suggestion as the fronts show it, with the audit's result for that requirement as it stands."""

    suggestion: rules_gdpr_audit.Suggestion
    result: AssessmentResult | None

    @property
    def reason_text(self) -> str:
        return str(REASONS[self.suggestion.reason])

    @property
    def result_label(self) -> str:
        return str(ResultValue(self.suggestion.result).label)

    @property
    def recorded(self) -> str:
        return self.result.result if self.result is not None else ""


def check_gdpr(assessment: Assessment) -> None:
    """Refuse an audit of another framework than the built-in GDPR."""
    if assessment.framework.builtin != GDPR_KEY and assessment.framework.key != GDPR_KEY:
        raise ValidationError({"assessment": _("%(ref)s audits %(framework)s; suggestions from the privacy registers "
                                               "are for an audit of the built-in GDPR framework.")
                               % {"ref": assessment.ref, "framework": assessment.framework.name}})


def suggestions(org: Organization, assessment: Assessment) -> list[SuggestionRow]:
    """The registers' suggestions for `assessment` (of the GDPR framework), each beside the audit's result."""
    check_gdpr(assessment)
    results: dict[str, Any] = {r.requirement.ref: r for r in AssessmentResult.objects.for_org(org)
                               .filter(assessment=assessment, requirement__ref__in=rules_gdpr_audit.REQUIREMENTS)
                               .select_related("requirement")}
    return [SuggestionRow(s, results.get(s.requirement)) for s in rules_gdpr_audit.suggest(facts(org))]
