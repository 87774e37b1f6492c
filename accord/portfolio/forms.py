"""Forms of the portfolio pages: they parse what a person typed; the services decide what it means."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.core.choosers import choose_many
from accord.core.models import Membership, Organization
from accord.portfolio.choices import Health, InitiativeKind, Outcome, Phase
from accord.portfolio.models import Initiative, SecurityReview, System
from accord.portfolio.selectors import InitiativeFilter

_DATE = forms.DateInput(attrs={"type": "date"})


def _members(org: Organization) -> list[tuple[str, str]]:
    people = Membership.objects.for_org(org).select_related("user").order_by("user__email")
    return [("", "—"), *((m.user.email, m.user.display_name) for m in people)]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any")), *InitiativeKind.choices])
    phase = forms.ChoiceField(label=_("Phase"), required=False, choices=[("", _("Any")), *Phase.choices])
    health = forms.ChoiceField(label=_("Health"), required=False, choices=[("", _("Any")), *Health.choices])
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    objective = forms.TypedChoiceField(label=_("Objective"), required=False, coerce=int, empty_value=None)

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        from accord.portfolio.selectors_objectives import objective_choices

        super().__init__(*args, **kwargs)
        people = Membership.objects.for_org(org).select_related("user").order_by("user__email")
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        owner.choices = [("", _("Anyone")), *((m.pk, m.user.display_name) for m in people)]
        objective = self.fields["objective"]
        assert isinstance(objective, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        objective.choices = [("", _("Any")), *objective_choices(org)]

    def filters(self) -> InitiativeFilter:
        """The filter the valid fields ask for (none for an invalid form: every initiative)."""
        data = self.cleaned_data if self.is_valid() else {}
        return InitiativeFilter(kind=data.get("kind", ""), phase=data.get("phase", ""), health=data.get("health", ""),
                                owner=data.get("owner"), q=data.get("q", ""), objective=data.get("objective"))


class InitiativeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=InitiativeKind.choices)
    phase = forms.ChoiceField(label=_("Phase"), choices=[(p, Phase(p).label) for p in (Phase.IDEA, Phase.PROPOSED)])
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    sponsor = forms.ChoiceField(label=_("Sponsor"), required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    health = forms.ChoiceField(label=_("Health"), choices=Health.choices)
    health_reason = forms.CharField(label=_("Reason for the health"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    planned_start = forms.DateField(label=_("Planned start"), required=False, widget=_DATE)
    planned_end = forms.DateField(label=_("Planned end"), required=False, widget=_DATE)
    actual_start = forms.DateField(label=_("Actual start"), required=False, widget=_DATE)
    actual_end = forms.DateField(label=_("Actual end"), required=False, widget=_DATE)
    benefit_low = forms.IntegerField(label=_("Yearly benefit, 5th percentile (minor units)"), required=False,
                                     min_value=0)
    benefit_high = forms.IntegerField(label=_("Yearly benefit, 95th percentile (minor units)"), required=False,
                                      min_value=0)
    horizon_years = forms.IntegerField(label=_("Horizon (years)"), min_value=1, max_value=30, initial=5)
    dependencies = forms.MultipleChoiceField(label=_("Depends on"), required=False)
    systems = forms.MultipleChoiceField(label=_("Systems affected"), required=False,
                                        help_text=_("The systems of the inventory it builds, changes or retires"))

    def __init__(self, org: Organization, *args: Any, initiative: Initiative | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("sponsor", "owner"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
            field.choices = _members(org)
        choose_many(self, "systems", System.objects.for_org(org).only("number", "name"), prefix="S-")
        others = Initiative.objects.for_org(org).only("number", "title")
        choose_many(self, "dependencies", others.exclude(pk=initiative.pk) if initiative is not None else others,
                    prefix="I-")
        if initiative is not None:
            del self.fields["phase"]  # the phase moves only through advance (the security gates)
            self.initial.update({
                "title": initiative.title, "kind": initiative.kind, "description": initiative.description,
                "sponsor": initiative.sponsor.user.email if initiative.sponsor else "",
                "owner": initiative.owner.user.email if initiative.owner else "", "health": initiative.health,
                "health_reason": initiative.health_reason, "planned_start": initiative.planned_start,
                "planned_end": initiative.planned_end, "actual_start": initiative.actual_start,
                "actual_end": initiative.actual_end, "benefit_low": initiative.benefit_low,
                "benefit_high": initiative.benefit_high, "horizon_years": initiative.horizon_years,
                "dependencies": [str(d.pk) for d in initiative.dependencies.all()],
                "systems": [str(s.pk) for s in initiative.systems.all()]})

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("dependencies", "systems"):
            data[name] = [int(v) for v in data.get(name) or []]
        return data


class AdvanceForm(forms.Form):
    to = forms.ChoiceField(label=_("Move to"), choices=Phase.choices)


class BudgetForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2200)
    capex = forms.IntegerField(label=_("Capex (minor units)"), min_value=0, initial=0)
    opex = forms.IntegerField(label=_("Opex (minor units)"), min_value=0, initial=0)


class ExceptionForm(forms.Form):
    reasons = forms.CharField(label=_("Why pass the gate without a review"), widget=forms.Textarea(attrs={"rows": 3}))


ANSWER_CHOICES = [("", _("Not answered")), ("yes", _("Yes")), ("no", _("No")), ("n/a", _("Not applicable"))]
CONDITION_ROWS = 3


class CompleteReviewForm(forms.Form):
    """The outcome, reasons, one answer per checklist question and up to three conditions."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    reasons = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, org: Organization, review: SecurityReview, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, question in review.checklist:
            self.fields[f"answer_{key}"] = forms.ChoiceField(label=question, choices=ANSWER_CHOICES, required=False)
        for n in range(1, CONDITION_ROWS + 1):
            self.fields[f"condition_{n}_title"] = forms.CharField(label=_("Condition %(n)s") % {"n": n},
                                                                  required=False, max_length=200)
            self.fields[f"condition_{n}_due_on"] = forms.DateField(label=_("Due on"), required=False, widget=_DATE)
            self.fields[f"condition_{n}_owner"] = forms.ChoiceField(label=_("Owner"), required=False,
                                                                    choices=_members(org))
        self.review = review

    def answers(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"answer_{key}"] for key, _q in self.review.checklist
                if self.cleaned_data.get(f"answer_{key}")}

    def conditions(self) -> list[dict[str, Any]]:
        out = []
        for n in range(1, CONDITION_ROWS + 1):
            title = self.cleaned_data.get(f"condition_{n}_title")
            if title:
                out.append({"title": title, "due_on": self.cleaned_data.get(f"condition_{n}_due_on"),
                            "owner": self.cleaned_data.get(f"condition_{n}_owner") or None})
        return out
