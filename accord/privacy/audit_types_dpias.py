"""How the DPIAs' object types read in the audit trail (accord.core.history): a DPIA by its reference, its links
by the risk, control and DPIA they join, codes by their labels. Registered by PrivacyConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accord.core.history import ObjectType, Ref, register
from accord.privacy.choices_dpias import DpiaDecision, DpiaOrigin, DpiaStatus
from accord.privacy.selectors_dpias import dpia_names


def register_dpia_types() -> None:
    register("privacy.dpia", ObjectType(_("DPIA"), name=dpia_names, fields={
        "activity": Ref("privacy.processingactivity"), "status": DpiaStatus, "origin": DpiaOrigin,
        "decision": DpiaDecision},
        labels={"activity": _("Processing activity"), "origin": _("Why a DPIA"), "origin_reason": _("Reason"),
                "necessity": _("Necessity and proportionality"), "controls": _("Measures (controls)"),
                "dpo_advice": _("The DPO's advice"), "decision": _("Decision"), "decision_reason": _("Reasons"),
                "decided_on": _("Decided on"), "slot": _("Signed as"),
                "consultation_required": _("Prior consultation required (Art. 36)"),
                "required_signatories": _("Signatories")}))
    register("privacy.dpiarisk", ObjectType(_("DPIA risk"), fields={
        "dpia": Ref("privacy.dpia"), "risk": Ref("risks.risk")}, labels={"dpia": _("DPIA"), "risk": _("Risk")}))
