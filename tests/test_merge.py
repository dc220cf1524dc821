"""`nastavnik merge`: mail merge for admin staff from xlsx / CSV data (toolkit.documents.merge + the command line).

Templates and data are built in the tests with python-docx and openpyxl; the documents are read back
with python-docx.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from toolkit.cli import main
from toolkit.documents import merge
from toolkit.documents import pdf as office
from toolkit.documents.rendering import template_fields

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "doc_templates"
TRICKY = 'ООО «Ромашка» & Co <b>жирный</b> "кавычки" \'апостроф\''
HEADER = ["ФИО", "Пол", "Кому", "Организация", "Дата"]
ROWS: list[list[object]] = [
    ["Иванов Иван Иванович", "м", "ученику 9 «Б» класса", TRICKY, dt.date(2026, 11, 22)],
    ["Петрова Анна Сергеевна", "ж", "учителю математики", "МАОУ «СШ № 5»", dt.date(2026, 11, 23)],
    # «Саша» is either: only the «Пол» column makes it «Дорогая Саша!» / «Шевченко Саше»
    ["Шевченко Саша", "ж", "ученице 7 «А» класса", "—", dt.date(2026, 11, 24)],
]


# --- helpers -----------------------------------------------------------------------------------


def run(args: list[Any], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
        raise SystemExit(0)
    out = capsys.readouterr()
    code = exc.value.code if isinstance(exc.value.code, int) else 0
    assert "Traceback" not in out.out + out.err
    return code, out.out, out.err


def make_template(path: Path, *paragraphs: str) -> Path:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def letter(path: Path) -> Path:
    return make_template(
        path,
        "{{ ФИО|уважаемый }}",
        "{{ Организация }} выражает благодарность {{ ФИО|дательный }}, {{ Кому }}.",
        "Подписано {{ Дата|дата }}, {{ Дата }}.",
    )


def make_xlsx(path: Path, rows: list[list[object]], header: list[str] | None = None, *,
              lead: int = 0) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for _ in range(lead):
        sheet.append([])
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def texts(path: Path) -> list[str]:
    document = Document(str(path))
    found = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            found += [cell.text for cell in row.cells if cell.text.strip()]
    return found


def all_text(path: Path) -> str:
    return "\n".join(texts(path))


def page_breaks(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8").count('<w:br w:type="page"/>')


def everything_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# --- merge from xlsx and CSV -----------------------------------------------------------------------


def test_xlsx_separate_files_declined_by_gender_and_escaped(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    template = letter(tmp_path / "письмо.docx")
    data = make_xlsx(tmp_path / "данные.xlsx", ROWS)
    code, out, err = run(["merge", template, data, "--out", tmp_path / "Письма"], capsys)
    assert code == 0, out + err
    assert "Готово: документов 3" in out
    folder = tmp_path / "Письма"
    assert everything_under(folder) == ["Иванов Иван Иванович.docx", "Петрова Анна Сергеевна.docx",
                                        "Шевченко Саша.docx"]
    assert texts(folder / "Иванов Иван Иванович.docx") == [
        "Уважаемый Иван Иванович!",
        f"{TRICKY} выражает благодарность Иванову Ивану Ивановичу, ученику 9 «Б» класса.",
        "Подписано 22 ноября 2026 г., 22.11.2026.",  # a date cell stays a date
    ]
    anna = texts(folder / "Петрова Анна Сергеевна.docx")
    assert anna[0] == "Уважаемая Анна Сергеевна!"
    assert "благодарность Петровой Анне Сергеевне, учителю математики." in anna[1]
    assert "МАОУ «СШ №\u00a05»" in anna[1]  # a non-breaking space after «№» in placed text
    sasha = texts(folder / "Шевченко Саша.docx")
    assert sasha[:2] == ["Дорогая Саша!", "— выражает благодарность Шевченко Саше, ученице 7 «А» класса."]
    for path in folder.iterdir():
        assert "{{" not in all_text(path) and "{%" not in all_text(path)


def test_cp1251_csv_with_semicolons(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = letter(tmp_path / "письмо.docx")
    lines = ["ФИО;Пол;Кому;Организация;Дата",
             'Петрова Анна Сергеевна;ж;учителю математики;"ООО «Ёлка» & <Ко> ""Лес""";23.11.2026',
             "Толстой Лев;;;Школа;01.09.2026"]
    data = tmp_path / "выгрузка.csv"
    data.write_bytes("\r\n".join(lines).encode("cp1251"))
    code, out, err = run(["merge", template, data, "--out", tmp_path / "out", "--single"], capsys)
    assert code == 0, out + err
    result = texts(tmp_path / "out" / "письмо.docx")
    assert result[:3] == [
        "Уважаемая Анна Сергеевна!",
        'ООО «Ёлка» & <Ко> "Лес" выражает благодарность Петровой Анне Сергеевне, учителю математики.',
        "Подписано 23 ноября 2026 г., 23.11.2026.",
    ]
    assert "Школа выражает благодарность Толстому Льву, ." in result[4]
    assert "[предупреждение]" in out and "Строка 3" in out  # the empty «Кому» of row 3 is a warning


def test_single_file_has_a_page_break_between_recipients(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    template = letter(tmp_path / "письмо.docx")
    data = make_xlsx(tmp_path / "данные.xlsx", ROWS)
    code, out, _ = run(["merge", template, data, "--out", tmp_path / "Печать", "--single"], capsys)
    assert code == 0
    assert everything_under(tmp_path / "Печать") == ["письмо.docx"]
    single = tmp_path / "Печать" / "письмо.docx"
    assert page_breaks(single) == len(ROWS) - 1
    text = all_text(single)
    assert text.count("выражает благодарность") == 3
    assert "Уважаемая Анна Сергеевна!" in text and "Иванову Ивану Ивановичу" in text


def test_file_names_are_safe_and_stay_in_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = make_template(tmp_path / "t.docx", "{{ ФИО }}")
    rows: list[list[object]] = [["../CON", "м"], ["..\\..\\Иванов: Иван?", "м"], ["Иванов Иван", "м"],
                                ["иванов иван", "м"], ["/etc/passwd", "м"]]
    data = make_xlsx(tmp_path / "d.xlsx", rows, ["ФИО", "Пол"])
    (tmp_path / "out").mkdir()
    code, out, _ = run(["merge", template, data, "--out", tmp_path / "out"], capsys)
    assert code == 0
    names = ["_CON.docx", "Иванов Иван.docx", "Иванов Иван (2).docx", "иванов иван (3).docx", "etc passwd.docx"]
    assert everything_under(tmp_path / "out") == sorted(names)
    assert everything_under(tmp_path) == sorted(["d.xlsx", "t.docx", "out", *(f"out/{n}" for n in names)])
    assert "уже есть" in out  # the duplicate is a warning, not a silent overwrite
    assert texts(tmp_path / "out" / "_CON.docx") == ["../CON"]


def test_name_column_option_and_numbered_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = make_template(tmp_path / "t.docx", "{{ Получатель_письма|дательный }}")
    data = make_xlsx(tmp_path / "d.xlsx", [["Сидоров Пётр", "м", "П-1"], ["Кузнецова Ольга", "ж", "П-2"]],
                     ["Получатель письма", "Пол", "Код"])
    code, _, _ = run(["merge", template, data, "--out", tmp_path / "по коду", "--name-column", "код"], capsys)
    assert code == 0
    assert everything_under(tmp_path / "по коду") == ["П-1.docx", "П-2.docx"]
    assert texts(tmp_path / "по коду" / "П-2.docx") == ["Кузнецовой Ольге"]
    code, _, _ = run(["merge", template, data, "--out", tmp_path / "по номеру"], capsys)
    assert code == 0  # no «ФИО» column: files are named by the spreadsheet row
    assert everything_under(tmp_path / "по номеру") == ["Строка 2.docx", "Строка 3.docx"]
    code, out, _ = run(["merge", template, data, "--out", tmp_path / "нет", "--name-column", "Класс"], capsys)
    assert code == 1
    assert "нет столбца «Класс», указанного в --name-column" in out and "«Код»" in out
    assert not (tmp_path / "нет").exists()


# --- pre-flight ------------------------------------------------------------------------------------


def test_all_problems_listed_with_rows_before_anything_is_written(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    template = make_template(tmp_path / "t.docx", "{{ ФИО|уважаемый }} {{ Должность }}", "{{ ФИО|винительныйй }}",
                             "{{ Дата|дата }}")
    rows: list[list[object]] = [
        ["Иванов Иван Иванович", "м", "x", "y", dt.date(2026, 9, 1)],
        [],  # a blank line between recipients is skipped, not an error
        ["", "ж", "x", "y", dt.date(2026, 9, 1)],
        ["Петров Пётр", "м", "x", "y", "вчера"],
    ]
    data = make_xlsx(tmp_path / "d.xlsx", rows, lead=1)  # the header is the first non-empty row: row 2
    out_dir = tmp_path / "out"
    code, out, _ = run(["merge", template, data, "--out", out_dir], capsys)
    assert code == 1
    assert not out_dir.exists()
    assert "неизвестный фильтр «винительныйй»" in out
    assert "поле «Должность», но в данных «d.xlsx» нет такого столбца" in out
    assert "ячейка A5, поле «ФИО»: Строка 5: не заполнен столбец «ФИО»" in out
    assert "ячейка E6, поле «Дата»: Строка 6: в столбце «Дата» не дата: «вчера»" in out
    assert "Строка 4" not in out
    assert "Всего: ошибок 4" in out and "Документы не созданы" in out


def test_check_of_a_good_template_lists_data_problems_only(tmp_path: Path) -> None:
    template = letter(tmp_path / "t.docx")
    rows: list[list[object]] = [[*ROWS[0]], ["Петрова Анна", "ж", "x", "y", "32.13.2026"], [None] * 5,
                                ["", "ж", "x", "y", dt.date(2026, 1, 1)]]
    plan = merge.plan_merge(template, make_xlsx(tmp_path / "d.xlsx", rows))
    assert [(p.cell, p.code) for p in plan.report.errors] == [("E3", "doc-merge-date-bad"),
                                                             ("A5", "doc-name-empty")]
    assert [n for n, _ in plan.data.records()] == [2, 3, 5]
    with pytest.raises(Exception, match="документы не созданы"):
        merge.run_merge(plan, tmp_path / "out")


@pytest.mark.parametrize("single", [False, True])
def test_rendering_errors_of_every_row_with_their_numbers(tmp_path: Path, single: bool,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    template = make_template(tmp_path / "t.docx", "{{ ФИО }}: {{ Баллы / Занятий }}")
    rows: list[list[object]] = [["Иванов Иван", 9, 3], [], ["Петров Пётр", 5, 0], ["Сидоров Олег", 1, 0]]
    data = make_xlsx(tmp_path / "d.xlsx", rows, ["ФИО", "Баллы", "Занятий"])
    args = ["merge", template, data, "--out", tmp_path / "out", *(["--single"] if single else [])]
    code, out, _ = run(args, capsys)
    assert code == 1
    assert re.findall(r"Строка (\d+): документ не удалось заполнить", out) == ["4", "5"]
    assert not (tmp_path / "out").exists()


def test_columns_keep_their_sheet_letters(tmp_path: Path) -> None:
    """A table that starts in column B, with an unnamed column: cells are reported as the sheet shows them."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B3"], sheet["D3"], sheet["E3"] = "ФИО", "Пол", "ФИО"
    sheet["B4"], sheet["C4"], sheet["D4"] = "Иванов Иван", "заметка", "м"
    sheet["D5"] = "ж"
    workbook.save(tmp_path / "d.xlsx")
    plan = merge.plan_merge(make_template(tmp_path / "t.docx", "{{ ФИО }}"), tmp_path / "d.xlsx")
    assert plan.data.columns == ["ФИО", "Пол"]
    assert [(p.cell, p.code) for p in plan.report.errors] == [("E3", "doc-merge-header-duplicate"),
                                                             ("B5", "doc-name-empty")]


@pytest.mark.parametrize("field", ["ФИО.__class__.__mro__", "cycler.__init__.__globals__",
                                   "ФИО|attr('__class__')"])
def test_template_that_runs_code_is_refused(tmp_path: Path, field: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    template = make_template(tmp_path / "t.docx", "{{ " + field + " }}")
    data = make_xlsx(tmp_path / "d.xlsx", ROWS)
    code, out, err = run(["merge", template, data, "--out", tmp_path / "out"], capsys)
    assert code in (1, 2)
    assert re.search("программный код|небезопасн|не удалось заполнить", out + err), out + err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_unusable_inputs_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = letter(tmp_path / "t.docx")
    data = make_xlsx(tmp_path / "d.xlsx", ROWS)
    fake = tmp_path / "поддельный.docx"
    fake.write_bytes(data.read_bytes())
    (tmp_path / "пусто.csv").write_bytes(b"\r\n;;\r\n")
    cases = [
        ([tmp_path / "нет.docx", data], "Шаблон «"),
        ([template, tmp_path / "нет.xlsx"], "не найден"),
        ([data, template], "Порядок аргументов"),
        ([template, template], "документ Word, а не таблица"),
        ([fake, data], "не открывается как документ Word"),
        ([template, tmp_path / "пусто.csv"], "таблица пустая"),
    ]
    for args, message in cases:
        code, out, err = run(["merge", *args, "--out", tmp_path / "out"], capsys)
        assert code == 2, (args, out, err)
        assert message in out + err, (args, out, err)
    assert not (tmp_path / "out").exists()


def test_header_only_table_is_a_data_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["merge", letter(tmp_path / "t.docx"), make_xlsx(tmp_path / "d.xlsx", []), "--out",
                        tmp_path / "out"], capsys)
    assert code == 1
    assert "нет ни одной строки" in out


# --- MERGEFIELD templates --------------------------------------------------------------------------


def _mergefield(paragraph: Any, name: str) -> None:
    paragraph._p.append(parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=" MERGEFIELD {name} \\* MERGEFORMAT ">'
        f"<w:r><w:t>«{name}»</w:t></w:r></w:fldSimple>"))


def test_word_mergefield_template_with_declined_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = Document()
    _mergefield(document.add_paragraph(), "ФИО_уважаемый")
    paragraph = document.add_paragraph("Выражаем благодарность ")
    _mergefield(paragraph, "ФИО_дательный")
    paragraph.add_run(", ")
    _mergefield(paragraph, "Кому")
    _mergefield(document.add_paragraph("Подпись: "), "ФИО_инициалы")
    document.save(str(tmp_path / "рассылка.docx"))
    data = make_xlsx(tmp_path / "d.xlsx", ROWS)
    code, out, err = run(["merge", tmp_path / "рассылка.docx", data, "--out", tmp_path / "out"], capsys)
    assert code == 0, out + err
    assert texts(tmp_path / "out" / "Петрова Анна Сергеевна.docx") == [
        "Уважаемая Анна Сергеевна!", "Выражаем благодарность Петровой Анне Сергеевне, учителю математики",
        "Подпись: А. С. Петрова"]
    code, _, _ = run(["merge", tmp_path / "рассылка.docx", data, "--out", tmp_path / "один", "--single"], capsys)
    assert code == 0
    single = tmp_path / "один" / "рассылка.docx"
    assert page_breaks(single) == 2
    assert "Выражаем благодарность Иванову Ивану Ивановичу, ученику 9 «Б» класса" in all_text(single)


# --- the award templates of doc_templates/ ---------------------------------------------------------


@pytest.mark.parametrize("name, expected", [
    ("благодарственное_письмо.docx", ["АДМИНИСТРАЦИЯ ЖЕЛЕЗНОДОРОЖНОГО ОКРУГА ГОРОДА ХАБАРОВСКА",
                                      "БЛАГОДАРСТВЕННОЕ ПИСЬМО", "Уважаемая Анна Сергеевна!",
                                      "Администрация Железнодорожного округа города Хабаровска выражает "
                                      "благодарность Петровой Анне Сергеевне, заместителю директора",
                                      "Глава администрации Железнодорожного округа", "А.\u00a0В.\u00a0Кузнецов",
                                      "25 мая 2026 г."]),
    ("грамота.docx", ["ГРАМОТА", "награждается", "Петрова Анна Сергеевна",
                      "заместитель директора по учебно-воспитательной работе МАОУ «СШ №\u00a05»",
                      "за организацию программы наставничества", "А.\u00a0В.\u00a0Кузнецов", "25 мая 2026 г."]),
])
def test_award_templates_with_the_sample_data(name: str, expected: list[str], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    sample = TEMPLATES / "пример_данных_для_писем.xlsx"
    code, out, err = run(["merge", TEMPLATES / name, sample, "--out", tmp_path / "out"], capsys)
    assert code == 0, out + err
    assert "предупреждение" not in out
    text = all_text(tmp_path / "out" / "Петрова Анна Сергеевна.docx")
    for part in expected:
        assert part in text, part
    assert "{" not in text
    students = all_text(tmp_path / "out" / "Сидоренко Максим.docx")
    assert ("Дорогой Максим!" in students) == (name == "благодарственное_письмо.docx")
    code, _, _ = run(["merge", TEMPLATES / name, sample, "--out", tmp_path / "печать", "--single"], capsys)
    assert code == 0 and page_breaks(tmp_path / "печать" / name) == 4


def test_award_templates_layout_and_script_reproducible(tmp_path: Path) -> None:
    for name in ("благодарственное_письмо.docx", "грамота.docx"):
        document = Document(str(TEMPLATES / name))
        section = document.sections[0]
        sizes = [section.page_width, section.page_height, section.left_margin, section.right_margin]
        assert [round(x.mm) if x is not None else None for x in sizes] == [210, 297, 30, 15]
        assert document.styles["Normal"].font.name == "Times New Roman"
        assert template_fields(TEMPLATES / name) >= {"Организация", "ФИО", "За_что", "Должность",
                                                            "Подписывает", "Дата"}
    script = ROOT / "scripts" / "make_award_templates.py"
    for out in ("a", "b"):
        subprocess.run([sys.executable, str(script), "--out", str(tmp_path / out)], check=True,
                       capture_output=True)
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name
        with zipfile.ZipFile(path) as fresh, zipfile.ZipFile(TEMPLATES / path.name) as shipped:
            assert fresh.namelist() == shipped.namelist()
            main_part = "word/document.xml" if path.suffix == ".docx" else "xl/sharedStrings.xml"
            assert fresh.read(main_part) == shipped.read(main_part), f"{path.name}: run the script again"


# --- the core: progress and PDF --------------------------------------------------------------------


def test_progress_is_reported(tmp_path: Path) -> None:
    template = letter(tmp_path / "t.docx")
    plan = merge.plan_merge(template, make_xlsx(tmp_path / "d.xlsx", ROWS * 20))
    assert not plan.report.errors
    seen: list[tuple[str, int, int | None]] = []
    result = merge.run_merge(plan, tmp_path / "out", progress=lambda *a: seen.append(a))
    assert len(result.documents) == 60
    assert ("Заполнение", 60, 60) in seen and ("Запись", 60, 60) in seen
    assert sorted(p.name for p in (tmp_path / "out").iterdir())[:2] == ["Иванов Иван Иванович (10).docx",
                                                                       "Иванов Иван Иванович (11).docx"]


@pytest.mark.libreoffice
@pytest.mark.skipif(office.find_soffice() is None or shutil.which("pdftotext") is None,
                    reason="нужны LibreOffice и pdftotext")
def test_pdf_in_one_libreoffice_batch(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    popen = subprocess.Popen

    def counting(command: list[str], *args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        calls.append(command)
        return popen(command, *args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(office.subprocess, "Popen", counting)
    template = letter(tmp_path / "письмо.docx")
    data = make_xlsx(tmp_path / "данные.xlsx", ROWS)
    code, out, err = run(["merge", template, data, "--out", tmp_path / "out", "--pdf"], capsys)
    assert code == 0, out + err
    assert len(calls) == 1 and "--convert-to" in calls[0]
    expected = {"Иванов Иван Иванович": "Иванову Ивану Ивановичу",
                "Петрова Анна Сергеевна": "Петровой Анне Сергеевне", "Шевченко Саша": "Дорогая Саша!"}
    for stem, phrase in expected.items():
        pdf = tmp_path / "out" / f"{stem}.pdf"
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
        assert phrase in " ".join(text.split())
    assert "PDF: 3" in out
