"""The task queue: Huey, built once per process from the settings (decision 0027).

* one machine (the default): `SqliteHuey`, a SQLite file under `var/` (`ACCORD_JOBS_FILE`) that the
  web server and the worker (`accord worker`) share;
* several machines: `RedisHuey` on `ACCORD_REDIS_URL`, which every web server and worker names;
* `ACCORD_JOBS_IMMEDIATE=1` (the tests): Huey's immediate mode, each job run where it is queued.

The queue carries only what to run (a job's id, a task's name and arguments); a `Job` row is the truth
about a job. Apps never touch Huey: they register their work (`accord.core.jobs.registry`) and queue it
with `services.do_enqueue_job` or `send`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from accord.core.jobs import registry

if TYPE_CHECKING:  # Huey (and Redis) are imported where the queue is built: a command that queues nothing
    from huey import Huey  # (`accord incident list`) does not load them (about 0.3 s).
    from huey.api import TaskWrapper

logger = logging.getLogger(__name__)

#: How often the scheduler looks for jobs whose worker died (`runner.recover_lost`).
RECOVER_MINUTES = "*/1"

_LOCK = threading.RLock()
_STATE: dict[str, Any] = {}


def _with_fresh_connections(function: Callable[..., Any], *, immediate: bool) -> Callable[..., Any]:
    """A consumer thread keeps no connection past its use (as a request does); immediate mode keeps
    the caller's (a test's transaction)."""
    if immediate:
        return function

    def close_idle() -> None:
        # Never a connection inside a transaction: a task run by hand within one (a test's, on PostgreSQL,
        # where closing it would end the test's transaction) keeps it.
        if not connection.in_atomic_block:
            close_old_connections()

    @wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        close_idle()
        try:
            return function(*args, **kwargs)
        finally:
            close_idle()

    return run


def _build() -> Huey:
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    immediate = bool(settings.ACCORD_JOBS_IMMEDIATE)
    huey: Huey
    if immediate:
        huey = MemoryHuey("accord", immediate=True, results=False)
    elif settings.ACCORD_REDIS_URL:
        huey = RedisHuey("accord", url=settings.ACCORD_REDIS_URL, results=False)
    else:
        path = settings.ACCORD_JOBS_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("accord", filename=str(path), results=False)
    _define(huey, immediate=immediate)
    return huey


def _define(huey: Huey, *, immediate: bool) -> None:
    from huey import crontab

    from accord.core.jobs import runner

    tasks: dict[str, TaskWrapper] = {}
    tasks["job"] = huey.task(name="accord.job")(_with_fresh_connections(runner.run_job, immediate=immediate))
    tasks["task"] = huey.task(name="accord.task")(_with_fresh_connections(_run_task, immediate=immediate))
    huey.periodic_task(crontab(minute=RECOVER_MINUTES), name="accord.recover")(
        _with_fresh_connections(runner.recover_lost, immediate=immediate))
    _STATE["tasks"] = tasks

    def schedule(periodic: registry.Periodic) -> None:
        when = crontab(minute=periodic.minute, hour=periodic.hour, day=periodic.day, month=periodic.month,
                       day_of_week=periodic.day_of_week)
        huey.periodic_task(when, name=periodic.name)(
            _with_fresh_connections(_periodic_runner(periodic), immediate=immediate))

    registry.on_periodic(schedule)


def _periodic_runner(periodic: registry.Periodic) -> Callable[[], None]:
    def run() -> None:
        periodic.run()

    run.__name__ = periodic.name.replace(".", "_")
    return run


def _run_task(name: str, args: tuple[Any, ...]) -> Any:
    function = registry.task(name)
    if function is None:
        logger.error("jobs: no task named %s is registered in this worker; the message is dropped", name)
        return None
    return function(*args)


def huey() -> Huey:
    """This process's queue (built on first use, after every app registered its work)."""
    with _LOCK:
        if "huey" not in _STATE:
            _STATE["huey"] = _build()
        return _STATE["huey"]


def reset() -> None:
    """Forget the queue, so that the next use builds it from the settings again (tests)."""
    with _LOCK:
        _STATE.clear()
        registry._REGISTRY.listeners.clear()


def _task(which: str) -> TaskWrapper:
    huey()
    return _STATE["tasks"][which]


def _after_commit(send: Callable[[], Any]) -> None:
    """Send once what the caller wrote is committed, so that a worker finds it; in immediate mode at once
    (the job then runs in the caller's transaction, which sees it)."""
    if huey().immediate or not connection.in_atomic_block:
        send()
    else:
        transaction.on_commit(send)


def send_job(job_id: int, *, delay: float | None = None) -> None:
    """Queue the run of the job `job_id` (after `delay` seconds), once the caller's transaction commits."""
    task = _task("job")
    if delay:
        _after_commit(lambda: task.schedule((job_id,), delay=delay))
    else:
        _after_commit(lambda: task(job_id))


def send(name: str, *args: Any, delay: float | None = None, after_commit: bool = False) -> None:
    """Queue the registered task `name` with `args` (see the registry): at once, or with `after_commit`
    once the caller's transaction commits (a task that reads what the caller is writing)."""
    if registry.task(name) is None:
        raise KeyError(f"no background task {name!r} is registered")
    task = _task("task")

    def go() -> None:
        if delay:
            task.schedule((name, args), delay=delay)
        else:
            task(name, args)

    if after_commit:
        _after_commit(go)
    else:
        go()


def pending() -> int:
    """Messages waiting in the queue (not counting scheduled ones)."""
    return int(huey().pending_count())
