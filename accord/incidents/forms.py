"""Forms of the incidents pages: they parse what a person typed; the services decide what it means. Instants are
typed as local date and time (`datetime-local`) and read by the service in the organisation's time zone. There is
no form that changes or removes a timeline entry: the timeline form only adds one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accord.core.levelgrid import LevelGridForm
from accord.core.models import Membership, Organization
from accord.core.permissions import allows
from accord.incidents import rules
from accord.incidents.choices import (
    Audience,
    EntryKind,
    IncidentKind,
    IncidentStatus,
    LessonStatus,
    PersonalData,
    Severity,
    TaskStatus,
)
from accord.portfolio.models_systems import System

_MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_TEXT = forms.Textarea(attrs={"rows": 3})


def _members(org: Organization, action: str | None = None) -> list[tuple[str, str]]:
    """The members to choose from (those whose role may do `action`, when given)."""
    people = Membership.objects.for_org(org).select_related("user").order_by("user__email")
    return [("", "—"), *((m.user.email, m.user.display_name) for m in people
                         if action is None or allows(m.role, action))]


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
    field.choices = choices


class IncidentFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind")), *IncidentKind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), ("open", _("Not closed")), *IncidentStatus.choices])
    severity = forms.ChoiceField(label=_("Severity"), required=False,
                                 choices=[("", _("Any severity")), *Severity.choices])


class IncidentForm(forms.Form):
    """A new incident: what it is, when the organisation became aware, who handles it, what it affects."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=IncidentKind.choices)
    personal_data = forms.ChoiceField(label=_("Personal data involved"), choices=PersonalData.choices,
                                      initial=PersonalData.UNKNOWN,
                                      help_text=_("Yes opens a breach in the privacy register (72-hour clock)."))
    became_aware_at = forms.CharField(label=_("Became aware at"), widget=_MOMENT,
                                      help_text=_("In the organisation's time zone"))
    occurred_at = forms.CharField(label=_("Occurred at"), widget=_MOMENT, required=False)
    impact = forms.TypedChoiceField(label=_("Impact"), coerce=int)
    urgency = forms.TypedChoiceField(label=_("Urgency"), coerce=int)
    detection_source = forms.CharField(label=_("Detection source"), max_length=200, required=False,
                                       help_text=_("EDR alert, user report, supplier, monitoring…"))
    description = forms.CharField(label=_("Description"), required=False, widget=_TEXT)
    commander = forms.ChoiceField(label=_("Incident commander"), required=False)
    response_lead = forms.ChoiceField(label=_("Response lead (CISO side)"), required=False)
    recovery_lead = forms.ChoiceField(label=_("Recovery lead (CIO side)"), required=False)
    dpo = forms.ChoiceField(label=_("DPO"), required=False)
    systems = forms.MultipleChoiceField(label=_("Affected systems"), required=False,
                                        widget=forms.SelectMultiple(attrs={"size": 6}))

    def __init__(self, org: Organization, impacts: list[str], urgencies: list[str], *args: Any,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = _members(org)
        for name in ("commander", "response_lead", "recovery_lead", "dpo"):
            _set_choices(self, name, people)
        _set_choices(self, "impact", [(k, label) for k, label in enumerate(impacts, start=1)])
        _set_choices(self, "urgency", [(k, label) for k, label in enumerate(urgencies, start=1)])
        systems = System.objects.for_org(org).order_by("number").only("number", "name", "rto_hours")
        _set_choices(self, "systems", [(str(s.pk), str(s)) for s in systems])

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["systems"] = [int(pk) for pk in data.get("systems") or []]
        return data


class TimelineForm(forms.Form):
    """Adds an entry; nothing else (the timeline is append-only)."""

    text = forms.CharField(label=_("What happened"), widget=_TEXT, max_length=10_000)
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices)
    happened_at = forms.CharField(label=_("Happened at"), widget=_MOMENT, required=False,
                                  help_text=_("Empty: now"))


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    due_at = forms.CharField(label=_("Due at"), widget=_MOMENT, required=False)

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "owner", _members(org, rules.TASK_ACTION))


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)


class CommunicationForm(forms.Form):
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    summary = forms.CharField(label=_("What was said"), widget=_TEXT, max_length=10_000)
    sent_at = forms.CharField(label=_("Sent at"), widget=_MOMENT, required=False, help_text=_("Empty: now"))


class ReportForm(forms.Form):
    at = forms.CharField(label=_("Sent at"), widget=_MOMENT, required=False, help_text=_("Empty: now"))


class AwarenessForm(forms.Form):
    became_aware_at = forms.CharField(label=_("The organisation became aware of the breach at"), widget=_MOMENT)
    reason = forms.CharField(label=_("Reason"), widget=_TEXT, max_length=10_000,
                             help_text=_("Why this differs from when it became aware of the incident"))


class PlaybookForm(forms.Form):
    """A playbook as text: one task a line, `title | role | due hours | checklist item; item`."""

    steps = forms.CharField(label=_("Tasks"), widget=forms.Textarea(attrs={"rows": 10}), required=False,
                            help_text=_("One task a line: title | role (commander, response_lead, recovery_lead, "
                                        "dpo) | due hours after awareness | checklist items separated by ;"))

    @staticmethod
    def as_text(tasks: list[dict[str, Any]]) -> str:
        return "\n".join(" | ".join([str(t.get("title", "")), str(t.get("role") or ""),
                                     "" if t.get("due_hours") is None else str(t["due_hours"]),
                                     "; ".join(t.get("checklist") or [])]) for t in tasks)

    def tasks(self) -> list[dict[str, Any]]:
        out = []
        for line in str(self.cleaned_data.get("steps") or "").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")] + ["", "", ""]
            out.append({"title": parts[0], "role": parts[1], "due_hours": parts[2] or None,
                        "checklist": [i.strip() for i in parts[3].split(";") if i.strip()]})
        return out


_DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReviewForm(forms.Form):
    """The post-incident review: what happened, what worked, what did not, the day it was held."""

    what_happened = forms.CharField(label=_("What happened"), widget=_TEXT, max_length=10_000, required=False)
    worked = forms.CharField(label=_("What worked"), widget=_TEXT, max_length=10_000, required=False)
    did_not_work = forms.CharField(label=_("What did not work"), widget=_TEXT, max_length=10_000, required=False)
    held_on = forms.DateField(label=_("Held on"), widget=_DAY, required=False)


class LessonForm(forms.Form):
    """A lesson and the action it becomes, with its links to the risk register and the controls library (by
    reference: the service finds them)."""

    text = forms.CharField(label=_("Lesson"), widget=_TEXT, max_length=10_000)
    action = forms.CharField(label=_("Action"), max_length=200)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    due_on = forms.DateField(label=_("Due on"), widget=_DAY, required=False)
    risk = forms.CharField(label=_("Risk it updates"), max_length=30, required=False,
                           help_text=_("An existing risk of the register, by its reference (R-001)"))
    new_risk = forms.CharField(label=_("Or a new risk"), max_length=200, required=False,
                               help_text=_("The title of a risk to add to the register from this lesson"))
    control = forms.CharField(label=_("Control"), max_length=30, required=False,
                              help_text=_("A control of the library, by its reference (C-001)"))

    def __init__(self, org: Organization, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "owner", _members(org, rules.LESSON_ACTION))


class LessonStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=LessonStatus.choices)


class IncidentMatrixForm(LevelGridForm):
    """The incident matrix: a label per urgency (rows) and impact (columns), a severity per cell
    (accord.core.levelgrid; the service checks it, rules.check_matrix)."""

    row, column, rows_field, columns_field = "urgency", "impact", "urgencies", "impacts"
    minimum, maximum = 2, 7

    def __init__(self, data: Mapping[str, Any] | None = None, *, impacts: list[str], urgencies: list[str],
                 levels: list[list[str]], size: tuple[int, int] | None = None) -> None:
        super().__init__(data, row_labels=urgencies, column_labels=impacts, levels=levels, choices=Severity.choices,
                         size=size)

    def row_label(self, n: int) -> str:
        return gettext("Urgency %(n)d") % {"n": n}

    def column_label(self, n: int) -> str:
        return gettext("Impact %(n)d") % {"n": n}

    def cell_label(self, row: int, column: int) -> str:
        return gettext("Severity at urgency %(urgency)d, impact %(impact)d") % {"urgency": row, "impact": column}

    def guess(self, row: int, column: int, n_rows: int, n_columns: int) -> str:
        share = (row * column) / (n_rows * n_columns)
        return Severity.LOW if share < 0.2 else Severity.MEDIUM if share < 0.45 else Severity.HIGH if share < 0.7 \
            else Severity.CRITICAL

    def service_kwargs(self) -> dict[str, Any]:
        return {"impacts": self.column_values(), "urgencies": self.row_values(), "levels": self.level_values()}
