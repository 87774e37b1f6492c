"""Forms of the data-privacy audit: planning one (title and scope), uploading a data discovery, and a system
owner's answer to the data-inventory questionnaire. The services check meaning; these only read the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.core.choosers import by_ref, choose_many, ref_and_name
from accord.core.models import Organization
from accord.portfolio.models_systems import System
from accord.privacy.models_ropa import ProcessingActivity


class DataAuditForm(forms.Form):
    """A new data-privacy audit: its title and the activities and systems of its scope."""

    title = forms.CharField(label=_("Title"), max_length=200)
    activities = forms.MultipleChoiceField(label=_("Activities"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    systems = forms.MultipleChoiceField(label=_("Systems"), required=False, widget=forms.CheckboxSelectMultiple,
                                        help_text=_("The systems of the chosen activities are in the scope too."))

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_many(self, "activities", ProcessingActivity.objects.for_org(org).only("number", "name"), prefix="PA-",
                    value=by_ref, label=ref_and_name)
        choose_many(self, "systems", System.objects.for_org(org).only("number", "name"), prefix="S-", value=by_ref,
                    label=ref_and_name)


class DiscoveryUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("Columns: system, location, field, classification (optional), rows "
                                       "(optional); one row per field."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))


class AnswerForm(forms.Form):
    """The owner's answer; `fields` one per line as `name` or `name; location; retention`."""

    fields_text = forms.CharField(label=_("Personal-data fields the system holds"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=_("One per line: the field's name, optionally followed by ; where it "
                                              "is stored ; its retention (e.g. email; crm.contacts; 3 years)."))
    stored_in = forms.CharField(label=_("Countries where it is stored"), required=False, max_length=300,
                                help_text=_("ISO codes separated by commas, such as FR, DE, US."))
    retention = forms.CharField(label=_("Retention actually applied"), required=False, max_length=300,
                                help_text=_("For example: 90 days, 6 months, 5 years, indefinitely."))
    access = forms.CharField(label=_("Who has access"), required=False, max_length=10_000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    shared_with = forms.CharField(label=_("Shared with"), required=False, max_length=10_000,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def answer(self) -> dict[str, Any]:
        """The cleaned answer as the service reads it."""
        fields = []
        for line in self.cleaned_data["fields_text"].splitlines():
            parts = [p.strip() for p in line.split(";")]
            if parts and parts[0]:
                fields.append({"name": parts[0], "location": parts[1] if len(parts) > 1 else "",
                               "retention": parts[2] if len(parts) > 2 else ""})
        return {"fields": fields, "stored_in": self.cleaned_data["stored_in"],
                "retention": self.cleaned_data["retention"], "access": self.cleaned_data["access"],
                "shared_with": self.cleaned_data["shared_with"]}
