"""Nothing a person typed is lost by the commands that rewrite files today (import, demo, init, status).

* ``import`` rewrites the registry: every row read before (valid values normalised, invalid ones as typed,
  columns of the curator's own, values under no header, hidden rows, rows typed far below the others) is
  read back unchanged afterwards, by participant code; the previous file is in «Резервные копии».
* ``init`` again and ``check``/``status`` never touch a workbook a person edits; ``demo`` again backs up.
* A write killed half-way (the producer raises inside ``files.atomic_path`` / ``write_workbook``) leaves the
  previous file byte for byte and no temporary file behind.
* A target open in another program (its lock file) or read-only (the attribute, a read-only folder — with
  ``chattr +i`` where the system allows it, as root ignores permissions — or the rename refused by the OS
  as on Windows) is refused with one Russian sentence and exit code 2, never a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cli_helpers import run_cli_joined as run
from demo_helpers import Demos
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.base import files
from toolkit.base.problems import NastavnikError, Report
from toolkit.checks.program import load_program
from toolkit.model.program import Program

HEADER = ["Отметка времени", "Роль", "ФИО", "Пол", "Класс", "Почему вы хотите стать наставником?",
          "Какие у вас навыки и сильные стороны?", "С чем вы можете помочь? (можно выбрать несколько)",
          "Как часто вы готовы встречаться?", "Скольким наставляемым вы готовы помогать?",
          "В какие дни вы свободны? (можно выбрать несколько)", "Согласны ли вы участвовать в программе наставничества?"]




def export(tmp_path: Path, people: list[str]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for name in people:
        writer.writerow(["25.09.2026 10:00:00", "Наставник", name, "ж", "10А", "Хочу помогать", "Объясняю",
                         "Математика", "Раз в неделю", "2", "пн, ср", "да"])
    path = tmp_path / "ответы.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def read_registry(root: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """(sheet, participant code) → everything the toolkit keeps of the row (as typed when invalid)."""
    report = Report()
    data = load_program(Program.open(root), report)
    book = data.books["applications"]
    return {(t.name, str(r.values.get("id"))): r.kept_values() for t in book.tables.values() for r in t.rows}


def digests(root: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.glob("*.xlsx"))}


# --------------------------------------------------------------------------- import rewriting the registry

# what a person may type into a cell: valid or not, formula-like, Cyrillic, numbers, dates as text
TYPED = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20),
    st.sampled_from(["15Ж", "скоро", "=1+1", "да", "нет", "пн, вс", "9 «Б»", "01.09.2026", "31.02.2026", "ё", "-"]),
    st.integers(-1000, 1000),
)


@pytest.fixture(scope="module")
def demo(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demos.copy("student", tmp_path_factory.mktemp("пример") / "Наставничество 2026", "written")


@settings(max_examples=6, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(st.integers(2, 30), st.integers(2, 22), TYPED), min_size=1, max_size=25))
def test_import_keeps_every_typed_cell(demo: Path, tmp_path_factory: pytest.TempPathFactory,
                                       cells: list[tuple[int, int, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path_factory.mktemp("импорт") / "Наставничество 2026"
    shutil.copytree(demo, root)
    path = root / "02_Заявки.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Наставники"]
    ws.cell(row=1, column=21).value = "Кружок"  # a column of the curator's own; column 22 has no header
    for row, column, value in cells:  # random cells of the first 30 rows, rows below the others included
        ws.cell(row=row, column=column).value = value
        if isinstance(value, str):
            ws.cell(row=row, column=column).data_type = "s"
    ws.row_dimensions[3].hidden = True
    wb.save(path)
    before = read_registry(root)
    typed = path.read_bytes()

    code, output = run(["import", str(root), str(export(root.parent, ["Новикова Вера Петровна"]))], capsys)
    assert code in (0, 1), output
    assert "Traceback" not in output
    after = read_registry(root)
    for key, values in before.items():
        assert after.get(key) == values, key
    assert len(after) == len(before) + 1
    backups = list((root / files.BACKUP_DIR).glob("02_Заявки *.xlsx"))
    assert [b.read_bytes() for b in backups] == [typed]


def test_import_keeps_value_under_no_header_and_hidden_rows(demo: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "p"
    shutil.copytree(demo, root)
    path = root / "02_Заявки.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Наставники"]
    ws["W5"] = "позвонить маме"
    ws["F4"] = "15Ж"
    ws["B40"], ws["C40"] = "Далёкая", "Строка"
    ws.row_dimensions[4].hidden = True
    wb.save(path)
    code, output = run(["import", str(root), str(export(tmp_path, ["Новикова Вера"]))], capsys)
    assert code == 0, output
    after = openpyxl.load_workbook(path)["Наставники"]
    header = [c.value for c in after[1]]
    assert "Столбец W" in header
    rows = {r[0].value: [c.value for c in r] for r in after.iter_rows(min_row=2)}
    assert "позвонить маме" in rows["НК-004"]
    assert "15Ж" in rows["НК-003"]
    assert rows["НК-039"][1:3] == ["Далёкая", "Строка"]


# --------------------------------------------------------------------------- commands that must not touch inputs


def test_init_check_status_leave_every_workbook_as_it_is(demo: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "Наставничество 2026"
    shutil.copytree(demo, root)
    before = digests(root)
    for args in (["init", str(root), "--form", "ученик-ученик"], ["check", str(root)], ["status", str(root)]):
        code, output = run(args, capsys)
        assert code in (0, 1) and "Traceback" not in output, output
    after = digests(root)
    assert {k: v for k, v in after.items() if k != "Статус программы.xlsx"} == before


def test_demo_again_backs_up_what_was_typed(demos: Demos, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = demos.copy_all(tmp_path / "Пример")  # what `nastavnik demo` made before; the command runs below
    path = folder / "ученик-ученик" / "02_Заявки.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["Наставники"]["T2"] = "моя заметка"
    wb.save(path)
    typed = path.read_bytes()
    code, output = run(["demo", str(folder)], capsys)
    assert code == 0, output
    backups = list((folder / "ученик-ученик" / files.BACKUP_DIR).glob("02_Заявки *.xlsx"))
    assert typed in [b.read_bytes() for b in backups]


# --------------------------------------------------------------------------- a write killed half-way


class Killed(Exception):
    pass


def test_write_killed_half_way_leaves_previous_registry(demo: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "p"
    shutil.copytree(demo, root)
    before = (root / "02_Заявки.xlsx").read_bytes()

    def half_written(self: Any, *args: Any, **kwargs: Any) -> None:
        raise Killed  # the workbook is half written in the temporary file when this happens

    monkeypatch.setattr("toolkit.books.writer._Writer.meta_sheet", half_written)
    from toolkit.stages.registry_import import import_applications

    with pytest.raises(Killed):
        import_applications(Program.open(root), export(tmp_path, ["Новикова Вера"]), None, Report())
    assert (root / "02_Заявки.xlsx").read_bytes() == before
    assert not [p.name for p in root.iterdir() if p.name.startswith(".~tmp-")]


@pytest.mark.parametrize("kill", [Killed, KeyboardInterrupt, OSError])
def test_atomic_path_keeps_previous_file(tmp_path: Path, kill: type[BaseException]) -> None:
    target = tmp_path / "Статус программы.xlsx"
    target.write_bytes(b"previous")

    def produce(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise kill

    expected: type[BaseException] = NastavnikError if kill is OSError else kill
    with pytest.raises(expected):
        files.write_atomic(target, produce)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_status_workbook_killed_half_way(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "p"
    shutil.copytree(demo, root)
    run(["status", str(root)], capsys)
    before = (root / "Статус программы.xlsx").read_bytes()

    def broken_close(self: Any) -> None:
        raise Killed

    monkeypatch.setattr("xlsxwriter.Workbook.close", broken_close)
    from toolkit.logic.readiness import compute_status
    from toolkit.stages.status import status_path, write_status_workbook

    data = load_program(Program.open(root), Report())
    with pytest.raises(Killed):
        write_status_workbook(compute_status(data), status_path(data))
    assert (root / "Статус программы.xlsx").read_bytes() == before


# --------------------------------------------------------------------------- open elsewhere, read-only


@pytest.mark.parametrize("lock", ["~$02_Заявки.xlsx", ".~lock.02_Заявки.xlsx#", "~02_Заявки.xlsx.lock"])
def test_registry_open_elsewhere_is_refused(demo: Path, tmp_path: Path, lock: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "p"
    shutil.copytree(demo, root)
    (root / lock).write_bytes(b"lock")
    before = (root / "02_Заявки.xlsx").read_bytes()
    code, output = run(["import", str(root), str(export(tmp_path, ["Новикова Вера"]))], capsys)
    assert code == 2
    assert output.strip() == (f"Ошибка: Файл «02_Заявки.xlsx» открыт в другой программе (найден файл блокировки "
                              f"«{lock}»). Закройте его и повторите команду.")
    assert (root / "02_Заявки.xlsx").read_bytes() == before


def test_rename_refused_by_the_system_is_a_message(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """On Windows a file open in Excel cannot be replaced even without a lock file: os.replace fails."""
    root = tmp_path / "p"
    shutil.copytree(demo, root)
    before = (root / "02_Заявки.xlsx").read_bytes()

    def refused(src: Any, dst: Any) -> None:
        raise PermissionError(13, "Отказано в доступе")

    monkeypatch.setattr(os, "replace", refused)
    code, output = run(["import", str(root), str(export(tmp_path, ["Новикова Вера"]))], capsys)
    assert code == 2, output
    assert "Не удалось записать «02_Заявки.xlsx»: файл занят другой программой" in output
    assert "Traceback" not in output
    assert (root / "02_Заявки.xlsx").read_bytes() == before


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[bool]:
    """``chattr +i`` (even root cannot write); yields False where the system does not allow it."""
    if os.geteuid() != 0 or shutil.which("chattr") is None:
        yield False
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False).returncode == 0
    try:
        yield done
    finally:
        if done:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)


def test_read_only_folder_is_a_message(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "p"
    shutil.copytree(demo, root)
    before = digests(root)
    if os.geteuid() != 0:
        root.chmod(0o555)
        ctx: contextlib.AbstractContextManager[bool] = contextlib.nullcontext(True)
    else:
        ctx = immutable(root)
    with ctx as read_only:
        if not read_only:
            pytest.skip("папку нельзя сделать только для чтения: root без chattr +i (подмена os.replace — выше)")
        code, output = run(["import", str(root), str(export(tmp_path, ["Новикова Вера"]))], capsys)
        code_status, output_status = run(["status", str(root)], capsys)
    root.chmod(0o755)
    assert code == 2 and output.startswith("Ошибка: "), output
    assert "Резервные копии" in output or "папку" in output, output
    assert code_status == 2 and "Статус программы.xlsx" in output_status, output_status
    assert "Traceback" not in output + output_status
    assert digests(root) == before


def test_read_only_file_is_a_message(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "p"
    shutil.copytree(demo, root)
    (root / "02_Заявки.xlsx").chmod(0o444)
    before = digests(root)
    code, output = run(["import", str(root), str(export(tmp_path, ["Новикова Вера"]))], capsys)
    assert code == 2
    assert output.strip().startswith("Ошибка: Файл «02_Заявки.xlsx» доступен только для чтения."), output
    assert digests(root) == before


# --------------------------------------------------------------------------- sheets of the curator's own


@pytest.fixture(scope="module")
def finished(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demos.copy("student", tmp_path_factory.mktemp("весь-пример") / "ученик-ученик")


OWN = {"A1": "позвонить родителям", "B2": 42, "C3": dt.datetime(2026, 12, 1), "D4": "=не формула", "E5": True,
       "A7": "ещё одна заметка\nна две строки"}
REWRITTEN = ["02_Заявки.xlsx", "04_Пары.xlsx", "05_Работа пар.xlsx", "06_Итоги.xlsx"]


def _add_own_sheets(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("Заметки куратора")
    for address, value in OWN.items():
        ws[address] = value
        if isinstance(value, str):
            ws[address].data_type = "s"
    hidden = wb.create_sheet("Черновик")
    hidden["B2"] = "не показывать"
    hidden.sheet_state = "hidden"
    wb.save(path)


def test_sheets_of_the_curators_own_survive_every_rewrite(finished: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """import, match, results and collect rewrite the books from what they read: a sheet the curator added
    comes back with every value (text stays text), hidden if it was; the previous book is in the backups."""
    root = Path(shutil.copytree(finished, tmp_path / "p"))
    for name in REWRITTEN:
        _add_own_sheets(root / name)
    inbox = tmp_path / "Входящие"
    shutil.copytree(root / "Книги пар — входящие", inbox)
    newer = sorted(inbox.glob("*.xlsx"))[0]
    wb = openpyxl.load_workbook(newer)
    wb["Встречи"]["D2"] = "Тема уточнена после встречи"
    wb.save(newer)
    for args in (["import", str(root), str(export(tmp_path, ["Новикова Вера Петровна"]))],
                 ["match", str(root), "--scheme", "анкеты"], ["results", str(root), "--date", "20.05.2027"],
                 ["collect", str(root), str(inbox), "--force"]):
        before = {name: (root / name).read_bytes() for name in REWRITTEN}
        code, output = run(args, capsys)
        assert code in (0, 1) and "Traceback" not in output, output
        changed = [name for name in REWRITTEN if (root / name).read_bytes() != before[name]]
        assert changed, f"{args[0]}: книга не перезаписана\n{output}"
    for name in REWRITTEN:
        wb = openpyxl.load_workbook(root / name)
        own = wb["Заметки куратора"]
        assert {a: own[a].value for a in OWN} == OWN, name
        assert own["D4"].data_type == "s", name  # text that looks like a formula stays text
        assert wb["Черновик"].sheet_state == "hidden" and wb["Черновик"]["B2"].value == "не показывать", name
    report = Report()
    load_program(Program.open(root), report)
    assert {(p.file, p.sheet) for p in report if p.code == "sheet-unknown"} >= {(n, "Заметки куратора") for n in REWRITTEN}


def test_an_own_sheet_with_formulas_is_refused_not_flattened(finished: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(shutil.copytree(finished, tmp_path / "p"))
    wb = openpyxl.load_workbook(root / "06_Итоги.xlsx")
    ws = wb.create_sheet("Подсчёт")
    ws["A1"], ws["B3"] = 5, "=A1*2"
    wb.save(root / "06_Итоги.xlsx")
    before = digests(root)
    code, output = run(["results", str(root), "--date", "20.05.2027"], capsys)
    assert code == 2, output
    assert output.strip() == (
        "Ошибка: 06_Итоги.xlsx: в книге есть свой лист «Подсчёт», и его нельзя перенести при перезаписи: в нём "
        "формулы (ячейка B3), а программа переносит только значения. Книга не перезаписана, чтобы ничего не "
        "пропало: перенесите лист в другую книгу и повторите команду.")
    assert digests(root) == before
