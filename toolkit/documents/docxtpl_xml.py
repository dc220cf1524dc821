"""docxtpl's XML helpers, used without a template of its own: ``patch_xml`` (Word's split runs joined back into
``{{ }}`` and ``{% %}`` tags), ``resolve_listing`` (line breaks, tabs and page breaks in values become Word's
elements) and ``fix_tables`` (tables whose rows hold more or fewer cells than their grid, after ``{%tc %}`` loops),
the last two called only where the rendered XML needs them; with the marks and patterns that tell a templated part
(:data:`TAG`) and that keep Jinja's line numbers on paragraphs (:data:`P_MARK`)."""

from __future__ import annotations

import os
import re
from typing import Any

from docxtpl import DocxTemplate
from lxml import etree

P_MARK = re.compile(r"<w:p([ >])")
TAG = re.compile(r"\{[{%#]")
LISTING_CHARS = ("\t", "\n", "\a", "\f")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # as docxtpl's resolve_listing finds them


def fix_tables(xml: str) -> Any:
    """docxtpl's ``fix_tables``, which changes only a table whose rows hold more or fewer cells than its grid has
    columns ({%tc %} loops): the body is parsed as it parses it, and handed to it only when such a table (or
    anything unusual: merged cells, a table without a grid) is there; otherwise the tree is the same."""
    try:
        tree = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
        ns = "{" + tree.nsmap["w"] + "}"
        for table in tree.iter(ns + "tbl"):
            grid = table.find(ns + "tblGrid")
            if grid is None or table.find(".//" + ns + "gridSpan") is not None:
                return DOCXTPL.fix_tables(xml)
            widest = max((len(row.findall(ns + "tc")) for row in table.iter(ns + "tr")), default=0)
            if widest != len(grid.findall(ns + "gridCol")):
                return DOCXTPL.fix_tables(xml)
    except Exception:  # whatever docxtpl makes of it, as before
        return DOCXTPL.fix_tables(xml)
    return tree


def resolve_listing(xml: str) -> str:
    """docxtpl's ``resolve_listing`` (line breaks, tabs and page breaks in values become Word's elements),
    paragraph by paragraph and only where a paragraph holds such a character: the others it leaves as they are,
    at the cost of three regular expressions per run of text."""

    def paragraph(m: re.Match[str]) -> str:
        text = m.group(0)
        return DOCXTPL.resolve_listing(text) if any(ch in text for ch in LISTING_CHARS) else text

    return _PARAGRAPH.sub(paragraph, xml)


# docxtpl's XML helpers (patch_xml, resolve_listing, fix_tables) use no instance state.
DOCXTPL = DocxTemplate(os.devnull)
