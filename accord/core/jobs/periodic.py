"""The core's own periodic work on the worker's scheduler (registered by CoreConfig.ready())."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

from accord.core.jobs.registry import Periodic, register_periodic

logger = logging.getLogger(__name__)


def audit_checkpoint() -> None:
    """Append the signed head of every audit chain to ACCORD_AUDIT_CHECKPOINT_FILE (as `accord audit
    checkpoint --out FILE`), when it is set; a chain without a head is logged as an error."""
    target = settings.ACCORD_AUDIT_CHECKPOINT_FILE
    if not target:
        return
    from accord.core.audit_checkpoints import write_checkpoints
    from accord.core.audit_keys import keyring
    from accord.core.selectors import organizations

    written = write_checkpoints(Path(target), organizations(), keyring())
    for slug in written.missing_heads:
        logger.error("audit chain of %s has no head to checkpoint: its chain was deleted", slug)


def register_core_periodic() -> None:
    register_periodic(Periodic("accord.core.audit_checkpoint", audit_checkpoint, minute="0",
                               description="the audit chains' signed heads appended to ACCORD_AUDIT_CHECKPOINT_FILE, "
                                           "every hour"))
