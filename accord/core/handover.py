"""What a member holds in the apps, and handing it over when they leave.

Removing a member (`services.do_remove_member`) must not let `on_delete=SET_NULL` empty the fields that
name them (a risk's owner, a control's owner, an initiative's sponsor) without an audit event. Each app
that points at members registers a `Handover` in its AppConfig.ready(): what the member holds (read
only, as people read it, for the question the admin is asked) and how to hand it to another member or
clear it, appending one audit event per changed object. The core never imports an app: it asks every
registered handover, in registration order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from accord.core.models import Membership, Organization, User

#: (organisation, leaving member) → what they hold, one line each ("R-001 Ransomware: owner").
Holdings = Callable[[Organization, Membership], list[str]]
#: (actor, organisation, leaving member, new member or None to clear) → objects changed (each audited).
HandOver = Callable[[User | None, Organization, Membership, Membership | None], int]


@dataclass(frozen=True)
class Handover:
    """One app's part in a member's removal: `noun` counts what `holdings` lists ("risk"); `counted`, when
    given, writes a count with its noun in the reader's language (ngettext: "3 risks", "3 risques")."""

    name: str
    noun: str
    holdings: Holdings
    hand_over: HandOver
    counted: Callable[[int], str] | None = None


HANDOVERS: dict[str, Handover] = {}


def register(handover: Handover) -> None:
    """Plug an app's handover in (once, from its AppConfig.ready(); registering again replaces it)."""
    HANDOVERS[handover.name] = handover


@dataclass(frozen=True)
class Held:
    """What one app says the member holds."""

    noun: str
    items: list[str]
    counted: Callable[[int], str] | None = None

    @property
    def summary(self) -> str:
        if self.counted is not None:
            return self.counted(len(self.items))
        return f"{len(self.items)} {self.noun}{'' if len(self.items) == 1 else 's'}"


def holdings(org: Organization, membership: Membership) -> list[Held]:
    """What `membership` holds, app by app (apps where they hold nothing left out)."""
    found = []
    for handover in HANDOVERS.values():
        items = handover.holdings(org, membership)
        if items:
            found.append(Held(handover.noun, items, handover.counted))
    return found


def hand_over(actor: User | None, org: Organization, membership: Membership, to: Membership | None) -> int:
    """Hand everything `membership` holds to `to` (None: clear it); the number of objects changed.
    Runs inside the caller's transaction; each app audits each object it changes."""
    return sum(handover.hand_over(actor, org, membership, to) for handover in HANDOVERS.values())
