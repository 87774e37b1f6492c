"""What the privacy app's writes share: the organisation's lock and the input cleaner (refusals name the field,
the value and what is allowed)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core.clock import org_today
from accord.core.models import AuditChain, Membership, Organization
from accord.core.wording import too_long

#: How far ahead of the server's clock an instant "up to now" may be (a client's clock runs a little fast).
CLOCK_SKEW = dt.timedelta(minutes=5)


def lock_org(org: Organization) -> None:
    """Serialise writers of `org` (the audit chain head is the organisation's lock)."""
    AuditChain.objects.for_org(org).select_for_update().get()


class Cleaner:
    """Input values (typed, or text from a form, a file or the command line) as model values; errors by field."""

    def __init__(self, org: Organization) -> None:
        self.org = org
        self.errors: dict[str, str] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def required(self, data: Any, *names: str) -> None:
        for name in names:
            if data.get(name) in (None, ""):
                self.fail(name, _("This field is required."))

    def text(self, name: str, value: Any, *, required: bool = False, limit: int = 10_000) -> str:
        text = "" if value is None else str(value).strip()
        if required and not text:
            self.fail(name, _("This field is required."))
        elif len(text) > limit:
            self.fail(name, too_long(limit, len(text)))
        return text

    def choice(self, name: str, value: Any, choices: Any) -> str:
        if value in choices.values:
            return str(value)
        self.fail(name, _("'%(value)s' is not allowed; use one of: %(allowed)s.")
                  % {"value": value, "allowed": ", ".join(choices.values)})
        return ""

    def date(self, name: str, value: Any, *, not_after: dt.date | None = None,
             not_before: dt.date | None = None) -> dt.date | None:
        """A date (YYYY-MM-DD), not after `not_after` (usually today) and not before `not_before`."""
        if value in (None, ""):
            return None
        day: dt.date | None
        if isinstance(value, dt.datetime):
            day = value.date()
        elif isinstance(value, dt.date):
            day = value
        else:
            try:
                day = dt.date.fromisoformat(str(value).strip())
            except ValueError:
                self.fail(name, _("'%(value)s' is not a date; write it as YYYY-MM-DD.") % {"value": value})
                return None
        if not_after is not None and day > not_after:
            self.fail(name, _("%(date)s is in the future; give a date up to %(limit)s.")
                      % {"date": day, "limit": not_after})
        elif not_before is not None and day < not_before:
            self.fail(name, _("%(date)s is before %(limit)s; give a date from %(limit)s.")
                      % {"date": day, "limit": not_before})
        return day

    def today(self) -> dt.date:
        return org_today(self.org)

    def instant(self, name: str, value: Any, *, past: bool = False) -> dt.datetime | None:
        """An instant: ISO 8601 with its offset ("2026-03-28T09:30:00+01:00"); one without an offset is read in
        the organisation's time zone (what a person types in a form): a local time the clocks skip when they go
        forward is refused (it never happened there), one they show twice when they go back is the first. With
        `past`, an instant after now (beyond `CLOCK_SKEW`) is refused: it records something that has happened."""
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            moment = value
        else:
            try:
                moment = dt.datetime.fromisoformat(str(value).strip())
            except ValueError:
                self.fail(name, _("'%(value)s' is not a date and time; write it as 2026-03-28T09:30:00+01:00.")
                          % {"value": value})
                return None
        if moment.tzinfo is None or moment.utcoffset() is None:
            zone = ZoneInfo(self.org.timezone)
            local, moment = moment, moment.replace(tzinfo=zone)
            if moment.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != local:
                self.fail(name, _("%(value)s does not exist in %(zone)s: the clocks went forward over it; give "
                                  "the instant with its offset.") % {"value": f"{local:%Y-%m-%d %H:%M}",
                                                                     "zone": self.org.timezone})
                return None
        if past and moment > timezone.now() + CLOCK_SKEW:
            self.fail(name, _("%(value)s is in the future; it records what has happened: give an instant up to "
                              "now.") % {"value": moment.isoformat(timespec="minutes")})
            return None
        return moment

    def count(self, name: str, value: Any, *, high: int = 10**15) -> int | None:
        if value in (None, ""):
            return None
        try:
            number = value if isinstance(value, int) and not isinstance(value, bool) else int(str(value).strip())
        except ValueError:
            self.fail(name, _("'%(value)s' is not a whole number.") % {"value": value})
            return None
        if not 0 <= number <= high:
            self.fail(name, _("%(number)s is out of range: 0 to %(high)s.") % {"number": number, "high": high})
            return None
        return number

    def member(self, name: str, value: Any) -> Membership | None:
        """A member by e-mail address (empty: nobody)."""
        if value in (None, ""):
            return None
        found = Membership.objects.for_org(self.org).filter(user__email__iexact=str(value).strip()).first()
        if found is None:
            self.fail(name, _("'%(value)s' is not the e-mail address of a member of %(org)s.")
                      % {"value": value, "org": self.org.name})
        return found

    def unknown(self, data: Any, fields: tuple[str, ...]) -> None:
        for name in sorted(set(data) - set(fields)):
            self.fail(name, _("Unknown field; use: %(fields)s.") % {"fields": ", ".join(fields)})
