"""Expensive work computed once however many requests ask for it, and bounded per organisation
(decision 0020).

* `lease(name, hold)`: a lock named `name` shared by every thread and worker process using the same
  cache. With Django's file cache (one machine, every worker): `fcntl.flock` on a file beside the cache,
  which the kernel releases if its process dies. With any other cache (local memory, Redis, Memcached,
  the database): `cache.add`, atomic there, holding a token for at most `hold` seconds (a crashed
  holder's lease expires), deleted on release only while it is still the holder's.
* `once(key, compute, ...)`: the value cached under `key`, else computed by exactly one caller (the
  leader, holding the lease `key:lock`) while the others wait for it to appear in the cache; a waiter
  never starts its own copy. If the leader fails without a result, the next waiter takes the lease.
  A waiter that has waited `wait` seconds gives up with `TryLater` (503, `Retry-After`).
* `slot(name, size, wait)`: one of `size` leases `name:0` … `name:size-1`, waited for at most `wait`
  seconds, else `TryLater` (429, `Retry-After`): at most `size` holders at once (a per-organisation
  quota of concurrent simulations).

`TryLater` is the one refusal for rates, quotas and work under way (accord/core/limits.py); the fronts
answer it in the one error shape (API) or with a page saying when to try again, both with `Retry-After`
(accord/api.py, `accord.core.limits.TryLaterMiddleware`).
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import os
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache

from accord.core.limits import TryLater

T = TypeVar("T")

#: How often a waiter looks for the leader's result or a free slot.
POLL_SECONDS = 0.05


@dataclass
class _Lease:
    name: str
    token: str = ""
    fd: int = -1
    path: Path | None = None


def _lock_dir() -> Path | None:
    """Where file leases live: beside the file cache's entries; None when the cache is not a file cache."""
    target = caches["default"]
    if not isinstance(target, FileBasedCache):
        return None
    path = Path(target._dir) / "locks"  # type: ignore[attr-defined]  # the cache's own directory
    path.mkdir(parents=True, exist_ok=True)
    return path


def _try_lease(name: str, hold: float) -> _Lease | None:
    directory = _lock_dir()
    if directory is not None:
        digest = hashlib.sha256(name.encode()).hexdigest()
        path = directory / f"{digest}.lock"
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return _Lease(name, fd=fd, path=path)
    token = secrets.token_hex(8)
    if cache.add(f"lease:{name}", token, timeout=math.ceil(hold)):
        return _Lease(name, token=token)
    return None


def _release(held: _Lease, *, done: bool = False) -> None:
    """Give the lease back; `done`: its work is in the cache, so its lock file can go (a caller that
    opened it meanwhile finds the value in the cache, whichever file it then locks)."""
    if held.fd >= 0:
        if done and held.path is not None:
            held.path.unlink(missing_ok=True)
        fcntl.flock(held.fd, fcntl.LOCK_UN)
        os.close(held.fd)
        return
    # Not atomic with the read, but a lease past its hold is only deleted by its expiry or by its holder.
    if cache.get(f"lease:{held.name}") == held.token:
        cache.delete(f"lease:{held.name}")


@contextmanager
def lease(name: str, *, hold: float) -> Iterator[bool]:
    """Hold the lease `name` (yields True) or not (yields False), without waiting."""
    held = _try_lease(name, hold)
    try:
        yield held is not None
    finally:
        if held is not None:
            _release(held)


def once(key: str, compute: Callable[[], T], *, hold: float, wait: float, timeout: Callable[[T], float],
         what: str = "This result", clock: Callable[[], float] = time.monotonic) -> T:
    """The value cached under `key`, or computed once (see the module's docstring); stored for
    `timeout(value)` seconds. `hold` bounds the leader's lease (longer than `compute` may take)."""
    value: T | None = cache.get(key)
    if value is not None:
        return value
    started = clock()
    while True:
        held = _try_lease(f"{key}:lock", hold)
        if held is not None:
            stored = False
            try:
                value = cache.get(key)  # the leader before us may have finished meanwhile
                if value is None:
                    value = compute()
                    cache.set(key, value, timeout=timeout(value))
                stored = True
                return value
            finally:
                _release(held, done=stored)
        time.sleep(POLL_SECONDS)
        value = cache.get(key)
        if value is not None:
            return value
        waited = clock() - started
        if waited >= wait:
            raise TryLater(f"{what} is being computed for another request; try again in a few seconds.",
                           status=503, retry_after=math.ceil(max(hold / 2 - waited, 1)))


@contextmanager
def slot(name: str, *, size: int, wait: float, hold: float, what: str = "This work",
         clock: Callable[[], float] = time.monotonic) -> Iterator[int]:
    """Hold one of the `size` leases of `name` (yields its number), waiting at most `wait` seconds for
    one, else `TryLater` (429)."""
    started = clock()
    while True:
        for number in range(max(size, 1)):
            held = _try_lease(f"{name}:{number}", hold)
            if held is not None:
                try:
                    yield number
                finally:
                    _release(held)
                return
        if clock() - started >= wait:
            raise TryLater(f"{what}: {size} already running at once, the most allowed; try again shortly.",
                           status=429, retry_after=math.ceil(max(wait, 1)))
        time.sleep(POLL_SECONDS)


# --- the web's answer ---------------------------------------------------------------------------------
