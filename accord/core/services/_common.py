"""What the core services share."""

from __future__ import annotations

from typing import Any


def full_clean(obj: Any, *, exclude: list[str] | None = None) -> None:
    """Field validation only: uniqueness and constraints are checked by the services and the database."""
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
