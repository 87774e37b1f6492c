"""Forms of the record of processing: the DPIA screening's answers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.privacy.choices_ropa import Art35Case, Criterion


class ScreeningForm(forms.Form):
    """The WP248 criteria met, the Art. 35(3) cases that apply, and the DPO's exception to a required DPIA."""

    criteria = forms.MultipleChoiceField(label=_("Criteria of the EDPB guidelines (WP248) the activity meets"),
                                         choices=Criterion.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    cases = forms.MultipleChoiceField(label=_("Cases of Art. 35(3) that apply"), choices=Art35Case.choices,
                                      required=False, widget=forms.CheckboxSelectMultiple)
    exception = forms.CharField(label=_("Justified exception"), required=False, max_length=10_000,
                                widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("Only where the rule requires a DPIA: why none is carried out "
                                            "(e.g. Art. 35(10))."))
