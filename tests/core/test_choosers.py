"""Choosing several objects in a form: a list while there are few candidates, references to type once there are
more than the limit, cleaned into the values the list would have given, and the form's initial shown as
references."""

from __future__ import annotations

import pytest
from django import forms

from accord.core.choosers import ReferenceField, ReferencesField, choose_many, choose_one
from accord.portfolio import services_systems
from accord.portfolio.models import System

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    systems = forms.MultipleChoiceField(required=False, label="Systems", help_text="What it changes")


def _systems(org, n):
    for k in range(n):
        services_systems.do_create_system(None, org, {"name": f"System {k}"})
    return System.objects.for_org(org)


def test_a_few_candidates_stay_a_list(org_a):
    systems = _systems(org_a, 3)
    form = _Form()
    choose_many(form, "systems", systems, prefix="S-", limit=3)
    assert isinstance(form.fields["systems"], forms.MultipleChoiceField)
    assert [label for _value, label in form.fields["systems"].choices] == ["S-001 System 0", "S-002 System 1",
                                                                             "S-003 System 2"]


def test_past_the_limit_references_are_typed_and_cleaned_into_the_lists_values(org_a, org_b):
    systems = _systems(org_a, 4)
    _systems(org_b, 6)
    first, third = systems.get(number=1), systems.get(number=3)
    form = _Form({"systems": "s-003, S-001;S-003"})
    choose_many(form, "systems", systems, prefix="S-", limit=3)
    field = form.fields["systems"]
    assert isinstance(field, ReferencesField) and field.label == "Systems"
    assert "What it changes" in str(field.help_text) and "too many to list" in str(field.help_text)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["systems"] == [str(third.pk), str(first.pk)]  # as typed, once each
    shown = _Form(initial={"systems": [str(first.pk), str(third.pk)]})
    choose_many(shown, "systems", systems, prefix="S-", limit=3)
    assert 'value="S-001, S-003"' in str(shown["systems"])


def test_a_reference_of_another_organisation_or_not_a_reference_is_refused_by_name(org_a, org_b):
    systems = _systems(org_a, 4)
    _systems(org_b, 6)
    for typed, said in (("S-006", "has the reference S-006"), ("S-001, mail server", "not 'mail', 'server'")):
        form = _Form({"systems": typed})
        choose_many(form, "systems", systems, prefix="S-", limit=3)
        assert not form.is_valid() and said in form.errors["systems"][0]


class _OneForm(forms.Form):
    system = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="System")


def test_one_choice_is_a_list_while_few_and_one_typed_reference_past_the_limit(org_a, org_b):
    systems = _systems(org_a, 4)
    _systems(org_b, 6)
    second = systems.get(number=2)
    few = _OneForm({"system": str(second.pk)})
    choose_one(few, "system", systems, prefix="S-", blank="—", limit=4)
    assert [label for _value, label in few.fields["system"].choices][:2] == ["—", "S-001 System 0"]
    assert few.is_valid() and few.cleaned_data["system"] == second.pk
    many = _OneForm({"system": " s-002 "})
    choose_one(many, "system", systems, prefix="S-", blank="—", limit=3)
    assert isinstance(many.fields["system"], ReferenceField)
    assert many.is_valid(), many.errors
    assert many.cleaned_data["system"] == second.pk  # what the list gives
    for typed, said in (("S-001, S-002", "one reference"), ("S-005", "has the reference S-005")):
        refused = _OneForm({"system": typed})
        choose_one(refused, "system", systems, prefix="S-", limit=3)
        assert not refused.is_valid() and said in refused.errors["system"][0]
    blank = _OneForm({"system": ""})
    choose_one(blank, "system", systems, prefix="S-", limit=3)
    assert blank.is_valid() and blank.cleaned_data["system"] is None
    shown = _OneForm(initial={"system": second.pk})
    choose_one(shown, "system", systems, prefix="S-", limit=3)
    assert 'value="S-002"' in str(shown["system"])
