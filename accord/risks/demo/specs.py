"""What a demo register is made of: risks, acceptances, appetite versions and money data, written
as plain frozen dataclasses that `loading` turns into service calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class R:
    """One demo risk; dates are days from today (negative: in the past)."""

    category: str
    title: str
    description: str
    scores: tuple[int, int, int, int]  # inherent likelihood, impact; residual likelihood, impact
    owner: str
    status: str = "assessed"
    treatment: str = "mitigate"
    plan: str = ""
    due: int | None = None
    review: int | None = None
    tags: tuple[str, ...] = ()
    quant: tuple[float, float, int, int] | None = None  # events/year 5%-95%, loss/event 5%-95% (EUR)
    assets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Acceptance:
    title: str  # of the risk
    justification: str
    measures: str
    days: int
    signers: tuple[str, ...]  # e-mails, in signing order; fewer than required leaves it pending
    lapsed: bool = False


@dataclass(frozen=True)
class Appetite:
    statement: str
    levels: dict[str, str]
    tolerance: list[list[float]]
    drafter: str
    signers: tuple[str, ...]


@dataclass(frozen=True)
class Money:
    """A demo risk's Open FAIR breakdown and its treatment's effect (shares of events and of loss removed),
    which the compliance demo turns into the effect of the risk's implemented treatment control
    (accord/compliance/demo.py)."""

    fair: dict[str, Any] | None = None
    fewer_events: float | None = None
    less_loss: float | None = None

    def fields(self) -> dict[str, Any]:
        """The risk's own money fields."""
        return {"fair": self.fair} if self.fair is not None else {}


@dataclass(frozen=True)
class Register:
    risks: tuple[R, ...]
    appetite: Appetite
    next_draft: Appetite | None = None  # signed by some, not all: stays a draft
    acceptances: tuple[Acceptance, ...] = field(default_factory=tuple)
    money: dict[str, Money] = field(default_factory=dict)  # by risk title
