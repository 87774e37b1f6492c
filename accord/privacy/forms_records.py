"""Web forms of the record of processing: a processing activity, a processor (Art. 28) and a transfer outside
the EEA. Each hands the service the same input the API takes (services_ropa.clean_activity,
services_processors.clean_processor and clean_transfer check it and name each problem by field); the lists of
an activity (purposes, data categories, recipients, controllers) and a processor's sub-processors are typed one
per line, their columns separated by "|"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accord.core.choosers import by_ref, choose_many, choose_one, ref_and_name
from accord.core.models import Organization
from accord.portfolio.models import System
from accord.privacy.choices_ropa import CONTRACT_CLAUSES, Authorisation, Derogation, Mechanism, RecordKind, SccModule
from accord.privacy.models_processors import Processor, Transfer
from accord.privacy.models_ropa import ProcessingActivity

_DATE = forms.DateInput(attrs={"type": "date"})
_YES = frozenset({"yes", "y", "true", "1", "x", "oui", "ja", "special", "spéciale"})
_LINES = {"rows": 3}


def parse_lines(text: str, keys: Sequence[str]) -> list[dict[str, str]]:
    """Each non-blank line of `text` as a row: its "|"-separated cells under `keys` in order (missing cells
    empty; cells beyond the keys joined into the last, so a "|" in a free text is kept)."""
    rows = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        cells = [cell.strip() for cell in line.split("|", len(keys) - 1)]
        rows.append(dict(zip(keys, cells + [""] * (len(keys) - len(cells)), strict=True)))
    return rows


def format_lines(rows: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> str:
    """The rows as `parse_lines` reads them back (trailing empty cells left out)."""
    out = []
    for row in rows:
        cells = [_cell(row.get(key)) for key in keys]
        while len(cells) > 1 and not cells[-1]:
            cells.pop()
        out.append(" | ".join(cells))
    return "\n".join(out)


def _cell(value: Any) -> str:
    if value is True:
        return "yes"
    if value in (None, False):
        return ""
    return str(value)


def _flag(text: str) -> bool:
    return text.strip().casefold() in _YES


def _words(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _unbound(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> bool:
    """No data was posted: the form shows the object as it is."""
    return (args[0] if args else kwargs.get("data")) is None


def _systems(form: forms.Form, org: Organization) -> None:
    choose_many(form, "systems", System.objects.for_org(org).only("number", "name"), prefix="S-", value=by_ref,
                label=ref_and_name)


class ActivityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=10_000,
                                  widget=forms.Textarea(attrs=_LINES))
    record_kind = forms.ChoiceField(label=_("Record"), choices=RecordKind.choices)
    controller_name = forms.CharField(label=_("Controller"), required=False, max_length=200)
    controller_contact = forms.CharField(label=_("Controller's contact details"), required=False, max_length=300)
    joint_controllership = forms.BooleanField(label=_("Joint controllership"), required=False)
    joint_controller_name = forms.CharField(label=_("Joint controller"), required=False, max_length=200)
    joint_controller_contact = forms.CharField(label=_("Joint controller's contact details"), required=False,
                                               max_length=300)
    representative_required = forms.BooleanField(label=_("A representative in the EU is required (Art. 27)"),
                                                 required=False)
    representative_name = forms.CharField(label=_("Representative"), required=False, max_length=200)
    representative_contact = forms.CharField(label=_("Representative's contact details"), required=False,
                                             max_length=300)
    dpo_designated = forms.BooleanField(label=_("A DPO is designated"), required=False)
    dpo_name = forms.CharField(label=_("DPO"), required=False, max_length=200)
    dpo_contact = forms.CharField(label=_("DPO's contact details"), required=False, max_length=300)
    controllers = forms.CharField(
        label=_("Controllers served (processor's record)"), required=False, widget=forms.Textarea(attrs=_LINES),
        help_text=_("One per line: name | contact details"))
    processing_categories = forms.CharField(
        label=_("Categories of processing (processor's record)"), required=False,
        widget=forms.Textarea(attrs=_LINES), help_text=_("One per line"))
    purposes = forms.CharField(
        label=_("Purposes"), required=False, widget=forms.Textarea(attrs=_LINES),
        help_text=_("One per line: purpose | legal basis, a letter of Art. 6(1) from a to f (a legitimate-interests "
                    "assessment is kept while the purpose keeps its name and basis f; record it through the API)"))
    data_subjects = forms.CharField(label=_("Categories of data subjects"), required=False,
                                    widget=forms.Textarea(attrs=_LINES), help_text=_("One per line"))
    data_categories = forms.CharField(
        label=_("Categories of personal data"), required=False, widget=forms.Textarea(attrs=_LINES),
        help_text=_("One per line: category | special (yes or no) | Art. 9(2) condition, a to j | retention"))
    recipients = forms.CharField(
        label=_("Recipients"), required=False, widget=forms.Textarea(attrs=_LINES),
        help_text=_("One per line: category of recipients | country code when outside the EEA"))
    no_recipients = forms.BooleanField(label=_("No recipients"), required=False)
    retention = forms.CharField(label=_("Retention"), required=False, max_length=10_000,
                                widget=forms.Textarea(attrs=_LINES))
    security_measures = forms.CharField(label=_("Security measures"), required=False, max_length=10_000,
                                        widget=forms.Textarea(attrs=_LINES))
    systems = forms.MultipleChoiceField(label=_("Systems"), required=False)
    processors = forms.MultipleChoiceField(label=_("Processors"), required=False)

    TABLES = {"controllers": ("name", "contact"), "purposes": ("name", "legal_basis"),
              "data_categories": ("name", "special", "art9_condition", "retention"), "recipients": ("name", "country")}

    def __init__(self, org: Organization, *args: Any, current: ProcessingActivity | None = None,
                 **kwargs: Any) -> None:
        self.current = current
        if current is not None and _unbound(args, kwargs):
            kwargs.setdefault("initial", self._initial(current))
        super().__init__(*args, **kwargs)
        _systems(self, org)
        choose_many(self, "processors", Processor.objects.for_org(org).only("number", "name"), prefix="PR-",
                    value=by_ref, label=ref_and_name)

    def _initial(self, activity: ProcessingActivity) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(activity, name) for name in self.base_fields
                                   if name not in self.TABLES and name not in ("systems", "processors",
                                                                               "processing_categories",
                                                                               "data_subjects")}
        for name, keys in self.TABLES.items():
            initial[name] = format_lines(getattr(activity, name), keys)
        initial["processing_categories"] = "\n".join(activity.processing_categories)
        initial["data_subjects"] = "\n".join(activity.data_subjects)
        initial["systems"] = [link.system.ref for link in activity.system_links.select_related("system")]
        initial["processors"] = [link.processor.ref for link in activity.processor_links.select_related("processor")]
        return initial

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("processing_categories", "data_subjects"):
            data[name] = _words(data[name])
        data["controllers"] = parse_lines(data["controllers"], self.TABLES["controllers"])
        data["recipients"] = parse_lines(data["recipients"], self.TABLES["recipients"])
        categories = parse_lines(data["data_categories"], self.TABLES["data_categories"])
        data["data_categories"] = [{**row, "special": _flag(row["special"])} for row in categories]
        kept = {(p["name"], p.get("legal_basis")): p["lia"] for p in (self.current.purposes if self.current else [])
                if p.get("lia")}
        purposes = parse_lines(data["purposes"], self.TABLES["purposes"])
        data["purposes"] = [{**row, "legal_basis": row["legal_basis"].strip("()").lower(),
                             **({"lia": kept[key]} if (key := (row["name"], row["legal_basis"].strip("()").lower()))
                                in kept else {})} for row in purposes]
        return data


class ProcessorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    contact = forms.CharField(label=_("Contact details"), required=False, max_length=300)
    country = forms.CharField(label=_("Country (ISO 3166-1 alpha-2)"), required=False, max_length=2)
    services = forms.CharField(label=_("Services"), required=False, max_length=10_000,
                               widget=forms.Textarea(attrs=_LINES))
    authorisation = forms.ChoiceField(label=_("Sub-processors are authorised by"), choices=Authorisation.choices)
    sub_processors = forms.CharField(
        label=_("Sub-processors"), required=False, widget=forms.Textarea(attrs=_LINES),
        help_text=_("One per line: name | country code | service | approval (pending, approved or objected) | "
                    "approved on (YYYY-MM-DD)"))
    contract_signed_on = forms.DateField(label=_("Contract signed on"), required=False, widget=_DATE)
    last_reviewed_on = forms.DateField(label=_("Last reviewed on"), required=False, widget=_DATE)
    next_review_on = forms.DateField(label=_("Next review on"), required=False, widget=_DATE)
    systems = forms.MultipleChoiceField(label=_("Systems it serves"), required=False)

    SUB_PROCESSOR = ("name", "country", "service", "approval", "approved_on")
    #: The Art. 28(3) checklist, one box per clause (its labels from choices_ropa, as the register shows them).
    CLAUSE_FIELDS = tuple(name for name, _label in CONTRACT_CLAUSES)
    field_order = ("name", "contact", "country", "services", *CLAUSE_FIELDS)

    def __init__(self, org: Organization, *args: Any, current: Processor | None = None, **kwargs: Any) -> None:
        if current is not None and _unbound(args, kwargs):
            initial: dict[str, Any] = {name: getattr(current, name) for name in self.base_fields
                                       if name not in ("sub_processors", "systems")}
            initial["sub_processors"] = format_lines(current.sub_processors, self.SUB_PROCESSOR)
            initial["systems"] = [link.system.ref for link in current.system_links.select_related("system")]
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        _systems(self, org)

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["country"] = data["country"].upper()
        rows = parse_lines(data["sub_processors"], self.SUB_PROCESSOR)
        data["sub_processors"] = [{**row, "country": row["country"].upper(), "approval": row["approval"].lower()
                                   or "pending", "approved_on": row["approved_on"] or None} for row in rows]
        return data


class TransferForm(forms.Form):
    activity = forms.TypedChoiceField(label=_("Processing activity"), coerce=int, required=False, empty_value=None)
    processor = forms.TypedChoiceField(label=_("Processor"), coerce=int, required=False, empty_value=None)
    destination = forms.CharField(label=_("Destination (country code, or an international organisation)"),
                                  max_length=16)
    recipient = forms.CharField(label=_("Recipient"), required=False, max_length=200)
    mechanism = forms.ChoiceField(label=_("Mechanism"), choices=[("", "—"), *Mechanism.choices], required=False)
    scc_module = forms.TypedChoiceField(label=_("Module of the standard contractual clauses"), coerce=int,
                                        choices=[("", "—"), *SccModule.choices], required=False, empty_value=None)
    derogation = forms.ChoiceField(label=_("Art. 49 derogation"), choices=[("", "—"), *Derogation.choices],
                                   required=False)
    safeguards = forms.CharField(label=_("Safeguards"), required=False, max_length=10_000,
                                 widget=forms.Textarea(attrs=_LINES))
    in_scope = forms.BooleanField(label=_("A limited adequacy decision covers the recipient"), required=False)
    tia_done_on = forms.DateField(label=_("Transfer impact assessment made on"), required=False, widget=_DATE)
    tia_conclusion = forms.CharField(label=_("Its conclusion"), required=False, max_length=10_000,
                                     widget=forms.Textarea(attrs=_LINES))

    def __init__(self, org: Organization, *args: Any, current: Transfer | None = None, **kwargs: Any) -> None:
        if current is not None and _unbound(args, kwargs):
            initial = {name: getattr(current, name) for name in self.base_fields}
            initial["activity"], initial["processor"] = current.activity_id, current.processor_id
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        choose_one(self, "activity", ProcessingActivity.objects.for_org(org).only("number", "name"), prefix="PA-",
                   label=ref_and_name, blank="—")
        choose_one(self, "processor", Processor.objects.for_org(org).only("number", "name"), prefix="PR-",
                   label=ref_and_name, blank="—")

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["destination"] = data["destination"].strip().upper()
        return data


for _name, _label in CONTRACT_CLAUSES:
    ProcessorForm.base_fields[_name] = forms.BooleanField(label=_label, required=False)
