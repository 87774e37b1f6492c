"""A helper the worker tests run as separate processes (`python -m tests.core.jobs_probe VERB ...`), on a
database of their own: set up an organisation, queue a job, start a worker that knows the test kinds,
and print the job's state as JSON."""

from __future__ import annotations

import json
import os
import sys


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    import django

    django.setup()
    from tests.core import jobkinds

    verb, args = argv[0], argv[1:]
    if verb == "worker":
        from accord.cli import main as accord

        return accord(["worker", *args])

    from accord.core import audit, services
    from accord.core.jobs.models import Job
    from accord.core.jobs.services import do_enqueue_job
    from accord.core.models import ApiToken, AuditEvent, Organization, User

    if verb == "enqueue":  # on a new database: its schema first
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        org = services.do_create_organization(None, slug="jobs", name="Jobs Ltd")
        user = services.do_create_user("admin@jobs.test")
        services.do_add_member(None, org, user, "admin")
        job = do_enqueue_job(user, org, jobkinds.TOKENS, json.loads(args[0]))
        print(job.pk)
        return 0
    if verb == "state":
        org = Organization.objects.get(slug="jobs")
        job = Job.objects.for_org(org).get(pk=int(args[0]))
        events = AuditEvent.objects.for_org(org).filter(object_type="core.apitoken")
        print(json.dumps({
            "status": job.status, "attempts": job.attempts, "error": job.error,
            "tokens": sorted(ApiToken.objects.for_org(org).values_list("name", flat=True)),
            "token_events": events.count(), "chain_ok": audit.verify_chain(org).ok,
            "user": User.objects.filter(email="admin@jobs.test").count(),
        }))
        return 0
    raise SystemExit(f"unknown verb {verb}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
