"""`accord worker` (a background-job worker) and `accord job show|list` (a job's status, for operators)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from typing import Any

from accord.cli_support import CliError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("worker", help="run a worker for background jobs (simulations, imports, reports) and the "
                       "periodic tasks, against the configured queue (ACCORD_REDIS_URL, else var/jobs.sqlite3)")
    p.add_argument("--threads", type=int, default=0, help="jobs run at once (default: ACCORD_WORKER_THREADS, 2)")
    p.add_argument("--no-scheduler", action="store_true",
                   help="do not run the periodic tasks (run the scheduler on exactly one worker)")
    p.add_argument("--exit-with-parent", action="store_true", help=argparse.SUPPRESS)  # `accord serve`'s own
    p.set_defaults(handler=_worker)

    job = sub.add_parser("job", help="background jobs").add_subparsers(dest="job_verb", metavar="ACTION")
    p = job.add_parser("show", help="one job's status, progress, result or failure")
    p.add_argument("org")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true", help="print the job as the API answers it")
    p.set_defaults(handler=_job_show)
    p = job.add_parser("list", help="an organisation's jobs, newest first")
    p.add_argument("org")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(handler=_job_list)


def _watch_parent() -> None:
    """Stop when the process that started this worker is gone (`accord serve` killed without a word)."""
    import signal

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="accord-worker-parent", daemon=True).start()


def _worker(args: argparse.Namespace) -> int:
    from accord.core.cli import setup

    setup()
    from django.conf import settings

    from accord.core.jobs import queue, runner

    if settings.ACCORD_JOBS_IMMEDIATE:
        raise CliError("ACCORD_JOBS_IMMEDIATE is on: jobs run in the process that queues them, so a worker has "
                       "nothing to do; unset it to use workers")
    threads = args.threads or settings.ACCORD_WORKER_THREADS
    if threads < 1:
        raise CliError("--threads must be at least 1")
    huey = queue.huey()
    recovered = runner.recover_lost()
    where = settings.ACCORD_REDIS_URL.split("@")[-1] if settings.ACCORD_REDIS_URL else str(settings.ACCORD_JOBS_FILE)
    print(f"Accord worker: {threads} thread{'s' if threads != 1 else ''} on {where}"
          f"{'' if args.no_scheduler else ', with the scheduler'}"
          f"{f'; {recovered} lost job(s) queued again' if recovered else ''}; Ctrl-C stops it.", file=sys.stderr)
    if args.exit_with_parent:
        _watch_parent()
    from accord.core.server import warm_engine_later

    warm_engine_later()
    consumer = huey.create_consumer(workers=threads, worker_type="thread", periodic=not args.no_scheduler,
                                    check_worker_health=True)
    consumer.run()
    return 0


def job_dict(job: Any) -> dict[str, Any]:
    """A job as the API answers it (`accord.core.jobs.api.JobOut`)."""
    from accord.core.jobs.api import JobOut

    return json.loads(JobOut.from_orm(job).model_dump_json())


def _job_or_fail(org: Any, job_id: int) -> Any:
    from accord.core.jobs.selectors import org_jobs

    job = org_jobs(org).filter(pk=job_id).first()
    if job is None:
        raise CliError(f"no job {job_id} in {org.slug} (see `accord job list {org.slug}`)")
    return job


def _job_show(args: argparse.Namespace) -> int:
    from accord.core.cli import org_or_fail, setup

    setup()
    job = _job_or_fail(org_or_fail(args.org), args.id)
    data = job_dict(job)
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    print(f"job {data['id']}: {data['label']} ({data['kind']})")
    print(f"status: {data['status']}" + (f", {data['progress']}%" if data["status"] == "running" else "")
          + (f" · {data['progress_message']}" if data["progress_message"] else ""))
    print(f"asked by: {data['requested_by'] or 'someone who has left'} at {data['created_at']}")
    print(f"attempts: {data['attempts']} of {data['max_attempts']}")
    if data["error"]:
        print(f"{'failed' if data['status'] == 'failed' else 'last error'}: {data['error']}")
    if data["result"] is not None:
        print(f"result: {json.dumps(data['result'])}")
    if data["has_file"]:
        print(f"file: {job.result_file.name}")
    return 1 if data["status"] == "failed" else 0


def _job_list(args: argparse.Namespace) -> int:
    from accord.core.cli import org_or_fail, setup

    setup()
    from accord.core.jobs.runner import progress_of
    from accord.core.jobs.selectors import label_of, org_jobs

    if args.limit < 1:
        raise CliError("--limit must be at least 1")
    for job in org_jobs(org_or_fail(args.org))[:args.limit]:
        state = job.status + (f" {progress_of(job)[0]}%" if job.status == "running" else "")
        print(f"{job.pk}\t{state}\t{label_of(job)}\t{job.created_at:%Y-%m-%d %H:%M}\t"
              f"{job.user.email if job.user else '-'}\t{job.error[:80]}")
    return 0
