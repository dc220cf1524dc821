"""Bad inputs as people produce them, each with the exact problems it must give.

Every case starts from the demo program (``toolkit.demo.build.build_student`` / ``build_teacher``), changes one
thing as a person would (a cell edited in a spreadsheet program: openpyxl load → change → save, or the
workbook rewritten with modified data) and compares the flattened ``[file, sheet, cell, code]`` list of
the report with the expected one. Unusable files go through the real command line.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from demo_helpers import Demos

from toolkit.base.problems import Report
from toolkit.books.reader import open_book, read_workbook
from toolkit.books.writer import write_workbook
from toolkit.checks.program import load_program
from toolkit.cli import main as cli_main
from toolkit.model.program import Program

Mutation = Callable[[Path], None]


@pytest.fixture(scope="module")
def demo_programs(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("demo")
    student, teacher = base / "ученик-ученик", base / "педагог-педагог"
    demos.copy("student", student, "written")
    demos.copy("teacher", teacher, "written")
    for root in (student, teacher):
        assert flat(check_folder(root)) == []  # the demo itself is clean: every problem below is the edit's
    return {"student": student, "teacher": teacher}


def flat(report: Report) -> list[list[str]]:
    return [[p.file, p.sheet, p.cell, p.code] for p in report]


def check_folder(root: Path) -> Report:
    report = Report()
    load_program(Program.open(root), report)
    return report


def copy_program(demo_programs: dict[str, Path], form: str, tmp_path: Path) -> Path:
    root = tmp_path / demo_programs[form].name
    shutil.copytree(demo_programs[form], root)
    return root


# --------------------------------------------------------------------------- ways to spoil a workbook


def edit(file: str, sheet: str, cell: str, value: Any) -> Mutation:
    """A person changes one cell in a spreadsheet program and saves."""

    def mutate(root: Path) -> None:
        path = root / f"{file}.xlsx"
        wb = openpyxl.load_workbook(path)
        ws = wb[sheet]
        ws[cell] = value
        if isinstance(value, str):
            ws[cell].data_type = "s"  # typed text, even if it starts with «=»
        wb.save(path)

    return mutate


def edits(*mutations: Mutation) -> Mutation:
    def mutate(root: Path) -> None:
        for m in mutations:
            m(root)

    return mutate


def copy_name(file: str, sheet: str, source_row: int, target_row: int, transform: Callable[[str], str]) -> Mutation:
    """Surname, name and patronymic of one row typed again in another row (another case, ё → е …)."""

    def mutate(root: Path) -> None:
        path = root / f"{file}.xlsx"
        wb = openpyxl.load_workbook(path)
        ws = wb[sheet]
        for letter in "BCD":
            value = ws[f"{letter}{source_row}"].value
            ws[f"{letter}{target_row}"] = transform(value) if isinstance(value, str) else value
        wb.save(path)

    return mutate


def add_sheet(file: str, name: str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / f"{file}.xlsx"
        wb = openpyxl.load_workbook(path)
        ws = wb.create_sheet(name)
        ws["A1"] = "мои заметки"
        wb.save(path)

    return mutate


def rewrite_registry_with_duplicate(root: Path) -> None:
    """The registry is written again with one mentor entered twice (new row, its code given by the writer)."""
    program = Program.open(root)
    wb = next(w for w in program.specs if w.key == "applications")
    path = root / f"{wb.file}.xlsx"
    report = Report()
    book = open_book(path, report, path.name)
    assert book is not None
    data = read_workbook(book, wb, report, path.name)
    assert report.problems == []
    rows = {key: [r.kept_values() for r in table.rows] for key, table in data.tables.items()}
    again = dict(rows["mentors"][0])
    del again["id"]
    again["last_name"] = again["last_name"].upper().replace("Ё", "Е")
    again["first_name"] = f"  {again['first_name'].lower()} "
    rows["mentors"].append(again)
    write_workbook(path, wb, program.profile, program.program_id, rows)


F_SETTINGS, F_REGISTRY, F_TEST, F_TRAINING = "00_Настройки.xlsx", "02_Заявки.xlsx", "02_Тестирование.xlsx", "03_Обучение.xlsx"

CASES = [
    pytest.param("student", edit("00_Настройки", "Настройки", "B8", "31.02.2026"),
                 [[F_SETTINGS, "Настройки", "B8", "bad-date"]], id="невозможная-дата-в-настройках"),
    pytest.param("student", edit("02_Заявки", "Наставники", "H3", "31.02.2026"),
                 [[F_REGISTRY, "Наставники", "H3", "bad-date"]], id="невозможная-дата-в-заявке"),
    pytest.param("student", edit("02_Заявки", "Наставники", "M2", "два"),
                 [[F_REGISTRY, "Наставники", "M2", "bad-integer"]], id="текст-в-числе"),
    pytest.param("teacher", edit("02_Заявки", "Наставляемые", "G4", "полтора года"),
                 [[F_REGISTRY, "Наставляемые", "G4", "bad-integer"]], id="текст-в-стаже-педагога"),
    pytest.param("student", edit("02_Заявки", "Наставники", "M5", 9),
                 [[F_REGISTRY, "Наставники", "M5", "number-out-of-range"]], id="число-вне-диапазона"),
    pytest.param("student", edit("02_Заявки", "Наставники", "L2", "Каждый день"),
                 [[F_REGISTRY, "Наставники", "L2", "bad-choice"]], id="значение-не-из-списка"),
    pytest.param("student", edit("02_Заявки", "Наставляемые", "L3", "пн, вс"),
                 [[F_REGISTRY, "Наставляемые", "L3", "bad-multichoice"]], id="день-не-из-списка-в-мультивыборе"),
    pytest.param("student", edit("02_Заявки", "Наставники", "H2", None),
                 [[F_REGISTRY, "Наставники", "H2", "required-missing"]], id="не-заполнено-обязательное"),
    pytest.param("student", edit("00_Настройки", "Настройки", "B10", "   "),
                 [[F_SETTINGS, "Настройки", "B10", "required-missing"]], id="пробелы-вместо-куратора"),
    pytest.param("student", edit("02_Заявки", "Наставники", "B2", None),
                 [[F_REGISTRY, "Наставники", "B2", "required-missing"],
                  # the code stays, the name no longer matches what other books wrote beside it
                  [F_TEST, "Ответы", "B2", "name-mismatch"],
                  [F_TRAINING, "Посещаемость", "B2", "name-mismatch"]],
                 id="стёрта-фамилия-наставника"),
    pytest.param("student", edit("02_Тестирование", "Ответы", "A2", "НК-099"),
                 [[F_TEST, "Ответы", "A2", "unknown-participant"]], id="неизвестный-участник-в-тесте"),
    pytest.param("student", edit("03_Обучение", "Посещаемость", "A3", "нк 77"),
                 [[F_TRAINING, "Посещаемость", "A3", "unknown-participant"]], id="неизвестный-участник-в-посещаемости"),
    pytest.param("student", edit("03_Обучение", "Рефлексия", "A2", "НК-100"),
                 [[F_TRAINING, "Рефлексия", "A2", "unknown-participant"]], id="неизвестный-участник-в-рефлексии"),
    pytest.param("student", copy_name("02_Заявки", "Наставляемые", 2, 3, str.upper),
                 [[F_REGISTRY, "Наставляемые", "B3", "duplicate-person"]], id="дубликат-в-реестре"),
    pytest.param("student", rewrite_registry_with_duplicate,
                 [[F_REGISTRY, "Наставники", "B14", "duplicate-person"]], id="дубликат-при-перезаписи-реестра"),
    pytest.param("student", edit("02_Заявки", "Наставники", "I1", None),
                 [[F_REGISTRY, "Наставники", "", "column-missing"],
                  # the values under the deleted header are kept (as «Столбец I») and pointed at
                  [F_REGISTRY, "Наставники", "I2", "column-no-header"]], id="удалён-заголовок-столбца"),
    pytest.param("student", edit("02_Тестирование", "Ответы", "A1", None),
                 [[F_TEST, "Ответы", "", "column-missing"], [F_TEST, "Ответы", "A2", "column-no-header"]],
                 id="удалён-заголовок-кода-в-тесте"),
    pytest.param("student", edit("02_Заявки", "Наставники", "T1", "Примечание"),
                 [[F_REGISTRY, "Наставники", "", "column-missing"],
                  [F_REGISTRY, "Наставники", "T1", "column-unknown"]], id="переименован-заголовок"),
    pytest.param("student", add_sheet("02_Заявки", "Заметки"),
                 [[F_REGISTRY, "Заметки", "", "sheet-unknown"]], id="неизвестный-лист"),
    pytest.param("student", edit("03_Обучение", "Посещаемость", "A2", "НЯ-001"),
                 [[F_TRAINING, "Посещаемость", "A2", "wrong-role"]], id="наставляемый-вместо-наставника"),
    pytest.param("teacher", edit("03_Обучение", "Стратегия", "A3", "НЯ-002"),
                 [[F_TRAINING, "Стратегия", "A3", "wrong-role"]], id="молодой-педагог-вместо-наставника"),
    pytest.param("student", edit("02_Тестирование", "Ответы", "D2", 7),
                 [[F_TEST, "Ответы", "D2", "likert-out-of-range"]], id="ответ-7-по-шкале-1-5"),
    pytest.param("student", edit("02_Тестирование", "Ответы", "E3", "скорее да"),
                 [[F_TEST, "Ответы", "E3", "likert-out-of-range"]], id="ответ-словами"),
    pytest.param("student", edit("03_Обучение", "Рефлексия", "B2", 9),
                 [[F_TRAINING, "Рефлексия", "B2", "meeting-out-of-plan"]], id="рефлексия-встречи-9-из-8"),
    pytest.param("student", edit("00_Настройки", "Настройки", "B9", "01.08.2026"),
                 [[F_SETTINGS, "Настройки", "B9", "settings-dates"]], id="окончание-раньше-начала"),
    pytest.param("student", edit("02_Заявки", "Наставники", "G2", "ivanova@"),
                 [[F_REGISTRY, "Наставники", "G2", "bad-email"]], id="неполный-email"),
    pytest.param("student", edit("02_Заявки", "Наставники", "F2", "13А"),
                 [[F_REGISTRY, "Наставники", "F2", "bad-class"]], id="класс-13"),
    pytest.param("student", edits(edit("02_Заявки", "Наставники", "M2", "два"),
                                  edit("02_Тестирование", "Ответы", "D2", 7),
                                  edit("03_Обучение", "Рефлексия", "B2", 9)),
                 [[F_REGISTRY, "Наставники", "M2", "bad-integer"],
                  [F_TEST, "Ответы", "D2", "likert-out-of-range"],
                  [F_TRAINING, "Рефлексия", "B2", "meeting-out-of-plan"]], id="все-ошибки-сразу"),
]


@pytest.mark.parametrize(("form", "mutate", "expected"), CASES)
def test_bad_input_gives_exact_problems(
    demo_programs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    form: str, mutate: Mutation, expected: list[list[str]],
) -> None:
    root = copy_program(demo_programs, form, tmp_path)
    mutate(root)
    report = check_folder(root)
    assert flat(report) == expected
    for p in report:
        assert p.message and any("а" <= ch <= "я" for ch in p.message.lower()), p

    # the command line says the same and exits 1 for errors, 0 for warnings only
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["check", str(root)])
    out, err = capsys.readouterr()
    assert exit_info.value.code == (1 if report.errors else 0), out + err
    for p in report:
        assert p.message in out
    assert "Traceback" not in out + err


# --------------------------------------------------------------------------- unusable files


def _docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns='
                   '"http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
                   '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
                   "Заявки</w:t></w:r></w:p></w:body></w:document>")
    return buf.getvalue()


PDF = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
       b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")

UNUSABLE = [
    pytest.param("02_Заявки.xlsx", b"", "file-empty", "0 байт", id="пустой-файл-0-байт"),
    pytest.param("02_Заявки.xlsx", "Фамилия;Имя;Класс\nИванова;Анна;9Б\n".encode(), "file-unreadable",
                 "текстовый файл", id="текст-utf8-с-расширением-xlsx"),
    pytest.param("02_Заявки.xlsx", "Фамилия;Имя;Класс\nИванова;Анна;9Б\n".encode("cp1251"), "file-unreadable",
                 "текстовый файл", id="текст-cp1251-с-расширением-xlsx"),
    pytest.param("02_Заявки.xlsx", b"last;first\nIvanova;Anna\n", "file-unreadable", "текстовый файл",
                 id="латинский-текст-с-расширением-xlsx"),
    pytest.param("02_Заявки.xlsx", _docx_bytes(), "file-unreadable", "документ Word", id="docx-переименован-в-xlsx"),
    pytest.param("02_Заявки.xlsx", PDF, "file-unreadable", "PDF", id="pdf-переименован-в-xlsx"),
    pytest.param("03_Обучение.xlsx", b"PK\x03\x04" + b"\x00" * 40, "file-unreadable", "архив повреждён",
                 id="обрезанный-архив"),
]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("NASTAVNIK_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "toolkit.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=120, check=False)


@pytest.mark.parametrize(("name", "content", "code", "phrase"), UNUSABLE)
def test_unusable_file_exits_2_with_russian_message(
    demo_programs: dict[str, Path], tmp_path: Path, name: str, content: bytes, code: str, phrase: str,
) -> None:
    root = copy_program(demo_programs, "student", tmp_path)
    (root / name).write_bytes(content)
    report = check_folder(root)
    assert flat(report) == [[name, "", "", code]]
    result = run_cli("check", str(root))
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert name in output and phrase in output, output
    assert "Traceback" not in output and "Внутренняя ошибка" not in output, output


@pytest.mark.parametrize(("content", "phrase"), [
    pytest.param(b"", "0 байт", id="пустые-настройки"),
    pytest.param(PDF, "PDF", id="pdf-вместо-настроек"),
    pytest.param(_docx_bytes(), "документ Word", id="docx-вместо-настроек"),
])
def test_unusable_settings_workbook_exits_2(
    demo_programs: dict[str, Path], tmp_path: Path, content: bytes, phrase: str,
) -> None:
    """Without a readable settings workbook the program folder cannot be opened at all."""
    root = copy_program(demo_programs, "student", tmp_path)
    (root / "00_Настройки.xlsx").write_bytes(content)
    result = run_cli("check", str(root))
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "00_Настройки.xlsx" in result.stderr and phrase in result.stderr, output
    assert result.stderr.startswith("Ошибка: "), output
    assert "Traceback" not in output and "Внутренняя ошибка" not in output, output


class PanicException(BaseException):
    """What python-calamine raises when its Rust code panics on a damaged file (pyo3 derives it from
    BaseException, so ``except Exception`` would let it through as a traceback)."""


class _PanickingWorkbook:
    """python-calamine's workbook for «02_Заявки.xlsx», panicking where ``where`` says; others as they are."""

    real: Any = None
    where = ""

    @classmethod
    def from_path(cls, path: str) -> Any:
        book = cls.real.from_path(path)
        if not path.endswith("02_Заявки.xlsx"):
            return book
        if cls.where == "from_path":
            raise PanicException("called `Option::unwrap()` on a `None` value")
        return cls(book)

    def __init__(self, book: Any) -> None:
        self._book = book
        self.sheet_names = book.sheet_names
        self.sheets_metadata = book.sheets_metadata

    def get_sheet_by_name(self, name: str) -> Any:
        raise PanicException("index out of bounds: the len is 3 but the index is 7")


@pytest.mark.parametrize("where", ["from_path", "get_sheet_by_name"])
def test_a_panic_of_the_reader_is_a_damaged_file_not_a_traceback(demo_programs: dict[str, Path], tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str],
                                                                  where: str) -> None:
    import python_calamine

    root = Path(shutil.copytree(demo_programs["student"], tmp_path / "p"))
    monkeypatch.setattr(_PanickingWorkbook, "real", python_calamine.CalamineWorkbook)
    monkeypatch.setattr(_PanickingWorkbook, "where", where)
    monkeypatch.setattr(python_calamine, "CalamineWorkbook", _PanickingWorkbook)
    with pytest.raises(SystemExit) as exc:
        cli_main(["check", str(root)])
    out = capsys.readouterr()
    assert exc.value.code == 2, out.out + out.err
    assert "Traceback" not in out.out + out.err and "Внутренняя ошибка" not in out.out + out.err
    assert "02_Заявки.xlsx" in out.out + out.err


def test_ctrl_c_while_reading_is_not_taken_for_a_damaged_file(demo_programs: dict[str, Path],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import python_calamine

    class Interrupted:
        @staticmethod
        def from_path(path: str) -> Any:
            raise KeyboardInterrupt

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Interrupted)
    with pytest.raises(KeyboardInterrupt):
        open_book(demo_programs["student"] / "02_Заявки.xlsx", Report(), "02_Заявки.xlsx")
