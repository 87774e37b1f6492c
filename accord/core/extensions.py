"""Where apps plug into the shared pages: navigation entries and dashboard panels.

Apps register in their AppConfig.ready(); the core renders what the member's role allows, so the
core never imports another app's views or templates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from accord.core.models import Membership, Organization

if TYPE_CHECKING:
    from accord.core.languages import Text


@dataclass(frozen=True)
class NavItem:
    label: Text
    url_name: str  # reversed with the organisation slug as `org`
    action: str  # the permission a member needs to see it


@dataclass(frozen=True)
class Panel:
    template: str
    action: str
    # A selector call that reads only, given the organisation and never the member: the dashboard's body
    # is a stored answer shared by every member of one role (decision 0035), so nothing of the viewer may
    # reach a panel.
    context: Callable[[Organization], dict[str, Any]]
    order: int = 100


@dataclass(frozen=True)
class MemberPanel:
    """A dashboard panel about the member reading it (their own tasks): rendered outside the stored body that the
    members of one role share, so it is read afresh for each member."""

    template: str
    action: str
    context: Callable[[Organization, Membership], dict[str, Any]]
    order: int = 100


NAV_ITEMS: list[NavItem] = []
PANELS: list[Panel] = []
MEMBER_PANELS: list[MemberPanel] = []


def add_nav(item: NavItem) -> None:
    if item not in NAV_ITEMS:
        NAV_ITEMS.append(item)


def add_panel(panel: Panel) -> None:
    if panel not in PANELS:
        PANELS.append(panel)
        PANELS.sort(key=lambda p: p.order)


def add_member_panel(panel: MemberPanel) -> None:
    if panel not in MEMBER_PANELS:
        MEMBER_PANELS.append(panel)
        MEMBER_PANELS.sort(key=lambda p: p.order)
