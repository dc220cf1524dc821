"""Build the award templates of doc_templates/ (letter of thanks and certificate) with python-docx.

Usage: python scripts/make_award_templates.py [--out doc_templates]

The templates are filled by ``nastavnik merge ШАБЛОН.docx ДАННЫЕ.xlsx --out ПАПКА``: every field is a column
header of the data (Cyrillic, as admin staff see them), the grammar filters decline the names by the
row's «Пол» column. Columns:

* благодарственное_письмо.docx — Организация, ФИО, Пол, Кому (в дательном: «ученику 9 «Б» класса»),
  За что, Должность, Подписывает, Дата;
* грамота.docx — Организация, ФИО, Кто (в именительном: «ученик 9 «Б» класса»), За что, Должность,
  Подписывает, Дата.

The script also writes пример_данных_для_писем.xlsx, a data file that fits both templates.

Layout follows Russian business-letter conventions: Times New Roman (Liberation Serif in LibreOffice),
A4, margins 30/15/20/20 mm, the organisation's name at the top over a rule, the title in capitals with
letter spacing, the text justified with a 1.25 cm first-line indent, the signature line «должность —
подпись — инициалы и фамилия», the date below. Each document fits on one page, so that a printable file
(``--single``) has exactly one page per recipient. The output is byte-for-byte reproducible (fixed
document properties and zip timestamps).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
FONT = "Times New Roman"
FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TITLE_COLOR = RGBColor(0x7A, 0x0E, 0x0E)  # dark red: prints as dark grey on a black-and-white printer
CENTER, JUSTIFY, LEFT, RIGHT = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT,
                                WD_ALIGN_PARAGRAPH.RIGHT)

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
SECTPR_AFTER_PGBORDERS = ("w:lnNumType", "w:pgNumType", "w:cols", "w:formProt", "w:vAlign", "w:noEndnote",
                          "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings",
                          "w:sectPrChange")

SAMPLE_COLUMNS = ["Организация", "ФИО", "Пол", "Кому", "Кто", "За что", "Должность", "Подписывает", "Дата"]
_ADMIN = "Администрация Железнодорожного округа города Хабаровска"
_HEAD = "Глава администрации Железнодорожного округа"
_HEAD_NAME = "Кузнецов Андрей Викторович"
_FOR = "за активную работу в программе наставничества «{form}» в 2025/2026 учебном году"
SAMPLE_ROWS: list[list[object]] = [
    [_ADMIN, "Иванов Иван Иванович", "м", "учителю физики МАОУ «СШ № 5»", "учитель физики МАОУ «СШ № 5»",
     "за высокий профессионализм и многолетнюю работу наставником молодых педагогов", _HEAD, _HEAD_NAME,
     dt.date(2026, 5, 25)],
    [_ADMIN, "Петрова Анна Сергеевна", "ж", "заместителю директора по учебно-воспитательной работе МАОУ «СШ № 5»",
     "заместитель директора по учебно-воспитательной работе МАОУ «СШ № 5»",
     "за организацию программы наставничества и поддержку молодых специалистов", _HEAD, _HEAD_NAME,
     dt.date(2026, 5, 25)],
    [_ADMIN, "Сидоренко Максим", "м", "ученику 9 «Б» класса МАОУ «СШ № 5»", "ученик 9 «Б» класса",
     _FOR.format(form="ученик – ученик"), _HEAD, _HEAD_NAME, dt.date(2026, 5, 25)],
    [_ADMIN, "Черных Алёна", "ж", "ученице 10 «А» класса МАОУ «СШ № 5»", "ученица 10 «А» класса",
     _FOR.format(form="ученик – ученик"), _HEAD, _HEAD_NAME, dt.date(2026, 5, 25)],
    [_ADMIN, "Мамедов Эльчин Рашид оглы", "м", "учителю информатики МАОУ «СШ № 5»",
     "учитель информатики МАОУ «СШ № 5»", _FOR.format(form="педагог – педагог"), _HEAD, _HEAD_NAME,
     dt.date(2026, 5, 25)],
]


# --------------------------------------------------------------------------- helpers


def _base_document(title: str) -> Any:
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
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "ru-RU")
    lang.set(qn("w:eastAsia"), "ru-RU")
    rpr.insert_element_before(lang, *RPR_AFTER_LANG)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    fmt.line_spacing = 1.0
    props = doc.core_properties
    props.title = title
    props.author = props.last_modified_by = "Наставник"
    props.language = "ru-RU"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    props.comments = "Поля {{ … }} — названия столбцов таблицы данных; заполняется командой nastavnik merge."
    return doc


def _para(doc: Any, text: str = "", *, bold: bool = False, italic: bool = False, align: Any = None,
          size: float | None = None, indent: bool = False, after: float = 0, before: float = 0,
          spacing: float | None = None, color: RGBColor | None = None, line: float | None = None) -> Paragraph:
    p: Paragraph = doc.add_paragraph()
    if text:
        _run(p, text, bold=bold, italic=italic, size=size, spacing=spacing, color=color)
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    if indent:
        fmt.first_line_indent = Cm(1.25)
    fmt.space_after, fmt.space_before = Pt(after), Pt(before)
    if line is not None:
        fmt.line_spacing = line
    return p


def _run(p: Paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
         spacing: float | None = None, color: RGBColor | None = None) -> None:
    run = p.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    if spacing:
        sp = OxmlElement("w:spacing")
        sp.set(qn("w:val"), str(int(spacing * 20)))  # letter spacing in twentieths of a point
        run._r.get_or_add_rPr().insert_element_before(sp, *RPR_AFTER_SPACING)


def _rule(doc: Any, *, after: float, double: bool = False) -> None:
    """An empty paragraph with a bottom border: the line under the organisation's name."""
    p = _para(doc, after=after)
    p.paragraph_format.line_spacing = Pt(6)
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "thinThickSmallGap" if double else "single"), ("w:sz", "12" if double else "8"),
                       ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    bdr.append(bottom)
    p._p.get_or_add_pPr().insert_element_before(bdr, *PPR_AFTER_BORDER)


def _signature(doc: Any, *, before: float) -> None:
    """«Должность ____________ И. О. Фамилия» as a borderless table: position left, initials right."""
    _para(doc, after=before)
    table = doc.add_table(rows=1, cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Cm(8.0), Cm(4.0), Cm(4.5)]
    texts = ["{{ Должность }}", "", "{{ Подписывает|инициалы }}"]  # «Директор ____ А. Б. Сидорова»
    aligns = [LEFT, CENTER, RIGHT]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for cell, width, text, align in zip(table.rows[0].cells, widths, texts, aligns, strict=True):
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
        p = cell.paragraphs[0]
        p.alignment = align
        p.add_run(text or "_____________")  # the middle cell: the line to sign on


def _page_border(doc: Any) -> None:
    """A double frame around the page (certificates are framed)."""
    sect_pr = doc.sections[0]._sectPr
    borders = OxmlElement("w:pgBorders")
    borders.set(qn("w:offsetFrom"), "page")
    for edge in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "thinThickSmallGap"), ("w:sz", "24"), ("w:space", "24"),
                           ("w:color", str(TITLE_COLOR))):
            el.set(qn(key), value)
        borders.append(el)
    sect_pr.insert_element_before(borders, *SECTPR_AFTER_PGBORDERS)


def _save_reproducibly(doc: Any, path: Path) -> None:
    """Save with fixed zip timestamps, so that running the script twice gives identical files."""
    buffer = io.BytesIO()
    doc.save(buffer)
    _rezip(buffer.getvalue(), path)


def _rezip(data: bytes, path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    path.write_bytes(out.getvalue())


# --------------------------------------------------------------------------- templates


def letter_of_thanks(path: Path) -> None:
    """«Благодарственное письмо» from the organisation (the seed's example: the district administration)."""
    doc = _base_document("Благодарственное письмо")
    _para(doc, "{{ Организация|upper }}", bold=True, align=CENTER, size=13, line=1.15)
    _rule(doc, after=48)
    _para(doc, "БЛАГОДАРСТВЕННОЕ ПИСЬМО", bold=True, align=CENTER, size=24, spacing=3, color=TITLE_COLOR,
          after=36)
    _para(doc, "{{ ФИО|уважаемый }}", bold=True, italic=True, align=CENTER, size=16, after=24)
    body = _para(doc, align=JUSTIFY, indent=True, after=12, line=1.5)
    _run(body, "{{ Организация }} выражает благодарность ")
    _run(body, "{{ ФИО|дательный }}", bold=True)
    _run(body, "{% if Кому %}, {{ Кому }}{% endif %}{% if За_что %}, {{ За_что }}{% endif %}.")
    _para(doc, "Ваш опыт, терпение и искренняя заинтересованность помогают тем, кто рядом, расти и добиваться "
               "успеха. Желаем Вам новых достижений, вдохновения и всего самого доброго!",
          align=JUSTIFY, indent=True, line=1.5)
    _signature(doc, before=60)
    _para(doc, "{{ Дата|дата }}", before=24)
    _save_reproducibly(doc, path)


def certificate(path: Path) -> None:
    """«Грамота»: the organisation's (school's) name, ГРАМОТА, «награждается» + name, the reason, signature."""
    doc = _base_document("Грамота")
    _page_border(doc)
    _para(doc, "{{ Организация|upper }}", bold=True, align=CENTER, size=13, line=1.15, before=12)
    _rule(doc, after=60, double=True)
    _para(doc, "ГРАМОТА", bold=True, align=CENTER, size=44, spacing=8, color=TITLE_COLOR, after=36)
    _para(doc, "награждается", italic=True, align=CENTER, size=18, after=18)
    _para(doc, "{{ ФИО }}", bold=True, align=CENTER, size=24, after=12, line=1.15)
    _para(doc, "{% if Кто %}{{ Кто }}{% endif %}", align=CENTER, size=16, after=24, line=1.15)
    _para(doc, "{% if За_что %}{{ За_что }}{% endif %}", align=CENTER, size=16, line=1.3)
    _signature(doc, before=96)
    _para(doc, "{{ Дата|дата }}", before=24)
    _save_reproducibly(doc, path)


def sample_data(path: Path) -> None:
    """пример_данных_для_писем.xlsx: a table that fits both templates (fictional people)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"title": "Пример данных для писем и грамот", "author": "Наставник",
                             "created": FIXED_TIME})
    sheet = workbook.add_worksheet("Получатели")
    head = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7",
                                "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top", "border": 1})
    date = workbook.add_format({"num_format": "dd.mm.yyyy", "valign": "top", "border": 1})
    widths = [30, 30, 6, 36, 32, 46, 28, 28, 12]
    for index, (name, width) in enumerate(zip(SAMPLE_COLUMNS, widths, strict=True)):
        sheet.set_column(index, index, width)
        sheet.write(0, index, name, head)
    for r, row in enumerate(SAMPLE_ROWS, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date)
            else:
                sheet.write(r, c, value, wrap)
    sheet.freeze_panes(1, 0)
    sheet.data_validation(1, 2, 1000, 2, {"validate": "list", "source": ["м", "ж"]})
    sheet.write_comment(0, 2, "м или ж: по нему склоняются ФИО и выбирается обращение «Уважаемый / Уважаемая».")
    sheet.write_comment(0, 3, "В дательном падеже, для благодарственного письма: «ученику 9 «Б» класса».")
    sheet.write_comment(0, 4, "В именительном падеже, для грамоты: «ученик 9 «Б» класса».")
    workbook.close()
    _rezip(buffer.getvalue(), path)


TEMPLATES: dict[str, Callable[[Path], None]] = {
    "благодарственное_письмо.docx": letter_of_thanks,
    "грамота.docx": certificate,
    "пример_данных_для_писем.xlsx": sample_data,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "doc_templates", help="папка для шаблонов")
    parser.add_argument("names", nargs="*", help="какие файлы сделать (по умолчанию все)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        if args.names and name not in args.names:
            continue
        build(args.out / name)
        print(args.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
