"""How the compliance app's object types read in the audit trail (accord.core.history), in the reader's
language. Registered by ComplianceConfig.ready()."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accord.compliance import selectors, selectors_mappings
from accord.compliance.choices import (
    AssessmentStatus,
    FindingKind,
    FindingStatus,
    RemediationStatus,
    ResultValue,
    Severity,
    SoaReason,
)
from accord.compliance.fields import CONTROL
from accord.compliance.models_controls import Control
from accord.core.fields import Kind
from accord.core.history import ObjectType, names_by_id, number, register, share, spec_fields
from accord.core.models import Organization


def control_names(org: Organization, ids: set[str]) -> dict[str, str]:
    """Refs and names of some controls, by id as text (one query even for no ids)."""
    return names_by_id(Control.objects.for_org(org).only("number", "name"), ids, str)


def register_compliance_types() -> None:
    register("compliance.framework", ObjectType(_("Framework"), name=selectors.framework_names))
    register("compliance.mappingset", ObjectType(_("Mapping set"), name=selectors_mappings.mapping_set_names, labels={
        "source_framework": _("Source framework"), "target_framework": _("Target framework"), "pairs": _("Pairs")}))
    fields, labels = spec_fields(CONTROL, shows={Kind.DECIMAL: number})
    register("compliance.control", ObjectType(_("Control"), name=control_names, fields=fields, labels=labels))
    links = {"control": _("Control"), "risk": _("Risk"), "requirement": _("Requirement"), "framework": _("Framework")}
    register("compliance.controlrisk", ObjectType(_("Control's effect on a risk"), fields={
        "frequency_reduction": share, "loss_reduction": share}, labels={
        **links, "frequency_reduction": _("Events it prevents"), "loss_reduction": _("Loss per event it removes")}))
    register("compliance.controlrequirement", ObjectType(_("Control's requirement"), labels=links))
    audits: dict[str, str | Promise] = {
              "auditors": _("Auditors"), "requirements": _("Requirements"), "starts_on": _("Starts on"),
              "ends_on": _("Ends on"), "framework": _("Framework"), "assessment": _("Audit"),
              "requirement": _("Requirement"), "result": _("Result"), "justification": _("Justification"),
              "notes": _("Notes"), "controls": _("Controls"), "severity": _("Severity"), "risk": _("Risk"),
              "finding": _("Finding"), "owner": _("Owner"), "due_on": _("Due on"), "control": _("Control"),
              "expires_on": _("Refresh by"), "file_or_link": _("File or link"), "size": _("Size"),
              "sha256": "SHA-256"}
    register("compliance.assessment", ObjectType(_("Audit"), fields={"status": AssessmentStatus}, labels=audits))
    register("compliance.assessmentresult", ObjectType(_("Audit result"), fields={"result": ResultValue},
                                                       labels=audits))
    register("compliance.finding", ObjectType(_("Finding"), fields={
        "kind": FindingKind, "severity": Severity, "status": FindingStatus}, labels=audits))
    register("compliance.remediation", ObjectType(_("Remediation action"), fields={
        "status": RemediationStatus}, labels=audits))
    register("compliance.evidence", ObjectType(_("Evidence"), labels=audits))
    register("compliance.soaentry", ObjectType(_("Statement of Applicability"), fields={
        "applicable": yes_no, "reasons": soa_reasons}, labels={
        "applicable": _("Applicable"), "reasons": _("Reasons for inclusion"), "justification": _("Justification")}))


def yes_no(value: object) -> str:
    return str(_("Yes") if value else _("No"))


def soa_reasons(value: object) -> str:
    """A statement's reasons for inclusion as people read them."""
    if not isinstance(value, list):
        return "—"
    return ", ".join(str(SoaReason(v).label) if v in SoaReason.values else str(v) for v in value) or "—"
