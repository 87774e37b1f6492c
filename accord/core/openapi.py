"""The OpenAPI document states what the server enforces on every operation, added in one place rather
than on each schema (issue 10, §4 and §6): a write may answer 409 when the object's current state refuses
it (decision 0026), and a text the caller sends may not hold a NUL character (accord.core.inputs refuses
it on every front; the document says so as a pattern, so a client generating valid input never sends one;
a free-form object such as a risk's `fair` gets it as `propertyNames` and in its description),
a required text is not blank, and a whole number fits 64 bits. The document is built once per process
and served as stored bytes (`AccordAPI`).
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from functools import partial
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, get_script_prefix, path
from django.utils.translation import get_language
from ninja import NinjaAPI
from ninja.responses import NinjaJSONEncoder

from accord.core.inputs import INT64_MAX, INT64_MIN

#: A text without a NUL character, as a JSON Schema (ECMA-262) pattern.
NO_NUL = "^[^\\x00]*$"
#: What Python's `str.strip()` removes (`str.isspace`), spelled out: ECMA-262's `\\s` is another set.
_SPACE = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
#: A required text: no NUL, and something left once stripped (services strip what they are given).
NOT_BLANK = f"^[^\\x00]*[^\\x00{_SPACE}][^\\x00]*$"
_WRITES = ("post", "put", "patch", "delete")
_REF = "#/components/schemas/"


def _schemas(node: Any) -> Iterator[dict[str, Any]]:
    """Every object in `node`, itself included, at any depth (the document's schemas are nested objects
    and lists)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _schemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schemas(value)


def _refs(node: Any) -> Iterator[str]:
    for schema in _schemas(node):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(_REF):
            yield ref[len(_REF):]


def _input_schemas(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every schema a caller fills in: query and path parameters, request bodies, and the components
    they name, followed through their references (each once)."""
    components = doc.get("components", {}).get("schemas", {})
    roots: list[Any] = []
    for operations in doc.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            roots += [p["schema"] for p in operation.get("parameters", []) if p.get("in") == "query" and "schema" in p]
            body = operation.get("requestBody")
            if body:
                roots.append(body)
    seen: set[str] = set()
    pending = [name for root in roots for name in _refs(root)]
    yield from roots
    while pending:
        name = pending.pop()
        if name in seen or name not in components:
            continue
        seen.add(name)
        yield components[name]
        pending += list(_refs(components[name]))


def _free_texts(node: Any) -> Iterator[dict[str, Any]]:
    """String schemas that say nothing of their content (no format, pattern, enumeration or constant)."""
    return (schema for schema in _schemas(node) if schema.get("type") == "string"
            and not {"format", "pattern", "enum", "const", "contentMediaType"} & schema.keys())


def _free_objects(node: Any) -> Iterator[dict[str, Any]]:
    """Object schemas that take any member (`additionalProperties: true`), such as a risk's `fair`."""
    return (schema for schema in _schemas(node)
            if schema.get("type") == "object" and schema.get("additionalProperties") is True)


#: What a free-form object's description adds: the rule its members' names and texts keep.
FREE_OBJECT_RULE = "No name or text inside it (at any depth) may hold a NUL character."


def _whole_numbers(node: Any) -> Iterator[dict[str, Any]]:
    return (schema for schema in _schemas(node) if schema.get("type") == "integer")


def state_what_is_enforced(doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` with a 409 answer on every write and the NUL rule on every text a caller sends (a copy: the
    schema ninja built is left as it was)."""
    doc = copy.deepcopy(doc)
    for operations in doc.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.get("responses") if method in _WRITES else None
            # ninja keys the answers by number; the serialised document by text.
            invalid = next((key for key in (422, "422") if key in (responses or {})), None)
            if responses is not None and invalid is not None and not {409, "409"} & responses.keys():
                responses[409 if invalid == 422 else "409"] = {
                    "description": "Conflict: the object's current state refuses the request (reload it and "
                                   "decide again)",
                    "content": copy.deepcopy(responses[invalid]["content"])}
    for schema in _input_schemas(doc):
        for text in _free_texts(schema):
            text["pattern"] = NOT_BLANK if text.get("minLength", 0) >= 1 else NO_NUL
        for free in _free_objects(schema):  # its member names as a pattern, the rest in words
            free["propertyNames"] = {"pattern": NO_NUL}
            if FREE_OBJECT_RULE not in free.get("description", ""):
                free["description"] = f"{free.get('description', '')} {FREE_OBJECT_RULE}".strip()
        for number in _whole_numbers(schema):  # what a database's 64-bit integer column holds
            number.setdefault("minimum", INT64_MIN)
            number.setdefault("maximum", INT64_MAX)
    return doc


#: Held while a document is built. Not an attribute of the API: ninja deep-copies it while it builds one.
_BUILDING = threading.Lock()


class AccordAPI(NinjaAPI):
    """The NinjaAPI whose document carries `state_what_is_enforced`, served from bytes built once per process.

    Building the document walks every operation's schemas (seconds of CPU); it changes only with the code,
    so `/api/v1/openapi.json` builds it on its first call in a process and answers every later call with the
    stored bytes. Kept per script prefix (the paths it names) and per language (descriptions may be
    translated); built under a lock, so concurrent first calls build it once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._documents: dict[tuple[str, str, tuple[tuple[str, Any], ...]], bytes] = {}

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        return state_what_is_enforced(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))

    def openapi_document(self, path_params: dict[str, Any]) -> bytes:
        """The OpenAPI document as JSON bytes, built on the first call for this prefix and language."""
        key = (get_script_prefix(), get_language() or "", tuple(sorted(path_params.items())))
        document = self._documents.get(key)
        if document is None:
            with _BUILDING:
                document = self._documents.get(key)
                if document is None:
                    schema = self.get_openapi_schema(path_params=path_params)
                    document = json.dumps(schema, cls=NinjaJSONEncoder).encode()
                    self._documents[key] = document
        return document

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        """ninja's URLs, its document's view replaced by `_stored_document` (ninja builds it on every call)."""
        return [path(self.openapi_url.lstrip("/"), partial(_stored_document, api=self), name="openapi-json")
                if isinstance(url, URLPattern) and url.name == "openapi-json" and self.openapi_url else url
                for url in super()._get_urls()]


def _stored_document(request: HttpRequest, api: AccordAPI, **kwargs: Any) -> HttpResponse:
    return HttpResponse(api.openapi_document(kwargs), content_type="application/json")
