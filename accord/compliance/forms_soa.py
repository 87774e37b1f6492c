"""Forms of the Statement of Applicability page: they only parse what a person typed; the service checks it
(its refusals land on the fields, `accord.core.web.apply_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.compliance.choices import SoaReason, SoaStatus
from accord.compliance.models import Group

_YES_NO = [("yes", _("Applicable")), ("no", _("Not applicable"))]


class SoaEntryForm(forms.Form):
    applicable = forms.ChoiceField(label=_("Applicability"), choices=_YES_NO,
                                   widget=forms.Select(attrs={"autofocus": True}))
    reasons = forms.MultipleChoiceField(label=_("Reasons for inclusion"), required=False, choices=SoaReason.choices,
                                        widget=forms.CheckboxSelectMultiple)
    justification = forms.CharField(label=_("Justification"), required=False, max_length=5000,
                                    help_text=_("Required when not applicable; when applicable, a reason or a few "
                                                "words."))

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["applicable"] = data["applicable"] == "yes"
        return data


class SoaFilterForm(forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    applicable = forms.ChoiceField(label=_("Applicability"), required=False, choices=[("", _("Any")), *_YES_NO])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *SoaStatus.choices])

    def __init__(self, themes: list[Group], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [  # type: ignore[attr-defined]  # a ChoiceField
            ("", _("Any")), *((t.ref, f"{t.ref} {t.title}") for t in themes)]
