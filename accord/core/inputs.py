"""What any input must be before it reaches a service or the database, on every front: texts every
database can store (no NUL character, no lone surrogate: PostgreSQL refuses NUL, and neither SQLite nor
PostgreSQL can encode a surrogate as UTF-8) and whole numbers that fit the 64-bit integer columns."""

from __future__ import annotations

import decimal
import re
from typing import Any

from django.utils.translation import gettext as _

#: The largest (and, negated minus one, the smallest) whole number a database integer column holds.
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored, or None. A paired surrogate never reaches here: Python decodes a
    `\\ud83d\\ude00` JSON escape into one character."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "Text may not contain NUL characters"
    return (f"Text may not contain a lone surrogate (U+{ord(found.group()):04X} at position {found.start() + 1}): "
            "it is half of a character, not a character")


def value_problem(value: Any) -> str | None:
    """The first text or whole number in `value` (nested lists, tuples and dict keys and values
    included) that cannot be stored, and why; None when all can."""
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            return f"{value} is too large: whole numbers are at most {INT64_MAX:,} in size"
        return None
    if isinstance(value, dict):
        items: list[Any] = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    else:
        return None
    for item in items:
        problem = value_problem(item)
        if problem:
            return problem
    return None


def share(value: Any) -> tuple[decimal.Decimal | None, str | None]:
    """A share in [0, 1] given as a number, as text ("0.25") or as a percentage ("25%"), to four decimals:
    (the share, None), (None, None) when empty, or (None, why it is refused)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    text = str(value).strip()
    percent = text.endswith("%")
    try:
        if isinstance(value, bool):
            raise decimal.InvalidOperation
        number = decimal.Decimal(text[:-1].strip() if percent else text)
    except decimal.InvalidOperation:
        return None, _("'%(value)s' is not a share; give a number from 0 to 1 or a percentage such as 40%%.") % {
            "value": value}
    if percent:
        number /= 100
    if not number.is_finite() or not 0 <= number <= 1:
        return None, _("%(value)s is outside 0 to 1; give a number from 0 to 1 or a percentage from 0%% to 100%%.") % {
            "value": value}
    return round(number, 4), None
