"""Build the Word templates of doc_templates/ with python-docx, so that they are reproducible.

Usage: python scripts/make_doc_templates.py [--out doc_templates]

Each template is a real document a school could print, with docxtpl fields ``{{ … }}`` where the data go
(Cyrillic field names, as curators see them). Formatting follows the usual look of Russian school orders:
Times New Roman 14 pt, A4, margins 30/15/20/20 mm, the school's header, «ПРИКАЗ», date and number line,
a title in bold, a preamble, «ПРИКАЗЫВАЮ:», numbered items, the director's signature with initials.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
FONT = "Times New Roman"
# Elements that follow a given one in the OOXML schema sequences (Word rejects children out of order).
RPR_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
                     "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
                     "w:specVanish", "w:oMath")
RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
PPR_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
                    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                    "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                       "w:tblPrChange")


# --------------------------------------------------------------------------- helpers


def _base_document(title: str) -> Document:  # type: ignore[valid-type]
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "ru-RU")
    lang.set(qn("w:eastAsia"), "ru-RU")
    rpr.insert_element_before(lang, *RPR_AFTER_LANG)  # Word wants the children of rPr in schema order
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    fmt.line_spacing = 1.0
    doc.core_properties.title = title
    doc.core_properties.author = "Наставник"
    doc.core_properties.language = "ru-RU"
    return doc


def _para(doc: object, text: str = "", *, bold: bool = False, align: WD_ALIGN_PARAGRAPH | None = None,
          size: float | None = None, indent: bool = False, after: float = 0, before: float = 0,
          spacing: float | None = None) -> Paragraph:
    p: Paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
    if text:
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        if spacing:
            rpr = run._r.get_or_add_rPr()
            sp = OxmlElement("w:spacing")
            sp.set(qn("w:val"), str(int(spacing * 20)))
            rpr.insert_element_before(sp, *RPR_AFTER_SPACING)
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Cm(1.25)
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.space_before = Pt(before)
    return p


def _cell_text(cell: object, text: str, *, bold: bool = False, size: float = 12,
               align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT) -> None:
    p = cell.paragraphs[0]  # type: ignore[attr-defined]
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    p.alignment = align


def _borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.insert_element_before(borders, *TBLPR_AFTER_BORDERS)


def _repeat_header(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _widths(table: Table, widths_cm: list[float]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)  # the grid: LibreOffice lays the table out by it
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _loop_table(doc: object, headers: list[str], fields: list[str | None], loop: str, widths_cm: list[float],
                aligns: list[WD_ALIGN_PARAGRAPH] | None = None) -> Table:
    """A table whose body row repeats with docxtpl's ``{%tr for … %}`` (the loop rows vanish on rendering)."""
    table: Table = doc.add_table(rows=4, cols=len(headers))  # type: ignore[attr-defined]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table)
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _repeat_header(table.rows[0])
    _cell_text(table.rows[1].cells[0], "{%tr " + loop + " %}")
    aligns = aligns or [WD_ALIGN_PARAGRAPH.LEFT] * len(fields)
    for cell, name, align in zip(table.rows[2].cells, fields, aligns, strict=True):
        _cell_text(cell, "{{ " + name + " }}" if name else "", align=align)
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}")
    tr_pr = table.rows[2]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))  # a pair is never torn between two pages
    _widths(table, widths_cm)
    return table


def _tab_line(doc: object, left: str, right: str, position_cm: float = 16.5, *, after: float = 0) -> Paragraph:
    p = _para(doc, after=after)
    p.paragraph_format.tab_stops.add_tab_stop(Cm(position_cm), WD_TAB_ALIGNMENT.RIGHT)
    p.add_run(left)
    p.add_run("\t" + right)
    return p


# --------------------------------------------------------------------------- templates


def order_pairs(path: Path) -> None:
    """«Приказ о закреплении наставнических пар (групп)»."""
    doc = _base_document("Приказ о закреплении наставнических пар")
    center = WD_ALIGN_PARAGRAPH.CENTER
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    _para(doc, "{{ школа }}", bold=True, align=center)
    _para(doc, "{% if адрес %}{{ адрес }}{% endif %}", align=center, size=11)
    header_rule = _para(doc, "", after=18)
    p_pr = header_rule._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "8"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    bdr.append(bottom)
    p_pr.insert_element_before(bdr, *PPR_AFTER_BORDER)
    _para(doc, "ПРИКАЗ", bold=True, align=center, size=16, spacing=3, after=12)
    _tab_line(doc, "{{ дата_приказа }}", "№ {{ номер_приказа }}", after=0)
    _para(doc, "{{ город }}", align=center, size=12, after=18)
    title = _para(doc, "О закреплении наставнических пар", bold=True, after=0)
    title.paragraph_format.keep_with_next = True
    _para(doc, "и групп «{{ форма }}»", bold=True, after=18)
    _para(doc, "В соответствии с программой наставничества по форме «{{ форма }}» на {{ учебный_год }} учебный "
               "год, в целях реализации целевой модели наставничества в {{ школа_кратко }}, по итогам "
               "формирования наставнических пар и групп ({{ схемы }}) и на основании согласия наставников и "
               "наставляемых{% if несовершеннолетние %} (родителей, законных представителей несовершеннолетних)"
               "{% endif %},", align=justify, indent=True, after=6)
    _para(doc, "ПРИКАЗЫВАЮ:", bold=True, after=6)
    _para(doc, "1. Закрепить наставнические пары и группы «{{ форма }}» на срок, указанный в таблице "
               "(всего пар и групп: {{ число_пар }}, наставляемых: {{ число_наставляемых }}):",
          align=justify, indent=True, after=6)
    _loop_table(
        doc,
        ["№", "Наставник", "Наставляемые", "Форма / схема", "Срок"],
        ["p.номер", "p.наставник", "p.наставляемые", "p.форма", "p.срок"],
        "for p in пары", [1.0, 4.3, 5.0, 3.2, 3.0],
        [center, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.LEFT, center],
    )
    _para(doc, "", after=6)
    _para(doc, "2. Наставникам совместно с наставляемыми провести самоанализ и совместный анализ компетенций, "
               "определить цели развития по спринтам и обеспечить регулярность встреч{% if педагоги %}, "
               "реализовать программу адаптации молодого педагога{% endif %}.",
          align=justify, indent=True, after=6)
    _para(doc, "3. Ответственность за сопровождение наставнических пар и групп, сбор обратной связи и "
               "оценку результатов возложить на куратора программы наставничества {{ куратор_винительный }}"
               "{% if должность_куратора %} ({{ должность_куратора }}){% endif %}.",
          align=justify, indent=True, after=6)
    _para(doc, "4. Контроль за исполнением настоящего приказа оставляю за собой.", align=justify, indent=True,
          after=30)
    sign = _para(doc, after=24)
    sign.paragraph_format.tab_stops.add_tab_stop(Cm(6.5))
    sign.paragraph_format.tab_stops.add_tab_stop(Cm(16.5), WD_TAB_ALIGNMENT.RIGHT)
    sign.add_run("Директор\t________________\t{{ директор_подпись }}")
    _para(doc, "С приказом ознакомлены:", after=6)
    _loop_table(doc, ["ФИО", "Роль", "Подпись", "Дата"], ["o.фио", "o.роль", None, None], "for o in ознакомлены",
                [6.5, 4.0, 3.0, 3.0])
    doc.save(str(path))


TEMPLATES: dict[str, Callable[[Path], None]] = {
    "order_pairs.docx": order_pairs,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "doc_templates", help="папка для шаблонов")
    parser.add_argument("names", nargs="*", help="какие шаблоны сделать (по умолчанию все)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        if args.names and name not in args.names:
            continue
        build(args.out / name)
        print(f"{args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
