"""Enumerations of the record of processing, processors and transfers, with their labels. The values are those of
the pure rules (`rules_ropa`, `rules_screening`), so a stored value is what the rules read."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    """Whose record: the organisation as controller (Art. 30(1)) or as processor for others (Art. 30(2))."""

    CONTROLLER = "controller", _("Controller (Art. 30(1))")
    PROCESSOR = "processor", _("Processor (Art. 30(2))")


class LegalBasis(models.TextChoices):
    """Art. 6(1) GDPR."""

    CONSENT = "a", _("(a) Consent")
    CONTRACT = "b", _("(b) Contract")
    LEGAL_OBLIGATION = "c", _("(c) Legal obligation")
    VITAL_INTERESTS = "d", _("(d) Vital interests")
    PUBLIC_TASK = "e", _("(e) Public task")
    LEGITIMATE_INTERESTS = "f", _("(f) Legitimate interests")


class Art9Condition(models.TextChoices):
    """Art. 9(2) GDPR: the condition that allows processing a special category."""

    EXPLICIT_CONSENT = "a", _("(a) Explicit consent")
    EMPLOYMENT = "b", _("(b) Employment and social security law")
    VITAL_INTERESTS = "c", _("(c) Vital interests")
    NOT_FOR_PROFIT = "d", _("(d) Not-for-profit body")
    MADE_PUBLIC = "e", _("(e) Made public by the data subject")
    LEGAL_CLAIMS = "f", _("(f) Legal claims")
    PUBLIC_INTEREST = "g", _("(g) Substantial public interest")
    HEALTH_CARE = "h", _("(h) Health or social care")
    PUBLIC_HEALTH = "i", _("(i) Public health")
    RESEARCH = "j", _("(j) Archiving, research or statistics")


class Criterion(models.TextChoices):
    """The nine criteria of the EDPB guidelines on DPIAs (WP248 rev.01)."""

    EVALUATION_SCORING = "evaluation_scoring", _("Evaluation or scoring")
    AUTOMATED_DECISION = "automated_decision", _("Automated decision with legal or similar significant effect")
    SYSTEMATIC_MONITORING = "systematic_monitoring", _("Systematic monitoring")
    SENSITIVE_DATA = "sensitive_data", _("Sensitive data or data of a highly personal nature")
    LARGE_SCALE = "large_scale", _("Data processed on a large scale")
    MATCHING_DATASETS = "matching_datasets", _("Matching or combining datasets")
    VULNERABLE_SUBJECTS = "vulnerable_subjects", _("Data concerning vulnerable data subjects")
    INNOVATIVE_TECHNOLOGY = "innovative_technology", _("Innovative use or new technological solutions")
    PREVENTS_RIGHTS = "prevents_rights", _("Prevents exercising a right or using a service or contract")


class Art35Case(models.TextChoices):
    """The three cases of Art. 35(3) GDPR."""

    SYSTEMATIC_EVALUATION = "systematic_evaluation", _(
        "Art. 35(3)(a): systematic and extensive evaluation, incl. profiling, with legal or similar effects")
    LARGE_SCALE_SPECIAL = "large_scale_special", _(
        "Art. 35(3)(b): large-scale special categories or criminal convictions")
    PUBLIC_MONITORING = "public_monitoring", _(
        "Art. 35(3)(c): systematic monitoring of a publicly accessible area on a large scale")


class ScreeningOutcome(models.TextChoices):
    """The screening's answer (`rules_screening.Outcome`); empty: not screened yet."""

    REQUIRED = "required", _("DPIA required")
    EXCEPTED = "excepted", _("DPIA not carried out: justified exception")
    DOCUMENT = "document", _("DPIA not required: reasons documented")
    NOT_REQUIRED = "not_required", _("DPIA not required")


class Mechanism(models.TextChoices):
    """What makes a transfer outside the EEA lawful (Chapter V)."""

    ADEQUACY = "adequacy", _("Adequacy decision (Art. 45)")
    SCC = "scc", _("Standard contractual clauses (Art. 46(2)(c))")
    BCR = "bcr", _("Binding corporate rules (Art. 47)")
    DEROGATION = "derogation", _("Derogation (Art. 49)")


class Derogation(models.TextChoices):
    """The grounds of Art. 49(1)."""

    CONSENT = "a", _("(a) Explicit consent")
    CONTRACT_WITH_SUBJECT = "b", _("(b) Contract with the data subject")
    CONTRACT_IN_INTEREST = "c", _("(c) Contract in the data subject's interest")
    PUBLIC_INTEREST = "d", _("(d) Important reasons of public interest")
    LEGAL_CLAIMS = "e", _("(e) Legal claims")
    VITAL_INTERESTS = "f", _("(f) Vital interests")
    PUBLIC_REGISTER = "g", _("(g) Public register")
    COMPELLING_INTERESTS = "second_subparagraph", _("Compelling legitimate interests (second subparagraph)")


class SccModule(models.IntegerChoices):
    """The modules of the standard contractual clauses (Commission Implementing Decision (EU) 2021/914)."""

    CONTROLLER_CONTROLLER = 1, _("Module 1: controller to controller")
    CONTROLLER_PROCESSOR = 2, _("Module 2: controller to processor")
    PROCESSOR_PROCESSOR = 3, _("Module 3: processor to processor")
    PROCESSOR_CONTROLLER = 4, _("Module 4: processor to controller")


class Authorisation(models.TextChoices):
    """Art. 28(2): how the controller authorises a processor's sub-processors."""

    SPECIFIC = "specific", _("Prior specific authorisation")
    GENERAL = "general", _("General written authorisation")


class Approval(models.TextChoices):
    """Where a sub-processor's approval stands."""

    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    OBJECTED = "objected", _("Objected to")


#: Art. 28(3)(a)–(h): the contract's clauses, as (field, label).
CONTRACT_CLAUSES = (
    ("clause_a", _("(a) Processes only on documented instructions")),
    ("clause_b", _("(b) Persons authorised are bound to confidentiality")),
    ("clause_c", _("(c) Takes the security measures of Art. 32")),
    ("clause_d", _("(d) Respects the conditions for engaging sub-processors")),
    ("clause_e", _("(e) Assists with data subjects' requests")),
    ("clause_f", _("(f) Assists with Art. 32 to 36 (security, breaches, DPIAs)")),
    ("clause_g", _("(g) Deletes or returns the data at the end")),
    ("clause_h", _("(h) Makes information available and allows audits")),
)

#: The items of the completeness check (`rules_ropa.Gap.item`) as people read them.
ITEM_LABELS = {
    "controller": _("Controller's name and contact details"),
    "joint_controller": _("Joint controller's name and contact details"),
    "representative": _("Representative's name and contact details"),
    "dpo": _("DPO's name and contact details"),
    "purposes": _("Purposes of the processing"),
    "data_subjects": _("Categories of data subjects"),
    "data_categories": _("Categories of personal data"),
    "recipients": _("Categories of recipients"),
    "transfers": _("Transfers and their safeguards"),
    "retention": _("Time limits for erasure"),
    "security": _("Technical and organisational security measures"),
    "processor": _("Processor's name and contact details"),
    "controllers": _("Controllers on whose behalf it processes"),
    "processing_categories": _("Categories of processing"),
    "legal_basis": _("Legal basis (Art. 6(1))"),
    "interests_assessment": _("Legitimate interests assessment"),
    "art9_condition": _("Art. 9(2) condition"),
}

#: What a transfer still needs (`rules_ropa.transfer_issues`) as people read it.
TRANSFER_ISSUES = {
    "destination": _("No destination"),
    "within_eea": _("The destination is in the EEA: not a transfer"),
    "mechanism": _("No transfer mechanism"),
    "no_adequacy": _("No adequacy decision in force for the destination"),
    "scope": _("The adequacy decision's limited scope is not confirmed for the recipient"),
    "scc_module": _("The SCC module (1 to 4) is missing"),
    "derogation": _("The Art. 49(1) ground is missing"),
    "safeguards": _("The suitable safeguards are not documented"),
    "impact_assessment": _("No transfer impact assessment"),
}
