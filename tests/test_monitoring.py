"""The monitoring of the target model (book «07_Мониторинг»): written for every form with 1–10 dropdowns, rows
added by ``monitor`` without losing what was typed, values read back, cells flagged by ``check``, a forms export
read back by ``import``, the figures of «Мониторинг.xlsx» equal to those computed here from the book, the text
of the analytic справка, and the book re-saved by a real LibreOffice read back the same."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cli_helpers import run_cli_joined
from demo_helpers import Demos
from libreoffice_helpers import soffice
from test_docs import text_of

from toolkit import spec
from toolkit.base.problems import Report
from toolkit.checks.program import load_program
from toolkit.logic.monitoring import summarize
from toolkit.model.pairs import result_pairs
from toolkit.model.program import SURVEY_QUESTIONS_FILE, Program
from toolkit.stages.survey import monitoring_spec, prepare_monitoring_book

BOOK = "07_Мониторинг.xlsx"
INDICATORS = "Показатели на входе и выходе"
MENTOR = "Анкета наставника"
MENTEE = "Анкета наставляемого"
SWOT = "SWOT-анализ"
MONITOR = "Мониторинг.xlsx"


def sheet_dicts(path: Path, sheet: str) -> list[dict[str, Any]]:
    """The rows of a sheet as the curator sees them (header → value), read by openpyxl, not by the toolkit."""
    wb = openpyxl.load_workbook(path, data_only=True)
    rows = list(wb[sheet].iter_rows(values_only=True))
    header = [str(h) if h is not None else "" for h in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(v not in (None, "") for v in r)]


def set_cells(path: Path, sheet: str, changes: dict[str, Any]) -> None:
    """What a person does in an office suite: type values into cells (``{"F2": 11}``)."""
    wb = openpyxl.load_workbook(path)
    for cell, value in changes.items():
        wb[sheet][cell] = value
    wb.save(path)


def cell_of(path: Path, sheet: str, header: str, row: int) -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    first = next(wb[sheet].iter_rows(min_row=1, max_row=1, values_only=True))
    return f"{openpyxl.utils.get_column_letter(list(first).index(header) + 1)}{row}"


def mean(values: list[Any]) -> float | None:
    numbers = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return round(sum(numbers) / len(numbers), 2) if numbers else None


# --------------------------------------------------------------------------- every form


@pytest.mark.parametrize("form", sorted(spec.profiles()))
def test_every_form_gets_the_book_with_dropdowns_and_questions(form: str, tmp_path: Path) -> None:
    profile = spec.profiles()[form]
    program, created, _ = Program.create(tmp_path / "p", profile)
    path = tmp_path / "p" / BOOK
    assert path in created
    wb = openpyxl.load_workbook(path)
    assert [INDICATORS, MENTOR, MENTEE, SWOT] == [n for n in wb.sheetnames if n in (INDICATORS, MENTOR, MENTEE, SWOT)]
    ws = wb[MENTEE]
    headers = [c.value for c in ws[1]]
    real = openpyxl.utils.get_column_letter(headers.index("Реальная полезность программы (от 1 до 10)") + 1)
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list" and real in str(dv.sqref)]
    assert lists and lists[0].formula1 == '"1,2,3,4,5,6,7,8,9,10"'
    indicators = [c.value for c in wb[INDICATORS][1]]
    if profile.applies(["teacher"]):
        assert "Профессиональные дефициты: закрыто на выходе" in indicators and "Остаётся работать в школе" in indicators
        assert "Пропуски уроков за четверть: на входе" not in indicators
    else:
        assert "Средняя оценка по предметам запроса: на входе" in indicators
        assert "Вовлечённость в жизнь школы (от 1 до 10): на выходе" in indicators
        assert "Профессиональные дефициты: выявлено на входе" not in indicators
    instruction = " ".join(str(c.value) for row in wb["Инструкция"].iter_rows() for c in row if c.value)
    assert "собственные пункты программы «Наставник»" in instruction and "Р-145" in instruction
    questions = (tmp_path / "p" / SURVEY_QUESTIONS_FILE).read_text(encoding="utf-8")
    assert "Насколько полезной программа оказалась на деле? (1–10)" in questions
    assert "Шкала: от 1 до 10" in questions and "=== Анкета наставляемого" in questions
    report = Report()
    load_program(program, report)
    assert [p for p in report if p.book == "monitoring"] == []


# --------------------------------------------------------------------------- rows and read-back


def test_monitor_adds_rows_and_keeps_what_was_typed(demos: Demos, tmp_path: Path) -> None:
    root = demos.copy("student", tmp_path / "p")
    path = root / BOOK
    rows = sheet_dicts(path, MENTEE)
    cell = cell_of(path, MENTEE, "Что было особенно ценно", 2)
    set_cells(path, MENTEE, {cell: "Новый ответ: =1+1 и «ёлочки»"})
    program = Program.open(root)
    again = prepare_monitoring_book(program, Report(), backup=False)
    assert again.added == 0 and again.written  # the locked names refreshed, the typed answer kept
    assert sheet_dicts(path, MENTEE)[0]["Что было особенно ценно"] == "Новый ответ: =1+1 и «ёлочки»"
    third = prepare_monitoring_book(program, Report(), backup=False)
    assert not third.written  # nothing changed: the book is not rewritten
    data = load_program(program, Report())
    assert sorted(r["Код наставляемого"] for r in rows) == sorted(m for p in result_pairs(data) for m in p.mentees)
    assert sorted(r["Код наставника"] for r in sheet_dicts(path, MENTOR)) == sorted({p.mentor for p in result_pairs(data)})


@pytest.mark.parametrize("form", ["student", "teacher"])
def test_values_read_back_equal_the_cells(form: str, demos: Demos, tmp_path: Path) -> None:
    root = demos.copy(form, tmp_path / "p")
    data = load_program(Program.open(root), Report())
    raw = sheet_dicts(root / BOOK, MENTOR)
    read = [r.values for r in data.rows("monitoring", "mentor_survey")]
    assert len(raw) == len(read) > 1
    for cells, values in zip(raw, read, strict=True):
        assert values["mentor_id"] == cells["Код наставника"]
        assert values.get("real") == cells["Реальная полезность программы (от 1 до 10)"]
        assert values.get("go_on") == {"да": True, "нет": False, None: None}[cells["Хотел бы продолжить в программе"]]
    indicators = sheet_dicts(root / BOOK, INDICATORS)
    read_ind = [r.values for r in data.rows("monitoring", "indicators")]
    key = "deficits_closed" if form == "teacher" else "grade_out"
    header = ("Профессиональные дефициты: закрыто на выходе" if form == "teacher"
              else "Средняя оценка по предметам запроса: на выходе")
    assert [r.get(key) for r in read_ind] == [c[header] for c in indicators]


# --------------------------------------------------------------------------- check


def test_check_flags_the_cells(demos: Demos, tmp_path: Path) -> None:
    root = demos.copy("teacher", tmp_path / "p")
    path = root / BOOK
    real = cell_of(path, MENTOR, "Реальная полезность программы (от 1 до 10)", 2)
    set_cells(path, MENTOR, {real: 11})
    closed = cell_of(path, INDICATORS, "Профессиональные дефициты: закрыто на выходе", 2)
    found = cell_of(path, INDICATORS, "Профессиональные дефициты: выявлено на входе", 2)
    exit_date = cell_of(path, INDICATORS, "Дата замера на выходе", 2)
    lessons_in = cell_of(path, INDICATORS, "Открытые уроки за прошлый год: на входе", 3)
    import datetime as dt

    set_cells(path, INDICATORS, {found: 2, closed: 5, exit_date: dt.datetime(2026, 8, 1), lessons_in: None})
    set_cells(path, SWOT, {"B12": "Пункт без раздела"})
    report = Report()
    load_program(Program.open(root), report)
    got = {(p.code, p.sheet, p.cell) for p in report if p.book == "monitoring"}
    assert ("number-out-of-range", MENTOR, real) in got
    assert ("monitoring-deficits-closed", INDICATORS, closed) in got
    assert ("monitoring-dates", INDICATORS, exit_date) in got
    assert ("monitoring-exit-without-entry", INDICATORS, lessons_in) in got
    assert ("required-missing", SWOT, "A12") in got
    message = next(p.message for p in report if p.code == "monitoring-deficits-closed")
    assert "Закрыто дефицитов (5) больше, чем выявлено на входе (2)" in message


def test_check_exit_code_and_message(demos: Demos, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = demos.copy("student", tmp_path / "p")
    path = root / BOOK
    grade = cell_of(path, INDICATORS, "Средняя оценка по предметам запроса: на входе", 2)
    set_cells(path, INDICATORS, {grade: "хорошо"})
    code, out = run_cli_joined(["check", str(root)], capsys)
    assert code == 1
    assert BOOK in out and INDICATORS in out and grade in out


# --------------------------------------------------------------------------- forms export → import


def test_forms_export_read_back_by_import(demos: Demos, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = demos.copy("student", tmp_path / "p")
    program = Program.open(root)
    sheets = {s.key: s for s in monitoring_spec(program).sheets}
    q = {c.key: c.question for c in sheets["mentee_survey"].columns if c.question}
    data = load_program(program, Report())
    mentees = [r.values for r in data.rows("monitoring", "mentee_survey")]
    first, second = mentees[0]["mentee_id"], mentees[1]
    header = ["Время создания", q["mentee_id"], q["expected"], q["real"], q["go_on"], q["frequency"], "Лишний вопрос"]
    rows = [
        header,
        ["2027-05-21 10:00:00", first.lower().replace("-", " "), "9", "10", "Да", "Раз в месяц", "x"],
        ["2027-05-21 11:00:00", second["mentee_name"], "4", "11", "Нет", "", ""],
        ["2027-05-21 12:00:00", "Неизвестный Участник", "5", "5", "Да", "", ""],
        ["2027-05-21 13:00:00", "", "5", "5", "Да", "", ""],
    ]
    export = tmp_path / "ответы.csv"
    with export.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    code, out = run_cli_joined(["import", str(root), str(export)], capsys)
    assert code == 1, out
    assert "Анкеты мониторинга загружены" in out and "наставляемые — 2" in out and "не загружено строк: 2" in out
    assert "«Лишний вопрос»" in out and "Неизвестный Участник" in out
    read = {r.values["mentee_id"]: r.values for r in load_program(program, Report()).rows("monitoring", "mentee_survey")}
    assert read[first]["expected"] == 9 and read[first]["real"] == 10 and read[first]["go_on"] is True
    assert read[first]["frequency"] == "Раз в месяц" and str(read[first]["date"]) == "2027-05-21"
    assert read[second["mentee_id"]]["expected"] == 4
    assert read[second["mentee_id"]]["real"] == second.get("real")  # «11» refused, the old answer kept


def test_the_desk_takes_a_questionnaire_export_as_import_does(demos: Demos, tmp_path: Path) -> None:
    """The curator uploads the questionnaire export on the desk's import page (the only way in without a
    terminal): the answers go into «07_Мониторинг», not into the registry as applications."""
    from desk_helpers import Desk
    from desk_helpers import text_of as page_text

    root = demos.copy("student", tmp_path / "дом" / "p")
    program = Program.open(root)
    q = {c.key: c.question for c in {s.key: s for s in monitoring_spec(program).sheets}["mentee_survey"].columns
         if c.question}
    mentees = [r.values for r in load_program(program, Report()).rows("monitoring", "mentee_survey")]
    code = mentees[0]["mentee_id"]
    rows = [["Время создания", q["mentee_id"], q["expected"], q["real"], q["go_on"]],
            ["2027-05-21 10:00:00", code, "9", "10", "Да"]]
    export = tmp_path / "ответы.csv"
    with export.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)
    registry = (root / "02_Заявки.xlsx").read_bytes()
    desk = Desk(tmp_path / "дом", tmp_path / "desk.json")
    pid = desk.add(root)
    response = desk.client.post(f"/p/{pid}/upload/forms", data={"csrf": desk.csrf},
                                files=[("files", ("Анкеты наставляемых.csv", export.read_bytes(), "text/csv"))])
    text = page_text(response.text)
    assert "Анкеты мониторинга загружены" in text and "наставляемые — 1" in text, text[:2000]
    assert "07_Мониторинг" in text  # the book changed is offered to open
    read = {r.values["mentee_id"]: r.values for r in load_program(program, Report()).rows("monitoring", "mentee_survey")}
    assert read[code]["expected"] == 9 and read[code]["real"] == 10 and read[code]["go_on"] is True
    assert (root / "02_Заявки.xlsx").read_bytes() == registry  # not taken for applications


def _mentee_export(demos: Demos, tmp_path: Path, rows: list[list[str]], *, timed: bool = True
                   ) -> tuple[Path, Path, dict[str, str], list[dict[str, Any]]]:
    """A demo program and a forms export of its mentee questionnaire (``rows``: [time of answer, who, expected,
    real, go on, frequency]; without the time and its column when not ``timed``), in which ``{0}``, ``{1}``… stand for the
    codes of the mentees of the book, ``{m}``/``{f}`` for the first boy/girl, ``{u}`` for a girl in no pair; the
    registry's genders by code."""
    root = demos.copy("student", tmp_path / "p")
    program = Program.open(root)
    q = {c.key: c.question for c in {s.key: s for s in monitoring_spec(program).sheets}["mentee_survey"].columns
         if c.question}
    data = load_program(program, Report())
    mentees = [r.values for r in data.rows("monitoring", "mentee_survey")]
    codes = [m["mentee_id"] for m in mentees]
    genders = {pid: str(p.values.get("gender") or "") for pid, p in data.participants.items()}
    by_gender = {g: next(c for c in codes if genders[c] == g) for g in ("м", "ж")}
    unpaired = next(pid for pid, p in data.participants.items()
                    if p.role == "mentee" and pid not in codes and genders[pid] == "ж")
    header = ["Время создания"] * timed + [q["mentee_id"], q["expected"], q["real"], q["go_on"], q["frequency"]]
    table = [header] + [[cell.format(*codes, m=by_gender["м"], f=by_gender["ж"], u=unpaired) for cell in row]
                        for row in rows]
    export = tmp_path / "ответы наставляемых.csv"
    with export.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows(table)
    return root, export, genders, mentees


def _answers(root: Path) -> dict[str, dict[str, Any]]:
    data = load_program(Program.open(root), Report())
    return {r.values["mentee_id"]: r.values for r in data.rows("monitoring", "mentee_survey")}


def test_person_who_answered_twice_is_told_and_the_latest_answer_used(
        demos: Demos, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, export, genders, mentees = _mentee_export(demos, tmp_path, [
        ["2027-05-21 10:00:00", "{0}", "3", "4", "Да", "Раз в месяц"],  # row 2: the first answer of {0}
        ["2027-05-21 10:30:00", "{1}", "7", "7", "Да", ""],
        ["2027-05-21 11:00:00", "{2}", "6", "6", "Да", ""],
        ["2027-05-22 09:15:00", "{2}", "6", "6", "Да", ""],  # the same answers sent again: nothing to choose
        ["2027-05-21 12:00:00", "{0}", "9", "10", "Нет", ""],  # row 6: the latest answer of {0}
    ])
    first = mentees[0]["mentee_id"]
    code, out = run_cli_joined(["import", str(root), str(export)], capsys)
    assert code == 0, out  # a warning, as every warning of import: the command did its work
    assert "наставляемые — 3" in out and "повторных ответов: 2 (загружен последний ответ каждого)" in out
    told = [line for line in out.splitlines() if "на анкету" in line]
    assert len(told) == 1, out  # {2} sent the same answers twice: not worth a word
    answered = "ответила" if genders[first] == "ж" else "ответил"
    assert f"Строки 2 и 6: {mentees[0]['mentee_name']} ({first}) {answered} на анкету дважды." in told[0]
    assert ("Загружен ответ из строки 6: эта строка последняя по времени ответа («Время создания»: "
            "21.05.2027 12:00)") in told[0]
    whose = "её" if genders[first] == "ж" else "его"
    assert (f"удалите из выгрузки строку 6, очистите {whose} ответы на листе «Анкета наставляемого» книги "
            "«07_Мониторинг» (иначе там, где другой ответ пуст, останутся ответы из строки 6) и загрузите выгрузку "
            "снова.") in told[0]
    assert "ответы наставляемых.csv" in out.split(told[0])[0]  # under the name of the file
    assert first not in out.replace(told[0], "")
    read = _answers(root)[first]
    assert (read["expected"], read["real"], read["go_on"], str(read["date"])) == (9, 10, False, "2027-05-21")
    # the earlier answer is not mixed in: its frequency is not where the latest answer left it empty
    assert read["frequency"] == mentees[0].get("frequency") and read["frequency"] != "Раз в месяц"


def test_taking_the_other_answer_as_the_warning_says_gives_exactly_that_answer(
        demos: Demos, tmp_path: Path) -> None:
    """The curator who wants the other answer does what the warning says — deletes the row it names from the
    export, clears the person's answers on the sheet it names, imports again — and the book holds that answer
    and nothing of the one loaded first (an empty answer erases nothing, so without clearing they would mix)."""
    from toolkit.stages.survey import import_survey

    root, export, _, mentees = _mentee_export(demos, tmp_path, [
        ["2027-05-21 10:00:00", "{0}", "3", "4", "Да", ""],  # row 2: the answer the curator wants
        ["2027-05-21 12:00:00", "{0}", "9", "10", "Нет", "Раз в месяц"],  # row 3: loaded, as the latest
    ])
    first = mentees[0]["mentee_id"]
    report = Report()
    import_survey(Program.open(root), export, report)
    told = next(p for p in report if p.code == "monitoring-survey-duplicate")
    assert _answers(root)[first]["frequency"] == "Раз в месяц"
    drop = re.search(r"удалите из выгрузки строку (\d+), очистите \w+ ответы на листе «([^»]+)» книги «([^»]+)»",
                     told.message)
    assert drop is not None, told.message
    with export.open(encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f, delimiter=";"))
    del lines[int(drop.group(1)) - 1]
    with export.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows(lines)
    book_path = root / f"{drop.group(3)}.xlsx"
    book = openpyxl.load_workbook(book_path)
    sheet = book[drop.group(2)]
    spec_sheet = {s.name: s for s in monitoring_spec(Program.open(root)).sheets}[drop.group(2)]
    headers = {c.value: c.column for c in sheet[1]}
    answers = [headers[c.header] for c in spec_sheet.columns if c.question and c.key != "mentee_id"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[headers[spec_sheet.columns[0].header] - 1].value == first)
    for column in answers:  # the curator selects the person's answers and presses Delete
        sheet.cell(row[0].row, column).value = None
    book.save(book_path)

    again = Report()
    import_survey(Program.open(root), export, again)
    assert not [p for p in again if p.code == "monitoring-survey-duplicate"]
    read = _answers(root)[first]
    assert (read["expected"], read["real"], read["go_on"], read["frequency"]) == (3, 4, True, None)


def test_answers_agree_with_the_gender_of_the_registry(demos: Demos, tmp_path: Path) -> None:
    from toolkit.stages.survey import import_survey

    root, export, genders, _ = _mentee_export(demos, tmp_path, [
        ["{m}", "2", "5", "Да", ""], ["{m}", "3", "5", "Да", ""], ["{f}", "2", "5", "Да", ""],
        ["{f}", "4", "5", "Да", ""], ["{f}", "3", "5", "Да", ""], ["{u}", "5", "5", "Да", ""]], timed=False)
    report = Report()
    import_survey(Program.open(root), export, report)
    told = {genders[str(p.params["id"])]: p for p in report if p.code == "monitoring-survey-duplicate"}
    assert set(told) == {"м", "ж"} and len(report.problems) == 3
    refused = next(p for p in report if p.code == "monitoring-survey-not-in-pair")
    assert "не состоит в закреплённой паре — её анкеты нет" in refused.message and refused.cell == "A7"
    boy, girl = told["м"], told["ж"]
    assert " ответил на анкету дважды." in boy.message and boy.message.startswith("Строки 2 и 3: ")
    assert "Загружен ответ из строки 3: в выгрузке нет времени ответа, а эта строка ниже." in boy.message
    assert boy.severity == "warning" and boy.file == export.name and boy.cell == "A3"
    assert " ответила на анкету 3 раза." in girl.message and girl.message.startswith("Строки 4, 5 и 6: ")
    assert "удалите из выгрузки строку 6 и другие ненужные (оставьте одну нужную), очистите её ответы " in girl.message
    assert ", очистите его ответы " in boy.message
    answers = _answers(root)
    assert answers[str(boy.params["id"])]["expected"] == 3 and answers[str(girl.params["id"])]["expected"] == 3


def test_an_empty_answer_sent_last_is_told_on_every_import(demos: Demos, tmp_path: Path) -> None:
    from toolkit.stages.survey import import_survey

    root, export, _, mentees = _mentee_export(demos, tmp_path, [
        ["2027-05-21 10:00:00", "{0}", "8", "9", "Да", ""], ["2027-05-21 11:00:00", "{0}", "", "", "", ""]])
    for _ in range(2):  # the book is left as it was: the filled answer would be lost without a word
        report = Report()
        import_survey(Program.open(root), export, report)
        assert [p.code for p in report] == ["monitoring-survey-duplicate"]
        assert "Загружен ответ из строки 3" in report.problems[0].message
    assert _answers(root)[mentees[0]["mentee_id"]]["expected"] == mentees[0].get("expected")


def test_the_time_of_answer_wins_over_the_order_of_rows(demos: Demos, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    root, export, _, mentees = _mentee_export(demos, tmp_path, [
        ["21.05.2027 12:00:00", "{0}", "8", "9", "Да", ""],  # row 2, sent last
        [""] * 6,  # a blank row keeps the numbers of the rows below as the curator sees them
        ["21.05.2027 09:05:00", "{0}", "2", "3", "Нет", ""],  # row 4, sent first
    ])
    first = mentees[0]["mentee_id"]
    code, out = run_cli_joined(["import", str(root), str(export)], capsys)
    assert code == 0, out
    assert "Строки 2 и 4: " in out
    assert "Загружен ответ из строки 2: эта строка последняя по времени ответа («Время создания»: 21.05.2027 12:00)" in out
    assert "удалите из выгрузки строку 2, очистите его ответы на листе «Анкета наставляемого»" in out
    read = _answers(root)[first]
    assert (read["expected"], read["real"], read["go_on"]) == (8, 9, True)


def test_an_export_imported_again_says_nothing_and_changes_nothing(demos: Demos, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root, export, _, mentees = _mentee_export(demos, tmp_path, [
        ["2027-05-21 10:00:00", "{0}", "3", "4", "Да", ""],
        ["2027-05-21 10:30:00", "{1}", "7", "7", "Да", ""],
        ["2027-05-21 12:00:00", "{0}", "9", "10", "Нет", ""],
    ])
    code, out = run_cli_joined(["import", str(root), str(export)], capsys)
    assert code == 0 and "Строки 2 и 4: " in out, out
    backups = sorted((root / "Резервные копии").rglob("*"))
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    code, out = run_cli_joined(["import", str(root), str(export)], capsys)
    assert code == 0, out
    assert "на анкету" not in out and "[предупреждение]" not in out and "Прежняя версия книги" not in out, out
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    assert sorted((root / "Резервные копии").rglob("*")) == backups
    # the curator wants the other answer: deletes the row used and imports again
    with export.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    with export.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows[:3])
    code, out = run_cli_joined(["import", str(root), str(export)], capsys)
    assert code == 0 and "на анкету" not in out, out
    read = _answers(root)[mentees[0]["mentee_id"]]
    assert (read["expected"], read["real"], read["go_on"]) == (3, 4, True)


# --------------------------------------------------------------------------- Мониторинг.xlsx


@pytest.mark.parametrize("form", ["student", "teacher"])
def test_monitoring_workbook_figures_equal_the_book(form: str, demos: Demos, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = demos.copy(form, tmp_path / "p")
    code, out = run_cli_joined(["monitor", str(root), "--date", "27.05.2027"], capsys)
    assert code in (0, 1), out
    mentors = [r for r in sheet_dicts(root / BOOK, MENTOR) if r.get("Дата анкетирования")]
    mentees = [r for r in sheet_dicts(root / BOOK, MENTEE) if r.get("Дата анкетирования")]
    wb = openpyxl.load_workbook(root / MONITOR, data_only=True)
    rows = [list(r) for r in wb["Анкеты и рост"].iter_rows(values_only=True)]
    by_label = {r[0]: r for r in rows if r and isinstance(r[0], str)}
    real = by_label["Реальная полезность программы"]
    assert real[1] == mean([r["Реальная полезность программы (от 1 до 10)"] for r in mentors])
    assert real[2] == mean([r["Реальная полезность программы (от 1 до 10)"] for r in mentees])
    assert real[3] == len(mentors) and real[4] == len(mentees)
    assert f"наставников {len(mentors)} из" in out
    indicators = sheet_dicts(root / BOOK, INDICATORS)
    if form == "teacher":
        both = [r for r in indicators if r.get("Открытые уроки за программу: на выходе") is not None]
        line = by_label["Открытые уроки"]
        assert line[1] == mean([r["Открытые уроки за прошлый год: на входе"] for r in both])
        assert line[2] == mean([r["Открытые уроки за программу: на выходе"] for r in both])
        open_in = [r["Профессиональные дефициты: выявлено на входе"] for r in both]
        open_out = [r["Профессиональные дефициты: выявлено на входе"] - r["Профессиональные дефициты: закрыто на выходе"]
                    for r in both]
        deficits = by_label["Открытые профессиональные дефициты (меньше — лучше)"]
        assert (deficits[1], deficits[2]) == (mean(open_in), mean(open_out))
    else:
        entry, exit_ = "Средняя оценка по предметам запроса: на входе", "Средняя оценка по предметам запроса: на выходе"
        both = [r for r in indicators if r.get(entry) is not None and r.get(exit_) is not None]
        line = by_label["Средняя оценка по предметам запроса"]
        assert (line[1], line[2], line[4]) == (mean([r[entry] for r in both]), mean([r[exit_] for r in both]),
                                               len(both))
        assert line[3] == pytest.approx(line[2] - line[1], abs=0.011)
        assert 0 < len(both) < len(indicators)  # one mentee left before the exit measurement
    swot = sheet_dicts(root / BOOK, SWOT)
    assert all(r["Пункт"] in by_label for r in swot)
    # two native charts read the stored values of that sheet
    with zipfile.ZipFile(root / MONITOR) as z:
        charts = [z.read(n).decode() for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml", n)]
    ours = [c for c in charts if "'Анкеты и рост'!$B$" in c]
    assert len(ours) == 2


# --------------------------------------------------------------------------- the analytic справка


@pytest.mark.parametrize("form", ["student", "teacher"])
def test_analytic_report_shows_the_monitoring(form: str, demos: Demos, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    root = demos.copy(form, tmp_path / "p")
    out_dir = tmp_path / "docs"
    code, out = run_cli_joined(["docs", str(root), "--kind", "справка", "--out", str(out_dir),
                                "--date", "27.05.2027"], capsys)
    assert code == 0, out
    text = text_of(out_dir / "Аналитическая справка.docx")
    q = summarize(load_program(Program.open(root), Report()))
    mentors = [r for r in sheet_dicts(root / BOOK, MENTOR) if r.get("Дата анкетирования")]
    assert f"наставников — {len(mentors)} из {q.mentors_total}" in text
    real = next(line for line in q.survey if line.key == "real")
    shown = f"{real.mentors:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    assert re.search(r"Реальная полезность программы \| " + re.escape(shown) + r" \| ", text), text
    first = q.growth[0] if form == "student" else next(g for g in q.growth if g.key == "lessons")
    entry = f"{first.entry:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    assert f"{first.label}" in text and f"| {entry} |" in text
    assert f"{first.better} из {first.n}" in text
    for quadrant, items in q.swot.items():
        for factor, _ in items:
            assert factor in text, quadrant
    assert "собственные" not in text  # the source note belongs to the book's instruction, not to the report


def test_analytic_report_without_answers_says_so(demos: Demos, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    root = demos.copy("student", tmp_path / "p", state="paired")
    run_cli_joined(["results", str(root)], capsys)
    out_dir = tmp_path / "docs"
    code, out = run_cli_joined(["docs", str(root), "--kind", "справка", "--out", str(out_dir)], capsys)
    assert code in (0, 1), out
    text = text_of(out_dir / "Аналитическая справка.docx")
    assert "анкеты наставников и наставляемых ещё не заполнены" in text
    assert "нет ни одного наставляемого с обоими замерами" in text
    assert "Сильные стороны" in text  # the SWOT table left for the pen


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.libreoffice
def test_libreoffice_resaved_book_reads_back_the_same(demos: Demos, tmp_path: Path) -> None:
    exe = soffice()
    roots = {form: demos.copy(form, tmp_path / form) for form in ("student", "teacher")}
    stage = tmp_path / "stage"
    stage.mkdir()
    for form, root in roots.items():
        shutil.copy2(root / BOOK, stage / f"{form}.xlsx")
    before = {form: summarize(load_program(Program.open(root), Report())) for form, root in roots.items()}
    rows_before = {form: {k: [r.values for r in load_program(Program.open(root), Report()).rows("monitoring", k)]
                          for k in ("indicators", "mentor_survey", "mentee_survey", "swot")}
                   for form, root in roots.items()}
    for fmt in ("xlsx", "ods"):
        out = tmp_path / f"out-{fmt}"
        out.mkdir()
        result = subprocess.run([exe, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                                 "--convert-to", fmt, "--outdir", str(out), *map(str, sorted(stage.iterdir()))],
                                capture_output=True, text=True, timeout=300, check=False)
        assert result.returncode == 0, result.stderr
        for form, root in roots.items():
            copy = tmp_path / f"{form}-{fmt}"
            shutil.copytree(root, copy)
            (copy / BOOK).unlink()
            shutil.copy2(out / f"{form}.{fmt}", copy / f"07_Мониторинг.{fmt}")
            report = Report()
            data = load_program(Program.open(copy), report)
            assert [p for p in report if p.book == "monitoring"] == [], fmt
            assert {k: [r.values for r in data.rows("monitoring", k)] for k in rows_before[form]} == rows_before[form]
            assert summarize(data) == before[form]


# --------------------------------------------------------------------------- the program report


@pytest.mark.parametrize("form", ["student", "teacher"])
def test_program_report_shows_the_monitoring_as_of_its_date(form: str, demos: Demos, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The director's report carries both stages of the monitoring; a report dated before the questionnaires
    and the exit measurements does not show answers given later."""
    root = demos.copy(form, tmp_path / "p")
    q = summarize(load_program(Program.open(root), Report()))
    texts = {}
    for day in ("27.05.2027", "15.02.2027"):
        out_dir = tmp_path / day
        code, out = run_cli_joined(["docs", str(root), "--kind", "отчёт", "--out", str(out_dir), "--date", day],
                                   capsys)
        assert code in (0, 1), out
        texts[day] = text_of(out_dir / "Отчёт о реализации программы наставничества.docx")
    late, early = texts["27.05.2027"], texts["15.02.2027"]
    assert f"наставников — {q.mentors_answered} из {q.mentors_total}" in late
    real = next(line for line in q.survey if line.key == "real")
    shown = f"{real.mentors:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    assert re.search(r"Реальная полезность программы \| " + re.escape(shown) + r" \| ", late), late
    first = q.growth[0] if form == "student" else next(g for g in q.growth if g.key == "lessons")
    assert first.label in late and f"{first.better} из {first.n}" in late
    assert "анкеты наставников и наставляемых ещё не заполнены" in early
    assert "Реальная полезность программы |" not in early
    assert "нет ни одного наставляемого с обоими замерами" in early
