"""REST API of the systems inventory, mounted under /api/v1/orgs/ by accord/api.py: systems (list with
filters, add, read with what breaks and the security input into TIME, change, remove), the CIO's TIME
decision, links to the register's risks, the inventory as a file (export; import as a job), a system's
components from a CycloneDX SBOM (read; import as a job), and the register's affected assets still held as
text (for review, and to link those that name a system).

The schemas of a system come from its field specification (`fields_systems.SYSTEM`); they check types, the
services check meaning and name every bad field.
"""

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from accord.core.apikit import ERRORS, BodyIn, Id, Pagination, TextIn, org_access
from accord.core.fieldschemas import input_data, input_fields, output_fields
from accord.core.jobs.api import JobOut, queued
from accord.core.tables.schemas import ImportOut, ImportQuery, import_out
from accord.portfolio import io_systems, selectors_systems, services_systems
from accord.portfolio.choices_systems import TimeClass
from accord.portfolio.fields_systems import SYSTEM
from accord.portfolio.jobs_systems import do_queue_sbom_import, do_queue_systems_import
from accord.portfolio.models_systems import System, SystemComponent
from accord.portfolio.services_systems_import import do_import_systems
from accord.risks.api.schemas import RiskKey
from accord.risks.selectors import access_risk

router = Router(tags=["systems"])
MAX_PAGE = 500


@output_fields(SYSTEM)
class SystemOut(Schema):
    dependents_count: int = Field(description="How many systems need it directly")
    risks_count: int = Field(description="How many register risks affect it")
    flagged: bool = Field(description="The security input suggests Migrate or Eliminate (see the system's "
                                      "`time_input` for the reasons)")


class BrokenOut(Schema):
    id: int
    ref: str
    name: str
    distance: int = Field(description="1: it needs this system directly; 2: through one other; …")


class LinkedRiskOut(Schema):
    id: int
    ref: str
    title: str
    status: str
    above_tolerance: bool = Field(description="The register's flag under the appetite in force")


class AffectingOut(Schema):
    id: int
    ref: str
    title: str
    phase: str


class ReasonOut(Schema):
    code: Literal["end_of_support_passed", "end_of_support_near", "risk_above_tolerance", "failing_control"]
    text: str
    ref: str = Field(description="The risk's or control's reference; empty for the end of support")


class TimeInputOut(Schema):
    suggested: list[TimeClass] = Field(description="migrate and eliminate when any reason stands; empty otherwise")
    reasons: list[ReasonOut]
    disagrees: bool = Field(description="The CIO's decision keeps the system (tolerate, invest) while reasons stand")


class SystemDetailOut(SystemOut):
    breaks: list[BrokenOut] = Field(description="What breaks when it is down: every system that needs it, "
                                                "directly or through others, nearest first")
    risks: list[LinkedRiskOut] = Field(description="The register's risks that affect it")
    initiatives: list[AffectingOut] = Field(description="The initiatives that affect it (their `systems`)")
    time_input: TimeInputOut = Field(description="The security input into its TIME classification")
    components_count: int

    @staticmethod
    def resolve_risks(obj: Any) -> list[dict[str, Any]]:
        return list(obj.risk_rows)

    @staticmethod
    def resolve_initiatives(obj: Any) -> list[dict[str, Any]]:
        return list(obj.initiative_rows)


@input_fields(SYSTEM, partial=True)
class SystemPatch(BodyIn):
    """Any of the fields; `null` clears an optional one. Owners by e-mail address, dependencies by name."""


@input_fields(SYSTEM)
class SystemCreate(SystemPatch):
    pass


class SystemQuery(TextIn):
    q: str = Field("", description="Text in the name, description, SaaS vendor or cloud provider")
    kind: str = Field("", description="application, infrastructure, saas, data_store, network or endpoint_group")
    criticality: str = Field("", description="low, medium, high or critical")
    hosting: str = Field("", description="on_premises, cloud or saas")
    data_classification: str = Field("", description="public, internal, confidential or restricted")
    time: str = Field("", description="tolerate, invest, migrate, eliminate, or undecided")
    owner: int | None = Field(None, ge=1, description="A membership id: systems it owns (business or IT)")
    support: str = Field("", description="ended: vendor support has ended; ending: ended or ends within 12 months")
    personal_data: bool | None = None
    flagged: bool | None = Field(None, description="The security input suggests Migrate or Eliminate")

    def to_filter(self) -> selectors_systems.SystemFilter:
        return selectors_systems.SystemFilter(
            q=self.q, kind=self.kind, criticality=self.criticality, hosting=self.hosting,
            data_classification=self.data_classification, time=self.time, owner=self.owner, support=self.support,
            personal_data=self.personal_data, flagged=self.flagged)


class SystemExportQuery(SystemQuery):
    format: Literal["csv", "xlsx"] = "csv"


class TimeIn(BodyIn):
    time_class: TimeClass
    reason: str = Field("", max_length=10_000, description="Why; required when deciding against the suggestion")


class RiskLinkIn(BodyIn):
    risk: str = Field(min_length=1, max_length=30, description="The risk's id or reference (R-001)")


class ComponentOut(Schema):
    id: int
    name: str
    group: str
    version: str
    component_type: str
    purl: str
    licences: list[str]
    supplier: str
    imported_at: Any


class UnmatchedOut(Schema):
    risk_id: int
    risk_ref: str
    text: str = Field(description="The affected asset as the risk's text holds it")
    matches: str | None = Field(description="The reference of the system it names, when one was added since")


class LinkedOut(Schema):
    risks: int = Field(description="Risks whose affected assets became links")


def _detail(org: Any, system_id: int) -> System:
    system = selectors_systems.access_system(org, system_id)
    suggestion = selectors_systems.time_input(org, system)
    system.breaks = [{"id": b.system.pk, "ref": b.system.ref, "name": b.system.name, "distance": b.distance}  # type: ignore[attr-defined]
                     for b in selectors_systems.what_breaks(org, system)]
    system.risk_rows = [{"id": r.pk, "ref": r.ref, "title": r.title, "status": r.status,  # type: ignore[attr-defined]
                     "above_tolerance": getattr(r, "above_tolerance", False)}
                    for r in selectors_systems.linked_risks(org, system)]
    system.initiative_rows = [{"id": i.pk, "ref": i.ref, "title": i.title, "phase": i.phase}  # type: ignore[attr-defined]
                              for i in selectors_systems.initiatives_affecting(org, system)]
    system.time_input = {"suggested": list(suggestion.suggested), "disagrees": suggestion.disagrees,  # type: ignore[attr-defined]
                         "reasons": [{"code": r.code, "text": r.text, "ref": r.ref} for r in suggestion.reasons]}
    system.components_count = selectors_systems.components(org, system).count()  # type: ignore[attr-defined]
    return system


@router.get("/{org}/systems/", response={200: list[SystemOut], **ERRORS}, summary="The systems inventory",
            operation_id="accord_portfolio_api_list_systems")
@paginate(Pagination, max_limit=MAX_PAGE)
def list_systems(request: HttpRequest, org: str, filters: Query[SystemQuery]) -> QuerySet[System]:
    """By reference, filtered; paginated (`limit` up to 500, `offset`)."""
    m = org_access(request, org, "system.view")
    return selectors_systems.systems(m.organization, filters.to_filter())


@router.post("/{org}/systems/", response={201: SystemDetailOut, **ERRORS}, summary="Add a system",
             operation_id="accord_portfolio_api_create_system")
def create_system(request: HttpRequest, org: str, payload: SystemCreate) -> Status[Any]:
    m = org_access(request, org, "system.change")
    system = services_systems.do_create_system(m.user, m.organization, input_data(payload))
    return Status(201, _detail(m.organization, system.pk))


@router.get("/{org}/systems/export", response=ERRORS, summary="Export the inventory (CSV or XLSX)",
            openapi_extra={"responses": {"200": {"description": "The file", "content": {
                io_systems.CONTENT_TYPES["csv"].split(";")[0]: {"schema": {"type": "string"}},
                io_systems.CONTENT_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}}}}}},
            operation_id="accord_portfolio_api_export_systems")
def export_systems(request: HttpRequest, org: str, filters: Query[SystemExportQuery]) -> HttpResponse:
    """The filtered inventory as a file; formula-like texts are prefixed with a quote."""
    m = org_access(request, org, "system.export")
    content, content_type, filename = io_systems.export_inventory(m.organization, filters.to_filter(),
                                                                  filters.format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.post("/{org}/systems/import", response={200: ImportOut, 202: JobOut, **ERRORS},
             summary="Import systems (CSV or XLSX), as a background job",
             operation_id="accord_portfolio_api_import_systems")
def import_systems(request: HttpRequest, response: HttpResponse, org: str, options: Query[ImportQuery],
                   file: File[UploadedFile | None] = None) -> Any:
    """Multipart upload in the export's columns (`ref`, `yearly_cost` and `time_class` are ignored). A row
    whose `name` is a system's (any case) updates it (only the fields that change), another adds one;
    `dependencies` name systems of the organisation or of the file. Runs as a background job: 202 with the
    job; once `done`, its `result` is the report (this operation's 200 shape); all or nothing: with any
    refused row the job `failed`, nothing was written, and its `result` names every bad row and column.
    `dry_run=true`: at once, 200 with what the import would do, and nothing written."""
    m = org_access(request, org, "system.import")
    if file is None:
        raise ValidationError({"file": "Attach the inventory as the multipart/form-data field `file` (CSV or XLSX)."})
    if not options.dry_run:
        return queued(response, do_queue_systems_import(m.user, m.organization, file.read(), file.name or ""))
    rows = io_systems.parse_upload(file, file.name or "")
    return import_out(do_import_systems(m.user, m.organization, rows, dry_run=True))


@router.get("/{org}/systems/unmatched-assets", response={200: list[UnmatchedOut], **ERRORS},
            summary="The register's affected assets still held as text",
            operation_id="accord_portfolio_api_unmatched_assets")
def unmatched_assets(request: HttpRequest, org: str) -> list[dict[str, Any]]:
    """Each risk's affected asset that is not a link to a system, for review; `matches` names the system it
    names when one was added since (link those with POST systems/unmatched-assets/link)."""
    m = org_access(request, org, "system.view")
    return [{"risk_id": u.risk.pk, "risk_ref": u.risk.ref, "text": u.text,
             "matches": u.matches.ref if u.matches else None}
            for u in selectors_systems.unmatched_assets(m.organization)]


@router.post("/{org}/systems/unmatched-assets/link", response={200: LinkedOut, **ERRORS},
             summary="Link the affected assets that name a system",
             operation_id="accord_portfolio_api_link_assets")
def link_assets(request: HttpRequest, org: str) -> dict[str, int]:
    m = org_access(request, org, "system.change")
    return {"risks": services_systems.do_link_matching_assets(m.user, m.organization)}


@router.get("/{org}/systems/{system_id}/", response={200: SystemDetailOut, **ERRORS},
            summary="One system, with what breaks when it is down and the security input into TIME",
            operation_id="accord_portfolio_api_get_system")
def get_system(request: HttpRequest, org: str, system_id: Id) -> System:
    m = org_access(request, org, "system.view")
    return _detail(m.organization, system_id)


@router.patch("/{org}/systems/{system_id}/", response={200: SystemDetailOut, **ERRORS},
              summary="Change some of a system's fields", operation_id="accord_portfolio_api_update_system")
def update_system(request: HttpRequest, org: str, system_id: Id, payload: SystemPatch) -> System:
    m = org_access(request, org, "system.change")
    system = selectors_systems.access_system(m.organization, system_id)
    services_systems.do_update_system(m.user, m.organization, system, input_data(payload))
    return _detail(m.organization, system_id)


@router.delete("/{org}/systems/{system_id}/", response={204: None, **ERRORS},
               summary="Remove a system (its risks get its name back as text)",
               operation_id="accord_portfolio_api_delete_system")
def delete_system(request: HttpRequest, org: str, system_id: Id) -> Status[None]:
    m = org_access(request, org, "system.change")
    services_systems.do_delete_system(m.user, m.organization, selectors_systems.access_system(m.organization,
                                                                                              system_id))
    return Status(204, None)


@router.post("/{org}/systems/{system_id}/time", response={200: SystemDetailOut, **ERRORS},
             summary="Decide the system's TIME classification", operation_id="accord_portfolio_api_decide_time")
def decide_time(request: HttpRequest, org: str, system_id: Id, payload: TimeIn) -> System:
    """The CIO's decision, audited with the security input as it stood; deciding tolerate or invest while the
    input suggests migrate or eliminate needs a `reason`."""
    m = org_access(request, org, "system.decide_time")
    system = selectors_systems.access_system(m.organization, system_id)
    services_systems.do_decide_time(m.user, m.organization, system, time_class=payload.time_class.value,
                                    reason=payload.reason)
    return _detail(m.organization, system_id)


@router.post("/{org}/systems/{system_id}/risks/", response={200: SystemDetailOut, **ERRORS},
             summary="Say that a register risk affects the system", operation_id="accord_portfolio_api_link_risk")
def link_risk(request: HttpRequest, org: str, system_id: Id, payload: RiskLinkIn) -> System:
    m = org_access(request, org, "system.change")
    system = selectors_systems.access_system(m.organization, system_id)
    try:
        risk = access_risk(m.organization, payload.risk)
    except Http404:  # a missing risk is the input's problem, not this system's 404
        raise ValidationError({"risk": f"No risk of this organisation is '{payload.risk}'."}) from None
    services_systems.do_link_risk(m.user, m.organization, system, risk)
    return _detail(m.organization, system_id)


@router.delete("/{org}/systems/{system_id}/risks/{risk_id}", response={204: None, **ERRORS},
               summary="The risk no longer affects the system", operation_id="accord_portfolio_api_unlink_risk")
def unlink_risk(request: HttpRequest, org: str, system_id: Id, risk_id: RiskKey) -> Status[None]:
    m = org_access(request, org, "system.change")
    system = selectors_systems.access_system(m.organization, system_id)
    services_systems.do_unlink_risk(m.user, m.organization,
                                    selectors_systems.access_risk_link(m.organization, system, risk_id))
    return Status(204, None)


@router.get("/{org}/systems/{system_id}/sbom", response={200: list[ComponentOut], **ERRORS},
            summary="The system's components (from its last SBOM)", operation_id="accord_portfolio_api_list_components")
@paginate(Pagination, max_limit=MAX_PAGE)
def list_components(request: HttpRequest, org: str, system_id: Id) -> QuerySet[SystemComponent]:
    m = org_access(request, org, "system.view")
    return selectors_systems.components(m.organization, selectors_systems.access_system(m.organization, system_id))


@router.post("/{org}/systems/{system_id}/sbom", response={202: JobOut, **ERRORS},
             summary="Import a CycloneDX SBOM (JSON) as the system's components, as a background job",
             operation_id="accord_portfolio_api_import_sbom")
def import_sbom(request: HttpRequest, response: HttpResponse, org: str, system_id: Id,
                file: File[UploadedFile | None] = None) -> Any:
    """Multipart upload (`file`) of a CycloneDX JSON SBOM (1.2 to 1.6); its components, nested ones included,
    replace the system's. 202 with the job; a document with problems fails the job naming each by its place
    (`components[3].name`), and nothing changes."""
    m = org_access(request, org, "system.change")
    system = selectors_systems.access_system(m.organization, system_id)
    unknown = sorted(set(request.POST) - {"file"})
    if unknown:  # a multipart form has no schema to refuse them: said here, as every body does
        raise ValidationError(dict.fromkeys(unknown, "Unknown field; send only `file`."))
    if file is None:
        raise ValidationError({"file": "Attach the SBOM as the multipart/form-data field `file` (CycloneDX JSON)."})
    return queued(response, do_queue_sbom_import(m.user, m.organization, system, file.read(), file.name or ""))
