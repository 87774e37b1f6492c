"""Input of the audits' services, cleaned the same way for every front: typed values (the API) or text (forms,
the CLI), every bad field reported at once by its input name, in words a person can act on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from accord.core.models import Membership, Organization
from accord.core.wording import too_long


class Input:
    """One input mapping being cleaned: `clean` collects model values, `errors` the problems by field."""

    def __init__(self, org: Organization, data: Mapping[str, Any], fields: Iterable[str]) -> None:
        self.org = org
        self.data = data
        self.errors: dict[str, str] = {}
        self.values: dict[str, Any] = {}
        known = tuple(fields)
        for name in sorted(set(data) - set(known)):
            self.fail(name, _("Unknown field; the fields are: %(fields)s.") % {"fields": ", ".join(known)})
        self._members: dict[str, Membership] | None = None

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def given(self, name: str) -> bool:
        return name in self.data

    @staticmethod
    def _empty(value: Any) -> bool:
        return value is None or (isinstance(value, str) and not value.strip())

    def text(self, name: str, limit: int | None = None, *, required: bool = False, creating: bool = False) -> None:
        if not self.given(name):
            if required and creating:
                self.fail(name, _("This field is required."))
            return
        value = self.data[name]
        if value is not None and not isinstance(value, str):
            self.fail(name, _("Give a text."))
            return
        text = "" if self._empty(value) else str(value).strip()
        if required and not text:
            self.fail(name, _("This field is required."))
        elif limit is not None and len(text) > limit:
            self.fail(name, too_long(limit, len(text)))
        else:
            self.values[name] = text

    def choice(self, name: str, choices: type[models.TextChoices]) -> None:
        if not self.given(name):
            return
        text = str(self.data[name] or "").strip().lower().replace(" ", "_").replace("-", "_")
        if text not in choices.values:
            self.fail(name, _("'%(value)s' is not one of: %(choices)s.") % {
                "value": self.data[name], "choices": ", ".join(choices.values)})
            return
        self.values[name] = text

    def date(self, name: str) -> None:
        if not self.given(name):
            return
        value = self.data[name]
        if self._empty(value):
            self.values[name] = None
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            self.values[name] = value
        else:
            try:
                self.values[name] = dt.date.fromisoformat(str(value).strip())
            except ValueError:
                self.fail(name, _("'%(value)s' is not a date; write it as YYYY-MM-DD.") % {"value": value})

    @property
    def members(self) -> dict[str, Membership]:
        if self._members is None:
            self._members = {m.user.email.lower(): m for m in
                             Membership.objects.for_org(self.org).select_related("user")}
        return self._members

    def _member(self, name: str, value: Any) -> Membership | None:
        if isinstance(value, Membership) and value.organization_id == self.org.pk:
            return value
        found = self.members.get(str(value).strip().lower())
        if found is None:
            self.fail(name, _("'%(value)s' is not a member of this organisation.") % {"value": value})
        return found

    def member(self, name: str) -> None:
        if not self.given(name):
            return
        value = self.data[name]
        self.values[name] = None if self._empty(value) else self._member(name, value)

    def member_list(self, name: str) -> None:
        """A list of members (their e-mail addresses), each once."""
        if not self.given(name):
            return
        value = self.data[name]
        if isinstance(value, str):
            value = [part for part in value.replace(";", ",").split(",") if part.strip()]
        if not isinstance(value, list | tuple):
            self.fail(name, _("Give a list of members' e-mail addresses."))
            return
        found: list[Membership] = []
        for item in value:
            member = self._member(name, item)
            if member is not None and member not in found:
                found.append(member)
        self.values[name] = found

    def done(self) -> dict[str, Any]:
        if self.errors:
            raise ValidationError(self.errors)
        return self.values
