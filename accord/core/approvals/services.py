"""Writes every co-signed object shares: a signature in the signer's slot, and the life of a versioned
document (next version, withdrawing the open draft, signing only the current draft, coming into force).

Each helper runs inside the caller's transaction and appends the audit events of the rows it changes;
the caller takes the organisation's lock first and records its own event for the signing itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core import audit
from accord.core.approvals.models import Signature, VersionedDocument
from accord.core.approvals.rules import pick_slot
from accord.core.choices import AuditAction, DocumentStatus
from accord.core.conflict import Conflict
from accord.core.models import Membership, Organization, User

D = TypeVar("D", bound=VersionedDocument)
S = TypeVar("S", bound=Signature)


def add_signature(actor: User, org: Organization, signed: Model, signature_model: type[S], *, to: str,
                  required: Sequence[str], owner_id: int | None = None, what: str) -> S:
    """Sign `signed` (the object the signature model's foreign key `to` points at) in the first required
    slot the actor fits, or refuse with `rules.pick_slot`'s reason: not a member, not a signatory, the
    slot is taken, or the actor already signed this object in another slot (signatories are distinct)."""
    membership = Membership.objects.for_org(org).filter(user=actor).first()
    if membership is None:
        raise ValidationError({"signature": _("Only members of the organisation can sign.")})
    signers = dict(signature_model.objects.for_org(org).filter(**{to: signed}).values_list("slot", "user_id"))
    slot = pick_slot(membership, required, signers, owner_id=owner_id, what=what)
    return signature_model.objects.for_org(org).create(organization=org, slot=slot, user=actor, **{to: signed})


def _versions(org: Organization, model: type[D], within: Mapping[str, Any] | None) -> Any:
    """The versions of one document: the organisation's (a risk appetite), or those `within` names (the
    versions of one policy: `{"policy": policy}`), for a model whose constraints are scoped alike."""
    return model.objects.for_org(org).filter(**(within or {}))


def next_version(org: Organization, model: type[VersionedDocument], *, within: Mapping[str, Any] | None = None) -> int:
    """The number the organisation's next version of `model` takes (of the document `within` names)."""
    return (_versions(org, model, within).aggregate(v=Max("version"))["v"] or 0) + 1


def withdraw_draft(actor: User | None, org: Organization, model: type[VersionedDocument], *,
                   within: Mapping[str, Any] | None = None) -> None:
    """Withdraw the open draft of `model` (a newer draft replaces it; its signatures do not carry over)."""
    for old in _versions(org, model, within).filter(status=DocumentStatus.DRAFT):
        old.status = DocumentStatus.WITHDRAWN
        old.save(update_fields=["status"])
        audit.record(org, actor, AuditAction.UPDATE, old, changes={"status": ["draft", "withdrawn"]})


def current_draft(org: Organization, model: type[D], version: int | None, *, what: str,
                  within: Mapping[str, Any] | None = None) -> D:
    """The draft of `model` that a signature or an opinion naming `version` is about, or a refusal: there
    is no draft, or `version` is not it (the signer read another version than the one awaiting
    signatures). Call it under the organisation's lock."""
    draft = _versions(org, model, within).filter(status=DocumentStatus.DRAFT).first()
    if draft is None:
        raise Conflict({"version": _("There is no draft %(what)s awaiting signatures.") % {"what": what}})
    if version is None:
        raise ValidationError({"version": _("Name the version you sign: the current draft is v%(version)s.")
                               % {"version": draft.version}})
    if version != draft.version:
        raise Conflict({"version": _(
            "Version %(version)s is not the current draft of the %(what)s; the draft awaiting signatures is "
            "v%(draft)s. Read v%(draft)s before signing it.") % {"version": version, "what": what,
                                                                  "draft": draft.version}})
    return draft


def put_in_force(actor: User | None, org: Organization, draft: VersionedDocument, *,
                 required: Sequence[str], within: Mapping[str, Any] | None = None) -> dict[str, list[object]]:
    """The draft's last required signature is in: the version in force becomes superseded (audited) and
    the draft comes into force with the slots it was signed in. Returns the draft's changes for the
    caller's signing event."""
    model = type(draft)
    for current in _versions(org, model, within).filter(status=DocumentStatus.IN_FORCE):
        current.status = DocumentStatus.SUPERSEDED
        current.save(update_fields=["status"])
        audit.record(org, actor, AuditAction.UPDATE, current, changes={"status": ["in_force", "superseded"]})
    changes: dict[str, list[object]] = {"status": ["draft", "in_force"]}
    fields = ["status", "in_force_at"]
    if list(draft.required_signatories) != list(required):
        changes["required_signatories"] = [draft.required_signatories, list(required)]
        draft.required_signatories = list(required)
        fields.append("required_signatories")
    draft.status = DocumentStatus.IN_FORCE
    draft.in_force_at = timezone.now()
    draft.save(update_fields=fields)
    return changes
