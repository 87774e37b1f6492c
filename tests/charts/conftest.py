"""What every chart test reads: the SVG namespace and a parser for the markup under test."""

import xml.etree.ElementTree as ET

import pytest

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode())  # noqa: S314 - markup the code under test made


def assert_clean(svg: str) -> ET.Element:
    """The chart parses, is an image labelled by its title and description, and holds nothing a strict CSP
    refuses (no style attribute or element, no script, no javascript: URL, no event handler)."""
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    for element in root.iter():
        assert element.tag not in (f"{SVG}style", f"{SVG}script", f"{SVG}foreignObject")
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
    assert "javascript:" not in svg
    return root


@pytest.fixture
def clean():
    return assert_clean
