"""The OpenAPI document states what the server enforces, so that a client (or a fuzzer) generating input
from it is not refused for something the document allows (issue 10, §4 and §6; decision 0026): every
write may answer 409 when the object's current state refuses it, a text never holds a NUL character, an
amount is positive and fits its column, a share is 0 to 1 or a percentage, a tolerance point is a
positive loss and a probability strictly between 0 and 1. The patterns are checked against the server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from accord.api import api
from accord.core.apikit import BodyIn
from accord.core.openapi import FREE_OBJECT_RULE, NO_NUL, state_what_is_enforced
from accord.risks import services
from accord.risks.models import Risk

API = "/api/v1/orgs/org-a"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return api.get_openapi_schema()


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, ops in doc["paths"].items() for method, op in ops.items()]


def _statuses(op: dict[str, Any]) -> set[str]:
    return {str(code) for code in op["responses"]}


def test_every_write_documents_a_conflict_and_no_read_does(document):
    writes = [(p, m, op) for p, m, op in _operations(document) if m in ("post", "put", "patch", "delete")]
    assert writes, "the document has no write operations"
    assert [(p, m) for p, m, op in writes if "409" not in _statuses(op)] == []
    assert [(p, m) for p, m, op in _operations(document) if m == "get" and "409" in _statuses(op)] == []


def test_the_document_is_stated_on_a_copy_and_keeps_its_own_409s():
    raw = {"paths": {"/x": {"post": {"responses": {422: {"content": {"a": 1}}, 409: {"description": "mine"}}},
                            "get": {"responses": {422: {"content": {}}}}}}}
    stated = state_what_is_enforced(raw)
    assert stated["paths"]["/x"]["post"]["responses"][409] == {"description": "mine"}
    assert 409 not in stated["paths"]["/x"]["get"]["responses"]
    assert raw["paths"]["/x"]["post"]["responses"][409] == {"description": "mine"}  # the original is untouched


def _free_strings(node: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == "string" and not {"format", "enum", "const"} & node.keys():
            found.append(node)
        for value in node.values():
            found += _free_strings(value)
    elif isinstance(node, list):
        for value in node:
            found += _free_strings(value)
    return found


def test_every_text_a_caller_sends_has_a_pattern(document):
    components = document["components"]["schemas"]
    bodies = ["RiskCreate", "RiskPatch", "ArchiveIn", "AppetiteIn", "AcceptanceIn", "WithdrawIn", "InvitationIn",
              "TokenIn", "MemberRemoveIn"]
    texts = [s for name in bodies for s in _free_strings(components[name])]
    queries = [p["schema"] for _, _, op in _operations(document) for p in op.get("parameters", [])
               if p["in"] == "query"]
    texts += [s for schema in queries for s in _free_strings(schema)]
    assert len(texts) > 30
    assert [t for t in texts if "pattern" not in t] == []
    assert sum(t["pattern"] == NO_NUL for t in texts) > 25
    assert re.fullmatch(NO_NUL, "Backup gap") and not re.fullmatch(NO_NUL, "Backup\x00gap")


def _branch(document: dict[str, Any], field: str, kind: str) -> dict[str, Any]:
    schema = document["components"]["schemas"]["RiskPatch"]["properties"][field]
    return next(b for b in schema["anyOf"] if b.get("type") == kind)


AMOUNTS = ["1", "0.5", " 7 ", "+3", "12.", ".25", "0012.5", "250000", "0", "00.00", "", " ", "-1", "abc", "1,5",
           "0.0", "100000000000000"]


@pytest.mark.parametrize("text", AMOUNTS)
def test_the_amount_pattern_says_what_the_server_accepts(client, org_a, ciso, document, text):
    risk = services.do_create_risk(ciso.user, org_a, {"title": "Outage", "category": "strategic", "likelihood": 2,
                                                      "impact": 3, "frequency_low": "0.1", "frequency_high": "2"})
    pattern = _branch(document, "loss_low", "string")["pattern"]
    response = client.patch(f"{API}/risks/{risk.ref}/", {"loss_low": text, "loss_high": "999999999"},
                            content_type="application/json", **ciso.auth())
    documented = re.search(pattern, text) is not None
    assert (response.status_code == 200) is documented, (text, response.content)
    stored = Risk.objects.for_org(org_a).get(pk=risk.pk).loss_low
    assert (stored is not None) is documented


def test_an_amount_as_a_number_is_documented_positive_and_within_its_column(document):
    number = _branch(document, "loss_low", "number")
    assert (number["exclusiveMinimum"], number["exclusiveMaximum"]) == (0, 10**14)  # 16 digits, 2 of them decimals
    assert _branch(document, "frequency_low", "number")["exclusiveMaximum"] == 10**8  # 12 digits, 4 decimals


@pytest.mark.parametrize(("point", "field"), [([0, 0.5], "tolerance.0.0"), ([-5, 0.5], "tolerance.0.0"),
                                              ([1000, 0], "tolerance.0.1"), ([1000, 1], "tolerance.0.1")])
def test_a_tolerance_point_outside_its_documented_bounds_is_refused_at_its_place(client, ciso, document, point,
                                                                                 field):
    pair = document["components"]["schemas"]["AppetiteIn"]["properties"]["tolerance"]["items"]["prefixItems"]
    assert (pair[0]["exclusiveMinimum"], pair[1]["exclusiveMinimum"], pair[1]["exclusiveMaximum"]) == (0, 0, 1)
    response = client.put(f"{API}/risk-appetite/", {"statement": "x", "tolerance": [point]},
                          content_type="application/json", **ciso.auth())
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_a_category_level_is_one_of_the_documented_levels(client, ciso, document):
    levels = document["components"]["schemas"]["Level"]["enum"]
    ok = client.put(f"{API}/risk-appetite/", {"statement": "x", "category_levels": {"strategic": levels[0]}},
                    content_type="application/json", **ciso.auth())
    assert ok.status_code == 200, ok.content
    bad = client.put(f"{API}/risk-appetite/", {"statement": "x", "category_levels": {"strategic": "severe"}},
                     content_type="application/json", **ciso.auth())
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["category_levels.strategic"]


def test_a_conflict_answers_409_in_the_error_shape_naming_the_field(client, org_a, ciso):
    risk = services.do_create_risk(ciso.user, org_a, {"title": "Old", "category": "strategic", "likelihood": 2,
                                                      "impact": 3})
    services.do_archive_risk(ciso.user, org_a, risk, reason="Duplicate")
    response = client.post(f"{API}/risks/{risk.ref}/archive/", {"reason": "Again"}, content_type="application/json",
                           **ciso.auth())
    assert response.status_code == 409
    assert response.json() == {"detail": "The request conflicts with the current state.",
                               "errors": [{"field": "risk", "message": f"{risk.ref} is already archived."}]}


def test_a_required_text_is_documented_not_blank_as_the_services_strip_it(client, ciso, document):
    title = document["components"]["schemas"]["RiskCreate"]["properties"]["title"]["pattern"]
    blanks = ["".join(c for c in map(chr, range(0x3001)) if c.isspace()), " ", "\t\n", "\x1c\x85"]
    assert [b for b in blanks if re.search(title, b)] == []
    assert re.search(title, " Outage ") and re.search(title, "\ufeff")  # Python does not strip U+FEFF
    for blank in blanks:
        response = client.post(f"{API}/risks/", {"title": blank, "category": "strategic", "likelihood": 1,
                                                 "impact": 1}, content_type="application/json", **ciso.auth())
        assert response.status_code == 422, blank


def test_whole_numbers_are_documented_within_64_bits_or_their_own_bounds(document):
    create = document["components"]["schemas"]["RiskCreate"]["properties"]
    assert (create["likelihood"]["minimum"], create["likelihood"]["maximum"]) == (1, 7)  # the largest matrix
    version = document["components"]["schemas"]["AppetiteOpinionIn"]["properties"]["version"]
    assert (version["minimum"], version["maximum"]) == (1, 2**63 - 1)
    limits = [p["schema"] for _, _, op in _operations(document) for p in op.get("parameters", [])
              if p["name"] == "offset"]
    assert limits and all(s["maximum"] <= 2**63 - 1 for s in limits)


def test_a_free_form_object_states_the_nul_rule_for_its_member_names(document):
    components = document["components"]["schemas"]
    for name in ("RiskCreate", "RiskPatch"):
        (free,) = [b for b in components[name]["properties"]["fair"]["anyOf"] if b.get("type") == "object"]
        assert free["propertyNames"] == {"pattern": NO_NUL}
        assert FREE_OBJECT_RULE in free["description"]
    # What the server answers (outputs are not input schemas: left as they are).
    (out,) = [b for b in components["RiskOut"]["properties"]["fair"]["anyOf"] if b.get("type") == "object"]
    assert "propertyNames" not in out


def test_a_nul_inside_fair_is_refused_as_the_document_says(client, org_a, ciso):
    response = client.post(f"{API}/risks/", {"title": "Outage", "category": "strategic", "likelihood": 2,
                                             "impact": 2, "fair": {"tef\x00": 1}},
                           content_type="application/json", **ciso.auth())
    assert response.status_code in (400, 422), response.content


def _schemas(cls: type[BaseModel]) -> Iterator[type[BaseModel]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _schemas(sub)


def test_no_two_api_schemas_share_a_name(document):
    """The document names each schema once in its components: two classes of one name would leave one
    operation described by the other's fields (the incident matrix once described the risk matrix's answer)."""
    names: dict[str, set[str]] = {}
    for cls in _schemas(BaseModel):
        if cls.__module__.startswith("accord."):
            names.setdefault(cls.__name__, set()).add(cls.__module__)
    shared = {name: sorted(modules) for name, modules in names.items() if len(modules) > 1}
    assert shared == {}
    assert {"MatrixOut", "IncidentMatrixOut"} <= set(document["components"]["schemas"])
    assert "impact_labels" in document["components"]["schemas"]["MatrixOut"]["properties"]


def _nested(annotation: Any) -> Iterator[type[BaseModel]]:
    """The models inside a field's type (`list[StepIn] | None` holds StepIn), and the models inside those."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _nested(field.annotation)
        return
    for argument in get_args(annotation):
        yield from _nested(argument)


def test_every_object_inside_a_request_body_refuses_what_a_body_refuses():
    """An object inside a body (a playbook's steps, a task's checklist) refuses unknown fields and reads
    `true` as no number, like the body itself: a plain schema there once took `due_hours: true` as 1."""
    lax = set()
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                for params in operation.models:
                    if getattr(params, "__ninja_param_source__", None) != "body":
                        continue
                    for field in params.model_fields.values():
                        top = field.annotation
                        lax |= {model.__name__ for model in _nested(top)
                                if model is not top and not issubclass(model, BodyIn)}
    assert lax == set()
