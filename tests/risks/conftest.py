"""Fixtures of the risk register's tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from accord.risks import quantified


@pytest.fixture
def quick_money(monkeypatch):
    """Few simulated years, and no figures left by another test (the cache outlives a test's database)."""
    monkeypatch.setattr(quantified, "YEARS", 2_000)
    cache.clear()
    quantified.forget_local()
