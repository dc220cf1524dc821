"""Mail merge says it right: a template writing its own «!» after the salutation gets one, Word's date pictures
in MERGEFIELD switches are honoured, and one «Должность» column gives the dative («Кому») by itself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cli_helpers import run_cli
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from toolkit.base.grammar import decline_position
from toolkit.documents.mergefields import word_date

ROWS = [["ФИО", "Пол", "Должность", "Дата"],
        ["Иванов Иван Иванович", "м", "заместитель директора по ВР", dt.date(2026, 9, 1)],
        ["Петрова Анна Сергеевна", "ж", "учитель математики", dt.date(2026, 11, 23)]]


def _data(path: Path) -> Path:
    wb = openpyxl.Workbook()
    for row in ROWS:
        wb.active.append(row)
    wb.save(path)
    return path


def _texts(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.text]


def _field(paragraph: Any, name: str, switches: str = "") -> None:
    instr = f" MERGEFIELD {name} {switches} \\* MERGEFORMAT ".replace('"', "&quot;")
    paragraph._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="{instr}">'
                                  f"<w:r><w:t>«{name}»</w:t></w:r></w:fldSimple>"))


def test_jinja_salutation_followed_by_the_templates_own_exclamation(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    document = Document()
    paragraph = document.add_paragraph("{{ ФИО|уважаемый }}")
    paragraph.add_run("!")  # in a run of its own, as Word often splits text
    document.add_paragraph("{{ ФИО|уважаемый }}!")
    document.add_paragraph("Кому: {{ Должность|дательный }}")
    document.save(str(tmp_path / "письмо.docx"))
    code, out, err = run_cli(["merge", str(tmp_path / "письмо.docx"), str(_data(tmp_path / "d.xlsx")), "--out",
                              str(tmp_path / "out")], capsys)
    assert code == 0, out + err
    assert _texts(tmp_path / "out" / "Иванов Иван Иванович.docx") == [
        "Уважаемый Иван Иванович!", "Уважаемый Иван Иванович!", "Кому: заместителю директора по ВР"]


def test_mergefield_pictures_exclamation_and_position(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = Document()
    paragraph = document.add_paragraph()
    _field(paragraph, "ФИО_уважаемый")
    paragraph.add_run("!")
    _field(document.add_paragraph("Дата: "), "Дата", '\\@ "d MMMM yyyy"')
    _field(document.add_paragraph("Кому: "), "Должность_дательный")
    document.save(str(tmp_path / "рассылка.docx"))
    code, out, err = run_cli(["merge", str(tmp_path / "рассылка.docx"), str(_data(tmp_path / "d.xlsx")), "--out",
                              str(tmp_path / "out")], capsys)
    assert code == 0, out + err
    texts = _texts(tmp_path / "out" / "Петрова Анна Сергеевна.docx")
    assert texts == ["Уважаемая Анна Сергеевна!", "Дата: 23 ноября 2026", "Кому: учителю математики"]


def test_word_date_pictures() -> None:
    day = dt.date(2026, 9, 1)
    assert word_date(day, "d MMMM yyyy") == "1 сентября 2026"
    assert word_date(day, "dd.MM.yyyy") == "01.09.2026"
    assert word_date(day, "MMMM yyyy") == "сентябрь 2026"
    assert word_date(day, "d MMMM yyyy 'г.'") == "1 сентября 2026 г."


@pytest.mark.parametrize(("typed", "dative"), [
    ("заместитель директора по ВР", "заместителю директора по ВР"),
    ("Учитель математики", "Учителю математики"),
    ("старший методист", "старшему методисту"),
    ("педагог-психолог", "педагогу-психологу"),
    ("Глава администрации Железнодорожного округа", "Главе администрации Железнодорожного округа"),
])
def test_position_dative_keeps_the_case_typed(typed: str, dative: str) -> None:
    assert decline_position(typed) == dative
