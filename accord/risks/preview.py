"""What a draft risk appetite would change, shown before anyone signs it (decision 0016): the category
limits and money tolerance that differ from the version in force, the open risks that would newly be
above tolerance or no longer above, and the money tolerance verdict under the draft beside the one in
force. Reads only; the risk verdicts come from `selectors.tolerance_changes` (the `above_tolerance`
rule) and the money verdicts from the engine through `quantified` (the same scenario and cache)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accord.core.models import Organization
from accord.risks import quantified, selectors
from accord.risks.models import Risk, RiskAppetite


@dataclass(frozen=True)
class LevelChange:
    """A category whose highest acceptable residual level differs (None: no limit in that version)."""

    key: str
    name: str
    in_force: str | None
    draft: str | None


@dataclass(frozen=True)
class AppetitePreview:
    draft: RiskAppetite
    in_force: RiskAppetite | None
    levels: list[LevelChange]
    tolerance_in_force: list[list[float]]
    tolerance_draft: list[list[float]]
    newly_above: list[Risk]
    no_longer_above: list[Risk]
    above_in_force: int
    above_draft: int
    money_in_force: dict[str, Any] | None
    money_draft: dict[str, Any] | None

    @property
    def tolerance_changed(self) -> bool:
        return self.tolerance_in_force != self.tolerance_draft

    @property
    def money_changes(self) -> bool:
        """The money verdict differs (within ↔ outside tolerance) between the version in force and the draft."""
        def within(verdict: dict[str, Any] | None) -> bool | None:
            return None if verdict is None else bool(verdict["within"])
        return within(self.money_in_force) != within(self.money_draft)


def appetite_preview(org: Organization, draft: RiskAppetite | None = None) -> AppetitePreview | None:
    """The preview of `draft` (default: the current draft) against the appetite in force; None without a draft."""
    draft = draft or selectors.appetite_draft(org)
    if draft is None:
        return None
    in_force = selectors.appetite_in_force(org)
    before = in_force.category_levels if in_force else {}
    names = {c.key: c.name for c in selectors.categories(org)}
    levels = [LevelChange(key, names.get(key, key), before.get(key), draft.category_levels.get(key))
              for key in [*names, *(k for k in {*before, *draft.category_levels} if k not in names)]
              if before.get(key) != draft.category_levels.get(key)]
    changes = selectors.tolerance_changes(org, draft)
    tolerance_in_force = [list(p) for p in (in_force.tolerance if in_force else [])]
    return AppetitePreview(
        draft=draft, in_force=in_force, levels=levels, tolerance_in_force=tolerance_in_force,
        tolerance_draft=[list(p) for p in draft.tolerance], newly_above=changes.newly_above,
        no_longer_above=changes.no_longer_above, above_in_force=changes.above_in_force,
        above_draft=changes.above_draft, money_in_force=quantified.tolerance_under(org, tolerance_in_force),
        money_draft=quantified.tolerance_under(org, draft.tolerance),
    )
