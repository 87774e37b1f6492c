"""Enumerations of the core app."""

from django.db import models


class Role(models.TextChoices):
    """The one role a user holds in an organisation."""

    ADMIN = "admin", "Administrator"
    CIO = "cio", "CIO"
    CISO = "ciso", "CISO"
    DPO = "dpo", "DPO"
    CONTRIBUTOR = "contributor", "Contributor"
    AUDITOR = "auditor", "Auditor"
    VIEWER = "viewer", "Viewer (board)"


#: The roles a person may receive by signing in through an organisation's identity provider (just-in-time
#: membership, decision 0033): the two that read or contribute, never one that governs, signs or audits.
JOIN_ROLES = (Role.VIEWER, Role.CONTRIBUTOR)


def unknown_role_message(value: str) -> str:
    """The refusal of a value that is not a role, listing the roles (every front and service says the same)."""
    return f"'{value}' is not a role; choose one of: {', '.join(Role.values)}."


class CisoReportsTo(models.TextChoices):
    """Whom the CISO reports to; decides who co-signs with the CISO."""

    CIO = "cio", "the CIO"
    CEO = "ceo", "the CEO"
    BOARD = "board", "the board"


class CisoModel(models.TextChoices):
    """How the CISO function is staffed."""

    INTERNAL = "internal", "Internal CISO"
    EXTERNAL = "external", "External (virtual) CISO"
    HYBRID = "hybrid", "Hybrid CIO-CISO held by one person"


class DpoModel(models.TextChoices):
    """How the DPO function is staffed."""

    INTERNAL = "internal", "Internal DPO"
    EXTERNAL = "external", "External (virtual) DPO"


class Signatory(models.TextChoices):
    """A signature slot a governance profile (or ownership) asks for; filled by `approvals.rules.fits`."""

    CIO = "cio", "CIO"
    CISO = "ciso", "CISO"
    CIO_CISO = "cio_ciso", "CIO-CISO (hybrid)"
    BOARD = "board", "CEO/board representative"
    OWNER = "owner", "Risk owner"
    DPO = "dpo", "DPO"


class DocumentStatus(models.TextChoices):
    """Where one version of a co-signed document stands (accord.core.approvals.models.VersionedDocument)."""

    DRAFT = "draft", "Draft, awaiting signatures"
    IN_FORCE = "in_force", "In force"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn (replaced by a newer draft)"


class AuditAction(models.TextChoices):
    """What an audit event records; domain verbs (sign, accept, ...) join create/update/delete."""

    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    SIGN = "sign", "Signed"
    REVOKE = "revoke", "Revoked"
    IMPORT = "import", "Imported"
    INVITE = "invite", "Invited"
    RESEND = "resend", "Re-sent"
    ACCEPT = "accept", "Accepted"
    ROTATE_KEY = "rotate_key", "Rotated the audit key"
    ARCHIVE = "archive", "Archived"
    RESTORE = "restore", "Restored"
    JOIN = "join", "Joined through single sign-on"
    LINK = "link", "Linked to the identity provider"


class TokenScope(models.TextChoices):
    """What an API token may do: read only (GET, HEAD, OPTIONS), or read and write with its owner's role."""

    READ = "read", "Read only"
    READ_WRITE = "read_write", "Read and write"


class TokenState(models.TextChoices):
    """Where an API token stands; computed from its dates, never stored."""

    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class InvitationStatus(models.TextChoices):
    """Where an invitation stands; computed from its dates, never stored."""

    PENDING = "pending", "Pending"
    EXPIRED = "expired", "Expired"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"


class ImportAction(models.TextChoices):
    """What an import does with one row of a file."""

    CREATE = "create", "Add"
    UPDATE = "update", "Update"
    UNCHANGED = "unchanged", "Unchanged"
    REFUSED = "refused", "Refused"
