"""Writes of audits: an assessment (created with one result per assessable requirement of its framework,
changed, its auditors named), a result recorded, findings and observations, a finding raising a risk in the
register (linked both ways), remediation actions, and handing a leaving member's audit work over. One audit
event per changed object, inside one transaction; the organisation's lock serialises writers that number.

Who may record (results, findings) is the permission table's `assessment.record`, narrowed by
`rules.may_record` (a member with the auditor role records only in the audits that name them) and by the
audit's status (`rules.RECORDING`): every front gets the same refusal from here. Evidence is
`services_evidence`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.compliance import rules
from accord.compliance.choices import (
    AssessmentStatus,
    FindingKind,
    FindingStatus,
    RemediationStatus,
    ResultValue,
    Severity,
)
from accord.compliance.inputs_assessments import Input
from accord.compliance.models import Framework, Requirement
from accord.compliance.models_assessments import (
    Assessment,
    AssessmentAuditor,
    AssessmentResult,
    Finding,
    Remediation,
    ResultControl,
)
from accord.compliance.models_controls import Control
from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.conflict import Conflict
from accord.core.models import AuditChain, Membership, Organization, User
from accord.core.tenancy import check_same_org
from accord.risks.models import Risk
from accord.risks.services import register as risk_register

ASSESSMENT_FIELDS = ("title", "framework", "scope", "starts_on", "ends_on", "status", "auditors")
AUDITED_ASSESSMENT = ("title", "scope", "starts_on", "ends_on", "status")
RESULT_FIELDS = ("result", "justification", "notes", "controls")
FINDING_FIELDS = ("kind", "severity", "requirement", "title", "description", "status")
AUDITED_FINDING = ("kind", "severity", "title", "description", "status")
REMEDIATION_FIELDS = ("title", "description", "owner", "due_on", "status")
AUDITED_REMEDIATION = ("title", "description", "owner", "due_on", "status")
RAISE_FIELDS = ("title", "description", "category", "likelihood", "impact", "owner")


def lock_org(org: Organization) -> None:
    """Serialise writers of `org` (the audit chain head is the organisation's lock)."""
    AuditChain.objects.for_org(org).select_for_update().get()


def _member_of(org: Organization, actor: User | None) -> Membership | None:
    if actor is None:
        return None
    return Membership.objects.for_org(org).filter(user=actor).order_by().first()


def auditor_ids(org: Organization, assessment: Assessment) -> set[int]:
    return set(AssessmentAuditor.objects.for_org(org).filter(assessment=assessment)
               .values_list("membership_id", flat=True))


def check_recording(org: Organization, actor: User | None, assessment: Assessment) -> None:
    """Refuse recording in `assessment` unless it is in progress and `actor` may record in it (the system,
    None, may: the demo)."""
    if assessment.status not in rules.RECORDING:
        raise Conflict({"status": _("%(audit)s is %(status)s: results and findings are recorded while an audit is in "
                                    "progress.") % {"audit": assessment.ref,
                                                    "status": AssessmentStatus(assessment.status).label.lower()}})
    member = _member_of(org, actor)
    if actor is not None and (member is None or not rules.may_record(member.role, member.pk,
                                                                     auditor_ids(org, assessment))):
        raise PermissionDenied(_("%(audit)s does not name you as an auditor: an auditor records only in the audits "
                                 "that name them.") % {"audit": assessment.ref})


# --- assessments ---------------------------------------------------------------------------------------------

def _clean_assessment(org: Organization, data: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    p = Input(org, data, ASSESSMENT_FIELDS)
    p.text("title", 200, required=True, creating=creating)
    p.text("scope")
    p.date("starts_on")
    p.date("ends_on")
    p.choice("status", AssessmentStatus)
    p.member_list("auditors")
    if p.given("framework"):
        if not creating:
            p.fail("framework", _("An audit's framework is chosen when it is created; create another audit to "
                                  "assess another framework."))
        else:
            key, _sep, version = str(data["framework"] or "").strip().partition("@")
            found = Framework.objects.for_org(org).filter(key=key)
            if version:
                found = found.filter(version=version)
            framework = found.order_by("-imported_at", "-pk").first()
            if framework is None:
                p.fail("framework", _("'%(value)s' is not a framework of this organisation (give its key, or "
                                      "key@version).") % {"value": data["framework"]})
            p.values["framework"] = framework
    elif creating:
        p.fail("framework", _("This field is required."))
    return p.done()


def _check_period(assessment: Assessment) -> None:
    if assessment.starts_on and assessment.ends_on and assessment.ends_on < assessment.starts_on:
        raise ValidationError({"ends_on": _("The audit ends on %(end)s, before it starts (%(start)s).") % {
            "end": assessment.ends_on.isoformat(), "start": assessment.starts_on.isoformat()}})


def _auditor_emails(org: Organization, assessment: Assessment) -> list[str]:
    return sorted(AssessmentAuditor.objects.for_org(org).filter(assessment=assessment)
                  .values_list("membership__user__email", flat=True))


def _set_auditors(org: Organization, assessment: Assessment, members: Sequence[Membership]) -> None:
    wanted = {m.pk for m in members}
    links = AssessmentAuditor.objects.for_org(org).filter(assessment=assessment)
    links.exclude(membership_id__in=wanted).delete()
    have = set(links.values_list("membership_id", flat=True))
    AssessmentAuditor.objects.for_org(org).bulk_create([
        AssessmentAuditor(organization=org, assessment=assessment, membership_id=pk) for pk in sorted(wanted - have)])


@transaction.atomic
def do_create_assessment(actor: User | None, org: Organization, data: Mapping[str, Any]) -> Assessment:
    """Plan an audit of a framework (`framework`: its key or key@version), with one result (not assessed)
    per assessable requirement of it; `auditors` names members by e-mail address."""
    values = _clean_assessment(org, data, creating=True)
    auditors = values.pop("auditors", [])
    lock_org(org)
    number = (Assessment.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1
    assessment = Assessment(organization=org, number=number, created_by=actor, **values)
    _check_period(assessment)
    if assessment.status == AssessmentStatus.CLOSED:
        raise ValidationError({"status": _("A new audit starts planned or in progress.")})
    assessment.save()
    requirements = Requirement.objects.for_org(org).filter(framework=assessment.framework, assessable=True)
    AssessmentResult.objects.for_org(org).bulk_create([
        AssessmentResult(organization=org, assessment=assessment, requirement_id=pk)
        for pk in requirements.order_by("position").values_list("pk", flat=True)], batch_size=500)
    _set_auditors(org, assessment, auditors)
    audit.record(org, actor, AuditAction.CREATE, assessment, changes={
        **audit.diff({}, audit.snapshot(assessment, AUDITED_ASSESSMENT)),
        "framework": [None, assessment.framework.ref], "auditors": [None, _auditor_emails(org, assessment)],
        "requirements": [None, requirements.count()]})
    return assessment


@transaction.atomic
def do_update_assessment(actor: User | None, org: Organization, assessment: Assessment,
                         data: Mapping[str, Any]) -> Assessment:
    """Change an audit's title, scope, period, status or auditors (closing it keeps its results as they are;
    reopening puts it back in progress). Nothing is written when nothing changes."""
    check_same_org(org, assessment=assessment)
    values = _clean_assessment(org, data, creating=False)
    auditors = values.pop("auditors", None)
    before = {**audit.snapshot(assessment, AUDITED_ASSESSMENT), "auditors": _auditor_emails(org, assessment)}
    for name, value in values.items():
        setattr(assessment, name, value)
    _check_period(assessment)
    if auditors is not None:
        _set_auditors(org, assessment, auditors)
    changes = audit.diff(before, {**audit.snapshot(assessment, AUDITED_ASSESSMENT),
                                  "auditors": _auditor_emails(org, assessment)})
    if changes:
        if "status" in changes:
            assessment.closed_at = timezone.now() if assessment.status == AssessmentStatus.CLOSED else None
        assessment.updated_at = timezone.now()
        assessment.save(update_fields=[*(c for c in changes if c != "auditors"), "closed_at", "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, assessment, changes=changes)
    return assessment


# --- results -------------------------------------------------------------------------------------------------

def _control_refs(org: Organization, result: AssessmentResult) -> list[str]:
    return [f"C-{n:03d}" for n in ResultControl.objects.for_org(org).filter(result=result)
            .order_by("control__number").values_list("control__number", flat=True)]


def _controls(org: Organization, p: Input, value: Any) -> list[Control] | None:
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").split(",") if part.strip()]
    if not isinstance(value, list | tuple):
        p.fail("controls", _("Give a list of controls (their refs, such as C-001)."))
        return None
    numbers: list[int] = []
    for item in value:
        text = str(item).strip().upper().removeprefix("C-")
        if not text.isdigit() or len(text) > 9:
            p.fail("controls", _("'%(value)s' is not a control's ref (such as C-001).") % {"value": item})
            return None
        numbers.append(int(text))
    found = {c.number: c for c in Control.objects.for_org(org).filter(number__in=numbers)}
    missing = [f"C-{n:03d}" for n in numbers if n not in found]
    if missing:
        p.fail("controls", _("No such control: %(refs)s.") % {"refs": ", ".join(missing)})
        return None
    return list({n: found[n] for n in numbers}.values())


@transaction.atomic
def do_record_result(actor: User | None, org: Organization, result: AssessmentResult,
                     data: Mapping[str, Any]) -> AssessmentResult:
    """Record the audit's verdict on one requirement (`result`, `justification`: required when not
    applicable, `notes`, `controls`: the refs of the controls that serve it, replacing those linked)."""
    check_same_org(org, result=result)
    assessment = result.assessment
    check_recording(org, actor, assessment)
    p = Input(org, data, RESULT_FIELDS)
    p.choice("result", ResultValue)
    p.text("justification")
    p.text("notes")
    controls = _controls(org, p, data["controls"]) if p.given("controls") else None
    values = p.done()
    if rules.needs_justification(values.get("result", result.result)) and not values.get("justification",
                                                                                         result.justification):
        raise ValidationError({"justification": _("Say why this requirement does not apply (a not applicable result "
                                                  "needs a justification).")})
    before = {**audit.snapshot(result, ("result", "justification", "notes")), "controls": _control_refs(org, result)}
    for name, value in values.items():
        setattr(result, name, value)
    if controls is not None:
        wanted = {c.pk for c in controls}
        links = ResultControl.objects.for_org(org).filter(result=result)
        links.exclude(control_id__in=wanted).delete()
        have = set(links.values_list("control_id", flat=True))
        ResultControl.objects.for_org(org).bulk_create([
            ResultControl(organization=org, result=result, control_id=pk) for pk in sorted(wanted - have)])
    changes = audit.diff(before, {**audit.snapshot(result, ("result", "justification", "notes")),
                                  "controls": _control_refs(org, result)})
    if changes:
        result.assessed_at, result.assessed_by = timezone.now(), actor
        result.save(update_fields=[*(c for c in changes if c != "controls"), "assessed_at", "assessed_by"])
        audit.record(org, actor, AuditAction.UPDATE, result, changes=changes,
                     object_repr=f"{assessment.ref} {result.requirement.ref}")
    return result


# --- findings and remediations -------------------------------------------------------------------------------

def _clean_finding(org: Organization, assessment: Assessment, data: Mapping[str, Any], *,
                   creating: bool) -> dict[str, Any]:
    p = Input(org, data, FINDING_FIELDS)
    p.choice("kind", FindingKind)
    p.choice("severity", Severity)
    p.choice("status", FindingStatus)
    p.text("title", 200, required=True, creating=creating)
    p.text("description")
    if p.given("requirement"):
        ref = str(data["requirement"] or "").strip()
        requirement = None
        if ref:
            requirement = Requirement.objects.for_org(org).filter(framework_id=assessment.framework_id,
                                                                  ref=ref).first()
            if requirement is None:
                p.fail("requirement", _("%(framework)s has no requirement '%(ref)s'.") % {
                    "framework": assessment.framework.name, "ref": ref})
        p.values["requirement"] = requirement
    return p.done()


@transaction.atomic
def do_create_finding(actor: User | None, org: Organization, assessment: Assessment,
                      data: Mapping[str, Any]) -> Finding:
    """Record a finding or an observation (`kind`) of an audit in progress: `title`, `severity`, `description`,
    and the `requirement` of the audit's framework it is about (its id, such as A.5.1; optional)."""
    check_same_org(org, assessment=assessment)
    check_recording(org, actor, assessment)
    values = _clean_finding(org, assessment, data, creating=True)
    lock_org(org)
    number = (Finding.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1
    finding = Finding(organization=org, number=number, assessment=assessment, created_by=actor, **values)
    finding.save()
    audit.record(org, actor, AuditAction.CREATE, finding, changes={
        **audit.diff({}, audit.snapshot(finding, AUDITED_FINDING)), "assessment": [None, assessment.ref],
        "requirement": [None, finding.requirement.ref if finding.requirement else None]})
    return finding


@transaction.atomic
def do_update_finding(actor: User | None, org: Organization, finding: Finding, data: Mapping[str, Any]) -> Finding:
    """Change a finding's texts, severity or requirement (while its audit is in progress), or its status
    (open or closed, at any time: a finding is closed when its remediation is verified)."""
    check_same_org(org, finding=finding)
    assessment = finding.assessment
    if set(data) - {"status"}:
        check_recording(org, actor, assessment)
    else:
        member = _member_of(org, actor)
        if actor is not None and (member is None or not rules.may_record(member.role, member.pk,
                                                                         auditor_ids(org, assessment))):
            raise PermissionDenied(_("%(audit)s does not name you as an auditor.") % {"audit": assessment.ref})
    values = _clean_finding(org, assessment, data, creating=False)
    fields = (*AUDITED_FINDING, "requirement")
    before = {**audit.snapshot(finding, AUDITED_FINDING),
              "requirement": finding.requirement.ref if finding.requirement else None}
    for name, value in values.items():
        setattr(finding, name, value)
    changes = audit.diff(before, {**audit.snapshot(finding, AUDITED_FINDING),
                                  "requirement": finding.requirement.ref if finding.requirement else None})
    if changes:
        finding.updated_at = timezone.now()
        finding.save(update_fields=[*(c for c in changes if c in fields), "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, finding, changes=changes)
    return finding


@transaction.atomic
def do_raise_finding_risk(actor: User | None, org: Organization, finding: Finding,
                          data: Mapping[str, Any] | None = None) -> Risk:
    """Raise a risk in the register from a finding, in one step, and link them both ways (the finding names
    the risk; the risk's page lists its findings). By default the risk takes the finding's title and
    description, the compliance category, and the likelihood and impact of `rules.SEVERITY_LEVELS`; `data`
    may give `title`, `description`, `category`, `likelihood`, `impact` and `owner` instead. A finding raises
    one risk."""
    check_same_org(org, finding=finding)
    data = dict(data or {})
    unknown = sorted(set(data) - set(RAISE_FIELDS))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, _("Unknown field; the fields are: %(fields)s.") % {
            "fields": ", ".join(RAISE_FIELDS)}))
    lock_org(org)
    # Only the finding's row is locked: PostgreSQL locks no row of an outer join's nullable side.
    finding = (Finding.objects.for_org(org).select_for_update(of=("self",))
               .select_related("assessment", "requirement").get(pk=finding.pk))
    if finding.risk_id is not None:
        raise Conflict({"risk": _("%(finding)s already raised %(risk)s.") % {
            "finding": finding.ref, "risk": Risk.objects.for_org(org).get(pk=finding.risk_id).ref}})
    likelihood, impact = rules.SEVERITY_LEVELS[finding.severity]
    about = f"{finding.requirement.ref} " if finding.requirement else ""
    description = finding.description or finding.title
    risk = risk_register.do_create_risk(actor, org, {
        "title": data.get("title") or finding.title[:200],
        "description": data.get("description") or _("Raised from %(finding)s (%(about)s%(audit)s): %(text)s") % {
            "finding": finding.ref, "about": about, "audit": finding.assessment.ref, "text": description},
        "category": data.get("category") or "compliance",
        "likelihood": data.get("likelihood") or likelihood, "impact": data.get("impact") or impact,
        "owner": data.get("owner") or None})
    finding.risk = risk
    finding.updated_at = timezone.now()
    finding.save(update_fields=["risk", "updated_at"])
    audit.record(org, actor, AuditAction.UPDATE, finding, changes={"risk": [None, risk.ref]})
    return risk


def _clean_remediation(org: Organization, data: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    p = Input(org, data, REMEDIATION_FIELDS)
    p.text("title", 200, required=True, creating=creating)
    p.text("description")
    p.member("owner")
    p.date("due_on")
    p.choice("status", RemediationStatus)
    return p.done()


def _remediation_snapshot(remediation: Remediation) -> dict[str, Any]:
    snap = audit.snapshot(remediation, ("title", "description", "due_on", "status"))
    snap["owner"] = remediation.owner.user.email if remediation.owner else None
    return snap


@transaction.atomic
def do_create_remediation(actor: User | None, org: Organization, finding: Finding,
                          data: Mapping[str, Any]) -> Remediation:
    """Plan an action that remedies `finding`: `title`, `description`, `owner` (a member's e-mail address),
    `due_on`, `status`."""
    check_same_org(org, finding=finding)
    if finding.kind == FindingKind.OBSERVATION:
        raise ValidationError({"finding": _("%(finding)s is an observation: observations need no remediation.")
                               % {"finding": finding.ref}})
    values = _clean_remediation(org, data, creating=True)
    remediation = Remediation(organization=org, finding=finding, **values)
    remediation.save()
    audit.record(org, actor, AuditAction.CREATE, remediation, object_repr=f"{finding.ref}: {remediation.title}",
                 changes={**audit.diff({}, _remediation_snapshot(remediation)), "finding": [None, finding.ref]})
    return remediation


@transaction.atomic
def do_update_remediation(actor: User | None, org: Organization, remediation: Remediation,
                          data: Mapping[str, Any]) -> Remediation:
    """Change a remediation action (its owner, due date, status, texts)."""
    check_same_org(org, remediation=remediation)
    values = _clean_remediation(org, data, creating=False)
    before = _remediation_snapshot(remediation)
    for name, value in values.items():
        setattr(remediation, name, value)
    changes = audit.diff(before, _remediation_snapshot(remediation))
    if changes:
        remediation.updated_at = timezone.now()
        remediation.save(update_fields=[*changes, "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, remediation, changes=changes,
                     object_repr=f"{remediation.finding.ref}: {remediation.title}")
    return remediation


# --- a leaving member --------------------------------------------------------------------------------------

@transaction.atomic
def do_hand_over_member_audit_work(actor: User | None, org: Organization, membership: Membership,
                                   reassign_to: Membership | None) -> int:
    """Give `reassign_to` (None: nobody) the remediation actions `membership` owns and their place among the
    auditors of every audit that names them; one audit event per changed object. Returns how many changed."""
    check_same_org(org, membership=membership, reassign_to=reassign_to)
    changed = 0
    for remediation in Remediation.objects.for_org(org).filter(owner=membership).select_related("finding"):
        do_update_remediation(actor, org, remediation, {"owner": reassign_to})
        changed += 1
    for link in AssessmentAuditor.objects.for_org(org).filter(membership=membership).select_related("assessment"):
        assessment = link.assessment
        auditors = list(Membership.objects.for_org(org).filter(
            pk__in=auditor_ids(org, assessment) - {membership.pk}))
        if reassign_to is not None and reassign_to not in auditors:
            auditors.append(reassign_to)
        do_update_assessment(actor, org, assessment, {"auditors": auditors})
        changed += 1
    return changed
