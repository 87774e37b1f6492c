"""The kinds of notification and the rule of each: who is told about what.

An app declares its kinds in its AppConfig.ready() with `register(Kind(...))`; the core never imports an
app. A kind says, for one object of the app:

- `recipients(org, obj)`: the members the event concerns *now* (for a signature: those who could give an
  awaited one, from the governance profile through the app's `signature_state`). The same rule is asked
  again before an e-mail or a digest goes out, so a member who signed meanwhile, or left, is not told;
- `action`: the permission (accord.core.permissions) a recipient's role must hold. `notify` drops anyone
  whose role lacks it, and the inbox and the e-mails check it again, so a notification never shows a
  member what their role may not read: the title says only what that action lets them see;
- `title(obj, membership)` and `link(org, obj)`: what the recipient reads, and the page it opens;
- `load(org, object_id)`: the object again (None once it is gone), for the checks at send time.

`register_scan` adds a periodic check (an acceptance expiring in 30 days): a function of the organisation
that calls `notify` for what is due; `services.run_scans` runs every scan for every organisation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from accord.core.models import Membership, Organization
from accord.core.notifications.choices import Delivery

Recipients = Callable[[Organization, Any], Iterable[Membership]]
Title = Callable[[Any, Membership], str]
Link = Callable[[Organization, Any], str]
Load = Callable[[Organization, str], Any]
Scan = Callable[[Organization], int]


@dataclass(frozen=True)
class Kind:
    """One kind of notification (see the module docstring). `key` is stable ("risks.acceptance_expiring"): it
    names the kind in preferences, unsubscribe links and the API."""

    key: str
    label: str | Promise
    action: str
    recipients: Recipients
    title: Title
    link: Link
    load: Load
    default: Delivery = Delivery.IMMEDIATE
    description: str | Promise = ""


KINDS: dict[str, Kind] = {}
SCANS: dict[str, Scan] = {}


def register(kind: Kind) -> None:
    """Declare a kind (from an AppConfig.ready(); registering the same key again replaces it)."""
    KINDS[kind.key] = kind


def register_scan(name: str, scan: Scan) -> None:
    """Declare a periodic check: `scan(org)` notifies what is due in `org` and returns how many it told."""
    SCANS[name] = scan


def kind(key: str) -> Kind:
    """The registered kind `key`; an unknown key is a programming error."""
    try:
        return KINDS[key]
    except KeyError:
        raise KeyError(f"unknown notification kind {key!r}; register it with notifications.registry.register") from None


def kinds() -> list[Kind]:
    """Every kind, by label (the preferences page and `accord notify kinds`)."""
    return sorted(KINDS.values(), key=lambda k: str(k.label))
