"""What the queue knows how to run: job kinds, background tasks and periodic tasks, declared by apps.

Core imports no domain app, so each app declares its work in its `apps.ready()`:

* `register_kind(JobKind(...))`: a job a member asks for (a report, a large import). It runs with the
  asking member's role, checked again when it runs, and its outcome is a `Job` row everyone can follow.
* `register_task(name, function)`: system work with no person behind it (the register's simulation),
  sent with `accord.core.jobs.queue.send(name, *args)`; its arguments must pickle.
* `register_periodic(Periodic(...))`: work the worker's scheduler runs on a timetable (digests, audit
  checkpoints), as a `crontab` of minute, hour, day, month and day of week.

Names are `app.what` and unique; registering one twice is a programming error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from accord.core.jobs.runner import JobContext


class JobFailed(Exception):
    """A job's run refuses to go on, for a reason a person can act on: the job fails at once with this
    message (no retry), and `result` (JSON data, optional) is kept as the failed job's result: what a
    person needs to act, in the shape a done job of the kind gives (an import's every refused row). Any
    other exception is taken as passing trouble and retried with backoff."""

    def __init__(self, message: str, *, result: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = dict(result) if result is not None else None


@dataclass(frozen=True)
class JobKind:
    """One kind of job: its `name`, what people read (`label`), the permission (`action`) the asking
    member must hold when it is queued and again when it runs, the function that does it, and how often
    it is tried (`max_attempts`, waiting `backoff_seconds` × 2^(attempt-1) before each retry).

    `run(context)` returns the job's result (JSON data, or None) and may leave a file
    (`context.save_file`); it runs inside one transaction with the job's `done` status, so it writes
    through services (each appending its audit event) all or nothing. `parameters(asked)` returns the
    parameters to store, or raises `ValidationError` naming the field."""

    name: str
    label: str | Promise  # lazy: read in the language of whoever reads it
    action: str
    run: Callable[[JobContext], Mapping[str, Any] | None]
    max_attempts: int = 3
    backoff_seconds: float = 10.0
    parameters: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None  # validates what is asked
    #: False for a job that only reads (a report): it runs outside a transaction, so a long run holds no
    #: lock, and only its result is written with its `done` status.
    writes: bool = True


@dataclass(frozen=True)
class Periodic:
    """Work on the scheduler's timetable: `run()` at every time the crontab fields match (Huey's
    `crontab`, e.g. minute="0" for every hour, hour="6", minute="30" for 06:30 every day, in UTC)."""

    name: str
    run: Callable[[], None]
    minute: str = "*"
    hour: str = "*"
    day: str = "*"
    month: str = "*"
    day_of_week: str = "*"
    description: str = ""


@dataclass
class _Registry:
    kinds: dict[str, JobKind] = field(default_factory=dict)
    tasks: dict[str, Callable[..., Any]] = field(default_factory=dict)
    periodic: dict[str, Periodic] = field(default_factory=dict)
    listeners: list[Callable[[Periodic], None]] = field(default_factory=list)


_REGISTRY = _Registry()


def _unique(name: str, *tables: Mapping[str, Any]) -> None:
    if any(name in table for table in tables):
        raise ValueError(f"background work {name!r} is registered twice")


def register_kind(kind: JobKind) -> JobKind:
    """Declare a kind of job (from an app's `ready()`)."""
    _unique(kind.name, _REGISTRY.kinds, _REGISTRY.tasks)
    if kind.max_attempts < 1:
        raise ValueError(f"job kind {kind.name}: max_attempts must be at least 1")
    _REGISTRY.kinds[kind.name] = kind
    return kind


def register_task(name: str, function: Callable[..., Any]) -> None:
    """Declare system work the queue runs by name (see the module's docstring)."""
    _unique(name, _REGISTRY.kinds, _REGISTRY.tasks)
    _REGISTRY.tasks[name] = function


def register_periodic(periodic: Periodic) -> None:
    """Declare periodic work; a queue already built schedules it at once."""
    _unique(periodic.name, _REGISTRY.periodic)
    _REGISTRY.periodic[periodic.name] = periodic
    for listener in _REGISTRY.listeners:
        listener(periodic)


def on_periodic(listener: Callable[[Periodic], None]) -> None:
    """Call `listener` for each periodic task registered now and later (the queue schedules them)."""
    _REGISTRY.listeners.append(listener)
    for periodic in list(_REGISTRY.periodic.values()):
        listener(periodic)


def kind(name: str) -> JobKind | None:
    return _REGISTRY.kinds.get(name)


def kinds() -> tuple[JobKind, ...]:
    return tuple(_REGISTRY.kinds.values())


def task(name: str) -> Callable[..., Any] | None:
    return _REGISTRY.tasks.get(name)


def periodic_tasks() -> tuple[Periodic, ...]:
    return tuple(_REGISTRY.periodic.values())
