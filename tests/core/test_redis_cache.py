"""Redis as the shared cache (ACCORD_CACHE=redis://…, several machines): the API's rate-limit counters and
the simulations' single flight and per-organisation quota work against a real Redis, not only against the
local-memory and file caches. Each test uses its own key prefix in database 3 of the Redis on
127.0.0.1:6379 (CI runs one), so parallel workers never share a key; without a Redis answering there the
tests are skipped, saying so. Importing the client is not skipped: `redis` is a runtime dependency."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache, caches

from accord.core import limits, singleflight
from accord.core.limits import TryLater
from accord.envconf import parse_rates

REDIS_URL = os.environ.get("ACCORD_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
ROOT = Path(__file__).resolve().parents[2]


def _redis_answers() -> bool:
    host, _, port = REDIS_URL.split("//", 1)[1].split("/", 1)[0].partition(":")
    try:
        with socket.create_connection((host, int(port or 6379)), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not _redis_answers(), reason=f"no Redis answers at {REDIS_URL}")


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": REDIS_URL, "KEY_PREFIX": f"accord-test-{uuid.uuid4().hex}"}}
    yield caches["default"]
    # Only this test's keys: database 3 may hold another worker's.
    client = caches["default"]._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
    if keys:
        client.delete(*keys)


def test_the_redis_client_is_installed_with_accord():
    import redis  # noqa: F401  # Django's RedisCache imports it when ACCORD_CACHE is a redis:// URL


@needs_redis
def test_accord_started_with_a_redis_url_uses_redis_as_its_cache():
    code = ("import django; django.setup(); from django.core.cache import cache, caches; "
            "cache.set('accord-test-start', 'ok', 5); "
            "print(type(caches['default']).__name__, cache.get('accord-test-start'))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "accord.settings", "ACCORD_DEBUG": "1",
           "ACCORD_CACHE": REDIS_URL, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False,  # noqa: S603
                            timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["RedisCache", "ok"]


@needs_redis
def test_the_rate_limit_counts_in_redis_and_refuses_past_its_rate(redis_cache):
    (rate,) = parse_rates("3/m/ip", "test")
    now = 60.0 * 16_667 + 20  # 20 s into a minute
    assert [limits._over(rate, "ip:192.0.2.1", now) for _ in range(3)] == [None] * 3
    assert limits._over(rate, "ip:192.0.2.1", now) == 40
    assert limits._over(rate, "ip:192.0.2.2", now) is None  # another address has its own count
    assert limits._over(rate, "ip:192.0.2.1", now + 40) is None  # the next window starts afresh


@needs_redis
def test_a_redis_lease_has_one_holder_and_no_lock_file(redis_cache):
    assert singleflight._lock_dir() is None
    with singleflight.lease("test:one", hold=60) as first, singleflight.lease("test:one", hold=60) as second:
        assert (first, second) == (True, False)
    with singleflight.lease("test:one", hold=60) as again:
        assert again


@needs_redis
def test_concurrent_callers_compute_once_against_redis(redis_cache):
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

    threads = [threading.Thread(target=ask, name=f"asker-{i}") for i in range(6)]
    threads[0].start()
    assert started.wait(30)
    for thread in threads[1:]:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert calls == ["asker-0"]
    assert results == [{"answer": 42}] * 6
    assert cache.get("test:key") == {"answer": 42}


@needs_redis
def test_a_waiter_on_redis_is_told_to_retry_and_never_computes(redis_cache):
    with singleflight.lease("test:busy:lock", hold=60) as held:
        assert held
        with pytest.raises(TryLater, match="being computed for another request") as caught:
            singleflight.once("test:busy", lambda: pytest.fail("the waiter computed"), hold=60, wait=0,
                              timeout=lambda v: 60)
    assert caught.value.status == 503


@needs_redis
def test_a_quota_in_redis_admits_its_size_and_refuses_the_next_with_429(redis_cache):
    with (singleflight.slot("test:quota:org-1", size=2, wait=0, hold=60) as one,
          singleflight.slot("test:quota:org-1", size=2, wait=0, hold=60) as two):
        assert {one, two} == {0, 1}
        third = singleflight.slot("test:quota:org-1", size=2, wait=0, hold=60, what="Simulations")
        with pytest.raises(TryLater, match="2 already running at once") as caught, third:
            pytest.fail("a third holder got in")
        assert caught.value.status == 429
        with singleflight.slot("test:quota:org-2", size=2, wait=0, hold=60) as other:
            assert other == 0
    with singleflight.slot("test:quota:org-1", size=2, wait=0, hold=60) as freed:
        assert freed == 0


# --- what `accord check --deploy` says about the cache ----------------------------------------------------

def test_the_deploy_check_warns_that_a_per_process_cache_does_not_share_limits(settings):
    from accord.core.checks import cache_is_shared

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    (message,) = cache_is_shared(None)
    assert message.id == "accord.W004"
    assert "redis://" in message.hint


@needs_redis
def test_the_deploy_check_passes_a_redis_that_answers(redis_cache):
    from accord.core.checks import cache_is_shared

    assert cache_is_shared(None) == []


def test_the_deploy_check_refuses_a_redis_that_does_not_answer(settings):
    from accord.core.checks import cache_is_shared

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/3",
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    (message,) = cache_is_shared(None)
    assert message.id == "accord.E002"
    assert "does not answer" in message.msg
