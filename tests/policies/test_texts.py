"""A policy's Markdown is rendered inert (no raw HTML, no script, no javascript: link) and two versions
differ line by line."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from accord.policies.texts import ALLOWED_TAGS, diff_lines, render_markdown, unified_diff


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def _elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """The elements the browser would build from `html`, with their attributes."""
    parser = _Collect()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>",
    "Hello <img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "![x](https://example.org/x.png)",
    "<iframe src=https://example.org></iframe>",
    "<div style=\"color:red\">x</div>",
])
def test_dangerous_markdown_is_rendered_inert(text):
    html = str(render_markdown(text))
    found = _elements(html)
    assert {tag for tag, _ in found} <= ALLOWED_TAGS, html
    for _tag, attributes in found:
        for name, value in attributes:
            assert not name.startswith("on") and name != "style", html
            assert (value or "").strip().lower().startswith(("http:", "https:", "mailto:")) or name != "href", html
    assert "<script" not in html and "<img" not in html and "<iframe" not in html


def test_links_keep_their_text_and_get_a_safe_rel():
    html = str(render_markdown("See [the rules](https://example.org/rules) or [mail](mailto:dpo@example.org)."))
    assert '<a href="https://example.org/rules" rel="noopener noreferrer nofollow">the rules</a>' in html
    assert 'href="mailto:dpo@example.org"' in html


def test_headings_lists_and_tables_survive():
    html = str(render_markdown("# Title\n\n- one\n- two\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n"))
    assert "<h1>Title</h1>" in html and "<li>one</li>" in html and "<td>1</td>" in html
    assert "style" not in html  # the table's alignment would be a style attribute: the strict CSP refuses it


def test_the_diff_shows_removed_and_added_lines_with_their_numbers():
    lines = diff_lines("a\nb\nc\n", "a\nB\nc\nd\n")
    assert [(x.kind, x.text, x.old_number, x.new_number) for x in lines] == [
        ("same", "a", 1, 1), ("removed", "b", 2, None), ("added", "B", None, 2), ("same", "c", 3, 3),
        ("added", "d", None, 4)]
    assert diff_lines("same\n", "same\n") == []


def test_far_apart_changes_are_separated_by_a_gap():
    older = "\n".join(str(i) for i in range(30))
    newer = older.replace("2\n", "two\n", 1).replace("27", "twenty-seven")
    lines = diff_lines(older, newer, context=1)
    assert None in lines
    assert unified_diff("x\n", "y\n", older_name="v1", newer_name="v2") == "--- v1\n+++ v2\n@@ -1 +1 @@\n-x\n+y\n"
