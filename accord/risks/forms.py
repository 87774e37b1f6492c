"""Forms of the risk register. They parse and show input; the services decide what is valid.

Risk forms use the services' input names (`likelihood`, `impact`, `category` as a key, `owner` as
a member's e-mail), so a form's cleaned data goes to `do_create_risk`/`do_update_risk` unchanged.
"""

from __future__ import annotations

import decimal
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accord.core.fields import FieldSpec, Kind
from accord.core.formrender import CELL, COMPACT
from accord.core.levelgrid import LevelGridForm
from accord.core.models import Membership
from accord.risks.choices import Level, RiskStatus
from accord.risks.fields import RISK
from accord.risks.models import Risk, RiskAppetite, RiskCategory, RiskMatrix
from accord.risks.selectors import SORT_KEYS, RiskFilter
from accord.risks.services.register import MAX_FAIR_CHARS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
MAX_TOLERANCE_ROWS = 5
_CELL = re.compile(r"^(\d)-(\d)$")


@dataclass(frozen=True)
class RiskChoices:
    """What a risk form offers: the organisation's categories, members and current matrix."""

    categories: Sequence[RiskCategory]
    members: Sequence[Membership]
    matrix: RiskMatrix


# --- the register's filters ---------------------------------------------------------------------------

class RiskFilterForm(forms.Form):
    """The query parameters of the register and the heat map (a GET form: it works without JS)."""

    control_size = "sm"
    field_template_name = COMPACT

    q = forms.CharField(required=False, label=_("Search"), max_length=200,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Title, description or R-001")}))
    category = forms.ChoiceField(required=False, label=_("Category"))
    owner = forms.TypedChoiceField(required=False, label=_("Owner"), coerce=int, empty_value=None)
    level = forms.ChoiceField(required=False, label=_("Residual level"), choices=[("", _("Any level")), *Level.choices])
    status = forms.ChoiceField(required=False, label=_("Status"), choices=[("", _("Any status")), *RiskStatus.choices])
    above_tolerance = forms.ChoiceField(required=False, label=_("Above tolerance"),
                                        choices=[("", _("Either")), ("yes", _("Yes")), ("no", _("No"))])
    overdue_review = forms.BooleanField(required=False, label=_("Review overdue"))
    tag = forms.CharField(required=False, label=_("Tag"), max_length=100)
    archived = forms.BooleanField(required=False, label=_("Archived risks"),
                                  help_text=_("The risks taken out of the register, instead of the register"))
    inherent_cell = forms.RegexField(required=False, regex=_CELL, widget=forms.HiddenInput)
    residual_cell = forms.RegexField(required=False, regex=_CELL, widget=forms.HiddenInput)
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORT_KEYS], widget=forms.HiddenInput)

    def __init__(self, data: Mapping[str, Any] | None, *, categories: Iterable[RiskCategory],
                 members: Iterable[Membership]) -> None:
        super().__init__(data)
        _set_choices(self, "category", [("", gettext("Any category")), *((c.key, c.name) for c in categories)])
        _set_choices(self, "owner", [("", gettext("Anyone")), *((m.pk, m.user.display_name) for m in members)])

    def to_filter(self) -> RiskFilter:
        """The filters the valid parameters describe; an invalid parameter is ignored, not an error."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        above = {"yes": True, "no": False}.get(data.get("above_tolerance") or "")
        tag = (data.get("tag") or "").strip()
        return RiskFilter(
            q=data.get("q") or "", category=data.get("category") or "", owner=data.get("owner"),
            level=data.get("level") or "", status=data.get("status") or "", above_tolerance=above,
            overdue_review=bool(data.get("overdue_review")), tags=(tag,) if tag else (),
            inherent_cell=_cell(data.get("inherent_cell")), residual_cell=_cell(data.get("residual_cell")),
            sort=data.get("sort") or "ref", archived=bool(data.get("archived")),
        )

    @property
    def visible(self) -> list[forms.BoundField]:
        return [f for f in self if not f.is_hidden]


def _cell(value: str | None) -> tuple[int, int] | None:
    match = _CELL.match(value or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
    field.choices = choices


# --- risks ------------------------------------------------------------------------------------------------

#: The statuses a person sets; "accepted" follows from an acceptance in force (decision 0021).
TYPED_STATUSES: list[tuple[Any, Any]] = [(v, label) for v, label in RiskStatus.choices
                                         if v != RiskStatus.ACCEPTED]

# The risk page's inline-editable sections and the fields each one edits (the spec's `section`).
SECTIONS: dict[str, tuple[str, ...]] = {name: RISK.section(name) for name in RISK.sections()}
SECTION_TITLES = {"overview": _("Overview"), "assessment": _("Assessment"), "treatment": _("Treatment"),
                  "money": _("Money")}
# The longest list (tags, assets) a form takes as text; each item is checked by the service.
_LIST_CHARS = 2000


def _form_field(spec: FieldSpec) -> forms.Field:
    """The form field of one input field of a risk, by its kind; sizes come from the model field, so a
    value that does not fit is refused by the form with a message, not by the database. Choices of
    members, categories and matrix positions are set per form."""
    column = RISK.model_field_of(spec)
    common: dict[str, Any] = {"label": spec.label, "help_text": spec.hint, "required": spec.required}
    match spec.kind:
        case Kind.TEXT if isinstance(column, models.TextField):
            return forms.CharField(widget=TEXT, **common)
        case Kind.TEXT:
            return forms.CharField(max_length=getattr(column, "max_length", None), **common)
        case Kind.CHOICE:
            assert spec.choices is not None  # noqa: S101 - ModelSpec checks it
            return forms.ChoiceField(choices=spec.choices.choices, **{**common, "required": True})
        case Kind.KEY | Kind.MEMBER:
            return forms.ChoiceField(**common)
        case Kind.INTEGER:  # a position on the matrix
            return forms.TypedChoiceField(coerce=int, empty_value=None, **common)
        case Kind.DATE:
            return forms.DateField(widget=DATE, **common)
        case Kind.DECIMAL:
            assert isinstance(column, models.DecimalField)  # noqa: S101 - an amount is stored as a decimal
            return forms.DecimalField(min_value=0, max_digits=column.max_digits, decimal_places=column.decimal_places,
                                      **common)
        case Kind.SHARE:  # text, so that "40%" is accepted as well as 0.4; the service parses both
            return forms.CharField(max_length=20, **common)
        case Kind.LIST:
            return forms.CharField(max_length=_LIST_CHARS, **common)
        case Kind.JSON:
            return forms.CharField(max_length=MAX_FAIR_CHARS, widget=forms.Textarea(attrs={
                "rows": 7, "spellcheck": "false", "autocapitalize": "off", "autocomplete": "off"}), **common)
    raise NotImplementedError(f"no form field for a risk field of kind {spec.kind}")  # pragma: no cover


class RiskForm(forms.Form):
    """All of a risk's fields (from its field specification, set below the class), or one section's (`only`)."""

    def __init__(self, data: Mapping[str, Any] | None = None, *, choices: RiskChoices,
                 only: Sequence[str] | None = None, initial: Mapping[str, Any] | None = None,
                 currency: str = "") -> None:
        super().__init__(data, initial=dict(initial or {}))
        if only is not None:
            for name in list(self.fields):
                if name not in only:
                    del self.fields[name]
        current = (initial or {}).get("category")
        cats = [(c.key, c.name if c.active else gettext("%(name)s (retired)") % {"name": c.name})
                for c in choices.categories
                if c.active or c.key == current]
        people = [("", gettext("Nobody yet")), *((m.user.email, m.user.display_name) for m in choices.members)]
        likelihoods: list[tuple[Any, str]] = [(n, f"{n} · {label}")
                                              for n, label in enumerate(choices.matrix.likelihood_labels, 1)]
        impacts: list[tuple[Any, str]] = [(n, f"{n} · {label}")
                                          for n, label in enumerate(choices.matrix.impact_labels, 1)]
        residual_l = [("", gettext("Same as inherent")), *likelihoods]
        residual_i = [("", gettext("Same as inherent")), *impacts]
        if not (initial or {}).get("likelihood"):  # a new risk: make the person choose, not take the first
            likelihoods, impacts = [("", gettext("Choose…")), *likelihoods], [("", gettext("Choose…")), *impacts]
        if not current:
            cats = [("", gettext("Choose…")), *cats]
        for name, options in (("category", cats), ("owner", people), ("treatment_owner", people),
                              ("likelihood", likelihoods), ("impact", impacts),
                              ("residual_likelihood", residual_l), ("residual_impact", residual_i)):
            if name in self.fields:
                _set_choices(self, name, options)
        if "status" in self.fields:
            # "Accepted" follows from a signed acceptance (the Acceptances panel); it is not offered here.
            _set_choices(self, "status", TYPED_STATUSES)
            self.fields["status"].help_text = _("A risk reads Accepted while a signed acceptance is in force; "
                                                "request one under Acceptances.")
        if currency:
            for name in ("loss_low", "loss_high"):
                if name in self.fields:
                    self.fields[name].label = f"{self.fields[name].label} ({currency})"

    def service_data(self) -> dict[str, Any]:
        """The cleaned values under the services' input names (blank optional values clear a field)."""
        return {name: self.cleaned_data.get(name) for name in self.fields}


RiskForm.base_fields = RiskForm.declared_fields = {spec.name: _form_field(spec) for spec in RISK.inputs}


def risk_initial(risk: Risk) -> dict[str, Any]:
    """A risk's values as the form shows them: what is stored (the status as set, not as derived)."""
    return {spec.name: _initial(spec, getattr(risk, spec.attr) if spec.source else spec.read(risk))
            for spec in RISK.inputs}


def _initial(spec: FieldSpec, value: Any) -> Any:
    match spec.kind:
        case Kind.MEMBER:
            return value or ""
        case Kind.LIST:
            return "; ".join(value)
        case Kind.SHARE:
            return _share(value)
        case Kind.JSON:
            return fair_text(value)
    return value


def fair_text(fair: Mapping[str, Any] | None) -> str:
    """A breakdown as the form shows it: one distribution per line."""
    if fair is None:
        return ""
    lines = [f"  {json.dumps(key)}: {json.dumps(value)}" for key, value in fair.items()]
    return "{\n" + ",\n".join(lines) + "\n}"


def _share(value: decimal.Decimal | None) -> str:
    """A stored share as the form shows it: 0.4 → "40%"."""
    if value is None:
        return ""
    return f"{(value * 100).normalize():f}%"


# --- acceptances, import --------------------------------------------------------------------------------

class AcceptanceRequestForm(forms.Form):
    justification = forms.CharField(widget=TEXT, help_text=_("Why the organisation lives with this risk."))
    compensating_measures = forms.CharField(required=False, widget=TEXT, label=_("Compensating measures"))
    expires_on = forms.DateField(label=_("Expires on"), widget=DATE,
                                 help_text=_("At most three years from today; the acceptance lapses on this date."))


class ArchiveForm(forms.Form):
    """Why a risk leaves the register (required by the service) or comes back (optional)."""

    reason = forms.CharField(required=False, widget=TEXT, label=_("Reason"),
                             help_text=_("Kept in the risk's history: a duplicate, out of scope, the asset retired, "
                                         "..."))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("One risk per row; the first row names the columns."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))


# --- appetite ------------------------------------------------------------------------------------------------

class AppetiteOpinionForm(forms.Form):
    """The DPO's opinion on the draft shown (its version travels hidden, like a signature's)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    text = forms.CharField(label=_("Your opinion as DPO"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Shown to the signatories beside the draft; it is not a signature."))


class AppetiteDraftForm(forms.Form):
    """A new appetite version: statement, a level per category, up to five tolerance points."""

    statement = forms.CharField(widget=TEXT, label=_("Appetite statement"))

    def __init__(self, data: Mapping[str, Any] | None = None, *, categories: Iterable[RiskCategory],
                 basis: RiskAppetite | None = None) -> None:
        super().__init__(data)
        self.field_templates: dict[str, str] = {}  # levels in a grid, tolerance points in a table
        levels = basis.category_levels if basis else {}
        self.categories = [c for c in categories if c.active or c.key in levels]
        self.level_names: list[str] = []
        for c in self.categories:
            name = f"level_{c.key}"
            self.fields[name] = forms.ChoiceField(
                required=False, label=c.name, choices=[("", _("No limit")), *Level.choices],
                initial=levels.get(c.key, ""), widget=forms.Select(attrs={"data-level": ""}))
            self.level_names.append(name)
            self.field_templates[name] = COMPACT
        points = basis.tolerance if basis else []
        self.tolerance_rows: list[tuple[str, str]] = []
        for i in range(MAX_TOLERANCE_ROWS):
            loss, prob = (points[i] if i < len(points) else (None, None))
            self.fields[f"loss_{i}"] = forms.DecimalField(required=False, min_value=0,
                                                          label=gettext("Loss %(n)d") % {"n": i + 1},
                                                          initial=_plain(loss))
            self.fields[f"probability_{i}"] = forms.DecimalField(
                required=False, min_value=0, max_value=1,
                label=gettext("Highest annual probability %(n)d") % {"n": i + 1},
                initial=_plain(prob))
            self.tolerance_rows.append((f"loss_{i}", f"probability_{i}"))
            self.field_templates.update({f"loss_{i}": CELL, f"probability_{i}": CELL})
        if basis:
            self.fields["statement"].initial = basis.statement

    @property
    def statement_fields(self) -> list[forms.BoundField]:
        return [self["statement"]]

    @property
    def level_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.level_names]

    @property
    def tolerance_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[loss], self[prob]) for loss, prob in self.tolerance_rows]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for loss, prob in self.tolerance_rows:
            if (data.get(loss) is None) != (data.get(prob) is None) and loss not in self.errors \
                    and prob not in self.errors:
                self.add_error(prob if data.get(loss) is not None else loss,
                               "Give both the loss and its highest acceptable annual probability, or neither.")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        self.point_rows = [i for i, (loss, _) in enumerate(self.tolerance_rows) if data.get(loss) is not None]
        return {
            "statement": data["statement"],
            "category_levels": {c.key: data[f"level_{c.key}"] for c in self.categories if data.get(f"level_{c.key}")},
            "tolerance": [[data[f"loss_{i}"], data[f"probability_{i}"]] for i in self.point_rows],
        }

    def error_field(self, service_field: str) -> str | None:
        """The form field a service error names: `category_levels.<key>` or `tolerance[<n>]`."""
        if service_field.startswith("category_levels."):
            return f"level_{service_field.split('.', 1)[1]}"
        match = re.match(r"^tolerance\[(\d+)\]$", service_field)
        if match and int(match.group(1)) < len(getattr(self, "point_rows", [])):
            return f"loss_{self.point_rows[int(match.group(1))]}"
        return service_field if service_field in self.fields else None


def _plain(value: Any) -> Any:
    """A number without float noise for an input's value (0.1, not 0.1000000000000000055)."""
    if value is None:
        return None
    return format(decimal.Decimal(str(value)).normalize(), "f")


# --- matrix and categories --------------------------------------------------------------------------------------

MATRIX_MIN, MATRIX_MAX = 3, 7


class MatrixForm(LevelGridForm):
    """A new matrix version: a label per likelihood and impact, a level per cell (accord.core.levelgrid)."""

    row, column, rows_field, columns_field = "likelihood", "impact", "likelihoods", "impacts"
    minimum, maximum = MATRIX_MIN, MATRIX_MAX

    def __init__(self, data: Mapping[str, Any] | None = None, *, basis: RiskMatrix,
                 size: tuple[int, int] | None = None) -> None:
        super().__init__(data, row_labels=basis.likelihood_labels, column_labels=basis.impact_labels,
                         levels=basis.levels, choices=Level.choices, size=size)

    @property
    def n_l(self) -> int:
        return self.n_rows

    @property
    def n_i(self) -> int:
        return self.n_columns

    def row_label(self, n: int) -> str:
        return gettext("Likelihood %(n)d") % {"n": n}

    def column_label(self, n: int) -> str:
        return gettext("Impact %(n)d") % {"n": n}

    def cell_label(self, row: int, column: int) -> str:
        return gettext("Level at likelihood %(likelihood)d, impact %(impact)d") % {"likelihood": row,
                                                                                   "impact": column}

    def guess(self, row: int, column: int, n_rows: int, n_columns: int) -> str:
        return _guess_level(row, column, n_rows, n_columns)

    def service_kwargs(self) -> dict[str, Any]:
        return {"likelihood_labels": self.row_values(), "impact_labels": self.column_values(),
                "levels": self.level_values()}


def _guess_level(likelihood: int, impact: int, n_l: int, n_i: int) -> str:
    """A starting level for a cell the previous matrix did not have: by the product's share of the maximum."""
    share = (likelihood * impact) / (n_l * n_i)
    return Level.LOW if share < 0.2 else Level.MEDIUM if share < 0.45 else Level.HIGH if share < 0.7 \
        else Level.CRITICAL


def matrix_size(params: Mapping[str, Any], default: tuple[int, int]) -> tuple[int, int]:
    """The matrix shape asked for in the query (`likelihoods`, `impacts`), kept within 3 to 7."""
    return MatrixForm.size_asked(params, default)


PRIVACY_HINT = _("Acceptances of its risks need the DPO when the governance profile says so.")


class CategoryCreateForm(forms.Form):
    field_template_name = COMPACT

    name = forms.CharField(max_length=100)
    key = forms.SlugField(max_length=40, help_text=_("Lower-case letters, digits and underscores; imports, exports "
                                                   "and the API use it, e.g. 'supply_chain'."))
    position = forms.IntegerField(min_value=0, max_value=1000, initial=100, label=_("Position in lists"))
    is_privacy = forms.BooleanField(required=False, label=_("Privacy (personal data)"), help_text=PRIVACY_HINT)


class CategoryChangeForm(forms.Form):
    """Stacked on its own page; the settings page's row includes core/forms/field_compact.html."""

    name = forms.CharField(max_length=100)
    position = forms.IntegerField(min_value=0, max_value=1000, label=_("Position in lists"))
    active = forms.BooleanField(required=False, label=_("In use (untick to retire: its risks keep it)"))
    is_privacy = forms.BooleanField(required=False, label=_("Privacy (personal data)"), help_text=PRIVACY_HINT)
