"""Forms of the controls pages: they parse what a person typed; the services decide what it means. Costs are
typed in the currency's major unit (euros, with cents) and given to the service in minor units, as stored."""

from __future__ import annotations

import decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.compliance import rules
from accord.compliance.choices import ControlKind, ControlStatus
from accord.compliance.fields import CONTROL
from accord.compliance.models import Framework
from accord.compliance.models_controls import Control
from accord.compliance.selectors_controls import SORT_KEYS, ControlFilter
from accord.core.choosers import choose_one
from accord.core.models import Membership, Organization
from accord.risks.models import Risk

_DATE = forms.DateInput(attrs={"type": "date"})
_COSTS = ("build_cost", "run_cost")


def _members(org: Organization) -> list[tuple[str, str]]:
    people = Membership.objects.for_org(org).select_related("user").order_by("user__email")
    return [("", "—"), *((m.user.email, m.user.display_name) for m in people)]


class ControlFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=300,
                        widget=forms.TextInput(attrs={"type": "search"}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *ControlStatus.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any")), *ControlKind.choices])
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORT_KEYS], widget=forms.HiddenInput)

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        people = Membership.objects.for_org(org).select_related("user").order_by("user__email")
        owner.choices = [("", _("Anyone")), *((m.pk, m.user.display_name) for m in people)]

    def to_filter(self) -> ControlFilter:
        """The filter the form says; an invalid value (a hand-edited address) counts as not given."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return ControlFilter(q=(data.get("q") or "").strip(), status=data.get("status") or "",
                             kind=data.get("kind") or "", owner=data.get("owner"), sort=data.get("sort") or "ref")


class ControlForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Kind"), choices=ControlKind.choices, initial=ControlKind.PROCESS)
    status = forms.ChoiceField(label=_("Status"), choices=ControlStatus.choices, initial=ControlStatus.PLANNED,
                               help_text=_("Only an implemented control reduces the residual money figures; a "
                                           "planned or in-progress one shows what it would add."))
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    implemented_on = forms.DateField(label=_("Implemented on"), required=False, widget=_DATE)
    next_review_on = forms.DateField(label=_("Next review"), required=False, widget=_DATE)
    build_cost = forms.DecimalField(label=_("Build cost"), required=False, min_value=0,
                                    help_text=_("One-off cost to put it in place"))
    run_cost = forms.DecimalField(label=_("Yearly run cost"), required=False, min_value=0)
    build_days = forms.DecimalField(label=_("Build people-days"), required=False, min_value=0, decimal_places=2,
                                    help_text=_("One-off people-days, priced at the organisation's day rate"))
    run_days = forms.DecimalField(label=_("People-days a year"), required=False, min_value=0, decimal_places=2)

    def __init__(self, org: Organization, *args: Any, control: Control | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.digits = rules.minor_digits(org.currency)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        owner.choices = _members(org)
        for name in _COSTS:
            field = self.fields[name]
            assert isinstance(field, forms.DecimalField)  # noqa: S101 - narrows the type for mypy
            field.decimal_places = self.digits
            field.widget.attrs["step"] = str(decimal.Decimal(1).scaleb(-self.digits))
            field.label = f"{field.label} ({org.currency})"
        if control is not None:
            self.initial.update({spec.name: spec.read(control) for spec in CONTROL.inputs})
            self.initial["owner"] = control.owner.user.email if control.owner else ""
            for name in _COSTS:
                self.initial[name] = decimal.Decimal(getattr(control, name)).scaleb(-self.digits)

    def data_for_service(self) -> dict[str, Any]:
        """The service's input: costs in minor units, an empty owner as nobody."""
        data = dict(self.cleaned_data)
        for name in _COSTS:
            value = data.get(name)
            data[name] = 0 if value is None else value.scaleb(self.digits)
        data["owner"] = data.get("owner") or None
        return data


def _shares_help() -> Any:
    return _("A share from 0 to 1, or a percentage such as 40%; empty: none.")


class RiskLinkForm(forms.Form):
    risk = forms.TypedChoiceField(label=_("Risk"), coerce=int)
    frequency_reduction = forms.CharField(label=_("Events it prevents"), required=False, max_length=20,
                                          help_text=_shares_help())
    loss_reduction = forms.CharField(label=_("Loss per event it removes"), required=False, max_length=20,
                                     help_text=_shares_help())

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_one(self, "risk", Risk.objects.for_org(org).filter(archived_at__isnull=True).only("number", "title"),
                   prefix="R-")


class RequirementLinkForm(forms.Form):
    framework = forms.ChoiceField(label=_("Framework"))
    requirement = forms.CharField(label=_("Requirement id"), max_length=100,
                                  help_text=_("Its id in the framework, such as A.8.13"))

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["framework"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        field.choices = [(f.ref, str(f)) for f in Framework.objects.for_org(org).only("key", "name", "version")
                         .order_by("key", "-imported_at", "-pk")]
