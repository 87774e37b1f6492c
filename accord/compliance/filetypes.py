"""What an evidence file really is, read from its content (decision 0045): the allow-list of types Accord
keeps as evidence, each recognised by its leading bytes (its "magic") or, for text, by being text, never by
its name. The name's extension must then agree with what the content is, so a page saved as `report.pdf`
or a program renamed `scan.png` is refused, not stored.

Bytes in, a `FileType` or a `Refused` reason out (no database, no storage; the messages are translated)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class FileType:
    """A type of the allow-list: the content type the file is served with, its extensions (the first is the
    one a stored file gets) and how people call it."""

    content_type: str
    extensions: tuple[str, ...]
    label: str | Promise


PDF = FileType("application/pdf", (".pdf",), gettext_lazy("PDF document"))
PNG = FileType("image/png", (".png",), gettext_lazy("PNG image"))
JPEG = FileType("image/jpeg", (".jpg", ".jpeg"), gettext_lazy("JPEG image"))
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",),
                gettext_lazy("Word document"))
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",),
                gettext_lazy("Excel workbook"))
PPTX = FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",),
                gettext_lazy("PowerPoint presentation"))
TEXT = FileType("text/plain", (".txt", ".log", ".md"), gettext_lazy("text file"))
CSV = FileType("text/csv", (".csv",), gettext_lazy("CSV file"))
JSON = FileType("application/json", (".json",), gettext_lazy("JSON file"))

ALLOWED: tuple[FileType, ...] = (PDF, PNG, JPEG, DOCX, XLSX, PPTX, TEXT, CSV, JSON)
EXTENSIONS: tuple[str, ...] = tuple(ext for kind in ALLOWED for ext in kind.extensions)

# Office Open XML packages: the part that says which application wrote it.
_OOXML_PARTS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX), ("ppt/presentation.xml", PPTX))
# Text that a browser or a viewer would run or render as markup: never evidence "text".
_MARKUP = re.compile(rb"^\s*(<\?xml|<!doctype|<html|<head|<body|<script|<svg|<iframe|<object|<meta|<a\s|<img)",
                     re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Refused(ValueError):
    """The file is not evidence Accord keeps; the message says what it is and what is allowed."""


def allowed_text() -> str:
    """The allow-list as people read it: "PDF document (.pdf), PNG image (.png), ..."."""
    return ", ".join(f"{kind.label} ({', '.join(kind.extensions)})" for kind in ALLOWED)


def _extension(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[1].lower() if "." in base.strip(".") else ""


def _ooxml(content: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())  # the central directory only: nothing is inflated
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for part, kind in _OOXML_PARTS if part in names), None)


def _text(content: bytes, extension: str) -> FileType | None:
    body = content.removeprefix(b"\xef\xbb\xbf")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if _CONTROL.search(text) or _MARKUP.match(body):
        return None
    if extension == ".json":
        try:
            json.loads(text)
        except ValueError:
            return None
        return JSON
    return CSV if extension == ".csv" else TEXT


def sniff(content: bytes, extension: str = "") -> FileType | None:
    """The allowed type `content` is, from its bytes (`extension` only tells text, CSV and JSON apart, which
    have no magic); None when it is none of them."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        return _ooxml(content)
    return _text(content, extension) if content else None


def check(content: bytes, name: str) -> FileType:
    """The type of an uploaded file named `name`, checked on its content; `Refused` (saying why) when the
    content is not of the allow-list or the name's extension says another type than the content is."""
    extension = _extension(name)
    if not content:
        raise Refused(_("The file is empty."))
    if extension not in EXTENSIONS:
        raise Refused(_("'%(name)s' does not end in an extension Accord keeps as evidence; allowed: %(allowed)s.")
                      % {"name": name, "allowed": allowed_text()})
    found = sniff(content, extension)
    if found is None:
        expected = next(kind for kind in ALLOWED if extension in kind.extensions)
        raise Refused(_("'%(name)s' is named as a %(type)s but its content is not one (Accord reads the content, "
                        "not the name); allowed: %(allowed)s.")
                      % {"name": name, "type": expected.label, "allowed": allowed_text()})
    if extension not in found.extensions:
        raise Refused(_("'%(name)s' is a %(type)s by its content but its name ends in %(extension)s; name it "
                        "%(proper)s or send the file its name says.")
                      % {"name": name, "type": found.label, "extension": extension, "proper": found.extensions[0]})
    return found
