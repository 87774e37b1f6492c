"""The organisation's frameworks over the API: the list (with counts), an import (a document in Accord's
framework format, docs/frameworks.md, or `{"builtin": KEY}`), one framework with its groups, and its
requirements filtered by text or id and by group, paginated."""

import datetime as dt
import json
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, File, Path, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict

from accord.compliance import frameworkfile, importing, selectors, services, sheets
from accord.compliance.models import Framework, Requirement
from accord.core.apikit import ERRORS, ErrorOut, Pagination, TextIn, org_access
from accord.core.tables import ImportRejected

router = Router(tags=["compliance"])

MAX_PAGE = 1000

FrameworkKey = Annotated[str, Path(
    description="The framework's key (`iso27001-2022`: the newest version imported of that key) or "
                "`key@version` (`iso27001-2022@2022`)", examples=["iso27001-2022", "iso27001-2022@2022"])]


class FrameworkOut(Schema):
    ref: str = Field(description="`key@version`: names this version in paths")
    key: str
    version: str
    name: str
    publisher: str
    description: str
    licence_note: str
    source: str
    builtin: str | None = Field(description="The built-in framework it was installed from; null when imported "
                                            "from a document")
    imported_at: dt.datetime
    imported_by: str | None = Field(description="Who imported it (e-mail address); null for the system")
    group_count: int
    requirement_count: int = Field(description="Requirements, nested ones included")
    assessable_count: int = Field(description="Requirements an audit assesses (a parent split into "
                                              "sub-requirements is not)")

    @staticmethod
    def resolve_builtin(obj: Framework) -> str | None:
        return obj.builtin or None

    @staticmethod
    def resolve_imported_by(obj: Framework) -> str | None:
        return obj.imported_by.email if obj.imported_by else None


class GroupOut(Schema):
    id: str
    title: str
    description: str
    parent: str | None = Field(description="The id of the group it sits in; null at the top")
    depth: int = Field(description="0 at the top")

    @staticmethod
    def resolve_id(obj: Any) -> str:
        return str(obj.ref)

    @staticmethod
    def resolve_parent(obj: Any) -> str | None:
        return obj.parent.ref if obj.parent is not None else None


class FrameworkDetailOut(FrameworkOut):
    groups: list[GroupOut] = Field(description="Every group, depth first in the framework's order")

    @staticmethod
    def resolve_groups(obj: Any) -> list[Any]:
        return list(obj.groups_out)


class ParameterOut(Schema):
    id: str
    label: str
    values: list[str]
    choices: list[str]
    how_many: str | None = Field(None, description="With choices: `one` or `one-or-more`")


class RequirementOut(Schema):
    id: str = Field(description="The framework's own id (`A.8.24`, `PR.AA-01`)")
    title: str
    description: str
    guidance: str
    oscal_id: str = Field(description="Its OSCAL id when imported from OSCAL (`ac-2.1`), else empty")
    evidence: list[str] = Field(description="Typical evidence")
    objectives: list[str] = Field(description="What an assessor checks")
    assessable: bool
    parameters: list[ParameterOut]
    group: str = Field(description="The id of the group it sits in")
    parent: str | None = Field(description="The id of the requirement it is part of; null for a top one")
    depth: int

    @staticmethod
    def resolve_id(obj: Requirement) -> str:
        return obj.ref

    @staticmethod
    def resolve_group(obj: Requirement) -> str:
        return obj.group.ref

    @staticmethod
    def resolve_parent(obj: Requirement) -> str | None:
        return obj.parent.ref if obj.parent is not None else None


class FrameworkIn(TextIn):
    """A framework document in Accord's format (docs/frameworks.md), checked whole: every problem is named by
    its path in the document (`groups[2].requirements[0].id`). Or `{"builtin": KEY}` alone, to install a
    built-in framework."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False,
                              json_schema_extra={"additionalProperties": True})

    builtin: str | None = Field(None, min_length=1, max_length=300, description="The key of a built-in "
                                "framework to install (" + ", ".join(frameworkfile.builtin_keys()) + "); "
                                "nothing else may be sent with it")


class OscalImportQuery(TextIn):
    against: str | None = Field(None, min_length=1, max_length=300, description="A profile: the framework "
                                "already imported into the organisation it is resolved against (key or "
                                "key@version), when its catalog is not sent")
    key: str | None = Field(None, min_length=1, max_length=300, description="The new framework's key; by "
                            "default made from the document's title")


class UploadQuery(OscalImportQuery):
    key: str | None = Field(None, min_length=1, max_length=300, description="An OSCAL document: the new "
                            "framework's key (by default made from its title); a spreadsheet: its key where the "
                            "`framework_key` column is blank")
    name: str | None = Field(None, min_length=1, max_length=300, description="A spreadsheet: the framework's "
                             "name where the `framework_name` column is blank")
    version: str | None = Field(None, min_length=1, max_length=300, description="A spreadsheet: its version "
                                "where the `framework_version` column is blank")
    publisher: str | None = Field(None, min_length=1, max_length=300, description="A spreadsheet: its "
                                  "publisher where the `framework_publisher` column is blank")


class RequirementQuery(TextIn):
    q: str = Field("", max_length=300, description="Text in the id, title, description or guidance")
    group: str = Field("", max_length=100, description="A group's id: only the requirements under it (its "
                                                       "sub-groups included)")


@router.get("/{org}/frameworks/", response={200: list[FrameworkOut], **ERRORS}, summary="Frameworks",
            operation_id="accord_compliance_api_list_frameworks")
@paginate(Pagination)
def list_frameworks(request: HttpRequest, org: str) -> QuerySet[Framework]:
    """The organisation's frameworks by key (the newest version of a key first), with their counts."""
    m = org_access(request, org, "framework.view")
    return selectors.frameworks(m.organization)


@router.post("/{org}/frameworks/", response={201: FrameworkOut, 409: ErrorOut, **ERRORS},
             summary="Import a framework", operation_id="accord_compliance_api_import_framework")
def import_framework(request: HttpRequest, org: str, payload: FrameworkIn) -> Status[Framework]:
    """All or nothing. A (key, version) the organisation already has answers 409: an imported framework is
    never overwritten."""
    m = org_access(request, org, "framework.import")
    builtin, document = builtin_or_document(request, payload.builtin, "framework")
    if builtin is not None:
        framework = services.do_install_builtin_framework(m.user, m.organization, builtin)
    else:
        framework = services.do_import_framework(m.user, m.organization, document)
    return Status(201, selectors.access_framework(m.organization, framework.ref))


def builtin_or_document(request: HttpRequest, builtin: str | None, noun: str) -> tuple[str | None, dict[str, Any]]:
    """The body of an import that takes a document or `{"builtin": KEY}` alone: (KEY, {}) or (None, the
    document). ninja's schemas keep no undeclared member, and the document is checked whole by its loader
    (every problem named by its path), so it is read from the body ninja has already parsed."""
    document = json.loads(request.body or b"null")
    if not isinstance(document, dict):
        raise ValidationError({"body": f"Send a JSON object: a {noun} document (docs/frameworks.md) or "
                                       "{\"builtin\": KEY}."})
    if "builtin" not in document:
        return None, document
    beside = f"Unknown field beside builtin: send {{\"builtin\": KEY}} alone, or a {noun} document without it."
    others = sorted(name for name in document if name != "builtin")
    if others:
        raise ValidationError(dict.fromkeys(others, beside))
    if builtin is None:
        raise ValidationError({"builtin": f"Give the key of a built-in {noun}."})
    return builtin, {}


@router.get("/{org}/frameworks/{key}/", response={200: FrameworkDetailOut, **ERRORS}, summary="One framework",
            operation_id="accord_compliance_api_get_framework")
def get_framework(request: HttpRequest, org: str, key: FrameworkKey) -> Framework:
    """The framework, its counts and its groups (its requirements: `requirements/`)."""
    m = org_access(request, org, "framework.view")
    framework = selectors.access_framework(m.organization, key)
    framework.groups_out = list(selectors.groups(m.organization, framework))  # type: ignore[attr-defined]
    return framework


@router.get("/{org}/frameworks/{key}/requirements/", response={200: list[RequirementOut], **ERRORS},
            summary="A framework's requirements", operation_id="accord_compliance_api_list_requirements")
@paginate(Pagination, max_limit=MAX_PAGE)
def list_requirements(request: HttpRequest, org: str, key: FrameworkKey,
                      filters: Query[RequirementQuery]) -> QuerySet[Requirement]:
    """In the framework's order, nested ones included; paginated (`limit`, `offset`)."""
    m = org_access(request, org, "framework.view")
    framework = selectors.access_framework(m.organization, key)
    return selectors.requirements(m.organization, framework,
                                  selectors.RequirementFilter(q=filters.q, group=filters.group))


@router.post("/{org}/oscal/import", response={201: FrameworkOut, 409: ErrorOut, **ERRORS},
             summary="Import an OSCAL catalog or profile", operation_id="accord_compliance_api_import_oscal",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "type": "object", "description": "An OSCAL document: {\"catalog\": ...} or {\"profile\": ...}",
                 "additionalProperties": True}}}}})
def import_oscal(request: HttpRequest, org: str, options: Query[OscalImportQuery]) -> Status[Framework]:
    """The body is an OSCAL catalog or profile (JSON, models 1.0.x to 1.2.x; docs/frameworks.md says what is
    read), imported as a new framework, all or nothing. A profile is resolved against the framework
    `against` names, already imported into the organisation; every control id it names that the framework
    lacks is refused at once (`profile`), as is every other problem, by its path in the document. A (key,
    version) the organisation already has answers 409. Bodies up to `ACCORD_MAX_FRAMEWORK_BYTES` (20 MB
    by default) are taken here and on `frameworks/`."""
    m = org_access(request, org, "framework.import")
    framework = importing.do_import_oscal(m.user, m.organization, _json_body(request),
                                          against=options.against, key=options.key)
    return Status(201, selectors.access_framework(m.organization, framework.ref))


def _json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        document = frameworkfile.read_json(request.body or b"null")
    except frameworkfile.FileInvalid as exc:
        raise services.refusal(exc) from None
    if not isinstance(document, dict):
        raise ValidationError({"body": "Send a JSON object: an OSCAL catalog or profile."})
    return document


@router.post("/{org}/frameworks/import", response={201: FrameworkOut, 409: ErrorOut, **ERRORS},
             summary="Import a framework file (upload)", operation_id="accord_compliance_api_upload_framework")
def upload_framework(request: HttpRequest, org: str, options: Query[UploadQuery],
                     file: File[UploadedFile | None] = None) -> Status[Framework]:
    """Multipart upload of a framework file as the field `file`: a spreadsheet (CSV or XLSX, one row per
    requirement, the columns of docs/frameworks.md), a document in Accord's format, or an OSCAL catalog or
    profile (`against` as on `oscal/import`). All or nothing, one audit event. A spreadsheet's bad rows are
    refused together, each field on `rows[N].COLUMN` (N the row as the spreadsheet numbers it, the header
    being row 1); a file that cannot be read is refused on `file`."""
    m = org_access(request, org, "framework.import")
    if file is None:
        raise ValidationError({"file": "Attach the framework as the multipart/form-data field `file` (CSV, XLSX "
                                       "or JSON)."})
    name = file.name or ""
    head = file.read(4)
    file.seek(0)
    if sheets.looks_like_sheet(name, head):
        if options.against:
            raise ValidationError({"against": "A spreadsheet holds its own requirements; `against` is for OSCAL "
                                              "profiles."})
        given = {"key": options.key or "", "name": options.name or "", "version": options.version or "",
                 "publisher": options.publisher or ""}
        try:
            framework = importing.do_import_framework_sheet(m.user, m.organization, file, name, given=given)
        except ImportRejected as exc:
            fields: dict[str, list[str]] = {}
            for row, column, message in exc.rows:
                fields.setdefault(f"rows[{row}].{column}", []).append(message)
            raise ValidationError(fields) from None
    else:
        content = file.read(frameworkfile.MAX_BYTES + 1)
        try:
            document = frameworkfile.read_json(content)
        except frameworkfile.FileInvalid as exc:
            raise ValidationError({"file": str(exc).removeprefix("(file): ")}) from None
        if isinstance(document, dict) and ("catalog" in document or "profile" in document):
            framework = importing.do_import_oscal(m.user, m.organization, document, against=options.against,
                                                  key=options.key)
        else:
            if options.against or options.key or options.name or options.version or options.publisher:
                raise ValidationError({"file": "A document in Accord's format names its own key, name and "
                                               "version; send no query with it."})
            framework = services.do_import_framework(m.user, m.organization, document)
    return Status(201, selectors.access_framework(m.organization, framework.ref))
