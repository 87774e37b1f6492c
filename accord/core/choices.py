"""Enumerations of the core app."""

from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The one role a user holds in an organisation."""

    ADMIN = "admin", _("Administrator")
    CIO = "cio", _("CIO")
    CISO = "ciso", _("CISO")
    DPO = "dpo", _("DPO")
    CONTRIBUTOR = "contributor", _("Contributor")
    AUDITOR = "auditor", _("Auditor")
    VIEWER = "viewer", _("Viewer (board)")


#: The roles a person may receive by signing in through an organisation's identity provider (just-in-time
#: membership, decision 0033): the two that read or contribute, never one that governs, signs or audits.
JOIN_ROLES = (Role.VIEWER, Role.CONTRIBUTOR)


class IdpKind(models.TextChoices):
    """The protocol an organisation's identity provider speaks (decisions 0033 and 0037)."""

    OIDC = "oidc", _("OpenID Connect")
    SAML = "saml", _("SAML 2.0")


def unknown_role_message(value: str) -> str:
    """The refusal of a value that is not a role, listing the roles (every front and service says the same)."""
    return gettext("'%(value)s' is not a role; choose one of: %(roles)s.") % {"value": value,
                                                                             "roles": ", ".join(Role.values)}


class CisoReportsTo(models.TextChoices):
    """Whom the CISO reports to; decides who co-signs with the CISO."""

    CIO = "cio", _("the CIO")
    CEO = "ceo", _("the CEO")
    BOARD = "board", _("the board")


class CisoModel(models.TextChoices):
    """How the CISO function is staffed."""

    INTERNAL = "internal", _("Internal CISO")
    EXTERNAL = "external", _("External (virtual) CISO")
    HYBRID = "hybrid", _("Hybrid CIO-CISO held by one person")


class Nis2Designation(models.TextChoices):
    """Whether the organisation is an essential or important entity under NIS2 (Directive (EU) 2022/2555, Art. 3):
    either owes its significant incidents' Article 23 reports to the CSIRT or the competent authority."""

    NONE = "none", _("Not an entity under NIS2")
    IMPORTANT = "important", _("Important entity")
    ESSENTIAL = "essential", _("Essential entity")


class DpoModel(models.TextChoices):
    """How the DPO function is staffed."""

    INTERNAL = "internal", _("Internal DPO")
    EXTERNAL = "external", _("External (virtual) DPO")


class Signatory(models.TextChoices):
    """A signature slot a governance profile (or ownership) asks for; filled by `approvals.rules.fits`."""

    CIO = "cio", _("CIO")
    CISO = "ciso", _("CISO")
    CIO_CISO = "cio_ciso", _("CIO-CISO (hybrid)")
    BOARD = "board", _("CEO/board representative")
    OWNER = "owner", _("Risk owner")
    DPO = "dpo", _("DPO")


class DocumentStatus(models.TextChoices):
    """Where one version of a co-signed document stands (accord.core.approvals.models.VersionedDocument)."""

    DRAFT = "draft", _("Draft, awaiting signatures")
    IN_FORCE = "in_force", _("In force")
    SUPERSEDED = "superseded", _("Superseded")
    WITHDRAWN = "withdrawn", _("Withdrawn (replaced by a newer draft)")


class AuditAction(models.TextChoices):
    """What an audit event records; domain verbs (sign, accept, ...) join create/update/delete."""

    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    SIGN = "sign", _("Signed")
    REVOKE = "revoke", _("Revoked")
    IMPORT = "import", _("Imported")
    INVITE = "invite", _("Invited")
    RESEND = "resend", _("Re-sent")
    ACCEPT = "accept", pgettext_lazy("audit action", "Accepted")
    ROTATE_KEY = "rotate_key", _("Rotated the audit key")
    ARCHIVE = "archive", _("Archived")
    RESTORE = "restore", _("Restored")
    JOIN = "join", _("Joined through single sign-on")
    LINK = "link", _("Linked to the identity provider")
    ENQUEUE = "enqueue", _("Queued a job")


class TokenScope(models.TextChoices):
    """What an API token may do: read only (GET, HEAD, OPTIONS), or read and write with its owner's role."""

    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class TokenState(models.TextChoices):
    """Where an API token stands; computed from its dates, never stored."""

    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", pgettext_lazy("token state", "Revoked")


class InvitationStatus(models.TextChoices):
    """Where an invitation stands; computed from its dates, never stored."""

    PENDING = "pending", _("Pending")
    EXPIRED = "expired", pgettext_lazy("invitation status", "Expired")
    ACCEPTED = "accepted", pgettext_lazy("invitation status", "Accepted")
    REVOKED = "revoked", pgettext_lazy("invitation status", "Revoked")


class ImportAction(models.TextChoices):
    """What an import does with one row of a file."""

    CREATE = "create", _("Add")
    UPDATE = "update", _("Update")
    UNCHANGED = "unchanged", _("Unchanged")
    REFUSED = "refused", _("Refused")


class JobStatus(models.TextChoices):
    """Where a background job stands (accord/core/jobs)."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
