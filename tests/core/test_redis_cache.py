"""Redis as the shared cache (ACCORD_CACHE=redis://…, several machines): Accord starts on it, the API's
rate-limit counters count in it, and the deploy check says whether it answers. The single flight and
the quota run against Redis in test_singleflight.py, beside the other caches. Each test has its own key
prefix in database 3 of the Redis on 127.0.0.1:6379 (`redis_cache`, tests/core/conftest.py); without a
Redis answering there the tests skip, saying so. Importing the client never skips: `redis` is a
runtime dependency."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from accord.core import limits
from accord.envconf import parse_rates
from tests.core.conftest import NO_REDIS, REDIS_URL, redis_answers

ROOT = Path(__file__).resolve().parents[2]
needs_redis = pytest.mark.skipif(not redis_answers(), reason=NO_REDIS)


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
