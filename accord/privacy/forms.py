"""Forms of the privacy pages: they parse what a person typed; the services decide what it means. Instants are
typed as local date and time (`datetime-local`) and read by the service in the organisation's time zone."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.core.models import Membership, Organization
from accord.privacy.choices import CLOSING_STATUSES, NotifyDecision, RequestKind, RequestStatus, SubjectsDecision
from accord.privacy.models_breaches import Breach
from accord.privacy.models_requests import DataSubjectRequest
from accord.risks.models import Risk

_DATE = forms.DateInput(attrs={"type": "date"})
_MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"})
_TEXT = forms.Textarea(attrs={"rows": 3})


def _members(org: Organization) -> list[tuple[str, str]]:
    people = Membership.objects.for_org(org).select_related("user").order_by("user__email")
    return [("", "—"), *((m.user.email, m.user.display_name) for m in people)]


def _local(org: Organization, moment: Any) -> str:
    return moment.astimezone(ZoneInfo(org.timezone)).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
    field.choices = choices


class RequestFilterForm(forms.Form):
    DUE = (("", _("Any")), ("overdue", _("Overdue")), ("7", _("Due within 7 days")), ("30", _("Due within 30 days")),
           ("open", _("Open")))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind")), *RequestKind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *RequestStatus.choices])
    due = forms.ChoiceField(label=_("Due"), required=False, choices=DUE)


class RequestForm(forms.Form):
    """A request; the personal fields only for those who may read them (`personal=True`)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=RequestKind.choices)
    received_on = forms.DateField(label=_("Received on"), widget=_DATE,
                                  help_text=_("The day it reached the organisation (not counted)"))
    channel = forms.CharField(label=_("Channel"), max_length=100, required=False,
                              help_text=_("E-mail, letter, web form, in person…"))
    subject_name = forms.CharField(label=_("Requester's name"), max_length=200, required=False)
    subject_contact = forms.CharField(label=_("Requester's contact"), max_length=200, required=False)
    details = forms.CharField(label=_("What they asked"), required=False, widget=_TEXT)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)

    def __init__(self, org: Organization, *args: Any, personal: bool, current: DataSubjectRequest | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "assignee", _members(org))
        if not personal:
            for name in ("subject_name", "subject_contact", "details"):
                del self.fields[name]
        if current is not None:
            self.initial.update({name: getattr(current, name) for name in self.fields if name != "assignee"})
            self.initial["assignee"] = current.assignee.user.email if current.assignee else ""


class PauseForm(forms.Form):
    reason = forms.CharField(label=_("Why identity is being checked"), widget=_TEXT)
    paused_on = forms.DateField(label=_("Paused on"), required=False, widget=_DATE, help_text=_("Empty: today"))


class ResumeForm(forms.Form):
    resumed_on = forms.DateField(label=_("Resumed on"), required=False, widget=_DATE, help_text=_("Empty: today"))


class ExtendForm(forms.Form):
    reason = forms.CharField(label=_("Reasons for the extension, as told to the person"), widget=_TEXT)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[(s.value, s.label) for s in CLOSING_STATUSES])
    response = forms.CharField(label=_("Response"), required=False, widget=_TEXT)
    refusal_reasons = forms.CharField(label=_("Reasons for the refusal"), required=False, widget=_TEXT)
    complaint_right_given = forms.BooleanField(
        label=_("The person was told of their right to complain to a supervisory authority and to a judicial "
                "remedy"), required=False)
    closed_on = forms.DateField(label=_("Closed on"), required=False, widget=_DATE, help_text=_("Empty: today"))


class BreachForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    became_aware_at = forms.CharField(label=_("Became aware at"), widget=_MOMENT,
                                      help_text=_("In the organisation's time zone"))
    occurred_at = forms.CharField(label=_("Occurred at"), required=False, widget=_MOMENT)
    nature = forms.CharField(label=_("Nature of the breach"), required=False, widget=_TEXT)
    subject_categories = forms.CharField(label=_("Categories of data subjects"), required=False, widget=_TEXT)
    subjects_approx = forms.IntegerField(label=_("Approximate number of data subjects"), required=False, min_value=0)
    record_categories = forms.CharField(label=_("Categories of personal data records"), required=False,
                                        widget=_TEXT)
    records_approx = forms.IntegerField(label=_("Approximate number of records"), required=False, min_value=0)
    dpo_contact = forms.CharField(label=_("DPO or contact point"), max_length=300, required=False)
    likely_consequences = forms.CharField(label=_("Likely consequences"), required=False, widget=_TEXT)
    measures = forms.CharField(label=_("Measures taken or proposed"), required=False, widget=_TEXT)
    notify_decision = forms.ChoiceField(label=_("Notify the supervisory authority?"), choices=NotifyDecision.choices,
                                        initial=NotifyDecision.PENDING)
    not_notified_reason = forms.CharField(label=_("Why it is not notified"), required=False, widget=_TEXT)
    late_reasons = forms.CharField(label=_("Reasons for a late notification"), required=False, widget=_TEXT)
    subjects_decision = forms.ChoiceField(label=_("Inform the data subjects?"), choices=SubjectsDecision.choices,
                                          initial=SubjectsDecision.PENDING)
    subjects_decision_reason = forms.CharField(label=_("Reason for not informing them"), required=False,
                                               widget=_TEXT)
    subjects_informed_at = forms.CharField(label=_("Informed at"), required=False, widget=_MOMENT)
    risk = forms.ChoiceField(label=_("Risk in the register"), required=False)

    def __init__(self, org: Organization, *args: Any, current: Breach | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        risks = Risk.objects.for_org(org).only("number", "title").order_by("number")
        _set_choices(self, "risk", [("", "—"), *((str(r.pk), str(r)) for r in risks)])
        if current is not None:
            self.initial.update({name: getattr(current, name) for name in self.fields})
            for name in ("became_aware_at", "occurred_at", "subjects_informed_at"):
                self.initial[name] = _local(org, getattr(current, name))
            self.initial["risk"] = str(current.risk_id or "")

    def data_for_service(self) -> dict[str, Any]:
        return {name: (value if value != "" else None) if name in ("risk", "occurred_at", "subjects_informed_at")
                else value for name, value in self.cleaned_data.items()}


class NotificationForm(forms.Form):
    sent_at = forms.CharField(label=_("Sent at"), widget=_MOMENT, help_text=_("In the organisation's time zone"))
    content = forms.CharField(label=_("What this phase told the authority"), widget=_TEXT)
    authority_reference = forms.CharField(label=_("Authority's reference"), max_length=100, required=False)
    late_reasons = forms.CharField(label=_("Reasons for the delay (a first phase after 72 hours)"), required=False,
                                   widget=_TEXT)
