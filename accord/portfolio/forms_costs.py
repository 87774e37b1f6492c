"""Forms of the cost pages: they parse what a person typed; the services decide what it means."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.compliance.models_controls import Control
from accord.core.models import Organization
from accord.portfolio.choices import CostCategory, CostNature
from accord.portfolio.models import Initiative
from accord.portfolio.models_costs import MAX_AMOUNT, BudgetLine
from accord.portfolio.models_systems import System


def _choices(objects: Any) -> list[tuple[str, str]]:
    return [("", "—"), *((str(o.pk), str(o)) for o in objects)]


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2200)
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=CostCategory.choices)
    nature = forms.ChoiceField(label=_("Nature"), choices=CostNature.choices, initial=CostNature.OPEX)
    amount = forms.IntegerField(label=_("Budget of the year (minor units)"), min_value=0, max_value=MAX_AMOUNT,
                                help_text=_("Whole minor units of the organisation's currency: 1500000 is 15,000.00"))
    initiative = forms.ChoiceField(label=_("Pays for the initiative"), required=False)
    control = forms.ChoiceField(label=_("Pays for the control"), required=False)
    system = forms.ChoiceField(label=_("Pays for the system"), required=False,
                               help_text=_("One of an initiative, a control or a system at most"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, org: Organization, *args: Any, line: BudgetLine | None = None, year: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, objects in (("initiative", Initiative.objects.for_org(org).only("number", "title")),
                              ("control", Control.objects.for_org(org).only("number", "name")),
                              ("system", System.objects.for_org(org).only("number", "name"))):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
            field.choices = _choices(objects)
        if line is not None:
            self.initial.update({name: getattr(line, name) for name in ("year", "title", "category", "nature",
                                                                         "amount", "notes")})
            self.initial.update({"initiative": line.initiative_id or "", "control": line.control_id or "",
                                 "system": line.system_id or ""})
        elif year is not None:
            self.initial["year"] = year

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("initiative", "control", "system"):
            data[name] = data.get(name) or None
        return data


class ActualsImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("One row per budget line and month; the first row names the columns."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))
