"""Forms render through Django's form renderer (accord.core.formrender): Bootstrap's classes on each
widget, and every attribute Django and the form give it kept (the hand-built core template dropped them)."""

import re

from django import forms

from accord.core.formrender import COMPACT, FormRenderer
from tests.conftest import signed_in


class Sample(forms.Form):
    name = forms.CharField(max_length=40, help_text="What to call it.",
                           widget=forms.TextInput(attrs={"class": "font-monospace", "autocomplete": "off"}))
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(required=False)
    token = forms.CharField(required=False, widget=forms.HiddenInput)


class CompactSample(Sample):
    control_size = "sm"
    field_template_name = COMPACT


def _tag(html: str, name: str, attr: str = "name") -> str:
    """The first widget whose `attr` is `name`."""
    return re.search(rf'<(input|select|textarea)[^>]*{attr}="{name}"[^>]*>', html).group(0)


def test_the_project_renders_forms_with_accords_renderer():
    assert isinstance(Sample().renderer, FormRenderer)


def test_widgets_get_bootstrap_classes_and_keep_their_own_attributes():
    html = str(Sample())
    name = _tag(html, "name")
    assert 'class="font-monospace form-control"' in name
    assert 'maxlength="40"' in name and 'autocomplete="off"' in name and "required" in name
    assert 'class="form-select"' in _tag(html, "kind")
    assert 'rows="2"' in _tag(html, "notes") and 'class="form-control"' in _tag(html, "notes")
    assert 'class="form-check-input"' in _tag(html, "active")
    assert "class=" not in _tag(html, "token")  # a hidden input needs no style


def test_a_field_with_errors_is_marked_invalid_and_described_by_its_error_and_help():
    form = Sample({"name": "x" * 41, "kind": "z"})
    html = str(form)
    name = _tag(html, "name")
    assert 'aria-invalid="true"' in name and "is-invalid" in name
    assert 'aria-describedby="id_name_helptext id_name_error"' in name
    assert re.search(r'id="id_name_error">Ensure this value has at most 40 characters', html)
    assert 'id="id_name_helptext">What to call it.' in html
    assert re.search(r'id="id_kind_error">Select a valid choice', html)


def test_an_optional_field_says_so_in_its_label():
    html = str(Sample())
    assert re.search(r'for="id_notes">Notes <span[^>]*>\(optional\)</span>', html)
    assert not re.search(r'for="id_name">Name <span', html)


def test_a_compact_form_has_small_controls_and_labels():
    html = str(CompactSample())
    assert 'class="font-monospace form-control form-control-sm"' in _tag(html, "name")
    assert 'class="form-select form-select-sm"' in _tag(html, "kind")
    assert '<label class="form-label small mb-1" for="id_name">' in html


def test_form_wide_errors_come_first_in_an_alert():
    form = Sample({"name": "ok", "kind": "a"})
    form.is_valid()
    form.add_error(None, "The whole thing is wrong.")
    html = str(form)
    assert html.index('role="alert"') < html.index('name="name"')
    assert "The whole thing is wrong." in html


def test_core_form_pages_keep_widget_attributes_and_describe_errors(org_a, admin):
    client = signed_in(admin)
    page = client.get("/o/org-a/tokens/").content.decode()
    assert 'maxlength="100"' in _tag(page, "name")
    assert 'aria-describedby="id_name_helptext"' in _tag(page, "name")
    refused = client.post("/o/org-a/tokens/", {"name": ""}).content.decode()
    name = _tag(refused, "name")
    assert 'aria-invalid="true"' in name and "id_name_error" in name
    assert 'id="id_name_error">This field is required.' in refused
    members = client.post("/o/org-a/members/invitations/", {"email": "not-an-address", "role": "cio"}).content.decode()
    email = _tag(members, "invite-email", attr="id")
    assert 'type="email"' in email and 'maxlength="320"' in email and 'aria-invalid="true"' in email
