"""Forms of the systems inventory pages: they parse what a person typed; the services decide what it means.

The system form's fields are the field specification's inputs (`fields_systems.SYSTEM`), with its labels and
hints, so a new field of a system shows in the form without a line here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.core.fields import LIST_SEPARATOR, FieldSpec, Kind
from accord.core.models import Membership, Organization
from accord.portfolio.choices_systems import Criticality, DataClassification, Hosting, SystemKind, TimeClass
from accord.portfolio.fields_systems import SYSTEM
from accord.portfolio.forms import _DATE, _members
from accord.portfolio.models_systems import System
from accord.portfolio.selectors_systems import SUPPORT_FILTERS, UNDECIDED

_ANY = [("", _("Any"))]


class SystemFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[*_ANY, *SystemKind.choices])
    criticality = forms.ChoiceField(label=_("Criticality"), required=False, choices=[*_ANY, *Criticality.choices])
    hosting = forms.ChoiceField(label=_("Hosting"), required=False, choices=[*_ANY, *Hosting.choices])
    data_classification = forms.ChoiceField(label=_("Data classification"), required=False,
                                            choices=[*_ANY, *DataClassification.choices])
    time = forms.ChoiceField(label=_("TIME"), required=False,
                             choices=[*_ANY, *TimeClass.choices, (UNDECIDED, _("Not decided"))])
    support = forms.ChoiceField(label=_("Vendor support"), required=False, choices=[
        *_ANY, (SUPPORT_FILTERS[0], _("Ended")), (SUPPORT_FILTERS[1], _("Ended or ending within 12 months"))])
    flagged = forms.ChoiceField(label=_("Security input"), required=False, choices=[
        *_ANY, ("yes", _("Suggests Migrate or Eliminate")), ("no", _("Nothing to flag"))])
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Membership.objects.for_org(org).select_related("user").order_by("user__email")
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        owner.choices = [("", _("Anyone")), *((m.pk, m.user.display_name) for m in people)]


def _form_field(spec: FieldSpec, members: list[tuple[str, str]]) -> forms.Field:
    label, hint = spec.label, spec.hint or ""
    required = spec.required
    match spec.kind:
        case Kind.CHOICE:
            assert spec.choices is not None  # noqa: S101 - the spec says so
            return forms.ChoiceField(label=label, help_text=hint, choices=spec.choices.choices)
        case Kind.INTEGER:
            return forms.IntegerField(label=label, help_text=hint, required=False, min_value=0)
        case Kind.BOOLEAN:
            return forms.BooleanField(label=label, help_text=hint, required=False)
        case Kind.DATE:
            return forms.DateField(label=label, help_text=hint, required=False, widget=_DATE)
        case Kind.MEMBER:
            return forms.ChoiceField(label=label, help_text=hint, required=False, choices=members)
        case Kind.TEXT if SYSTEM.model_field_of(spec).get_internal_type() == "TextField":  # type: ignore[union-attr]
            return forms.CharField(label=label, help_text=hint, required=required,
                                   widget=forms.Textarea(attrs={"rows": 3}))
        case _:
            return forms.CharField(label=label, help_text=hint, required=required)


class SystemForm(forms.Form):
    """Every input of a system, in the specification's order and sections (`sections`)."""

    def __init__(self, org: Organization, *args: Any, system: System | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = _members(org)
        for spec in SYSTEM.inputs:
            self.fields[spec.name] = _form_field(spec, members)
        if system is not None:
            for spec in SYSTEM.inputs:
                value = spec.read(system)
                if spec.kind is Kind.LIST:
                    value = LIST_SEPARATOR.join(value or [])
                self.initial[spec.name] = "" if value is None else value

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        """(section name, its fields) in order, for the template."""
        return [(name, [self[f] for f in SYSTEM.section(name)]) for name in SYSTEM.sections()]

    def service_data(self) -> dict[str, Any]:
        """The cleaned data as the service's input (empty texts clear; lists as their text)."""
        return dict(self.cleaned_data)


class TimeForm(forms.Form):
    time_class = forms.ChoiceField(label=_("TIME decision"), choices=TimeClass.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=10_000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Required when you decide against the security input's suggestion."))


class RiskLinkForm(forms.Form):
    risk = forms.CharField(label=_("Risk"), max_length=30, help_text=_("Its reference, e.g. R-001"))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"), help_text=_("One system per row; the first row names the "
                                                                    "columns."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))


class SbomForm(forms.Form):
    file = forms.FileField(label=_("CycloneDX SBOM (JSON)"),
                           help_text=_("Its components replace the system's."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".json,.cdx.json"}))
