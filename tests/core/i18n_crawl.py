"""A crawl of the web pages in one language, for the French tests (decision 0034): start from a few pages,
follow every link to another page of Accord (GET only, each path once, query strings dropped), and keep
each page's visible text, line by line (and the text of the SVG charts a page shows); `english_lines` then
tells which lines still read as English.

The crawl follows links a person can click: it never submits a form, never follows a link out of the site
or to a download (only HTML pages and SVG charts are read), and never signs out."""

from __future__ import annotations

import html
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urldefrag, urlsplit

from django.test import Client

#: Links the crawl leaves alone: signing out ends the crawl's session; static files are not pages.
SKIPPED = ("/accounts/logout/", "/static/", "/api/")

_LINK = re.compile(r"""(?:href|src)=["']([^"'#]+)""")
#: What the crawl reads: pages, and the SVG charts they show.
READ = ("text/html", "image/svg+xml")
_INVISIBLE = re.compile(r"<(script|style|head)\b.*?</\1>", re.S | re.I)
_BLOCK = re.compile(r"</?(p|div|li|tr|td|th|h[1-6]|dt|dd|br|option|label|button|a|title|text|tspan|"
                    r"legend|summary|caption|nav|section|header|footer|span|desc)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")
_ATTRIBUTE_TEXT = re.compile(r"""\b(?:aria-label|title|placeholder|alt)=["']([^"']+)["']""")


@dataclass(frozen=True)
class Page:
    path: str
    status: int
    lines: tuple[str, ...]


def visible_lines(page: str) -> tuple[str, ...]:
    """The text a person reads on an HTML page, one line per block (SVG labels and the labels screen
    readers speak included), blanks squeezed."""
    page = _INVISIBLE.sub(" ", page)
    spoken = [html.unescape(text) for text in _ATTRIBUTE_TEXT.findall(page)]
    text = html.unescape(_TAG.sub(" ", _BLOCK.sub("\n", page)))
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.split("\n") + spoken]
    return tuple(line for line in lines if line)


def crawl(client: Client, start: Iterable[str], *, limit: int = 600) -> Iterator[Page]:
    """Each page reachable from `start` by links, breadth first, at most `limit` pages."""
    queue, seen = deque(start), set(start)
    while queue and limit > 0:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code in (301, 302):
            target = urlsplit(response["Location"]).path
            if target not in seen and not target.startswith(SKIPPED):
                seen.add(target)
                queue.append(target)
            continue
        if not response.get("Content-Type", "").startswith(READ):
            continue
        limit -= 1
        body = response.content.decode()
        yield Page(path, response.status_code, visible_lines(body))
        for href in _LINK.findall(body):
            link = urlsplit(urldefrag(html.unescape(href)).url)
            if link.scheme or link.netloc or not link.path.startswith("/") or link.path.startswith(SKIPPED):
                continue
            if link.path not in seen:
                seen.add(link.path)
                queue.append(link.path)


#: Words that only English sentences use (none is also a common French word).
_ENGLISH = frozenset(re.findall(r"\S+", """
the and of to is are was were be been this that these those with without your you
yours our from by for not no yet any each every which who whom what when where there here has have had
it its an as or at on into than then them they their will would should could can must may might only also
about after before since until while above below over under per all none some more most less many much
one two new open add edit view show hide save cancel delete remove archive request sign signed signs
awaits awaiting draft version risk risks owner category review reviews due overdue accepted acceptance
acceptances treatment inherent residual likelihood impact level heat map filter clear members member
settings history change changed changes created updated by year years month months day days"""))
#: Words that mark a French line (so a French sentence quoting an English name is not counted).
_FRENCH = frozenset(re.findall(r"\S+", """
le la les un une des du de et est sont au aux ou pour par avec sans sur dans ce cette
ces qui que dont pas ne plus votre vos nos notre leur leurs il elle ils elles être été a ont"""))
_WORD = re.compile(r"[A-Za-zÀ-ÿ']+")


def reads_as_english(line: str) -> bool:
    """A line with an English word and no French word, accented letter or French elision (a crude test,
    meant to count, not to judge one line)."""
    if re.search(r"[àâçéèêëîïôûùüÿœ]|\b[ldjnqs]'", line, re.I):
        return False
    words = [w.lower() for w in _WORD.findall(line)]
    return any(w in _ENGLISH for w in words) and not any(w in _FRENCH for w in words)


def english_lines(pages: Iterable[Page]) -> list[tuple[str, str]]:
    """(path, line) for each line of `pages` that reads as English, each distinct line once per page."""
    return [(page.path, line) for page in pages for line in dict.fromkeys(page.lines) if reads_as_english(line)]
