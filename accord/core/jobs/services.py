"""Writes of the jobs kit: queue a job (one audit event: who asked for what)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.jobs import queue, registry
from accord.core.jobs.models import OPEN, Job
from accord.core.models import Membership, Organization, User
from accord.core.permissions import require

MAX_KEY = 200


def default_key(kind: str, parameters: Mapping[str, Any]) -> str:
    """The idempotency key of `kind` with these parameters: the same work asked twice is one job."""
    text = json.dumps({"kind": kind, "parameters": parameters}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _open_job(org: Organization, kind: str, key: str) -> Job | None:
    return Job.objects.for_org(org).filter(kind=kind, idempotency_key=key, status__in=OPEN).first()


def do_enqueue_job(actor: User, org: Organization, kind: str, parameters: Mapping[str, Any] | None = None, *,
                   key: str | None = None) -> Job:
    """Queue a job of `kind` for `org`, asked by `actor` (who must hold the kind's permission there), and
    return it. The same work (`key`: by default the kind and its parameters) asked again while a job for
    it is queued or running returns that job, and writes nothing. The job runs on a worker (or here, in
    immediate mode) once this transaction commits."""
    found = registry.kind(kind)
    if found is None:
        known = ", ".join(sorted(k.name for k in registry.kinds())) or _("none")
        raise ValidationError({"kind": _("There is no job kind %(kind)s; the kinds are: %(known)s.")
                               % {"kind": repr(kind), "known": known}})
    membership = Membership.objects.for_org(org).filter(user=actor).first()
    if membership is None:
        raise PermissionDenied(_("%(email)s is not a member of %(org)s.") % {"email": actor.email, "org": org.name})
    require(membership.role, found.action)
    asked = dict(parameters or {})
    stored = found.parameters(asked) if found.parameters is not None else asked
    try:
        json.dumps(stored, allow_nan=False)
    except (TypeError, ValueError):
        raise ValidationError({"parameters": _("A job's parameters must be JSON data (text, numbers, lists, "
                                               "objects).")}) from None
    key = default_key(kind, stored) if key is None else key
    if len(key) > MAX_KEY:
        raise ValidationError({"key": _("An idempotency key has at most %(most)d characters; this one has %(length)d.")
                               % {"most": MAX_KEY, "length": len(key)}})
    with transaction.atomic():
        if key and (existing := _open_job(org, kind, key)) is not None:
            return existing
        job = Job(organization=org, kind=kind, user=actor, parameters=stored, idempotency_key=key,
                  max_attempts=found.max_attempts, language=translation.get_language() or "")
        try:
            with transaction.atomic():
                job.save(force_insert=True)
        except IntegrityError:  # the same work queued by a concurrent request a moment ago
            existing = _open_job(org, kind, key)
            if existing is None:
                raise
            return existing
        audit.record(org, actor, AuditAction.ENQUEUE, job, object_repr=f"{found.label} (job {job.pk})",
                     changes={"kind": [None, kind], "parameters": [None, audit.to_audit_value(stored)]})
    queue.send_job(job.pk)
    job.refresh_from_db()  # in immediate mode it has run already
    return job
