"""Writes of the privacy app, one module per register (services_requests, services_breaches), gathered here.
Every write runs in one transaction with its audit events; refusals name the field, the value and what is
allowed."""

from accord.privacy.services_breaches import (
    do_add_breach_notification,
    do_open_breach,
    do_update_breach,
)
from accord.privacy.services_common import Cleaner, lock_org
from accord.privacy.services_discovery import (
    do_answer_questionnaire,
    do_compare_data_audit,
    do_create_data_audit,
    do_import_discovery,
    do_send_questionnaires,
)
from accord.privacy.services_dpias import (
    do_add_dpia_risk,
    do_advise_dpia,
    do_create_dpia,
    do_sign_dpia_decision,
    do_submit_dpia,
    do_update_dpia,
)
from accord.privacy.services_gdpr_audit import do_accept_gdpr_suggestion
from accord.privacy.services_processors import (
    do_create_processor,
    do_create_transfer,
    do_update_processor,
    do_update_transfer,
)
from accord.privacy.services_requests import (
    do_close_request,
    do_create_request,
    do_extend_request,
    do_hand_over_member_requests,
    do_pause_request,
    do_resume_request,
    do_update_request,
)
from accord.privacy.services_ropa import do_create_activity, do_screen_activity, do_update_activity

__all__ = [
    "Cleaner",
    "do_accept_gdpr_suggestion",
    "do_add_breach_notification",
    "do_add_dpia_risk",
    "do_advise_dpia",
    "do_answer_questionnaire",
    "do_close_request",
    "do_compare_data_audit",
    "do_create_activity",
    "do_create_data_audit",
    "do_create_dpia",
    "do_create_processor",
    "do_create_request",
    "do_create_transfer",
    "do_extend_request",
    "do_hand_over_member_requests",
    "do_import_discovery",
    "do_open_breach",
    "do_pause_request",
    "do_resume_request",
    "do_screen_activity",
    "do_send_questionnaires",
    "do_sign_dpia_decision",
    "do_submit_dpia",
    "do_update_activity",
    "do_update_breach",
    "do_update_dpia",
    "do_update_processor",
    "do_update_request",
    "do_update_transfer",
    "lock_org",
]
