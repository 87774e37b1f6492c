"""DPIA screening (Art. 35 GDPR), a pure function of the answers: does a processing activity need a data
protection impact assessment? Pure Python, no Django (import contract "privacy-rules-pure"); the rule and its
sources are in docs/privacy-ropa.md ("DPIA screening").

The rule, in order:
1. One of the three cases of Art. 35(3) applies → a DPIA is required, whatever the criteria say.
2. Two or more of the nine criteria of the EDPB guidelines (WP248 rev.01) are met → required.
3. Exactly one criterion → not required, but the reasons for not carrying one out are to be documented
   (WP248: a processing meeting one criterion may still call for a DPIA; the controller says why not).
4. None → not required.
The DPO may record a justified exception to a required DPIA (e.g. Art. 35(10), a processing of the same nature
already assessed): the outcome becomes "excepted", never silently "not required", and the reason is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Criterion(StrEnum):
    """The nine criteria of WP248 rev.01 (section III.B.a), in the guidelines' order."""

    EVALUATION_SCORING = "evaluation_scoring"
    AUTOMATED_DECISION = "automated_decision"  # with legal or similar significant effect
    SYSTEMATIC_MONITORING = "systematic_monitoring"
    SENSITIVE_DATA = "sensitive_data"  # special categories, criminal data, or data of a highly personal nature
    LARGE_SCALE = "large_scale"
    MATCHING_DATASETS = "matching_datasets"  # matching or combining datasets
    VULNERABLE_SUBJECTS = "vulnerable_subjects"
    INNOVATIVE_TECHNOLOGY = "innovative_technology"  # new technological or organisational solutions
    PREVENTS_RIGHTS = "prevents_rights"  # prevents exercising a right or using a service or a contract


class Art35Case(StrEnum):
    """The three cases in which Art. 35(3) GDPR requires a DPIA in particular."""

    #: (a) systematic and extensive evaluation of personal aspects based on automated processing, including
    #: profiling, on which decisions producing legal or similarly significant effects are based.
    SYSTEMATIC_EVALUATION = "systematic_evaluation"
    #: (b) processing on a large scale of special categories (Art. 9(1)) or of criminal data (Art. 10).
    LARGE_SCALE_SPECIAL = "large_scale_special"
    #: (c) systematic monitoring of a publicly accessible area on a large scale.
    PUBLIC_MONITORING = "public_monitoring"


class Outcome(StrEnum):
    """The screening's answer."""

    REQUIRED = "required"
    EXCEPTED = "excepted"  # required by the rule, not carried out by the DPO's recorded, justified exception
    DOCUMENT = "document"  # not required; one criterion is met, so the reasons are documented
    NOT_REQUIRED = "not_required"


class Basis(StrEnum):
    """Why the rule answers what it answers (before any exception)."""

    ART35_3 = "art35_3"
    CRITERIA = "criteria"  # two or more criteria
    ONE_CRITERION = "one_criterion"
    NO_CRITERION = "no_criterion"


#: The number of criteria from which WP248 says a DPIA is required "in most cases".
THRESHOLD = 2
#: The article of each Art. 35(3) case, as people cite it.
ART35_POINTS = {Art35Case.SYSTEMATIC_EVALUATION: "35(3)(a)", Art35Case.LARGE_SCALE_SPECIAL: "35(3)(b)",
                Art35Case.PUBLIC_MONITORING: "35(3)(c)"}


class ScreeningInvalid(ValueError):
    """Answers the rule cannot use; `field` names the answer (`criteria`, `cases`, `exception`)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Screening:
    """A screening's answer: what was met, what the rule says, and the outcome after any exception."""

    criteria: tuple[Criterion, ...]
    cases: tuple[Art35Case, ...]
    basis: Basis
    outcome: Outcome
    exception: str = ""

    @property
    def rule_requires(self) -> bool:
        """Whether the rule alone requires a DPIA (an exception does not change this)."""
        return self.basis in (Basis.ART35_3, Basis.CRITERIA)

    @property
    def dpia_required(self) -> bool:
        """Whether a DPIA is to be carried out: required by the rule and not excepted."""
        return self.outcome is Outcome.REQUIRED

    @property
    def document_reasons(self) -> bool:
        """Whether the reasons for not carrying out a DPIA must be written down (one criterion, or an
        exception)."""
        return self.outcome in (Outcome.DOCUMENT, Outcome.EXCEPTED)


def _parse(values: Iterable[str], kind: type[StrEnum], field: str) -> tuple[StrEnum, ...]:
    known = {member.value: member for member in kind}
    given = set(values)
    unknown = sorted(given - set(known))
    if unknown:
        raise ScreeningInvalid(field, f"unknown {', '.join(unknown)}; allowed: {', '.join(known)}")
    return tuple(member for member in kind if member.value in given)  # in the guidelines' order, once each


def screen(criteria: Iterable[str], cases: Iterable[str] = (), *, exception: str = "") -> Screening:
    """Screen an activity: `criteria` are the WP248 criteria met, `cases` the Art. 35(3) cases that apply
    (values of `Criterion` and `Art35Case`, in any order), `exception` the DPO's justified reason for not
    carrying out a required DPIA. Raises `ScreeningInvalid` for an unknown value, or for an exception where
    the rule requires nothing (there is nothing to except)."""
    met = tuple(Criterion(value) for value in _parse(criteria, Criterion, "criteria"))
    applying = tuple(Art35Case(value) for value in _parse(cases, Art35Case, "cases"))
    if applying:
        basis = Basis.ART35_3
    elif len(met) >= THRESHOLD:
        basis = Basis.CRITERIA
    elif met:
        basis = Basis.ONE_CRITERION
    else:
        basis = Basis.NO_CRITERION
    reason = exception.strip()
    if basis in (Basis.ART35_3, Basis.CRITERIA):
        outcome = Outcome.EXCEPTED if reason else Outcome.REQUIRED
    elif reason:
        raise ScreeningInvalid("exception", "an exception applies only where the rule requires a DPIA")
    else:
        outcome = Outcome.DOCUMENT if basis is Basis.ONE_CRITERION else Outcome.NOT_REQUIRED
    return Screening(criteria=met, cases=applying, basis=basis, outcome=outcome, exception=reason)
