"""Accord's objects out as OSCAL documents (JSON, model 1.1.2): the controls library as a
component-definition, each control a component whose implemented requirements are the requirements it is
linked to, grouped by framework.

Pure, like the rest of the package: plain dataclasses in (the app's selectors fill them), a dict out. The
UUIDs are derived from the organisation's and the objects' stable names (UUID version 5), so exporting
twice gives the same document but for its timestamp. A requirement imported from OSCAL keeps its catalog
id (`oscal_id`); any other reference becomes an OSCAL token (characters outside letters, digits, `_`, `.`
and `-` turn into `_`), its own reference kept in a property.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from accord.compliance.oscal.common import Json, OscalError

OSCAL_VERSION = "1.1.2"
#: The namespace of Accord's own properties (a URN: names Accord, points nowhere).
NS = "urn:accord:oscal"
_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, NS)
#: Accord's kind of control as an OSCAL component type.
COMPONENT_TYPES = {"policy": "policy", "process": "process-procedure", "technical": "software",
                   "physical": "physical"}
#: Accord's control status as an OSCAL implementation status.
IMPLEMENTATION_STATUS = {"implemented": "implemented", "in_progress": "partial", "planned": "planned"}
_NOT_TOKEN = re.compile(r"[^A-Za-z0-9_.\-]")


@dataclass(frozen=True)
class LinkedRequirement:
    """A requirement a control serves: its framework (key, name, version, source) and its references."""

    framework_key: str
    framework_name: str
    framework_version: str
    framework_source: str
    ref: str
    oscal_id: str = ""


@dataclass(frozen=True)
class LibraryControl:
    ref: str
    name: str
    description: str
    kind: str
    status: str
    requirements: Sequence[LinkedRequirement] = ()


def stable_uuid(*names: str) -> str:
    """The UUID (version 5) of an object named by `names` under Accord's namespace."""
    return str(uuid.uuid5(_ROOT, "/".join(names)))


def control_id(ref: str, oscal_id: str = "") -> str:
    """The OSCAL control id of a requirement: its catalog id when it came from OSCAL, else its reference
    as a token."""
    if oscal_id:
        return oscal_id
    token = _NOT_TOKEN.sub("_", ref.strip()) or "_"
    return token if re.match(r"[A-Za-z_]", token) else f"_{token}"


def _prop(name: str, value: str) -> Json:
    return {"name": name, "ns": NS, "value": value}


def _metadata(title: str, now: dt.datetime, version: str) -> Json:
    return {"title": title, "last-modified": now.isoformat(timespec="seconds"), "version": version,
            "oscal-version": OSCAL_VERSION}


def component_definition(org_key: str, title: str, controls: Sequence[LibraryControl], *, now: dt.datetime,
                         version: str = "1") -> Json:
    """The controls library of the organisation `org_key` (its stable name) as a component-definition: one
    component per control that is not retired, one control implementation per framework it serves."""
    components = []
    for control in controls:
        if control.status not in IMPLEMENTATION_STATUS:
            continue  # retired: no longer implements anything
        by_framework: dict[tuple[str, str], list[LinkedRequirement]] = {}
        for requirement in control.requirements:
            by_framework.setdefault((requirement.framework_key, requirement.framework_version), []).append(requirement)
        component: Json = {
            "uuid": stable_uuid(org_key, "control", control.ref),
            "type": COMPONENT_TYPES.get(control.kind, "process-procedure"),
            "title": f"{control.ref} {control.name}",
            "description": control.description or control.name,
            "props": [_prop("control-ref", control.ref),
                      _prop("implementation-status", IMPLEMENTATION_STATUS[control.status])],
        }
        implementations = []
        for (key, framework_version), requirements in by_framework.items():
            first = requirements[0]
            implementations.append({
                "uuid": stable_uuid(org_key, "control", control.ref, "framework", key, framework_version),
                "source": first.framework_source or f"{NS}:framework:{key}:{framework_version}",
                "description": f"{control.ref} {control.name} for {first.framework_name} {framework_version}",
                "props": [_prop("framework-key", key)],
                "implemented-requirements": [{
                    "uuid": stable_uuid(org_key, "control", control.ref, "requirement", key, r.ref),
                    "control-id": control_id(r.ref, r.oscal_id),
                    "description": f"{control.name} serves {r.ref}.",
                    "props": [_prop("requirement-ref", r.ref)],
                } for r in requirements],
            })
        if implementations:
            component["control-implementations"] = implementations
        components.append(component)
    document: Json = {"uuid": stable_uuid(org_key, "component-definition"),
                      "metadata": _metadata(title, now, version)}
    if components:
        document["components"] = components
    return {"component-definition": document}


# --- audits: assessment-results and the plan of action and milestones ----------------------------------

#: Accord's result on a requirement as the OSCAL finding's target state (none for not applicable).
TARGET_STATE = {"compliant": "satisfied", "partial": "not-satisfied", "non_compliant": "not-satisfied"}


@dataclass(frozen=True)
class AssessedRequirement:
    ref: str
    oscal_id: str
    title: str
    result: str  # accord.compliance.choices.ResultValue, never not_assessed here
    justification: str = ""
    notes: str = ""
    assessed_at: dt.datetime | None = None


@dataclass(frozen=True)
class AuditRemediation:
    ref: str
    title: str
    description: str
    status: str  # RemediationStatus
    due_on: dt.date | None = None


@dataclass(frozen=True)
class AuditFinding:
    ref: str
    kind: str  # finding or observation
    severity: str
    title: str
    description: str
    status: str  # open or closed
    requirement_ref: str = ""
    requirement_oscal_id: str = ""
    created_at: dt.datetime | None = None
    remediations: Sequence[AuditRemediation] = ()


@dataclass(frozen=True)
class Audit:
    ref: str
    title: str
    scope: str
    status: str
    framework_key: str
    framework_name: str
    framework_version: str
    start: dt.datetime
    end: dt.datetime | None = None
    results: Sequence[AssessedRequirement] = ()
    findings: Sequence[AuditFinding] = ()


def _finding_parts(org_key: str, audit: Audit, finding: AuditFinding, when: dt.datetime) -> tuple[Json, Json | None]:
    """An Accord finding as an OSCAL observation and, when it names a requirement (an OSCAL finding needs a
    target), the OSCAL finding that points to it."""
    observation_uuid = stable_uuid(org_key, "audit", audit.ref, "finding-observation", finding.ref)
    observation: Json = {
        "uuid": observation_uuid, "title": f"{finding.ref} {finding.title}",
        "description": finding.description or finding.title, "methods": ["EXAMINE"],
        "props": [_prop("finding-ref", finding.ref), _prop("finding-kind", finding.kind),
                  _prop("severity", finding.severity), _prop("finding-status", finding.status)],
        "collected": (finding.created_at or when).isoformat(timespec="seconds")}
    out: Json = {
        "uuid": stable_uuid(org_key, "audit", audit.ref, "finding", finding.ref),
        "title": f"{finding.ref} {finding.title}", "description": finding.description or finding.title,
        "props": [_prop("finding-ref", finding.ref)],
        "related-observations": [{"observation-uuid": observation_uuid}]}
    if not finding.requirement_ref:
        return observation, None
    observation["props"].append(_prop("requirement-ref", finding.requirement_ref))
    out["target"] = {"type": "objective-id",
                     "target-id": control_id(finding.requirement_ref, finding.requirement_oscal_id),
                     "status": {"state": "not-satisfied"}}
    return observation, out


def assessment_results(org_key: str, audit: Audit, *, now: dt.datetime, title: str = "") -> Json:
    """An audit as OSCAL assessment-results: one result for the audit, its assessed requirements as the
    reviewed controls, an observation per requirement's result (the result, its notes and justification
    in Accord's properties) with a finding whose target state is satisfied (compliant) or not satisfied
    (partially or non-compliant), and each Accord finding or observation as an observation and a finding."""
    observations, findings = [], []
    for r in audit.results:
        observation_uuid = stable_uuid(org_key, "audit", audit.ref, "observation", r.ref)
        props = [_prop("requirement-ref", r.ref), _prop("result", r.result)]
        if r.justification:
            props.append(_prop("justification", r.justification))
        observations.append({
            "uuid": observation_uuid, "title": f"{r.ref} {r.title}"[:1000],
            "description": r.notes or f"{r.ref} assessed as {r.result.replace('_', ' ')}.",
            "methods": ["EXAMINE"], "props": props,
            "collected": (r.assessed_at or audit.start).isoformat(timespec="seconds")})
        state = TARGET_STATE.get(r.result)
        if state is not None:
            findings.append({
                "uuid": stable_uuid(org_key, "audit", audit.ref, "result", r.ref),
                "title": f"{r.ref}: {r.result.replace('_', ' ')}", "description": r.notes or r.title,
                "target": {"type": "objective-id", "target-id": control_id(r.ref, r.oscal_id),
                           "status": {"state": state}},
                "related-observations": [{"observation-uuid": observation_uuid}]})
    for finding in audit.findings:
        observation, out = _finding_parts(org_key, audit, finding, audit.start)
        observations.append(observation)
        if out is not None:
            findings.append(out)
    result: Json = {
        "uuid": stable_uuid(org_key, "audit", audit.ref, "result"),
        "title": f"{audit.ref} {audit.title}", "description": audit.scope or audit.title,
        "start": audit.start.isoformat(timespec="seconds"),
        "props": [_prop("assessment-ref", audit.ref), _prop("assessment-status", audit.status),
                  _prop("framework-key", audit.framework_key),
                  _prop("framework-version", audit.framework_version)],
        "reviewed-controls": {"control-selections": [
            {"include-controls": [{"control-id": control_id(r.ref, r.oscal_id)} for r in audit.results]}
            if audit.results else {"include-all": {}}]},
    }
    if audit.end is not None:
        result["end"] = audit.end.isoformat(timespec="seconds")
    if observations:
        result["observations"] = observations
    if findings:
        result["findings"] = findings
    return {"assessment-results": {
        "uuid": stable_uuid(org_key, "assessment-results", audit.ref),
        "metadata": _metadata(title or f"{audit.ref} {audit.title}: {audit.framework_name} {audit.framework_version}",
                              now, "1"),
        "import-ap": {"href": f"{NS}:assessment-plan:{org_key}:{audit.ref}"},
        "results": [result]}}


#: A remediation action's status as an OSCAL remediation lifecycle.
LIFECYCLE = {"open": "planned", "in_progress": "planned", "done": "completed", "cancelled": "completed"}


def poam(org_key: str, title: str, audits: Sequence[Audit], *, now: dt.datetime) -> Json:
    """The open findings of `audits` (observations are noted, not planned) as an OSCAL plan of action and
    milestones: each an observation, a risk whose remediations are its remediation actions (a milestone on
    each due date) and a POA&M item tying them together."""
    observations, risks, items = [], [], []
    for audit in audits:
        for finding in audit.findings:
            if finding.kind != "finding" or finding.status != "open":
                continue
            observation, _out = _finding_parts(org_key, audit, finding, audit.start)
            risk_uuid = stable_uuid(org_key, "audit", audit.ref, "risk", finding.ref)
            risk: Json = {"uuid": risk_uuid, "title": f"{finding.ref} {finding.title}",
                          "description": finding.description or finding.title,
                          "statement": finding.description or finding.title, "status": "open",
                          "props": [_prop("severity", finding.severity)],
                          "related-observations": [{"observation-uuid": observation["uuid"]}]}
            remediations = []
            for action in finding.remediations:
                remediation: Json = {
                    "uuid": stable_uuid(org_key, "audit", audit.ref, "remediation", finding.ref, action.ref),
                    "lifecycle": LIFECYCLE.get(action.status, "planned"), "title": action.title,
                    "description": action.description or action.title,
                    "props": [_prop("remediation-status", action.status)]}
                if action.due_on is not None:
                    remediation["tasks"] = [{
                        "uuid": stable_uuid(org_key, "audit", audit.ref, "milestone", finding.ref, action.ref),
                        "type": "milestone", "title": f"{action.title} due",
                        "timing": {"on-date": {"date": dt.datetime.combine(action.due_on, dt.time(0), dt.UTC)
                                                .isoformat(timespec="seconds")}}}]
                remediations.append(remediation)
            if remediations:
                risk["remediations"] = remediations
            observations.append(observation)
            risks.append(risk)
            items.append({"uuid": stable_uuid(org_key, "audit", audit.ref, "poam-item", finding.ref),
                          "title": f"{finding.ref} {finding.title}",
                          "description": finding.description or finding.title,
                          "props": [_prop("assessment-ref", audit.ref), _prop("finding-ref", finding.ref)],
                          "related-observations": [{"observation-uuid": observation["uuid"]}],
                          "related-risks": [{"risk-uuid": risk_uuid}]})
    if not items:
        raise OscalError(["poam-items: there is no open finding to plan, and a plan of action and milestones "
                          "holds at least one item"])
    document: Json = {"uuid": stable_uuid(org_key, "poam"), "metadata": _metadata(title, now, "1"),
                      "system-id": {"identifier-type": NS, "id": org_key}, "poam-items": items}
    if observations:
        document["observations"] = observations
    if risks:
        document["risks"] = risks
    return {"plan-of-action-and-milestones": document}


# --- reading Accord's own assessment-results back ---------------------------------------------------------

def _props(obj: Json) -> dict[str, str]:
    return {str(p.get("name")): str(p.get("value", "")) for p in obj.get("props", []) or []
            if isinstance(p, dict) and p.get("ns") == NS}


def _when(text: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None


def read_assessment_results(document: Json) -> Audit:
    """An assessment-results document Accord exported, read back as the audit it describes (its results and
    its findings; the requirements by their references, the framework by key and version). Anything not
    written by Accord (no Accord properties) is an `OscalError` naming where."""
    body = document.get("assessment-results") if isinstance(document, dict) else None
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list) or len(results) != 1 or not isinstance(results[0], dict):
        raise OscalError(["assessment-results.results: Accord reads back a document with exactly one result, "
                          "as it exports an audit"])
    result = results[0]
    head = _props(result)
    missing = [name for name in ("assessment-ref", "framework-key", "framework-version") if not head.get(name)]
    if missing:
        raise OscalError([f"assessment-results.results[0].props: no Accord property {name} (namespace {NS}); "
                          "only documents Accord exported are read back" for name in missing])
    start = _when(result.get("start"))
    if start is None:
        raise OscalError(["assessment-results.results[0].start: not a date and time"])
    assessed, findings = [], []
    for k, observation in enumerate(result.get("observations", []) or []):
        props = _props(observation) if isinstance(observation, dict) else {}
        title = str(observation.get("title", "")) if isinstance(observation, dict) else ""
        if "finding-ref" in props:
            ref = props["finding-ref"]
            findings.append(AuditFinding(
                ref=ref, kind=props.get("finding-kind", "finding"), severity=props.get("severity", "medium"),
                title=title.removeprefix(f"{ref} "), description=str(observation.get("description", "")),
                status=props.get("finding-status", "open"), requirement_ref=props.get("requirement-ref", ""),
                created_at=_when(observation.get("collected"))))
        elif "result" in props and "requirement-ref" in props:
            ref = props["requirement-ref"]
            description = str(observation.get("description", ""))
            default = f"{ref} assessed as {props['result'].replace('_', ' ')}."
            assessed.append(AssessedRequirement(
                ref=ref, oscal_id="", title=title.removeprefix(f"{ref} "), result=props["result"],
                justification=props.get("justification", ""), notes="" if description == default else description,
                assessed_at=_when(observation.get("collected"))))
        else:
            raise OscalError([f"assessment-results.results[0].observations[{k}]: not an observation Accord wrote "
                              "(no requirement-ref with a result, nor a finding-ref)"])
    ref = head["assessment-ref"]
    title = str(result.get("title", "")).removeprefix(f"{ref} ")
    scope = str(result.get("description", ""))
    return Audit(ref=ref, title=title, scope="" if scope == title else scope,
                 status=head.get("assessment-status", "in_progress"),
                 framework_key=head["framework-key"], framework_name="", framework_version=head["framework-version"],
                 start=start, end=_when(result.get("end")), results=tuple(assessed), findings=tuple(findings))
