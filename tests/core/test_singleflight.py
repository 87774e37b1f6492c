"""Work computed once however many threads ask (single flight on a cache key), and at most N holders of a
quota at once, with Django's local-memory cache, with the file cache every worker process of one
machine shares (a file lease there: the file cache's `add` is not atomic) and with Redis, the cache of
several machines (skipped, saying so, where no Redis answers)."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.cache import cache, caches

from accord.core import singleflight
from accord.core.limits import TryLater


@pytest.fixture(params=["locmem", "file", "redis"])
def backend(request, settings, tmp_path):
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
        yield request.param
        return
    if request.param == "file":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                       "LOCATION": str(tmp_path / "cache")}}
    cache.clear()
    yield request.param
    cache.clear()


def test_the_backend_under_test_is_the_one_in_use(backend):
    assert (type(caches["default"]).__name__ == "FileBasedCache") is (backend == "file")
    assert (singleflight._lock_dir() is not None) is (backend == "file")


def test_concurrent_callers_compute_once_and_all_get_the_value(backend):
    started, release = threading.Event(), threading.Event()
    calls, results, errors = [], [], []

    def compute():
        calls.append(threading.current_thread().name)
        started.set()
        release.wait(30)
        return {"answer": 42}

    def ask():
        try:
            results.append(singleflight.once("test:key", compute, hold=60, wait=60, timeout=lambda v: 60))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask, name=f"asker-{i}") for i in range(10)]
    threads[0].start()
    assert started.wait(30)
    for thread in threads[1:]:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert calls == ["asker-0"]
    assert results == [{"answer": 42}] * 10
    assert cache.get("test:key") == {"answer": 42}


def test_a_waiter_that_waited_long_enough_is_told_to_retry_and_never_computes(backend):
    with singleflight.lease("test:busy:lock", hold=60) as held:
        assert held
        with pytest.raises(TryLater, match="being computed for another request") as caught:
            singleflight.once("test:busy", lambda: pytest.fail("the waiter computed"), hold=60, wait=0,
                              timeout=lambda v: 60)
    assert caught.value.status == 503 and caught.value.retry_after >= 1


def test_a_leader_that_fails_leaves_the_work_to_the_next_caller(backend):
    def fail():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        singleflight.once("test:flaky", fail, hold=60, wait=0, timeout=lambda v: 60)
    assert singleflight.once("test:flaky", lambda: "second", hold=60, wait=0, timeout=lambda v: 60) == "second"


def test_a_lease_is_held_by_one_holder_at_a_time(backend):
    with singleflight.lease("test:one", hold=60) as first, singleflight.lease("test:one", hold=60) as second:
        assert (first, second) == (True, False)
    with singleflight.lease("test:one", hold=60) as again:
        assert again


def test_a_quota_admits_its_size_and_refuses_the_next_with_429(backend):
    with (singleflight.slot("test:quota:org-1", size=2, wait=0, hold=60) as one,
          singleflight.slot("test:quota:org-1", size=2, wait=0, hold=60) as two):
        assert {one, two} == {0, 1}
        third = singleflight.slot("test:quota:org-1", size=2, wait=0, hold=60, what="Simulations")
        with pytest.raises(TryLater, match="2 already running at once") as caught, third:
            pytest.fail("a third holder got in")
        assert caught.value.status == 429
        with singleflight.slot("test:quota:org-2", size=2, wait=0, hold=60) as other:
            assert other == 0  # another organisation's quota is its own
    with singleflight.slot("test:quota:org-1", size=2, wait=0, hold=60) as freed:
        assert freed == 0


def test_threads_over_a_quota_wait_for_a_free_place(backend):
    inside, peak, lock = [0], [0], threading.Lock()
    gate = threading.Barrier(4)
    errors = []

    def work():
        try:
            gate.wait(30)
            with singleflight.slot("test:quota:busy", size=1, wait=60, hold=60):
                with lock:
                    inside[0] += 1
                    peak[0] = max(peak[0], inside[0])
                time.sleep(0.02)  # stay inside a moment, so that a second holder would overlap
                with lock:
                    inside[0] -= 1
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and peak == [1]
