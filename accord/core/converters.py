"""Path converters of Accord's web pages."""

from __future__ import annotations

from urllib.parse import quote, unquote

from accord.core.inputs import INT64_MAX


class IdConverter:
    """`<id:name>`: an object's id, a whole number a database column can hold. A larger number matches
    no URL (404) instead of reaching the database, which cannot compare a column with it (a 500)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > INT64_MAX:
            raise ValueError(f"{value} is beyond the largest id")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class SegmentConverter:
    """`<segment:name>`: text that is one path segment in the URL even when it holds "/" (a framework's
    `key@version` such as gdpr@2016/679): written with its "/" escaped, read back whole."""

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        return unquote(value)

    def to_url(self, value: str) -> str:
        return quote(str(value), safe="@:+-._~")
