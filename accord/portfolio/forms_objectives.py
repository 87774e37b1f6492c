"""Forms of the objectives pages: they parse what a person typed; the services decide what it means."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.core.choosers import choose_one
from accord.core.models import Organization
from accord.portfolio.forms import _DATE, _members
from accord.portfolio.models import Initiative
from accord.portfolio.models_objectives import MAX_WEIGHT, KeyResult, Objective


class ObjectiveFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"type": "search"}))


class ObjectiveForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    horizon_start = forms.DateField(label=_("Horizon start"), widget=_DATE)
    horizon_end = forms.DateField(label=_("Horizon end"), widget=_DATE)

    def __init__(self, org: Organization, *args: Any, objective: Objective | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        owner.choices = _members(org)
        if objective is not None:
            self.initial.update({"title": objective.title, "description": objective.description,
                                 "owner": objective.owner.user.email if objective.owner else "",
                                 "horizon_start": objective.horizon_start, "horizon_end": objective.horizon_end})


class KeyResultForm(forms.Form):
    metric = forms.CharField(label=_("Metric"), max_length=200)
    unit = forms.CharField(label=_("Unit"), max_length=30, required=False)
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=20, decimal_places=4)
    target = forms.DecimalField(label=_("Target"), max_digits=20, decimal_places=4)
    current = forms.DecimalField(label=_("Current value"), max_digits=20, decimal_places=4, required=False,
                                 help_text=_("Empty: the baseline"))
    due_on = forms.DateField(label=_("Due on"), required=False, widget=_DATE)

    def __init__(self, *args: Any, key_result: KeyResult | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if key_result is not None:
            self.initial.update({name: getattr(key_result, name) for name in self.fields})

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("current") is None:
            data.pop("current", None)
        return data


class ContributionForm(forms.Form):
    initiative = forms.TypedChoiceField(label=_("Initiative"), coerce=int)
    weight = forms.IntegerField(label=_("Weight (1 to 100)"), min_value=1, max_value=MAX_WEIGHT, initial=1)

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_one(self, "initiative", Initiative.objects.for_org(org).only("number", "title"), prefix="I-")
