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

import datetime as dt
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docx_parts import (  # noqa: E402  (a sibling module: the shared document parts)
    CENTER,
    FIXED_TIME,
    JUSTIFY,
    add_run,
    base_document,
    make_templates,
    para,
    rezip,
    rule,
    save_reproducibly,
    signatures,
)

TITLE_COLOR = RGBColor(0x7A, 0x0E, 0x0E)  # dark red: prints as dark grey on a black-and-white printer
COMMENTS = "Поля {{ … }} — названия столбцов таблицы данных; заполняется командой nastavnik merge."
SIGNATURE = [("{{ Должность }}", "{{ Подписывает|инициалы }}")]  # «Директор ____ А. Б. Сидорова»
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


# --------------------------------------------------------------------------- templates


def letter_of_thanks(path: Path) -> None:
    """«Благодарственное письмо» from the organisation (the seed's example: the district administration)."""
    doc = base_document("Благодарственное письмо", comments=COMMENTS)
    para(doc, "{{ Организация|upper }}", bold=True, align=CENTER, size=13, line=1.15)
    rule(doc, after=48)
    para(doc, "БЛАГОДАРСТВЕННОЕ ПИСЬМО", bold=True, align=CENTER, size=24, spacing=3, color=TITLE_COLOR,
         after=36)
    para(doc, "{{ ФИО|уважаемый }}", bold=True, italic=True, align=CENTER, size=16, after=24)
    body = para(doc, align=JUSTIFY, indent=True, after=12, line=1.5)
    add_run(body, "{{ Организация }} выражает благодарность ")
    add_run(body, "{{ ФИО|дательный }}", bold=True)
    add_run(body, "{% if Кому %}, {{ Кому }}{% endif %}{% if За_что %}, {{ За_что }}{% endif %}.")
    para(doc, "Ваш опыт, терпение и искренняя заинтересованность помогают тем, кто рядом, расти и добиваться "
              "успеха. Желаем Вам новых достижений, вдохновения и всего самого доброго!",
         align=JUSTIFY, indent=True, line=1.5)
    signatures(doc, SIGNATURE, before=60, blank="_" * 13)
    para(doc, "М.\u00a0П.", size=12, before=6)  # the place of the seal, under the signature
    para(doc, "{{ Дата|дата }}", before=12)
    save_reproducibly(doc, path)


def certificate(path: Path) -> None:
    """«Грамота»: the organisation's (school's) name, ГРАМОТА, «награждается» + name, the reason, signature."""
    doc = base_document("Грамота", comments=COMMENTS)
    _page_border(doc)
    para(doc, "{{ Организация|upper }}", bold=True, align=CENTER, size=13, line=1.15, before=12)
    rule(doc, after=60, double=True)
    para(doc, "ГРАМОТА", bold=True, align=CENTER, size=44, spacing=8, color=TITLE_COLOR, after=36)
    para(doc, "награждается", italic=True, align=CENTER, size=18, after=18)
    para(doc, "{{ ФИО }}", bold=True, align=CENTER, size=24, after=12, line=1.15)
    para(doc, "{% if Кто %}{{ Кто }}{% endif %}", align=CENTER, size=16, after=24, line=1.15)
    para(doc, "{% if За_что %}{{ За_что }}{% endif %}", align=CENTER, size=16, line=1.3)
    signatures(doc, SIGNATURE, before=96, blank="_" * 13)
    para(doc, "М.\u00a0П.", size=12, before=6)  # the place of the seal, under the signature
    para(doc, "{{ Дата|дата }}", before=12)
    save_reproducibly(doc, path)


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
    rezip(buffer.getvalue(), path)


TEMPLATES: dict[str, Callable[[Path], None]] = {
    "благодарственное_письмо.docx": letter_of_thanks,
    "грамота.docx": certificate,
    "пример_данных_для_писем.xlsx": sample_data,
}


def main(argv: list[str] | None = None) -> int:
    return make_templates(__doc__, TEMPLATES, argv)


if __name__ == "__main__":
    sys.exit(main())
