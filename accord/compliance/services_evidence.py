"""Writes of evidence (decision 0045): a piece of evidence attached to an audit's result or to a control, as a
link or an uploaded file, and its later versions (a new file or link, a new refresh date).

An upload is checked before anything is stored: its size against `ACCORD_MAX_EVIDENCE_BYTES`, its type on
its content against the allow-list (`accord.compliance.filetypes`; the name's extension must agree with the
content). It is then stored in the file storage (var/media by default, never served as static files) under a
random name, `evidence/<organisation id>/<random>.<extension>`, and handed out only by the permission-checked
download views. Should the database write fail after the file was stored, the file is removed again."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Iterator, Mapping
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.compliance import filetypes
from accord.compliance.choices import EvidenceKind
from accord.compliance.inputs_assessments import Input
from accord.compliance.models_assessments import AssessmentResult, Evidence, EvidenceVersion
from accord.compliance.models_controls import Control
from accord.compliance.services_assessments import lock_org
from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.models import Organization, User
from accord.core.tenancy import check_same_org

EVIDENCE_FIELDS = ("title", "description", "url", "expires_on", "note")
VERSION_FIELDS = ("url", "expires_on", "note")


def max_bytes() -> int:
    return int(settings.ACCORD_MAX_EVIDENCE_BYTES)


def _read(upload: IO[bytes], name: str) -> tuple[bytes, filetypes.FileType]:
    """The upload's bytes and checked type, or a `ValidationError` on `file` (too large, not allowed)."""
    limit = max_bytes()
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError({"file": _("'%(name)s' is larger than the %(limit)s an evidence file may be; send a "
                                         "smaller file, or link to where it is kept.") % {
            "name": name, "limit": filesizeformat(limit)}})
    try:
        kind = filetypes.check(content, name)
    except filetypes.Refused as exc:
        raise ValidationError({"file": str(exc)}) from None
    return content, kind


def _clean_url(p: Input) -> None:
    if not p.given("url"):
        return
    url = str(p.data["url"] or "").strip()
    if not url:
        p.values["url"] = ""
        return
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError:
        p.fail("url", _("'%(value)s' is not a web address (https://…).") % {"value": url[:200]})
        return
    if len(url) > 2000:
        p.fail("url", _("A link has at most 2,000 characters."))
        return
    p.values["url"] = url


def _version(org: Organization, actor: User | None, evidence: Evidence, number: int, values: Mapping[str, Any],
             upload: IO[bytes] | None, filename: str) -> tuple[EvidenceVersion, str]:
    """A new version (unsaved) and the storage name written for it ("" for a link). Validates first."""
    url = values.get("url", "")
    if (upload is None) == (not url):
        raise ValidationError({"file": _("Send either a file or a link (url), not both and not neither.")})
    version = EvidenceVersion(organization=org, evidence=evidence, number=number, created_by=actor,
                              expires_on=values.get("expires_on"), note=values.get("note", ""))
    if upload is None:
        version.kind, version.url = EvidenceKind.LINK, url
        return version, ""
    content, kind = _read(upload, filename)
    stored = default_storage.save(f"evidence/{org.pk}/{secrets.token_urlsafe(24)}{kind.extensions[0]}",
                                  ContentFile(content))
    version.kind, version.stored, version.content_type = EvidenceKind.FILE, stored, kind.content_type
    version.filename = filename.replace("\\", "/").rsplit("/", 1)[-1][:255]
    version.size, version.sha256 = len(content), hashlib.sha256(content).hexdigest()
    return version, stored


def _version_changes(version: EvidenceVersion) -> dict[str, Any]:
    what = version.url if version.kind == EvidenceKind.LINK else version.filename
    return {"version": [None, version.number], "kind": [None, version.kind], "file_or_link": [None, what],
            "size": [None, version.size or None], "sha256": [None, version.sha256 or None],
            "expires_on": [None, version.expires_on.isoformat() if version.expires_on else None]}


@contextlib.contextmanager
def _saving(stored: str) -> Iterator[None]:
    """Remove the stored file again if the database write inside fails."""
    try:
        yield
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise


@transaction.atomic
def do_add_evidence(actor: User | None, org: Organization, data: Mapping[str, Any], *,
                    result: AssessmentResult | None = None, control: Control | None = None,
                    upload: IO[bytes] | None = None, filename: str = "") -> Evidence:
    """Attach evidence to an audit's `result` or to a `control` (at least one): `title`, `description`, a link
    (`url`) or a file (`upload`, named `filename`), and the date it wants refreshing by (`expires_on`)."""
    check_same_org(org, result=result, control=control)
    p = Input(org, data, EVIDENCE_FIELDS)
    p.text("title", 200, required=True, creating=True)
    p.text("description")
    p.text("note")
    p.date("expires_on")
    _clean_url(p)
    if result is None and control is None:
        p.fail("result", _("Attach the evidence to an audit's result or to a control."))
    values = p.done()
    lock_org(org)
    number = (Evidence.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1
    evidence = Evidence(organization=org, number=number, title=values["title"],
                        description=values.get("description", ""), result=result, control=control,
                        expires_on=values.get("expires_on"), created_by=actor)
    version, stored = _version(org, actor, evidence, 1, values, upload, filename)
    with _saving(stored):
        evidence.save()
        version.evidence = evidence
        version.save()
        where = (f"{result.assessment.ref} {result.requirement.ref}" if result is not None else None)
        audit.record(org, actor, AuditAction.CREATE, evidence, changes={
            "title": [None, evidence.title], "result": [None, where],
            "control": [None, control.ref if control is not None else None], **_version_changes(version)})
    return evidence


@transaction.atomic
def do_add_evidence_version(actor: User | None, org: Organization, evidence: Evidence, data: Mapping[str, Any], *,
                            upload: IO[bytes] | None = None, filename: str = "") -> EvidenceVersion:
    """A new version of `evidence`: a file or a link, its refresh date (`expires_on`) and a `note`. The
    earlier versions are kept and stay downloadable."""
    check_same_org(org, evidence=evidence)
    p = Input(org, data, VERSION_FIELDS)
    p.text("note")
    p.date("expires_on")
    _clean_url(p)
    values = p.done()
    lock_org(org)
    evidence = Evidence.objects.for_org(org).select_for_update().get(pk=evidence.pk)
    number = (EvidenceVersion.objects.for_org(org).filter(evidence=evidence).aggregate(n=Max("number"))["n"] or 0) + 1
    version, stored = _version(org, actor, evidence, number, values, upload, filename)
    with _saving(stored):
        version.save()
        evidence.version, evidence.expires_on, evidence.updated_at = number, version.expires_on, timezone.now()
        evidence.save(update_fields=["version", "expires_on", "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, evidence, changes=_version_changes(version))
    return version
