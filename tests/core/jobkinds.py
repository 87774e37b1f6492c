"""Job kinds for the tests of the jobs kit (imported by the tests, and by the worker processes they start)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from accord.core import services
from accord.core.jobs import registry
from accord.core.jobs.runner import JobContext

TOKENS, FLAKY, REPORT, LANGUAGE = "tests.tokens", "tests.flaky", "tests.report", "tests.language"


def make_tokens(context: JobContext) -> dict[str, Any]:
    """`count` API tokens named `prefix-N` for the asking member, each through the service (one audit event
    each). With `pause_file`, the first attempt stops after the first token, leaving `pause_file` behind to
    say so, and waits there (to be killed)."""
    count, prefix = int(context.parameters.get("count", 3)), str(context.parameters.get("prefix", "job"))
    pause = context.parameters.get("pause_file")
    for number in range(1, count + 1):
        services.do_create_token(context.user, context.organization, context.user, name=f"{prefix}-{number}")
        context.progress(100 * number / count, f"token {number} of {count}")
        if pause and number == 1 and context.job.attempts == 1:
            Path(pause).write_text("reached")
            time.sleep(120)
    return {"tokens": count}


def flaky(context: JobContext) -> dict[str, Any]:
    if context.job.attempts <= int(context.parameters.get("fail_times", 1)):
        raise ConnectionError("the mail server did not answer")
    return {"ok": True, "attempt": context.job.attempts}


def report(context: JobContext) -> dict[str, Any]:
    context.save_file("register.txt", f"Report of {context.organization.name}\n".encode())
    return {"pages": 1}


def language(context: JobContext) -> dict[str, Any]:
    from django.utils import translation

    from accord.core.choices import ImportAction

    return {"language": translation.get_language(), "refused": str(ImportAction.REFUSED.label)}


def install() -> None:
    for kind in (
        registry.JobKind(TOKENS, "Create API tokens", "member.manage", make_tokens, backoff_seconds=0.1),
        registry.JobKind(FLAKY, "Send a flaky message", "member.view", flaky, max_attempts=2, backoff_seconds=0.1),
        registry.JobKind(REPORT, "Write a report", "audit.view", report, writes=False),
        registry.JobKind(LANGUAGE, "Say its language", "member.view", language, writes=False),
    ):
        if registry.kind(kind.name) is None:
            registry.register_kind(kind)


install()
