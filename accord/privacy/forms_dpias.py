"""Forms of the DPIA pages: open one, write the assessment and choose its measures, add a risk, the DPO's
advice and the signed decision. They parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.compliance.models_controls import Control
from accord.core.models import Organization
from accord.privacy.choices_dpias import DpiaDecision
from accord.privacy.models_ropa import ProcessingActivity

_TEXT = forms.Textarea(attrs={"rows": 4})


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
    field.choices = choices


class DpiaCreateForm(forms.Form):
    activity = forms.ChoiceField(label=_("Processing activity"))
    reason = forms.CharField(label=_("Why a DPIA, where the screening requires none"), required=False, widget=_TEXT)
    description = forms.CharField(label=_("Description of the processing"), required=False, widget=_TEXT)
    necessity = forms.CharField(label=_("Necessity and proportionality"), required=False, widget=_TEXT)

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        activities = ProcessingActivity.objects.for_org(org).order_by("number").only("number", "name",
                                                                                     "screening_outcome")
        _set_choices(self, "activity", [(a.pk, f"{a.ref} {a.name}") for a in activities])


class DpiaEditForm(forms.Form):
    description = forms.CharField(label=_("Description of the processing"), required=False, widget=_TEXT,
                                  help_text=_("Its nature, scope, context and purposes (Art. 35(7)(a))"))
    necessity = forms.CharField(label=_("Necessity and proportionality"), required=False, widget=_TEXT,
                                help_text=_("Art. 35(7)(b)"))
    controls = forms.MultipleChoiceField(label=_("Measures (controls)"), required=False,
                                         widget=forms.SelectMultiple(attrs={"size": 8}),
                                         help_text=_("The controls envisaged to address the risks (Art. 35(7)(d))"))

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "controls", [(c.ref, f"{c.ref} {c.name}") for c in
                                        Control.objects.for_org(org).order_by("number").only("number", "name")])


class DpiaRiskForm(forms.Form):
    title = forms.CharField(label=_("Risk to the rights and freedoms of data subjects"), max_length=200)
    likelihood = forms.IntegerField(label=_("Inherent likelihood"), min_value=1, max_value=10)
    impact = forms.IntegerField(label=_("Inherent impact"), min_value=1, max_value=10)
    residual_likelihood = forms.IntegerField(label=_("Residual likelihood"), min_value=1, max_value=10,
                                             required=False)
    residual_impact = forms.IntegerField(label=_("Residual impact"), min_value=1, max_value=10, required=False)

    def data_for_service(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class AdviceForm(forms.Form):
    advice = forms.CharField(label=_("The DPO's advice"), widget=_TEXT)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), required=False,
                                 choices=[("", _("As stated by the first signatory")), *DpiaDecision.choices])
    reason = forms.CharField(label=_("Reasons"), required=False, widget=_TEXT)
