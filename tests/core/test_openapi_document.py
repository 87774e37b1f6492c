"""`/api/v1/openapi.json` is built once per process and then served as stored bytes: the same document as
`api.get_openapi_schema()`, built once even when the first calls come together."""

import json
import threading

import pytest

from accord.api import api


@pytest.fixture
def counted_builds(monkeypatch):
    """A process that has not built the document yet, counting how often it is built."""
    monkeypatch.setattr(api, "_documents", {})
    builds = []
    build = api.get_openapi_schema

    def counting(**kwargs):
        builds.append(kwargs)
        return build(**kwargs)

    monkeypatch.setattr(api, "get_openapi_schema", counting)
    return builds


def test_the_document_is_built_on_the_first_call_and_served_stored_after(client, counted_builds):
    first = client.get("/api/v1/openapi.json")
    again = client.get("/api/v1/openapi.json")
    assert first.status_code == again.status_code == 200
    assert first["Content-Type"] == "application/json"
    assert again.content == first.content
    assert len(counted_builds) == 1
    document = json.loads(first.content)
    assert document == json.loads(json.dumps(api.get_openapi_schema()))
    assert "/api/v1/orgs/{org}/privacy/activities/" in document["paths"]


def test_first_calls_that_come_together_build_the_document_once(counted_builds):
    start = threading.Barrier(4)
    answers = []

    def ask():
        start.wait()
        answers.append(api.openapi_document({}))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(counted_builds) == 1
    assert len(answers) == 4 and len(set(answers)) == 1


def test_each_language_has_its_own_stored_document(counted_builds, settings):
    from django.utils import translation

    with translation.override("fr"):
        french = api.openapi_document({})
    with translation.override("en"):
        english = api.openapi_document({})
        assert api.openapi_document({}) is english
    assert len(counted_builds) == 2
    assert json.loads(french)["paths"].keys() == json.loads(english)["paths"].keys()
