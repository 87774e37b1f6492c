"""The record of processing activities (Art. 30 GDPR) as pure rules: which items a record lacks, what a transfer
outside the EEA (Chapter V) still needs, and the register's share of complete records. Pure Python, no Django
(import contract "privacy-rules-pure"); the fronts translate the item keys (docs/privacy-ropa.md).

A controller's record (Art. 30(1)) and a processor's record (Art. 30(2)) are plain dataclasses here; the
models fill them. `check_controller` and `check_processor` name each missing item with its article and, where
the item is one of several (a purpose, a transfer, a controller), which one. Only the Art. 30 items decide
whether a record is complete; the gaps of Art. 6 and 9 (a purpose without a legal basis, a special category
without its Art. 9(2) condition, legitimate interests without an assessment) are listed beside them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from accord.privacy.adequacy import AdequacyList, shipped


class LegalBasis(StrEnum):
    """Art. 6(1) GDPR, points (a) to (f)."""

    CONSENT = "a"
    CONTRACT = "b"
    LEGAL_OBLIGATION = "c"
    VITAL_INTERESTS = "d"
    PUBLIC_TASK = "e"
    LEGITIMATE_INTERESTS = "f"


class Art9Condition(StrEnum):
    """Art. 9(2) GDPR, points (a) to (j): the condition that lifts the ban on special categories."""

    EXPLICIT_CONSENT = "a"
    EMPLOYMENT_SOCIAL_SECURITY = "b"
    VITAL_INTERESTS = "c"
    NOT_FOR_PROFIT_BODY = "d"
    MADE_PUBLIC = "e"
    LEGAL_CLAIMS = "f"
    SUBSTANTIAL_PUBLIC_INTEREST = "g"
    HEALTH_CARE = "h"
    PUBLIC_HEALTH = "i"
    ARCHIVING_RESEARCH = "j"


class Mechanism(StrEnum):
    """How a transfer outside the EEA is made lawful (Chapter V)."""

    ADEQUACY = "adequacy"  # Art. 45
    SCC = "scc"  # Art. 46(2)(c), standard contractual clauses (2021/914), modules 1 to 4
    BCR = "bcr"  # Art. 47
    DEROGATION = "derogation"  # Art. 49


class Derogation(StrEnum):
    """The grounds of Art. 49(1): points (a) to (g), and the compelling legitimate interests of its second
    subparagraph (which needs documented suitable safeguards, Art. 30(1)(e), and informing the authority)."""

    CONSENT = "a"
    CONTRACT_WITH_SUBJECT = "b"
    CONTRACT_IN_SUBJECT_INTEREST = "c"
    PUBLIC_INTEREST = "d"
    LEGAL_CLAIMS = "e"
    VITAL_INTERESTS = "f"
    PUBLIC_REGISTER = "g"
    COMPELLING_INTERESTS = "second_subparagraph"


SCC_MODULES = (1, 2, 3, 4)  # controller-controller, controller-processor, processor-processor, processor-controller


@dataclass(frozen=True)
class Party:
    """A controller, joint controller, representative, DPO or processor: a name and contact details."""

    name: str = ""
    contact: str = ""

    @property
    def complete(self) -> bool:
        """Both the name and the contact details are given."""
        return bool(self.name.strip() and self.contact.strip())


@dataclass(frozen=True)
class Purpose:
    """A purpose of the processing with its legal basis (a value of `LegalBasis`, or empty) and, for
    legitimate interests, whether the balancing test is recorded."""

    name: str
    legal_basis: str = ""
    interests_assessed: bool = False


@dataclass(frozen=True)
class DataCategory:
    """A category of personal data; a special category (Art. 9(1)) carries its Art. 9(2) condition."""

    name: str
    special: bool = False
    art9_condition: str = ""
    retention: str = ""


@dataclass(frozen=True)
class Recipient:
    """A category of recipients and, if outside the EEA, the country (ISO 3166-1 alpha-2) or organisation."""

    name: str
    country: str = ""


@dataclass(frozen=True)
class Transfer:
    """A transfer to a third country or an international organisation and what makes it lawful."""

    destination: str
    mechanism: str = ""
    scc_module: int | None = None
    derogation: str = ""
    safeguards: str = ""  # documentation of the suitable safeguards (Art. 49(1), second subparagraph)
    in_scope: bool = False  # the recipient is within a limited adequacy decision's scope (e.g. DPF-certified)
    impact_assessed: bool = False  # a transfer impact assessment is recorded


@dataclass(frozen=True)
class Gap:
    """One missing item: its key, the article that asks for it, and which one of several (or empty)."""

    item: str
    article: str
    detail: str = ""


@dataclass(frozen=True)
class Completeness:
    """What a record lacks: `missing` (Art. 30 items: the record is complete without them) and `gaps`
    (Art. 6 and 9 items, listed beside)."""

    missing: tuple[Gap, ...]
    gaps: tuple[Gap, ...] = ()

    @property
    def complete(self) -> bool:
        """No Art. 30 item is missing."""
        return not self.missing


@dataclass(frozen=True)
class ControllerRecord:
    """A controller's record of one processing activity (Art. 30(1)). The `*_applies` flags say whether the
    "where applicable" items of point (a) are asked: joint controllership (Art. 26), a representative (Art. 27:
    a controller not established in the Union), a designated DPO (Art. 37)."""

    controller: Party
    purposes: tuple[Purpose, ...] = ()
    data_subjects: tuple[str, ...] = ()
    data_categories: tuple[DataCategory, ...] = ()
    recipients: tuple[Recipient, ...] = ()
    no_recipients: bool = False  # declared: the data are disclosed to nobody
    transfers: tuple[Transfer, ...] = ()
    retention: str = ""
    security: str = ""
    security_controls: int = 0  # applied controls linked as the security measures
    joint_controller: Party | None = None
    joint_applies: bool = False
    representative: Party | None = None
    representative_applies: bool = False
    dpo: Party | None = None
    dpo_applies: bool = False


@dataclass(frozen=True)
class ProcessorRecord:
    """A processor's record of the processing it carries out for controllers (Art. 30(2))."""

    processor: Party
    controllers: tuple[Party, ...] = ()
    processing_categories: tuple[str, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    security: str = ""
    security_controls: int = 0
    representative: Party | None = None
    representative_applies: bool = False
    dpo: Party | None = None
    dpo_applies: bool = False


def transfer_issues(transfer: Transfer, on: datetime.date, adequacy: AdequacyList | None = None) -> tuple[str, ...]:
    """What a transfer still needs on `on`, as keys: `destination` (none named), `within_eea` (not a Chapter V
    transfer), `mechanism` (none chosen, or unknown), `no_adequacy` (no decision in force for the destination),
    `scope` (a limited decision whose scope is not confirmed), `scc_module` (not 1 to 4), `derogation` (no
    Art. 49(1) ground), `safeguards` (compelling interests without documented safeguards), `impact_assessment`
    (SCCs or BCRs without a transfer impact assessment)."""
    decisions = adequacy if adequacy is not None else shipped()
    destination = transfer.destination.strip().upper()
    if not destination:
        return ("destination",)
    if decisions.is_eea(destination):
        return ("within_eea",)
    mechanism = transfer.mechanism
    if mechanism not in set(Mechanism):
        return ("mechanism",)
    issues: list[str] = []
    if mechanism == Mechanism.ADEQUACY:
        decision = decisions.find(destination)
        if decision is None or not decisions.covers(destination, on):
            issues.append("no_adequacy")
        elif decision.limited and not transfer.in_scope:
            issues.append("scope")
    elif mechanism == Mechanism.SCC and transfer.scc_module not in SCC_MODULES:
        issues.append("scc_module")
    elif mechanism == Mechanism.DEROGATION:
        if transfer.derogation not in set(Derogation):
            issues.append("derogation")
        elif transfer.derogation == Derogation.COMPELLING_INTERESTS and not transfer.safeguards.strip():
            issues.append("safeguards")
    if mechanism in (Mechanism.SCC, Mechanism.BCR) and not transfer.impact_assessed:
        issues.append("impact_assessment")
    return tuple(issues)


#: Transfer issues that leave Art. 30(1)(e) / 30(2)(c) unanswered: the transfer is not identified or has no
#: safeguard. A missing transfer impact assessment is a Chapter V matter, not an Art. 30 item.
_RECORD_ISSUES = frozenset({"destination", "mechanism", "no_adequacy", "scope", "scc_module", "derogation",
                            "safeguards"})


def _transfer_gaps(transfers: Iterable[Transfer], recipients: Iterable[Recipient], article: str,
                   on: datetime.date, adequacy: AdequacyList | None) -> list[Gap]:
    decisions = adequacy if adequacy is not None else shipped()
    gaps: list[Gap] = []
    declared: set[str] = set()
    for transfer in transfers:
        declared.add(transfer.destination.strip().upper())
        issues = [issue for issue in transfer_issues(transfer, on, decisions) if issue in _RECORD_ISSUES]
        if issues:
            gaps.append(Gap("transfers", article, f"{transfer.destination.strip() or '?'}: {', '.join(issues)}"))
    for recipient in recipients:
        country = recipient.country.strip().upper()
        if country and not decisions.is_eea(country) and country not in declared:
            gaps.append(Gap("transfers", article, f"{recipient.name}: {country}: no transfer recorded"))
            declared.add(country)
    return gaps


def _point_a(record: ControllerRecord | ProcessorRecord, article: str) -> list[Gap]:
    gaps: list[Gap] = []
    if record.representative_applies and not (record.representative and record.representative.complete):
        gaps.append(Gap("representative", article))
    if record.dpo_applies and not (record.dpo and record.dpo.complete):
        gaps.append(Gap("dpo", article))
    return gaps


def _security(record: ControllerRecord | ProcessorRecord) -> bool:
    return bool(record.security.strip()) or record.security_controls > 0


def check_controller(record: ControllerRecord, on: datetime.date,
                     adequacy: AdequacyList | None = None) -> Completeness:
    """The Art. 30(1) items a controller's record lacks, in the article's order, and its Art. 6/9 gaps."""
    missing: list[Gap] = []
    if not record.controller.complete:
        missing.append(Gap("controller", "30(1)(a)"))
    if record.joint_applies and not (record.joint_controller and record.joint_controller.complete):
        missing.append(Gap("joint_controller", "30(1)(a)"))
    missing += _point_a(record, "30(1)(a)")
    purposes = [p for p in record.purposes if p.name.strip()]
    if not purposes:
        missing.append(Gap("purposes", "30(1)(b)"))
    if not any(s.strip() for s in record.data_subjects):
        missing.append(Gap("data_subjects", "30(1)(c)"))
    categories = [c for c in record.data_categories if c.name.strip()]
    if not categories:
        missing.append(Gap("data_categories", "30(1)(c)"))
    recipients = [r for r in record.recipients if r.name.strip()]
    if not recipients and not record.no_recipients:
        missing.append(Gap("recipients", "30(1)(d)"))
    missing += _transfer_gaps(record.transfers, recipients, "30(1)(e)", on, adequacy)
    if not record.retention.strip() and not (categories and all(c.retention.strip() for c in categories)):
        missing.append(Gap("retention", "30(1)(f)"))
    if not _security(record):
        missing.append(Gap("security", "30(1)(g)"))
    gaps: list[Gap] = []
    for purpose in purposes:
        if purpose.legal_basis not in set(LegalBasis):
            gaps.append(Gap("legal_basis", "6(1)", purpose.name))
        elif purpose.legal_basis == LegalBasis.LEGITIMATE_INTERESTS and not purpose.interests_assessed:
            gaps.append(Gap("interests_assessment", "6(1)(f)", purpose.name))
    for category in categories:
        if category.special and category.art9_condition not in set(Art9Condition):
            gaps.append(Gap("art9_condition", "9(2)", category.name))
    return Completeness(missing=tuple(missing), gaps=tuple(gaps))


def check_processor(record: ProcessorRecord, on: datetime.date,
                    adequacy: AdequacyList | None = None) -> Completeness:
    """The Art. 30(2) items a processor's record lacks, in the article's order."""
    missing: list[Gap] = []
    if not record.processor.complete:
        missing.append(Gap("processor", "30(2)(a)"))
    if not record.controllers:
        missing.append(Gap("controllers", "30(2)(a)"))
    missing += [Gap("controllers", "30(2)(a)", c.name.strip() or "?") for c in record.controllers if not c.complete]
    missing += _point_a(record, "30(2)(a)")
    if not any(c.strip() for c in record.processing_categories):
        missing.append(Gap("processing_categories", "30(2)(b)"))
    missing += _transfer_gaps(record.transfers, (), "30(2)(c)", on, adequacy)
    if not _security(record):
        missing.append(Gap("security", "30(2)(d)"))
    return Completeness(missing=tuple(missing))


@dataclass(frozen=True)
class Share:
    """How much of a register is complete: `complete` of `total` records; `percent` rounded down, so a register
    with one record missing something never reads 100."""

    complete: int
    total: int

    @property
    def percent(self) -> int:
        """The share of complete records in whole percent (100 for an empty register: nothing is missing)."""
        return 100 if self.total == 0 else self.complete * 100 // self.total


def share_complete(results: Iterable[Completeness]) -> Share:
    """The share of complete records among `results`."""
    answers = [result.complete for result in results]
    return Share(complete=sum(answers), total=len(answers))
