"""Every form renders through Django's form API (`{{ form }}`, `{{ field.as_field_group }}`, `{{ field }}`)
with this renderer (settings.FORM_RENDERER): Bootstrap's classes on each widget, `is-invalid` on a field
with errors, and Django's own attributes kept (type, step, maxlength, required, aria-invalid,
aria-describedby pointing at the `<id>_error` and `<id>_helptext` the field templates write).

Field templates (core/templates/core/forms/): `field.html` stacks label, widget, errors and help (the
default); `field_compact.html` has a small label, for filter rows and grids; `field_cell.html` hides the
label, for a table cell whose headers name the field. A form picks its fields' template with
`field_template_name`, and some of them by name with `field_templates` (or a field with its own
`template_name`); a page that shows a form in another
layout than its usual one includes the field template with `field` set.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates

FIELD = "core/forms/field.html"
COMPACT = "core/forms/field_compact.html"
CELL = "core/forms/field_cell.html"


def widget_class(widget: forms.Widget, *, size: str = "") -> str:
    """Bootstrap's class for `widget`; `size` "sm" for compact forms."""
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select" + (f" form-select-{size}" if size else "")
    return "form-control" + (f" form-control-{size}" if size else "")


class StyledBoundField(BoundField):
    """A field that renders its widget with Bootstrap's classes, and its form's field template."""

    def build_widget_attrs(self, attrs: Any, widget: forms.Widget | None = None) -> Any:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if not widget.is_hidden:
            classes = [attrs.get("class") or widget.attrs.get("class") or "",
                       widget_class(widget, size=getattr(self.form, "control_size", "")),
                       "is-invalid" if self.errors else ""]
            attrs["class"] = " ".join(c for c in classes if c)
        return attrs

    @property
    def template_name(self) -> str:
        own = getattr(self.form, "field_templates", {}).get(self.name) or getattr(self.field, "template_name", None)
        return str(own or getattr(self.form, "field_template_name", None) or self.form.renderer.field_template_name)


class FormRenderer(DjangoTemplates):
    """Django's templates renderer with Accord's form and field templates and styled fields."""

    form_template_name = "core/forms/form.html"
    field_template_name = FIELD
    bound_field_class = StyledBoundField
