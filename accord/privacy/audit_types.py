"""How the privacy app's object types read in the audit trail (accord.core.history): requests by reference and
kind (never the person), breaches by reference and title, codes by label. Registered by PrivacyConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accord.core.history import ObjectType, Ref, register
from accord.privacy.choices import NotifyDecision, RequestKind, RequestStatus, SubjectsDecision
from accord.privacy.selectors_breaches import breach_names
from accord.privacy.selectors_requests import request_names


def register_privacy_types() -> None:
    register("privacy.datasubjectrequest", ObjectType(_("Data-subject request"), name=request_names, fields={
        "assignee": Ref("core.membership"), "kind": RequestKind, "status": RequestStatus},
        labels={"received_on": _("Received on"), "due_on": _("Due on"), "paused_days": _("Days paused"),
                "extended_on": _("Extended on"), "closed_on": _("Closed on"),
                "complaint_right_given": _("Told of the right to complain")}))
    register("privacy.identitypause", ObjectType(_("Identity check"), fields={
        "request": Ref("privacy.datasubjectrequest")}, labels={"paused_on": _("Paused on"),
                                                               "resumed_on": _("Resumed on")}))
    register("privacy.breach", ObjectType(_("Breach"), name=breach_names, fields={
        "risk": Ref("risks.risk"), "notify_decision": NotifyDecision, "subjects_decision": SubjectsDecision},
        labels={"became_aware_at": _("Became aware at"), "notify_authority_by": _("Notify the authority by")}))
    register("privacy.breachnotification", ObjectType(_("Breach notification"), fields={
        "breach": Ref("privacy.breach")}, labels={"sent_at": _("Sent at")}))
