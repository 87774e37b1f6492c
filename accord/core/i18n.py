"""Which language a request is answered in (decision 0034).

One rule, here: the person's choice (`User.language`), else their organisation's default
(`Organization.language`), else the first supported language of the request's Accept-Language, else
English. The API puts an Accept-Language the client sends first: a header is a deliberate per-request
choice of a script, whereas a browser sends one on every request.

`LanguageMiddleware` activates the language it can tell before the view runs (person, then header); the
organisation's default is applied where the organisation becomes known, by `activate_for` (called by
`web.org_view` and by the API's token authentication), so no request reads the organisation twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import trans_real

from accord.core.languages import DEFAULT_LANGUAGE, LANGUAGE_NAMES

SUPPORTED = frozenset(code for code, _ in LANGUAGE_NAMES)


def from_header(accept_language: str) -> str:
    """The first language of an Accept-Language header that Accord speaks ('fr-CA' is French), or ""."""
    for code, _quality in trans_real.parse_accept_lang_header(accept_language[:1000]):
        base = code.split("-", 1)[0]
        if code in SUPPORTED:
            return code
        if base in SUPPORTED:
            return base
    return ""


def choose_language(*, person: str = "", organisation: str = "", accept_language: str = "",
                    header_first: bool = False) -> str:
    """The language to answer in: the person's choice, the organisation's default, the header's, English.
    `header_first` (the API) puts the header before the other two."""
    header = from_header(accept_language)
    order = (header, person, organisation) if header_first else (person, organisation, header)
    return next((code for code in order if code in SUPPORTED), DEFAULT_LANGUAGE)


def unknown_language_message(value: str) -> str:
    """The refusal of a language code Accord does not speak, listing those it does."""
    return _("'%(value)s' is not a language Accord speaks; choose one of: %(choices)s, or none.") % {
        "value": value, "choices": ", ".join(code for code, _name in LANGUAGE_NAMES)}


def recipient_language(user: Any, organisation: Any) -> str:
    """The language of an e-mail to `user` (None: an address without an account) of `organisation`: the
    person's choice, else the organisation's default, else English (no browser to ask)."""
    return choose_language(person=getattr(user, "language", "") or "",
                           organisation=getattr(organisation, "language", "") or "")


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _person_language(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    return str(getattr(user, "language", "") or "") if user is not None and user.is_authenticated else ""


def activate_for(request: HttpRequest, *, person: str | None = None, organisation: str = "") -> str:
    """Activate the language of this request now that `organisation` (its default language) is known;
    `person` defaults to the signed-in user's choice. Returns the code."""
    code = choose_language(person=_person_language(request) if person is None else person,
                           organisation=organisation, accept_language=request.headers.get("Accept-Language", ""),
                           header_first=is_api(request))
    translation.activate(code)
    request.LANGUAGE_CODE = code
    return code


class LanguageMiddleware:
    """Answer each request in its language (see the module) and say which: `Content-Language`, and
    `Vary: Accept-Language` since the same address answers in more than one. The language is restored
    afterwards, so a request never leaves its language to the next code on the thread."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with translation.override(translation.get_language()):
            activate_for(request)
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", translation.get_language() or DEFAULT_LANGUAGE)
        patch_vary_headers(response, ("Accept-Language",))
        return response
