"""The preferences form: one choice of delivery per kind the member may receive."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from accord.core.notifications.choices import Delivery
from accord.core.notifications.selectors import Preference


class PreferencesForm(forms.Form):
    def __init__(self, *args: Any, preferences: Sequence[Preference], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {p.kind.key: p.delivery.value for p in preferences})
        super().__init__(*args, **kwargs)
        for p in preferences:
            self.fields[p.kind.key] = forms.ChoiceField(choices=Delivery.choices, label=str(p.kind.label),
                                                        help_text=str(p.kind.description))
