"""The GDPR audit's suggestions from the privacy registers: for six requirements of the built-in GDPR framework,
what the registers say the result should be and why. Pure: plain facts in, suggestions out (no Django, no app);
`selectors_gdpr_audit` reads the registers into the facts, the fronts show the answers, and the auditor confirms
or changes each one (docs/privacy.md, "The GDPR audit").

The rules, one per requirement (the requirement's id in the built-in framework):
- Art.30(1) the record of processing: no activity → non-compliant; every record complete → compliant; otherwise
  partially compliant, naming each incomplete record and what it lacks.
- Art.35(1) DPIAs: a screened activity that requires a DPIA and has none (open or decided) → non-compliant, naming
  them; otherwise compliant (none screened as requiring one, or all have their DPIA).
- Art.12(3) one month to act: a request answered late, or open past its due date → non-compliant, naming them;
  otherwise compliant. No request recorded: no suggestion (nothing to judge).
- Art.33(1) 72 hours: a breach first notified after its 72-hour deadline → non-compliant, naming them; otherwise
  compliant. No breach notified: no suggestion.
- Art.28(3) the processor's contract: a processor whose contract checklist misses a clause → partially compliant,
  naming them and the clauses; otherwise compliant. No processor: no suggestion.
- Art.44 (Chapter V) transfers: a transfer outside the EEA with no mechanism → non-compliant, naming them;
  otherwise compliant. No transfer: no suggestion.
A suggestion that is not compliant proposes a finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COMPLIANT, PARTIAL, NON_COMPLIANT = "compliant", "partial", "non_compliant"
#: The requirements suggested, in the framework's order.
REQUIREMENTS = ("Art.12(3)", "Art.28(3)", "Art.30(1)", "Art.33(1)", "Art.35(1)", "Art.44")


@dataclass(frozen=True)
class ActivityFact:
    ref: str
    complete: bool
    missing: tuple[str, ...] = ()
    dpia_required: bool = False  # screened, outcome required
    has_dpia: bool = False


@dataclass(frozen=True)
class Facts:
    """What the registers hold, as the rules read them: references and flags (each computed by the registers'
    own rules)."""

    activities: tuple[ActivityFact, ...] = ()
    requests_late: tuple[str, ...] = ()  # answered late or open past due
    requests_total: int = 0
    breaches_notified_late: tuple[str, ...] = ()
    breaches_notified: int = 0
    processors_incomplete: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (ref, missing clauses)
    processors_total: int = 0
    transfers_without_mechanism: tuple[str, ...] = ()
    transfers_total: int = 0


@dataclass(frozen=True)
class Suggestion:
    """A suggested result for one requirement, the reason (`reason`: a key the fronts translate) and the evidence
    (references with what they lack)."""

    requirement: str
    result: str
    reason: str
    evidence: tuple[str, ...] = field(default=())

    @property
    def proposes_finding(self) -> bool:
        return self.result != COMPLIANT


def _ropa(facts: Facts) -> Suggestion:
    if not facts.activities:
        return Suggestion("Art.30(1)", NON_COMPLIANT, "no_record")
    gaps = tuple(f"{a.ref}: {', '.join(a.missing)}" for a in facts.activities if not a.complete)
    if not gaps:
        return Suggestion("Art.30(1)", COMPLIANT, "record_complete", (f"{len(facts.activities)}",))
    return Suggestion("Art.30(1)", PARTIAL, "record_incomplete", gaps)


def _dpias(facts: Facts) -> Suggestion:
    lacking = tuple(a.ref for a in facts.activities if a.dpia_required and not a.has_dpia)
    if lacking:
        return Suggestion("Art.35(1)", NON_COMPLIANT, "dpia_missing", lacking)
    return Suggestion("Art.35(1)", COMPLIANT, "dpias_done",
                      tuple(a.ref for a in facts.activities if a.dpia_required))


def suggest(facts: Facts) -> list[Suggestion]:
    """The suggestions the registers support, in the framework's order (see the module's rules)."""
    out: list[Suggestion] = []
    if facts.requests_total:
        out.append(Suggestion("Art.12(3)", NON_COMPLIANT, "requests_late", facts.requests_late)
                   if facts.requests_late else Suggestion("Art.12(3)", COMPLIANT, "requests_on_time"))
    if facts.processors_total:
        out.append(Suggestion("Art.28(3)", PARTIAL, "contracts_incomplete",
                              tuple(f"{ref}: {', '.join(missing)}" for ref, missing in facts.processors_incomplete))
                   if facts.processors_incomplete else Suggestion("Art.28(3)", COMPLIANT, "contracts_complete"))
    out.append(_ropa(facts))
    if facts.breaches_notified:
        out.append(Suggestion("Art.33(1)", NON_COMPLIANT, "breaches_late", facts.breaches_notified_late)
                   if facts.breaches_notified_late else Suggestion("Art.33(1)", COMPLIANT, "breaches_on_time"))
    out.append(_dpias(facts))
    if facts.transfers_total:
        out.append(Suggestion("Art.44", NON_COMPLIANT, "transfers_unfounded", facts.transfers_without_mechanism)
                   if facts.transfers_without_mechanism else Suggestion("Art.44", COMPLIANT, "transfers_founded"))
    return out
