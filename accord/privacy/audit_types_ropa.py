"""How the record of processing's object types read in the audit trail (accord.core.history): activities,
processors and transfers by their references, codes by their labels. Registered by PrivacyConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accord.core.history import ObjectType, register
from accord.privacy.choices_ropa import Authorisation, Mechanism, RecordKind, ScreeningOutcome
from accord.privacy.selectors_ropa import activity_names


def register_ropa_types() -> None:
    register("privacy.processingactivity", ObjectType(_("Processing activity"), name=activity_names, fields={
        "record_kind": RecordKind, "screening_outcome": ScreeningOutcome},
        labels={"controller_name": _("Controller"), "purposes": _("Purposes"), "data_subjects": _("Data subjects"),
                "data_categories": _("Personal data"), "recipients": _("Recipients"), "retention": _("Retention"),
                "security_measures": _("Security measures"), "systems": _("Systems"), "processors": _("Processors"),
                "screening_criteria": _("Criteria of the EDPB guidelines (WP248) the activity meets"),
                "screening_cases": _("Cases of Art. 35(3) that apply"), "screening_exception": _("Exception"),
                "screening_outcome": _("DPIA screening")}))
    register("privacy.processor", ObjectType(_("Processor"), fields={"authorisation": Authorisation},
                                             labels={"sub_processors": _("Sub-processors"),
                                                     "systems": _("Systems")}))
    register("privacy.transfer", ObjectType(_("Transfer"), fields={"mechanism": Mechanism},
                                            labels={"destination": _("Destination"), "mechanism": _("Mechanism")}))
