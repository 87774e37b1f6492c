"""Writes of the risk register (see each module): register and matrix, archiving, imports, appetite,
acceptances."""

from accord.risks.services.acceptances import do_request_acceptance, do_sign_acceptance, do_withdraw_acceptance
from accord.risks.services.appetite import do_draft_appetite, do_record_appetite_opinion, do_sign_appetite
from accord.risks.services.archive import do_archive_risk, do_restore_risk
from accord.risks.services.handover import do_hand_over_member_risks
from accord.risks.services.imports import ImportRejected, ImportReport, ImportRow, do_import_risks
from accord.risks.services.register import (
    RISK_FIELDS,
    do_change_matrix,
    do_create_category,
    do_create_risk,
    do_update_category,
    do_update_risk,
    on_organization_created,
)

__all__ = [
    "RISK_FIELDS",
    "ImportRejected",
    "ImportReport",
    "ImportRow",
    "do_archive_risk",
    "do_change_matrix",
    "do_create_category",
    "do_create_risk",
    "do_draft_appetite",
    "do_hand_over_member_risks",
    "do_import_risks",
    "do_record_appetite_opinion",
    "do_request_acceptance",
    "do_restore_risk",
    "do_sign_acceptance",
    "do_sign_appetite",
    "do_update_category",
    "do_update_risk",
    "do_withdraw_acceptance",
    "on_organization_created",
]
