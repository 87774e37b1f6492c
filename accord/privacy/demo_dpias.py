"""Demo DPIAs of the hospital group: the electronic patient record's, decided (approved, signed by the CISO and the
board as the governance profile asks, after the DPO's advice), and the clinical research registry's, in progress
(a draft whose re-identification risk keeps a high residual, so prior consultation is flagged). An organisation
that already has DPIAs is left as it is. Everything goes through the services (each write audited)."""

from __future__ import annotations

from accord.compliance.models_controls import Control
from accord.core.models import Organization, User
from accord.privacy import services_dpias
from accord.privacy.models_dpias import Dpia
from accord.privacy.models_ropa import ProcessingActivity

HOSPITAL = "harbour-health"


def _activity(org: Organization, name: str) -> ProcessingActivity | None:
    return ProcessingActivity.objects.for_org(org).filter(name=name).first()


def load_org(org: Organization, users: dict[str, User]) -> int:
    """The hospital group's two DPIAs (none elsewhere); answers how many were made."""
    if org.slug != HOSPITAL or Dpia.objects.for_org(org).exists():
        return 0
    record = _activity(org, "Electronic patient record")
    research = _activity(org, "Clinical research registry")
    dpo, ciso, board = (users.get(f"{who}@harbour-health.example") for who in ("dpo", "ciso", "board"))
    if record is None or research is None or dpo is None or ciso is None or board is None:
        return 0
    controls = [c.ref for c in Control.objects.for_org(org).order_by("number")[:3]]
    decided = services_dpias.do_create_dpia(
        ciso, org, record,
        description="The hospitals' electronic patient record: identity, diagnoses, treatments and genetic results "
                    "of every patient, read and written by care staff at the bedside and by the laboratories.",
        necessity="Care cannot be given safely without a shared record (Art. 9(2)(h)); access is limited to the "
                  "care team of each stay, genetic results to the geneticists; retention follows the public health "
                  "code (20 years).")
    for title, residual in (("Care staff read records of patients they do not treat", (2, 2)),
                            ("Genetic results disclosed outside the care team", (1, 3))):
        services_dpias.do_add_dpia_risk(ciso, org, decided, {
            "title": title, "likelihood": 3, "impact": 4, "residual_likelihood": residual[0],
            "residual_impact": residual[1], "treatment_plan": "Break-glass access with daily review"})
    if controls:
        services_dpias.do_update_dpia(ciso, org, decided, {"controls": controls})
    services_dpias.do_submit_dpia(ciso, org, decided)
    services_dpias.do_advise_dpia(dpo, org, decided, advice="The measures bring both risks within the appetite; "
                                                            "review the break-glass logs monthly.")
    services_dpias.do_sign_dpia_decision(ciso, org, decided, decision="approved",
                                         reason="Residual risks within the signed appetite; no prior consultation.")
    services_dpias.do_sign_dpia_decision(board, org, decided)
    open_one = services_dpias.do_create_dpia(
        dpo, org, research,
        description="A registry of pseudonymised outcomes matched with the regional cancer registry, for research "
                    "by the university partner.",
        necessity="Only patients who consented; pseudonyms kept by the hospital; still to assess: the matching keys.")
    services_dpias.do_add_dpia_risk(dpo, org, open_one, {
        "title": "Re-identification of patients by matching the registries", "likelihood": 4, "impact": 4,
        "residual_likelihood": 3, "residual_impact": 4})
    return 2
