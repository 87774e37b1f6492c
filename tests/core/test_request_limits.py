"""Bodies over the configured size are refused with 413 before anything reads them (accord/core/limits.py)."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from gunicorn.http.errors import ChunkMissingTerminator

from accord.core.limits import body_limit
from tests.conftest import signed_in

GIGABYTE = 1024**3


class UnreadableInput:
    """A wsgi.input that fails the test if anything reads from it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readline = read


class ChunkedInput(io.BytesIO):
    """A chunked body (no Content-Length) that counts what was read of it."""

    def __init__(self, size: int) -> None:
        super().__init__(b"x" * size)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def _post_declaring(client: Client, path: str, length: int):
    return client.generic("POST", path, b"", **{"wsgi.input": UnreadableInput(), "CONTENT_LENGTH": str(length),
                                                "CONTENT_TYPE": "multipart/form-data; boundary=x"})


@pytest.mark.django_db
def test_a_gigabyte_body_to_the_sign_in_page_is_refused_unread_with_the_error_page():
    response = _post_declaring(Client(), reverse("account_login"), GIGABYTE)
    assert response.status_code == 413
    assert b"What you sent is too large" in response.content
    assert f"{settings.ACCORD_MAX_REQUEST_BYTES:,} bytes at most".encode() in response.content
    assert response["Content-Security-Policy"]  # the header middlewares before the limit still answer


def test_a_gigabyte_body_to_the_api_import_is_refused_unread_in_the_error_shape(org_a, admin):
    client = signed_in(admin)
    response = _post_declaring(client, f"/api/v1/orgs/{org_a.slug}/risks/import/", GIGABYTE)
    assert response.status_code == 413
    body = response.json()
    assert body["errors"] == []
    assert f"{settings.ACCORD_MAX_UPLOAD_BYTES:,} bytes at most" in body["detail"]


def test_a_gigabyte_body_to_the_web_import_is_refused_unread(org_a, admin):
    response = _post_declaring(signed_in(admin), reverse("risks:import", kwargs={"org": org_a.slug}), GIGABYTE)
    assert response.status_code == 413


@pytest.mark.django_db
def test_a_chunked_body_over_the_limit_is_refused_after_reading_no_more_than_the_limit(settings):
    settings.ACCORD_MAX_REQUEST_BYTES = 4096
    stream = ChunkedInput(100_000)
    response = Client().generic("POST", "/api/v1/orgs/", b"", HTTP_TRANSFER_ENCODING="chunked",
                                **{"wsgi.input": stream, "CONTENT_TYPE": "application/json"})
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request body is larger")
    assert stream.bytes_read <= 4096 + 1


@pytest.mark.django_db
def test_a_chunked_body_within_the_limit_reaches_the_view(settings):
    settings.ACCORD_MAX_REQUEST_BYTES = 4096
    body = b"login=someone%40example.org&password=wrong-password"
    environ = {"wsgi.input": io.BytesIO(body), "CONTENT_TYPE": "application/x-www-form-urlencoded"}
    response = Client().generic("POST", reverse("account_login"), b"", HTTP_TRANSFER_ENCODING="chunked", **environ)
    assert response.status_code == 200  # the sign-in form again, refusing the password the body carried
    assert response.context["form"].data["login"] == "someone@example.org"
    assert response.context["form"].errors


@pytest.mark.django_db
def test_a_content_length_that_is_not_a_number_is_a_bad_request():
    response = Client().generic("POST", "/api/v1/orgs/", b"",
                                **{"wsgi.input": UnreadableInput(), "CONTENT_LENGTH": "lots"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request.", "errors": []}


def test_import_routes_get_the_upload_limit_and_every_other_route_the_request_limit():
    assert body_limit("/api/v1/orgs/acme/risks/import/") == settings.ACCORD_MAX_UPLOAD_BYTES
    assert body_limit("/api/v1/orgs/acme/risks/import") == settings.ACCORD_MAX_UPLOAD_BYTES
    assert body_limit("/orgs/acme/risks/register/import/") == settings.ACCORD_MAX_UPLOAD_BYTES
    assert body_limit("/accounts/login/") == settings.ACCORD_MAX_REQUEST_BYTES
    assert body_limit("/api/v1/orgs/acme/risks/import/extra") == settings.ACCORD_MAX_REQUEST_BYTES


def test_only_header_middlewares_stand_before_the_size_limit():
    header_only = {"django.middleware.security.SecurityMiddleware", "whitenoise.middleware.WhiteNoiseMiddleware",
                   "csp.middleware.CSPMiddleware", "accord.core.middleware.PermissionsPolicyMiddleware"}
    position = settings.MIDDLEWARE.index("accord.core.limits.RequestSizeLimitMiddleware")
    assert set(settings.MIDDLEWARE[:position]) <= header_only


def test_django_and_the_server_limit_what_they_read():
    from accord.core import server

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.ACCORD_MAX_REQUEST_BYTES
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    captured: dict[str, object] = {}

    class Recorder:
        def __init__(self, options: dict[str, object]) -> None:
            captured.update(options)

        def run(self) -> None:
            pass

    original = server._Gunicorn
    server._Gunicorn = Recorder  # type: ignore[assignment,misc]
    try:
        server.run_server("127.0.0.1", 8000, 1)
    finally:
        server._Gunicorn = original  # type: ignore[misc]
    assert captured["limit_request_line"] == 4094
    assert captured["limit_request_fields"] == 100
    assert captured["limit_request_field_size"] == 8190


class MalformedChunkedInput:
    """A wsgi.input as gunicorn hands one whose chunked body breaks off (`10\\r\\n0123456789abcdefXXXX`):
    the first read gives some bytes, the next raises gunicorn's own exception (not an OSError)."""

    def __init__(self, good_reads: int = 1) -> None:
        self.reads, self.good_reads = 0, good_reads

    def read(self, *args: object) -> bytes:
        self.reads += 1
        if self.reads <= self.good_reads:
            return b"0123456789abcdef"
        raise ChunkMissingTerminator(b"XXXX")

    readline = read


@pytest.mark.django_db
def test_a_malformed_chunked_body_to_the_sign_in_page_is_the_400_page():
    response = Client().generic("POST", reverse("account_login"), b"", HTTP_TRANSFER_ENCODING="chunked",
                                **{"wsgi.input": MalformedChunkedInput(),
                                   "CONTENT_TYPE": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_a_malformed_chunked_body_to_the_api_import_is_a_400_in_the_error_shape(org_a, admin):
    response = signed_in(admin).generic("POST", f"/api/v1/orgs/{org_a.slug}/risks/import/", b"",
                                        HTTP_TRANSFER_ENCODING="chunked",
                                        **{"wsgi.input": MalformedChunkedInput(),
                                           "CONTENT_TYPE": "multipart/form-data; boundary=x"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request.", "errors": []}


@pytest.mark.parametrize("api", [False, True], ids=["sign-in page", "API import"])
def test_a_body_that_breaks_off_while_django_reads_it_is_a_400(org_a, admin, api):
    # With a Content-Length the body is read later, inside request.body or the multipart parser.
    path = f"/api/v1/orgs/{org_a.slug}/risks/import/" if api else "/accounts/login/"
    environ = {"wsgi.input": MalformedChunkedInput(0), "CONTENT_LENGTH": "40", **(admin.auth() if api else {}),
               "CONTENT_TYPE": "multipart/form-data; boundary=x" if api else "application/x-www-form-urlencoded"}
    response = Client().generic("POST", path, b"", **environ)
    assert response.status_code == 400
    if api:
        assert response.json() == {"detail": "Bad request.", "errors": []}
