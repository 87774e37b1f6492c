"""A policy's text: Markdown rendered to safe HTML, and the readable difference between two versions.

Rendering is two locks, so that neither alone has to be perfect: markdown-it-py with raw HTML turned off
(a `<script>` typed in the body is shown as text) and its link check (no `javascript:`, `vbscript:`,
`file:` or `data:` link), then nh3 (the Ammonia sanitiser) keeps only the tags and attributes a policy
needs, links only to http, https and mailto, each marked `rel="noopener noreferrer nofollow"`. No
attribute that could carry a style or a script survives, so the page holds under the strict CSP."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

#: The Markdown a policy uses: CommonMark with tables and strikethrough, no raw HTML, no typographer.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def render_markdown(text: str) -> SafeString:
    """`text` (Markdown) as HTML safe to put in a page or a report (see the module docstring)."""
    html = _MARKDOWN.render(text or "")
    clean = nh3.clean(html, tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                      url_schemes=set(URL_SCHEMES), link_rel="noopener noreferrer nofollow",
                      strip_comments=True)
    return mark_safe(clean)  # noqa: S308 - sanitised just above, by an allow-list


@dataclass(frozen=True)
class DiffLine:
    """One line of a difference: `kind` is "same", "added" or "removed" (the older version's line), with
    its line numbers in the older and the newer text (None where it is not in that text)."""

    kind: str
    text: str
    old_number: int | None
    new_number: int | None


def diff_lines(older: str, newer: str, *, context: int = 3) -> list[DiffLine | None]:
    """The lines that differ between two texts, with `context` unchanged lines around each change; `None`
    stands for a run of unchanged lines left out. Empty when the texts are the same."""
    a, b = (older or "").splitlines(), (newer or "").splitlines()
    out: list[DiffLine | None] = []
    for group in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_grouped_opcodes(context):
        if out:
            out.append(None)
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(DiffLine("same", a[i], i + 1, j1 + (i - i1) + 1) for i in range(i1, i2))
                continue
            out.extend(DiffLine("removed", a[i], i + 1, None) for i in range(i1, i2))
            out.extend(DiffLine("added", b[j], None, j + 1) for j in range(j1, j2))
    return out


def unified_diff(older: str, newer: str, *, older_name: str, newer_name: str) -> str:
    """The difference as a unified diff (the API and the command line)."""
    lines = list(difflib.unified_diff((older or "").splitlines(), (newer or "").splitlines(), fromfile=older_name,
                                      tofile=newer_name, lineterm=""))
    return "\n".join(lines) + "\n" if lines else ""
