"""Fixed-window counters shared by the worker processes of one machine, exactly and cheaply: the API's
rate limits count here when the cache is Django's file cache (`ACCORD_CACHE=file`, the default).

Django's file cache counts with two file writes per increment (`add`, then `incr`: read, pickle, write a
temporary file, rename it), about 1 ms of CPU and, on a busy disk, tens of milliseconds of waiting per
API request, and it loses increments under concurrency (it takes no lock). These counters live in one
memory-mapped file beside the cache's entries (`counters/rate-limits`): a table of `SLOTS` slots, each
the 16-byte hash of a key, the second its window ends and a count. An increment takes the file's
exclusive lock (`fcntl.flock`, which the kernel releases if its process dies; and a thread lock, since
flock does not exclude threads of one process), finds the key's slot by open addressing over at most
`PROBES` slots from its hash (taking a slot whose window ended), and adds one: a few microseconds, no
write to the disk beyond the kernel's own flushing of the page.

A key whose probe range is full of other keys' live windows (more than `PROBES` live keys hashed
there: thousands of clients within one window) is not counted here: `incr` answers None and the caller
counts it in Django's cache instead, so no request escapes its limit.
"""

from __future__ import annotations

import fcntl
import hashlib
import mmap
import os
import struct
import threading
from pathlib import Path

__all__ = ["PROBES", "SLOTS", "SharedCounters"]

SLOTS = 16_384
PROBES = 32
_SLOT = struct.Struct("<16sqq")  # key hash, window end (seconds since the epoch), count


class SharedCounters:
    """Counters in the memory-mapped table at `path` (created, zero-filled, on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.Lock()
        self._pid = -1
        self._fd = -1
        self._map: mmap.mmap | None = None

    def _table(self) -> mmap.mmap:
        # Opened once per process: a forked worker must not share its parent's descriptor (flock locks
        # belong to the open file, so a shared one would not exclude the two processes).
        if self._map is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            size = SLOTS * _SLOT.size
            if os.fstat(fd).st_size < size:
                fcntl.flock(fd, fcntl.LOCK_EX)
                try:
                    if os.fstat(fd).st_size < size:
                        os.ftruncate(fd, size)  # zeros: every slot free
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
            self._map = mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
            self._fd, self._pid = fd, os.getpid()
        return self._map

    def incr(self, key: str, window_end: int, now: float) -> int | None:
        """Count one more for `key` in the window that ends at `window_end`; the count so far, this one
        included, or None when the key finds no slot (see the module's docstring)."""
        digest = hashlib.blake2b(key.encode("utf-8", "replace"), digest_size=16).digest()
        start = int.from_bytes(digest[:8], "little") % SLOTS
        with self._thread_lock:
            table = self._table()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                free = -1
                for i in range(PROBES):
                    offset = ((start + i) % SLOTS) * _SLOT.size
                    held, ends, count = _SLOT.unpack_from(table, offset)
                    if ends <= now:  # never used, or its window is over: free
                        if held == digest:
                            free = offset
                            break
                        if free < 0:
                            free = offset
                        continue
                    if held == digest and ends == window_end:
                        _SLOT.pack_into(table, offset, digest, ends, count + 1)
                        return int(count + 1)
                if free < 0:
                    return None
                _SLOT.pack_into(table, free, digest, window_end, 1)
                return 1
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
