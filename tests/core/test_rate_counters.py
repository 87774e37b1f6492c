"""The shared counters the API's rate limits use under the file cache (accord/core/counters.py): exact
across worker processes, one count per key and window, a window's slot free once it ends, and a key that
finds no slot handed back to Django's cache, never left uncounted."""

from __future__ import annotations

import multiprocessing

import pytest
from django.core.cache import cache
from django.test import Client

from accord.core import counters, limits
from accord.core.counters import SharedCounters
from accord.envconf import parse_rates


def _count_many(path, n):
    table = SharedCounters(path)
    for _ in range(n):
        table.incr("k", 10_060, 10_000.0)


def test_a_key_counts_one_more_on_every_increment_within_its_window(tmp_path):
    table = SharedCounters(tmp_path / "c")
    assert [table.incr("a", 120, 100.0) for _ in range(3)] == [1, 2, 3]
    assert table.incr("b", 120, 100.0) == 1


def test_two_tables_on_one_file_share_their_counts(tmp_path):
    first, second = SharedCounters(tmp_path / "c"), SharedCounters(tmp_path / "c")
    assert first.incr("a", 120, 100.0) == 1
    assert second.incr("a", 120, 100.0) == 2
    assert first.incr("a", 120, 100.0) == 3


def test_worker_processes_counting_at_once_lose_no_increment(tmp_path):
    path = tmp_path / "c"
    SharedCounters(path).incr("other", 10_060, 10_000.0)  # the file exists before the workers fork
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_count_many, args=(path, 400)) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert SharedCounters(path).incr("k", 10_060, 10_000.0) == 1201


def test_a_slot_whose_window_ended_is_taken_again(tmp_path, monkeypatch):
    monkeypatch.setattr(counters, "SLOTS", 2)
    monkeypatch.setattr(counters, "PROBES", 2)
    table = SharedCounters(tmp_path / "c")
    assert table.incr("a", 60, 10.0) == 1
    assert table.incr("b", 60, 10.0) == 1
    assert table.incr("c", 60, 10.0) is None  # both slots hold live windows
    assert table.incr("c", 120, 70.0) == 1  # their windows ended at 60
    assert table.incr("a", 120, 70.0) == 1


def test_a_key_without_a_slot_is_counted_in_the_cache_and_still_limited(org_a, ciso, settings, tmp_path,
                                                                        monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path / "cache")}}
    settings.ACCORD_API_RATE_LIMITS = parse_rates("2/m/token", "test")
    monkeypatch.setattr(limits.SharedCounters, "incr", lambda self, key, window_end, now: None)
    client = Client()
    statuses = [client.get("/api/v1/orgs/org-a/", **ciso.auth()).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    cache.clear()


@pytest.mark.parametrize("backend", ["django.core.cache.backends.locmem.LocMemCache",
                                     "django.core.cache.backends.redis.RedisCache"])
def test_only_the_file_cache_counts_in_the_shared_table(settings, backend):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:1/0"}}
    assert limits._shared_counters() is None
