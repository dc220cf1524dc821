"""The document pipeline's shortcuts give docxtpl's own result: line breaks and tabs in values are resolved only
in the paragraphs that hold them, and tables are handed to docxtpl's ``fix_tables`` only when a row's cells and
the table's grid disagree. Each case is compared with docxtpl itself, to the byte."""

from __future__ import annotations

import pytest
from lxml import etree

from toolkit.documents import docxtpl_xml

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _p(text: str, props: str = "") -> str:
    return (f'<w:p>{props}<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'
            f'<w:r><w:t>{text}!</w:t></w:r></w:p>')


def _table(grid: int, rows: list[int], span: bool = False, inner: str = "") -> str:
    cols = "".join(f'<w:gridCol w:w="{1000 + 10 * i}"/>' for i in range(grid))
    cell_props = '<w:tcPr><w:gridSpan w:val="2"/></w:tcPr>' if span else ""
    body = "".join("<w:tr>" + "".join(f"<w:tc>{cell_props}{_p('x')}{inner}</w:tc>" for _ in range(n)) + "</w:tr>"
                   for n in rows)
    return f"<w:tbl><w:tblPr/><w:tblGrid>{cols}</w:tblGrid>{body}</w:tbl>"


@pytest.mark.parametrize("body", [
    _p("без переносов") + _p("строка\nвторая") + _p("и\tтаб", "<w:pPr><w:jc w:val=\"center\"/></w:pPr>"),
    _p("страница\fновая") + _p("абзац\aследующий") + _p("ничего"),
    _p("ничего") * 3,
    f'<w:p w:rsidR="00AB"><w:r><w:t>вложенный\nтекст</w:t></w:r></w:p>{_p("a")}',
], ids=["break-and-tab", "page-and-paragraph", "none", "attributes"])
def test_listing_is_resolved_as_docxtpl_does(body: str) -> None:
    xml = f"<w:body {W}>{body}</w:body>"
    assert docxtpl_xml.resolve_listing(xml) == docxtpl_xml.DOCXTPL.resolve_listing(xml)


@pytest.mark.parametrize("tables", [
    _table(3, [3, 3, 3]),  # as written: nothing to fix
    _table(2, [2, 4, 3]),  # a {%tc %} loop made more cells than columns
    _table(4, [2, 2]),  # fewer cells than columns
    _table(3, [2, 2], span=True),  # merged cells
    _table(2, []),  # no rows
    _table(2, [2, 2], inner=_table(3, [3, 5])),  # a nested table with a loop in it
    _table(3, [3]) + _table(2, [2, 3]),  # the second table needs the fix
    "<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>",  # no grid at all
], ids=["as-written", "more-cells", "fewer-cells", "merged", "no-rows", "nested", "second", "no-grid"])
def test_tables_are_fixed_as_docxtpl_does(tables: str) -> None:
    xml = f"<w:body {W}>{tables}{_p('после')}</w:body>"

    def docxtpl() -> str:
        return etree.tostring(docxtpl_xml.DOCXTPL.fix_tables(xml), encoding="unicode")

    try:
        expected = docxtpl()
    except Exception as exc:  # docxtpl fails on a table without a grid: so must the shortcut
        with pytest.raises(type(exc)):
            docxtpl_xml.fix_tables(xml)
        return
    assert etree.tostring(docxtpl_xml.fix_tables(xml), encoding="unicode") == expected
