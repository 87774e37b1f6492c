"""Mapping sets over the API: the list, an import (a document in Accord's mapping format, docs/frameworks.md,
or `{"builtin": KEY}`), one set with its pairs, its deletion, and a requirement's mapped requirements
(`frameworks/{key}/requirements/{id}/mappings/`, both directions, each relationship read from that
requirement)."""

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from accord.compliance import mappingfile, selectors, selectors_mappings, services_mappings
from accord.compliance.api import FrameworkKey, builtin_or_document
from accord.compliance.models_mappings import Mapping, MappingSet
from accord.compliance.selectors_mappings import MappedRequirement
from accord.core.apikit import ERRORS, ErrorOut, Pagination, TextIn, org_access

router = Router(tags=["compliance"])

SetKey = Annotated[str, Path(description="The mapping set's key", examples=["iso27001-2022--nist-csf-2.0"])]
RequirementId = Annotated[str, Path(description="The requirement's id in its framework", examples=["A.5.1"])]
_RELATIONSHIP = ("`equivalent`, `subset` (asks less than the other, which covers all of it), `superset` (asks "
                 "more) or `intersects`")


class MappingSetOut(Schema):
    key: str
    name: str
    description: str
    source_framework: str = Field(description="`key@version` of the source framework")
    target_framework: str = Field(description="`key@version` of the target framework")
    builtin: str | None = Field(description="The built-in set it was installed from; null when imported from a "
                                            "document")
    imported_at: dt.datetime
    imported_by: str | None = Field(description="Who imported it (e-mail address); null for the system")
    pair_count: int

    @staticmethod
    def resolve_source_framework(obj: MappingSet) -> str:
        return obj.source_framework.ref

    @staticmethod
    def resolve_target_framework(obj: MappingSet) -> str:
        return obj.target_framework.ref

    @staticmethod
    def resolve_builtin(obj: MappingSet) -> str | None:
        return obj.builtin or None

    @staticmethod
    def resolve_imported_by(obj: MappingSet) -> str | None:
        return obj.imported_by.email if obj.imported_by else None


class PairOut(Schema):
    source: str = Field(description="A requirement id of the source framework")
    target: str = Field(description="A requirement id of the target framework")
    relationship: str = Field(description="Read from the source: " + _RELATIONSHIP)
    strength: float = Field(description="How closely they relate, in (0, 1]")

    @staticmethod
    def resolve_source(obj: Mapping) -> str:
        return obj.source.ref

    @staticmethod
    def resolve_target(obj: Mapping) -> str:
        return obj.target.ref

    @staticmethod
    def resolve_strength(obj: Mapping) -> float:
        return float(obj.strength)


class MappingSetDetailOut(MappingSetOut):
    mappings: list[PairOut] = Field(description="Every pair, in the source framework's order")

    @staticmethod
    def resolve_mappings(obj: Any) -> list[Any]:
        return list(obj.pairs_out)


class MappedRequirementOut(Schema):
    framework: str = Field(description="`key@version` of the mapped requirement's framework")
    id: str = Field(description="The mapped requirement's id in its framework")
    title: str
    relationship: str = Field(description="Read from the requirement asked about: " + _RELATIONSHIP + "; a pair "
                                          "read from its target side is inverted (subset ↔ superset)")
    strength: float = Field(description="How closely they relate, in (0, 1]")
    mapping_set: str = Field(description="The key of the set that maps them")
    side: str = Field(description="`source` when the requirement asked about is the set's source, else `target`")

    @staticmethod
    def resolve_framework(obj: MappedRequirement) -> str:
        return obj.requirement.framework.ref

    @staticmethod
    def resolve_id(obj: MappedRequirement) -> str:
        return obj.requirement.ref

    @staticmethod
    def resolve_title(obj: MappedRequirement) -> str:
        return obj.requirement.title

    @staticmethod
    def resolve_strength(obj: MappedRequirement) -> float:
        return float(obj.strength)

    @staticmethod
    def resolve_mapping_set(obj: MappedRequirement) -> str:
        return obj.mapping_set.key

    @staticmethod
    def resolve_side(obj: MappedRequirement) -> str:
        return "source" if obj.as_source else "target"


class MappingSetIn(TextIn):
    """A mapping-set document in Accord's format (docs/frameworks.md), checked whole: every problem is named by
    its path in the document (`mappings[3].source`), unknown requirement ids included. Or `{"builtin": KEY}`
    alone, to install a built-in set."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False,
                              json_schema_extra={"additionalProperties": True})

    builtin: str | None = Field(None, min_length=1, max_length=300, description="The key of a built-in mapping "
                                "set to install (" + ", ".join(mappingfile.builtin_keys()) + "); nothing else may "
                                "be sent with it")


@router.get("/{org}/mappings/", response={200: list[MappingSetOut], **ERRORS}, summary="Mapping sets",
            operation_id="accord_compliance_api_list_mapping_sets")
@paginate(Pagination)
def list_mapping_sets(request: HttpRequest, org: str) -> QuerySet[MappingSet]:
    """The organisation's mapping sets by key, with their frameworks and pair counts."""
    m = org_access(request, org, "mapping.view")
    return selectors_mappings.mapping_sets(m.organization)


@router.post("/{org}/mappings/", response={201: MappingSetOut, 409: ErrorOut, **ERRORS},
             summary="Import a mapping set", operation_id="accord_compliance_api_import_mapping_set")
def import_mapping_set(request: HttpRequest, org: str, payload: MappingSetIn) -> Status[MappingSet]:
    """All or nothing, between two frameworks already imported (`source_framework`, `target_framework`: key or
    key@version). A key the organisation already has answers 409."""
    m = org_access(request, org, "mapping.change")
    builtin, document = builtin_or_document(request, payload.builtin, "mapping-set")
    if builtin is not None:
        made = services_mappings.do_install_builtin_mapping_set(m.user, m.organization, builtin)
    else:
        made = services_mappings.do_import_mapping_set(m.user, m.organization, document)
    return Status(201, selectors_mappings.access_mapping_set(m.organization, made.key))


@router.get("/{org}/mappings/{key}/", response={200: MappingSetDetailOut, **ERRORS}, summary="One mapping set",
            operation_id="accord_compliance_api_get_mapping_set")
def get_mapping_set(request: HttpRequest, org: str, key: SetKey) -> MappingSet:
    """The set, its frameworks and every pair."""
    m = org_access(request, org, "mapping.view")
    found = selectors_mappings.access_mapping_set(m.organization, key)
    found.pairs_out = list(selectors_mappings.pairs(m.organization, found))  # type: ignore[attr-defined]
    return found


@router.delete("/{org}/mappings/{key}/", response={204: None, **ERRORS}, summary="Delete a mapping set",
               operation_id="accord_compliance_api_delete_mapping_set")
def delete_mapping_set(request: HttpRequest, org: str, key: SetKey) -> Status[None]:
    """The set and its pairs; results accepted from its offers stay (they are the audits' own)."""
    m = org_access(request, org, "mapping.change")
    found = selectors_mappings.access_mapping_set(m.organization, key)
    services_mappings.do_delete_mapping_set(m.user, m.organization, found)
    return Status(204, None)


@router.get("/{org}/frameworks/{key}/requirements/{path:ref}/mappings/",
            response={200: list[MappedRequirementOut], **ERRORS}, summary="A requirement's mapped requirements",
            operation_id="accord_compliance_api_requirement_mappings")
def requirement_mappings(request: HttpRequest, org: str, key: FrameworkKey,
                         ref: RequirementId) -> list[MappedRequirement]:
    """Every requirement of another framework that the organisation's mapping sets relate to this one, from
    either side of a set, the strongest first."""
    m = org_access(request, org, "mapping.view")
    framework = selectors.access_framework(m.organization, key)
    requirement = selectors_mappings.access_requirement(m.organization, framework, ref)
    return selectors_mappings.requirement_mappings(m.organization, requirement)
