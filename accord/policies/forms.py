"""Forms of the policy pages: they parse what a person typed; the services decide what it means."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.core.choices import Role
from accord.core.models import Membership, Organization
from accord.policies.choices import ExceptionState, PolicyKind
from accord.policies.models import Policy
from accord.policies.rules import DEFAULT_REVIEW_MONTHS, MAX_REVIEW_MONTHS
from accord.policies.selectors import PolicyFilter
from accord.policies.starters import STARTERS

_DATE = forms.DateInput(attrs={"type": "date"})


def _members(org: Organization) -> list[tuple[str, str]]:
    people = Membership.objects.for_org(org).select_related("user").order_by("user__email")
    return [("", "—"), *((m.user.email, m.user.display_name) for m in people)]


def _set_choices(form: forms.Form, name: str, choices: list[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
    field.choices = choices


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any")), *PolicyKind.choices])
    overdue = forms.BooleanField(label=_("Overdue for review"), required=False)
    awaiting = forms.BooleanField(label=_("Awaiting approval"), required=False)

    def filters(self) -> PolicyFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return PolicyFilter(kind=data.get("kind", ""), overdue=bool(data.get("overdue")),
                            awaiting=bool(data.get("awaiting")))


class PolicyForm(forms.Form):
    """A policy's own fields and links (its text is drafted as a version)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PolicyKind.choices,
                             help_text=_("Decides who approves it: the CIO and the CISO; for privacy, the DPO and "
                                         "the CISO."))
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    review_interval_months = forms.IntegerField(label=_("Review every (months)"), min_value=1,
                                                max_value=MAX_REVIEW_MONTHS, initial=DEFAULT_REVIEW_MONTHS)
    requirements = forms.TypedMultipleChoiceField(label=_("Requirements it answers"), required=False, coerce=int,
                                                  widget=forms.SelectMultiple(attrs={"size": 6}))
    controls = forms.TypedMultipleChoiceField(label=_("Controls that put it into practice"), required=False,
                                              coerce=int, widget=forms.SelectMultiple(attrs={"size": 6}))

    def __init__(self, org: Organization, *args: Any, policy: Policy | None = None, **kwargs: Any) -> None:
        from accord.compliance.models import Control, Requirement

        if policy is not None and not args:
            kwargs["initial"] = {
                "title": policy.title, "kind": policy.kind,
                "owner": policy.owner.user.email if policy.owner else "",
                "review_interval_months": policy.review_interval_months,
                "requirements": [link.requirement_id for link in policy.requirement_links.all()],
                "controls": [link.control_id for link in policy.control_links.all()]}
        super().__init__(*args, **kwargs)
        _set_choices(self, "owner", _members(org))
        _set_choices(self, "requirements", [
            (r.pk, f"{r.framework.name} {r.ref} {r.title[:60]}")
            for r in Requirement.objects.for_org(org).select_related("framework").order_by("framework__name",
                                                                                            "position")])
        _set_choices(self, "controls", [(c.pk, f"{c.ref} {c.name}")
                                        for c in Control.objects.for_org(org).order_by("number")])

    def data_for_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"title": data["title"], "kind": data["kind"], "owner": data.get("owner") or None,
                "review_interval_months": data["review_interval_months"]}


class CreateForm(PolicyForm):
    template = forms.ChoiceField(label=_("Start from a template"), required=False)
    body = forms.CharField(label=_("Text (Markdown)"), required=False, widget=forms.Textarea(attrs={"rows": 14}),
                           help_text=_("Headings with #, lists with - or 1., links as [text](https://…). HTML is "
                                       "shown as text. Leave empty to start from the template's text."))
    field_order = ["template", "title", "kind", "owner", "review_interval_months", "body", "requirements", "controls"]

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        super().__init__(org, *args, **kwargs)
        _set_choices(self, "template", [("", _("None: write my own")),
                                        *((s.key, f"{s.title} · {s.summary}") for s in STARTERS)])
        for name in ("title", "kind"):
            self.fields[name].required = False
        self.fields["review_interval_months"].required = False

    def data_for_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {"owner": data.get("owner") or None}
        for name in ("title", "kind", "review_interval_months"):
            if data.get(name) not in (None, ""):
                values[name] = data[name]
        return values


class DraftForm(forms.Form):
    body = forms.CharField(label=_("Text (Markdown)"), widget=forms.Textarea(attrs={"rows": 18}),
                           help_text=_("Headings with #, lists with - or 1., links as [text](https://…). HTML is "
                                       "shown as text."))
    note = forms.CharField(label=_("What changed"), required=False, max_length=500)


class CampaignForm(forms.Form):
    roles = forms.MultipleChoiceField(label=_("Ask the members holding these roles"), required=False,
                                      choices=Role.choices, widget=forms.CheckboxSelectMultiple)
    members = forms.MultipleChoiceField(label=_("And these members"), required=False,
                                        widget=forms.SelectMultiple(attrs={"size": 5}))
    due_on = forms.DateField(label=_("Due on"), widget=_DATE)

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "members", _members(org)[1:])


class ExceptionFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("Any")), *ExceptionState.choices])


class ExceptionForm(forms.Form):
    policy = forms.TypedChoiceField(label=_("Policy"), coerce=int)
    risk = forms.TypedChoiceField(label=_("Risk it leaves open"), coerce=int)
    justification = forms.CharField(label=_("Why the policy cannot be followed"), max_length=10_000,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    compensating_measures = forms.CharField(label=_("Compensating measures"), required=False, max_length=10_000,
                                            widget=forms.Textarea(attrs={"rows": 3}))
    expires_on = forms.DateField(label=_("Expires on"), widget=_DATE)

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        from accord.risks.models import Risk

        super().__init__(*args, **kwargs)
        _set_choices(self, "policy", [(p.pk, str(p)) for p in Policy.objects.for_org(org).order_by("number")])
        _set_choices(self, "risk", [(r.pk, f"{r.ref} {r.title}") for r in
                                    Risk.objects.for_org(org).filter(archived_at__isnull=True).order_by("number")])
