"""Forms of the audit pages: they only parse what a person typed; the services check it (and their refusals
land on the fields, `accord.core.web.apply_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.compliance.choices import (
    AssessmentStatus,
    FindingKind,
    FindingStatus,
    RemediationStatus,
    ResultValue,
    Severity,
)
from accord.compliance.models import Framework
from accord.core.models import Membership, Organization


def _members(org: Organization) -> list[tuple[str, str]]:
    return [(m.user.email, f"{m.user.full_name or m.user.email} ({m.get_role_display()})")
            for m in Membership.objects.for_org(org).select_related("user").order_by("user__email")]


class _Date(forms.DateInput):
    input_type = "date"


class AssessmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    framework = forms.ChoiceField(label=_("Framework"))
    scope = forms.CharField(label=_("Scope"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("What the audit covers: sites, systems, processes, teams."))
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=_Date)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=_Date)
    status = forms.ChoiceField(label=_("Status"), choices=AssessmentStatus.choices)
    auditors = forms.MultipleChoiceField(label=_("Auditors"), required=False, widget=forms.CheckboxSelectMultiple,
                                         help_text=_("A member with the auditor role records only in the audits "
                                                     "that name them."))

    def __init__(self, org: Organization, *args: Any, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["auditors"].choices = _members(org)  # type: ignore[attr-defined]  # a ChoiceField
        if creating:
            self.fields["framework"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
                (f.ref, str(f)) for f in Framework.objects.for_org(org).order_by("key", "-imported_at")]
            self.fields["status"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
                c for c in AssessmentStatus.choices if c[0] != AssessmentStatus.CLOSED]
        else:
            del self.fields["framework"]


class ResultForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=ResultValue.choices,
                               widget=forms.Select(attrs={"autofocus": True}))
    justification = forms.CharField(label=_("Justification"), required=False,
                                    help_text=_("Required when not applicable."))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    controls = forms.CharField(label=_("Controls"), required=False,
                               widget=forms.TextInput(attrs={"placeholder": "C-001, C-004"}),
                               help_text=_("The refs of the controls that serve it, separated by commas."))


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FindingKind.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM)
    requirement = forms.CharField(label=_("Requirement"), required=False, max_length=100,
                                  help_text=_("Its id in the audit's framework, such as A.5.1 (optional)."))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FindingEditForm(FindingForm):
    status = forms.ChoiceField(label=_("Status"), choices=FindingStatus.choices)


class RemediationForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=_Date)
    status = forms.ChoiceField(label=_("Status"), choices=RemediationStatus.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—"), *_members(org)]  # type: ignore[attr-defined]  # a ChoiceField


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"), required=False,
                           help_text=_("PDF, PNG, JPEG, Word, Excel, PowerPoint, text, CSV or JSON; or give a link."))
    url = forms.URLField(label=_("Link"), required=False, max_length=2000, assume_scheme="https")
    expires_on = forms.DateField(label=_("Refresh by"), required=False, widget=_Date)
    note = forms.CharField(label=_("Note"), required=False)


class VersionForm(forms.Form):
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("Link"), required=False, max_length=2000, assume_scheme="https")
    expires_on = forms.DateField(label=_("Refresh by"), required=False, widget=_Date)
    note = forms.CharField(label=_("Note"), required=False)


class ResultFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=300)
    result = forms.ChoiceField(label=_("Result"), required=False, choices=[("", _("Any")), *ResultValue.choices])
