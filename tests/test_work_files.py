"""Files out and back: `distribute` writes a protected workbook per active pair; `collect` takes the returned
files by the code inside them (renamed, in subfolders, re-saved by LibreOffice as xlsx or ods), merges them
without duplicates, is idempotent, and reports conflicts instead of overwriting.

A pair fills its workbook with openpyxl, as Excel would save it. Students' pair П-002 is НК-010 – НЯ-016
(«Два раза в месяц», from 30.11.2026 to 27.02.2027); П-003 is НК-001 – НЯ-011.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cli_helpers import run_cli as cli
from demo_helpers import Demos
from libreoffice_helpers import soffice

from toolkit.base.problems import Report
from toolkit.books.reader import open_book
from toolkit.checks.program import load_program
from toolkit.model.program import Program
from toolkit.stages.pair_files import collect, distribute

D = dt.date
WORK = "05_Работа пар.xlsx"
SHORT = "Краткосрочная цель (1–2 месяца)"


@pytest.fixture(scope="module")
def paired(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demos.copy("student", tmp_path_factory.mktemp("paired") / "student", "paired")


@pytest.fixture
def student(paired: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(paired, tmp_path / "ученик-ученик"))


def sent(root: Path, out: Path) -> dict[str, Path]:
    return {item.pair_id: item.path for item in distribute(Program.open(root), out)}


def fill(path: Path, cells: dict[str, dict[str, Any]], save_as: Path | None = None) -> Path:
    """Type values into cells as a person would in Excel: {sheet: {"B2": value}} (None clears a cell)."""
    wb = openpyxl.load_workbook(path)
    for sheet, values in cells.items():
        for address, value in values.items():
            wb[sheet][address].value = value
    target = save_as or path
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def first_work(extra_meetings: int = 0) -> dict[str, dict[str, Any]]:
    """The pair's first steps: a self-rating, a goal with a sprint, one (or more) meetings."""
    meetings: dict[str, Any] = {"B2": D(2026, 12, 2), "C2": "Очно", "D2": "Знакомство", "E2": 45, "H2": 5, "J2": 5}
    for n in range(extra_meetings):
        row = n + 3
        meetings |= {f"B{row}": D(2026, 12, 16) + dt.timedelta(days=14 * n), f"D{row}": f"Встреча {n + 2}",
                     f"H{row}": 4, f"J{row}": 5}
    return {
        "Компетенции": {"E2": 3, "F2": 4},
        "Цели": {"C2": "Освоиться в новом классе", "D2": SHORT},
        "Спринты": {"A2": 1, "B2": 1, "C2": "Знакомство с классом", "D2": D(2026, 12, 1), "E2": D(2027, 1, 20),
                    "F2": "В работе"},
        "Встречи": meetings,
    }


def run_collect(root: Path, inbox: Path, **kw: Any) -> tuple[Any, Report]:
    report = Report()
    return collect(Program.open(root), inbox, report, today=D(2027, 2, 15), **kw), report




def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def backups(root: Path) -> list[Path]:
    return sorted((root / "Резервные копии").glob("05_Работа пар *.xlsx")) if (root / "Резервные копии").exists() \
        else []


def work_rows(root: Path, sheet: str) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(root / WORK)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v not in (None, "") for v in r)]


# --------------------------------------------------------------------------- distribute


def test_distribute_writes_a_protected_workbook_per_active_pair(student: Path, tmp_path: Path) -> None:
    files = sent(student, tmp_path / "Рассылка")
    assert sorted(files) == [f"П-00{n}" for n in range(1, 10)]
    assert files["П-002"].name == "П-002 Лебедев Илья – Кузнецов Даниил.xlsx"
    assert files["П-001"].name == "П-001 Лебедев Александр – группа из 2.xlsx"
    assert all(not re.search(r'[\\/:*?"<>|]', p.name) for p in files.values())
    program = Program.open(student)
    book = open_book(files["П-002"], Report(), "x")
    assert book is not None
    meta = book.meta()
    assert (meta["workbook"], meta["pair_id"], meta["program_id"]) == ("pair_work", "П-002", program.program_id)
    assert len(meta["base"]) == 16
    wb = openpyxl.load_workbook(files["П-002"])
    assert wb.sheetnames == ["Инструкция", "Пара", "Участники", "Компетенции", "Цели", "Спринты", "Встречи",
                             "Дневник прогресса", "_meta"]
    assert wb["_meta"].sheet_state == "veryHidden"
    pair = wb["Пара"]
    assert [pair[f"B{r}"].value for r in (2, 3, 5, 6)] == ["П-002", program.program_id,
                                                           "Ученик – ученик", "НК-010 Лебедев Илья"]
    assert pair["B7"].value == "НЯ-016 Кузнецов Даниил"
    assert pair["B10"].value == "Два раза в месяц (каждые 15 дн.)"
    assert pair.protection.sheet and pair["B2"].protection.locked
    comp = wb["Компетенции"]
    assert comp.protection.sheet
    rows = list(comp.iter_rows(min_row=2, max_col=4, values_only=True))
    assert len([r for r in rows if r[0]]) == 2 * 8  # mentor and mentee × 8 meta-competencies
    assert rows[0] == ("НК-010", "Лебедев Илья", "Метакомпетенции", "Коммуникация")
    assert comp["A2"].protection.locked and comp["D2"].protection.locked
    assert not comp["E2"].protection.locked and not comp["H2"].protection.locked
    meetings = wb["Встречи"]
    numbers = [r[0] for r in meetings.iter_rows(min_row=2, max_col=1, values_only=True) if r[0] is not None]
    assert numbers == list(range(1, 11))  # 90 days at 15 days = 6 meetings, with reserve, at least 10
    assert meetings["A2"].protection.locked and not meetings["B2"].protection.locked
    assert [r[0] for r in wb["Цели"].iter_rows(min_row=2, max_col=1, values_only=True) if r[0]] == list(range(1, 9))
    # a blank workbook sent back changes nothing
    result, report = run_collect(student, tmp_path / "Рассылка")
    assert report.flat() == [] and not result.written and len(result.unchanged) == 9


def test_distribute_again_rewrites_only_what_changed(student: Path, tmp_path: Path) -> None:
    out = tmp_path / "Рассылка"
    files = sent(student, out)
    filled = fill(files["П-002"], first_work())  # the curator typed into one book of the outbox
    typed = filled.read_bytes()
    untouched = {pid: p.read_bytes() for pid, p in files.items() if pid != "П-002"}
    again = {item.pair_id: item for item in distribute(Program.open(student), out)}
    assert [pid for pid, item in again.items() if not item.unchanged] == ["П-002"]
    assert again["П-002"].backup is not None and again["П-002"].backup.read_bytes() == typed
    assert all(files[pid].read_bytes() == content for pid, content in untouched.items())
    assert [p.name for p in (out / "Резервные копии").iterdir()] == [again["П-002"].backup.name]


def test_distribute_by_two_processes_makes_the_same_books_and_says_the_same(
        student: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many books are made by both cores (worker processes): the books are those one process makes, a re-run
    changes nothing, and a book open in another program stops the command with the same sentence."""
    from toolkit.base import parallel
    from toolkit.base.files import same_package
    from toolkit.base.problems import NastavnikError
    from toolkit.stages.pair_files import _Sent

    alone = sent(student, tmp_path / "один процесс")
    monkeypatch.setattr(parallel, "MIN_CALLS", 1)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    assert parallel.workers_for(len(alone)) == 2
    out = tmp_path / "два процесса"
    both = sent(student, out)
    assert sorted(both) == sorted(alone) and [p.name for p in both.values()] == [p.name for p in alone.values()]
    assert all(same_package(both[pid], alone[pid]) for pid in alone)
    again = distribute(Program.open(student), out)
    assert all(item.unchanged for item in again)

    (out / _Sent.NAME).unlink()  # every book is made again and compared, in the workers
    book = both["П-004"]
    (out / f".~lock.{book.name}#").write_text("x")
    before = {pid: p.read_bytes() for pid, p in both.items()}
    with pytest.raises(NastavnikError) as raised:
        distribute(Program.open(student), out)
    assert raised.value.message == (f"Файл «{book.name}» открыт в другой программе (найден файл блокировки "
                                    f"«.~lock.{book.name}#»). Закройте его и повторите команду.")
    assert raised.value.exit_code == 2
    assert {pid: p.read_bytes() for pid, p in both.items()} == before  # nothing lost, nothing half-written


def test_teachers_workbook_has_adaptation_and_the_four_results(demos: Demos, tmp_path: Path) -> None:
    root = demos.copy("teacher", tmp_path / "педагог-педагог", "paired")
    files = sent(root, tmp_path / "out")
    wb = openpyxl.load_workbook(files["П-001"])
    assert "Программа адаптации" in wb.sheetnames
    results = [r[:4] for r in wb["Промежуточные итоги"].iter_rows(min_row=2, max_col=4, values_only=True) if r[0]]
    assert [r[2] for r in results] == ["Педагогический проект", "Методика", "Открытый урок", "Публикация"] * 2
    assert {r[0] for r in results} == {"НЯ-001", "НЯ-003"}  # a group: each young teacher has his own results
    comp = [r for r in wb["Компетенции"].iter_rows(min_row=2, max_col=4, values_only=True) if r[0]]
    assert len(comp) == 3 * (5 + 7)  # meta and professional, for the mentor and both young teachers
    assert ("НЯ-003", "Виноградова Мария Владимировна", "Профессиональные компетенции",
            "Работа с детьми с ОВЗ") in comp


# --------------------------------------------------------------------------- collect


def test_collect_a_renamed_file_then_again_changes_nothing(student: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    files = sent(student, tmp_path / "Рассылка")
    inbox = tmp_path / "Входящие"
    fill(files["П-002"], first_work(extra_meetings=1), save_as=inbox / "почта" / "наша работа (Даниил).xlsx")
    before = digest(student / WORK)
    code, out, _ = cli(["collect", str(student), str(inbox)], capsys)
    assert code == 0, out
    assert ("Принято: П-002 из «почта/наша работа (Даниил).xlsx» — встреч 2, целей 1, спринтов 1, "
            "оценок компетенций 1.") in out
    assert digest(student / WORK) != before and len(backups(student)) == 1
    assert digest(backups(student)[0]) == before
    meetings = work_rows(student, "Встречи")
    assert [(m["Пара / группа"], m["№ встречи"], m["Тема"]) for m in meetings] == [
        ("П-002", 1, "Знакомство"), ("П-002", 2, "Встреча 2")]
    (entry,) = work_rows(student, "Журнал сбора")
    assert entry["Пара / группа"] == "П-002" and entry["Файл"] == "почта/наша работа (Даниил).xlsx"
    assert entry["Что принято"] == "встреч 2, целей 1, спринтов 1, оценок компетенций 1"
    report = Report()
    load_program(Program.open(student), report)
    assert report.flat() == []
    # the same files again: no rewrite, no new backup
    after = digest(student / WORK)
    code, out, _ = cli(["collect", str(student), str(inbox)], capsys)
    assert code == 0
    assert "Без изменений: П-002 («почта/наша работа (Даниил).xlsx»)." in out
    assert "Книга «05_Работа пар.xlsx» не изменилась." in out
    assert digest(student / WORK) == after and len(backups(student)) == 1
    # redistributed, the pair's workbook carries what was collected; sent back untouched, it changes nothing
    again = sent(student, tmp_path / "Рассылка 2")
    wb = openpyxl.load_workbook(again["П-002"])
    assert wb["Встречи"]["D3"].value == "Встреча 2" and wb["Встречи"]["A4"].value == 3
    result, report = run_collect(student, tmp_path / "Рассылка 2")
    assert report.flat() == [] and not result.written


def test_two_different_versions_of_one_pair_are_a_conflict(student: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    files = sent(student, tmp_path / "Рассылка")
    inbox = tmp_path / "Входящие"
    fill(files["П-002"], first_work(), save_as=inbox / "от наставника.xlsx")
    fill(files["П-002"], first_work(extra_meetings=1), save_as=inbox / "от наставляемого.ods.xlsx")
    fill(files["П-003"], first_work(), save_as=inbox / "П-003.xlsx")
    shutil.copy2(inbox / "П-003.xlsx", inbox / "П-003 (копия).xlsx")
    before = digest(student / WORK)
    code, out, _ = cli(["collect", str(student), str(inbox)], capsys)
    assert code == 1
    assert ("Две разные версии книги пары П-002: «от наставника.xlsx» и «от наставляемого.ods.xlsx». Ни одна не "
            "принята: оставьте в папке правильную и запустите сбор снова.") in out
    assert "Принято: П-003 из «П-003 (копия).xlsx»" in out  # identical copies: taken once
    assert "Повтор: «П-003.xlsx» совпадает с «П-003 (копия).xlsx» (П-003)." in out
    assert digest(student / WORK) != before
    assert {m["Пара / группа"] for m in work_rows(student, "Встречи")} == {"П-003"}


def test_edits_of_locked_cells_are_refused_with_their_cells(student: Path, tmp_path: Path) -> None:
    files = sent(student, tmp_path / "Рассылка")
    inbox = tmp_path / "Входящие"
    cells = first_work()
    cells["Пара"] = {"B6": "НК-099 Кто-то Другой"}
    cells["Компетенции"] |= {"B2": "Иванов Иван", "E3": 4}
    cells["Компетенции"]["D3"] = "Телепатия"
    fill(files["П-002"], cells, save_as=inbox / "работа.xlsx")
    result, report = run_collect(student, inbox)
    assert [[p.file, *p.flat()] for p in report] == [
        ["работа.xlsx", "Пара", "B6", "collect-locked-edited"],
        ["работа.xlsx", "Компетенции", "B2", "collect-locked-edited"],
        ["работа.xlsx", "Компетенции", "D3", "collect-locked-edited"],
    ]
    assert report.problems[1].message == (
        "Изменена защищённая ячейка: «Иванов Иван», а должно быть «Лебедев Илья». Файл не принят: верните значение "
        "(или, если состав пары изменился, раздайте книги заново командой «nastavnik distribute»).")
    assert result.refused == ["работа.xlsx"] and not result.written


def test_other_program_unknown_pair_other_files(student: Path, tmp_path: Path) -> None:
    files = sent(student, tmp_path / "Рассылка")
    inbox = tmp_path / "Входящие"
    wb = openpyxl.load_workbook(files["П-002"])
    meta = wb["_meta"]
    for row in meta.iter_rows():
        if row[0].value == "program_id":
            row[1].value = "другая-школа"
    inbox.mkdir()
    wb.save(inbox / "чужой.xlsx")
    wb = openpyxl.load_workbook(files["П-003"])
    for row in wb["_meta"].iter_rows():
        if row[0].value == "pair_id":
            row[1].value = "П-099"
    wb.save(inbox / "неизвестная пара.xlsx")
    shutil.copy2(student / "02_Заявки.xlsx", inbox / "02_Заявки.xlsx")
    (inbox / "письмо.txt").write_text("Добрый день! Отправляем книгу.", encoding="utf-8")
    (inbox / ".~lock.черновик.xlsx#").write_text("lock", encoding="utf-8")  # a lock file: not a book
    result, report = run_collect(student, inbox)
    assert [[p.file, p.code, p.severity] for p in report] == [
        ["02_Заявки.xlsx", "collect-not-pair-file", "warning"],
        ["неизвестная пара.xlsx", "collect-unknown-pair", "error"],
        ["письмо.txt", "collect-skipped-file", "warning"],
        ["чужой.xlsx", "collect-other-program", "error"],
    ]
    assert report.problems[3].message.startswith("Книга пары П-002 относится к другой программе наставничества "
                                                 "(её код другая-школа")
    assert not result.written


def test_a_file_with_errors_is_not_taken(student: Path, tmp_path: Path) -> None:
    files = sent(student, tmp_path / "Рассылка")
    inbox = tmp_path / "Входящие"
    cells = first_work()
    cells["Встречи"] |= {"B3": "30.02.2027", "D3": "Повтор", "J3": 9}
    cells["Спринты"]["E2"] = D(2027, 2, 10)  # longer than two months
    fill(files["П-002"], cells, save_as=inbox / "работа.xlsx")
    result, report = run_collect(student, inbox)
    assert [[p.file, *p.flat()] for p in report] == [
        ["работа.xlsx", "Встречи", "B3", "bad-date"],
        ["работа.xlsx", "Встречи", "J3", "number-out-of-range"],
        ["работа.xlsx", "Спринты", "E2", "work-sprint-too-long"],
        ["работа.xlsx", "", "", "collect-file-errors"],
    ]
    assert report.problems[-1].message.startswith("В книге пары П-002 ошибок: 3 (см. выше). Файл не принят")
    assert not result.written and not (student / "Резервные копии").exists()


def test_continued_older_and_edited_versions(student: Path, tmp_path: Path) -> None:
    files = sent(student, tmp_path / "Рассылка")
    v1 = fill(files["П-002"], first_work(), save_as=tmp_path / "v1" / "работа.xlsx")
    result, report = run_collect(student, v1.parent)
    assert [a[0] for a in result.accepted] == ["П-002"] and report.flat() == []
    # the pair goes on filling the same workbook: a continuation is taken
    v2 = fill(v1, first_work(extra_meetings=1), save_as=tmp_path / "v2" / "работа.xlsx")
    result, report = run_collect(student, v2.parent)
    assert [a[0] for a in result.accepted] == ["П-002"] and report.flat() == []
    # v1 arrives again: already collected and superseded — skipped
    result, report = run_collect(student, v1.parent)
    assert [p.code for p in report] == ["collect-already-collected"] and not result.written
    assert report.problems[0].message == ("Эта версия книги пары П-002 уже собиралась (15.02.2027), а после неё "
                                          "принята более новая. Файл пропущен.")
    # a stale copy made from the first workbook, never collected: it lacks the second meeting
    stale_cells = first_work()
    stale_cells["Встречи"]["D2"] = "Знакомство (копия наставляемого)"
    stale = fill(files["П-002"], stale_cells, save_as=tmp_path / "stale" / "копия.xlsx")
    result, report = run_collect(student, stale.parent)
    assert [[p.file, p.code] for p in report] == [["копия.xlsx", "collect-older-version"]]
    assert report.problems[0].message == (
        "Книга пары П-002 старее уже собранной: в ней нет строки «встреча № 2 (16.12.2026)» (лист «Встречи»), "
        "которая уже есть в «05_Работа пар.xlsx». Файл не принят. Если строку удалили намеренно, примите файл "
        "с параметром --force.")
    # the curator corrects the collected data in «05_Работа пар»; a newer file of the pair would overwrite it
    wb = openpyxl.load_workbook(student / WORK)
    ws = wb["Встречи"]
    ws["E2"].value = "Знакомство и правила встреч"
    wb.save(student / WORK)
    v3 = fill(v2, first_work(extra_meetings=2), save_as=tmp_path / "v3" / "работа.xlsx")
    result, report = run_collect(student, v3.parent)
    assert [p.code for p in report] == ["collect-program-edited"] and not result.written
    result, report = run_collect(student, v3.parent, force=True)
    assert [a[0] for a in result.accepted] == ["П-002"] and result.backup is not None
    assert [m["Тема"] for m in work_rows(student, "Встречи")] == ["Знакомство", "Встреча 2", "Встреча 3"]


def test_collect_refuses_a_locked_program_workbook(student: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    files = sent(student, tmp_path / "Рассылка")
    fill(files["П-002"], first_work(), save_as=tmp_path / "in" / "работа.xlsx")
    (student / ".~lock.05_Работа пар.xlsx#").write_text("lock", encoding="utf-8")
    before = digest(student / WORK)
    code, _, err = cli(["collect", str(student), str(tmp_path / "in")], capsys)
    assert code == 2
    assert "открыт в другой программе" in err
    assert digest(student / WORK) == before


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.libreoffice
def test_files_resaved_by_libreoffice_as_xlsx_and_ods(student: Path, tmp_path: Path) -> None:
    exe = soffice()
    files = sent(student, tmp_path / "Рассылка")
    filled = tmp_path / "filled"
    sources = [fill(files["П-002"], first_work(extra_meetings=1), save_as=filled / "пара-2.xlsx"),
               fill(files["П-003"], first_work(), save_as=filled / "пара-3.xlsx")]
    # the originals are collected first: the re-saved copies must read the same
    result, report = run_collect(student, filled)
    assert [a[0] for a in result.accepted] == ["П-002", "П-003"] and report.flat() == []
    inbox = tmp_path / "resaved"
    for fmt in ("xlsx", "ods"):  # one soffice call per format for all files
        cmd = [exe, "--headless", "--norestore", "--nologo",
               f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--convert-to", fmt,
               "--outdir", str(inbox / fmt), *map(str, sources)]
        subprocess.run(cmd, capture_output=True, timeout=240, check=True)
    # renamed by the senders
    (inbox / "ods" / "пара-2.ods").rename(inbox / "ods" / "Кузнецов — наставничество.ods")
    assert sorted(p.name for p in inbox.rglob("*.*")) == [
        "Кузнецов — наставничество.ods", "пара-2.xlsx", "пара-3.ods", "пара-3.xlsx"]
    before = digest(student / WORK)
    result, report = run_collect(student, inbox)
    assert report.flat() == []
    assert sorted(result.unchanged) == [("П-002", "ods/Кузнецов — наставничество.ods"), ("П-002", "xlsx/пара-2.xlsx"),
                                        ("П-003", "ods/пара-3.ods"), ("П-003", "xlsx/пара-3.xlsx")]
    assert digest(student / WORK) == before


def test_distribute_unchanged_costs_only_digests(student: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A re-run with nothing new makes no book at all; without the folder's record every book is made and
    compared, as before; the record is no pair's file for collect."""
    import toolkit.stages.pair_files as pair_files

    out = tmp_path / "Рассылка"
    files = sent(student, out)
    before = {pid: (p.read_bytes(), p.stat().st_mtime_ns) for pid, p in files.items()}
    made: list[Path] = []
    real = pair_files.rewrite_workbook

    def counting(target: Path, *args: Any, **kw: Any) -> Any:
        made.append(target)
        return real(target, *args, **kw)

    monkeypatch.setattr(pair_files, "rewrite_workbook", counting)
    again = distribute(Program.open(student), out)
    assert made == [] and all(item.unchanged for item in again)
    assert {pid: (p.read_bytes(), p.stat().st_mtime_ns) for pid, p in files.items()} == before
    (out / pair_files._Sent.NAME).unlink()
    again = distribute(Program.open(student), out)
    assert len(made) == len(files) and all(item.unchanged for item in again)
    assert not (out / pair_files._Sent.NAME).exists()  # nothing written, no record written
    result, report = run_collect(student, out)
    assert report.flat() == [] and len(result.unchanged) == len(files)


def test_collect_again_reads_only_what_changed(student: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file collected before, byte for byte the same, with every program book the same, is «unchanged»
    without being read again; a file whose bytes changed (even with its old time stamp), a file beside an
    office lock file and every file after a program book changed are read and checked as before."""
    import os

    import toolkit.stages.pair_files as pair_files

    monkeypatch.setattr(pair_files._Collected, "_folder", classmethod(lambda cls: tmp_path / "record"))
    files = sent(student, tmp_path / "Рассылка")
    inbox = tmp_path / "Входящие"
    first = fill(files["П-002"], first_work(), save_as=inbox / "П-002.xlsx")
    fill(files["П-001"], {"Компетенции": {"E2": 2}}, save_as=inbox / "П-001.xlsx")
    read: list[str] = []
    real = pair_files._read_incoming

    def counting(*args: Any, **kw: Any) -> Any:
        read.append(args[5])  # the file's label
        return real(*args, **kw)

    monkeypatch.setattr(pair_files, "_read_incoming", counting)
    result, report = run_collect(student, inbox)
    assert sorted(pid for pid, *_ in result.accepted) == ["П-001", "П-002"] and report.flat() == []
    assert sorted(read) == ["П-001.xlsx", "П-002.xlsx"]
    assert not [p for p in inbox.rglob("*") if p.name not in ("П-001.xlsx", "П-002.xlsx")]  # nothing added
    # the same files again: nothing read, the same answer as reading them
    read.clear()
    result, report = run_collect(student, inbox)
    assert read == [] and not result.written and report.flat() == []
    assert sorted(result.unchanged) == [("П-001", "П-001.xlsx"), ("П-002", "П-002.xlsx")]
    # one file changed, its time stamp put back: that file is read, and its change is taken
    stamp = first.stat()
    fill(first, {"Цели": {"C2": "Найти друзей в классе"}})
    os.utime(first, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    read.clear()
    result, report = run_collect(student, inbox)
    assert read == ["П-002.xlsx"] and report.flat() == []
    assert [pid for pid, *_ in result.accepted] == ["П-002"] and result.unchanged == [("П-001", "П-001.xlsx")]
    assert "Найти друзей в классе" in [g["Цель"] for g in work_rows(student, "Цели")]
    # a lock file beside a file: it is read (and the warning given, as always)
    lock = inbox / ".~lock.П-001.xlsx#"
    lock.write_text("x")
    read.clear()
    result, report = run_collect(student, inbox)
    assert read == ["П-001.xlsx"] and [p.code for p in report] == ["file-open-elsewhere"]
    lock.unlink()
    # a program book changed (the curator edited 05_Работа пар): every file is read again
    fill(student / WORK, {"Цели": {"C2": "Освоиться в новом классе"}})
    read.clear()
    result, report = run_collect(student, inbox)
    assert sorted(read) == ["П-001.xlsx", "П-002.xlsx"]


def test_collect_record_in_another_users_folder_is_not_trusted(student: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The record lives in a shared temporary folder: a folder that is not the user's own is neither read nor
    written, and every file is read as always."""
    import toolkit.stages.pair_files as pair_files

    monkeypatch.setattr(pair_files._Collected, "_folder", classmethod(lambda cls: tmp_path / "record"))
    files = sent(student, tmp_path / "Рассылка")
    inbox = tmp_path / "Входящие"
    fill(files["П-002"], first_work(), save_as=inbox / "П-002.xlsx")
    run_collect(student, inbox)
    assert list((tmp_path / "record").iterdir())  # the user's own folder: the record is kept
    read: list[str] = []
    real = pair_files._read_incoming

    def counting(*args: Any, **kw: Any) -> Any:
        read.append(args[5])
        return real(*args, **kw)

    monkeypatch.setattr(pair_files, "_read_incoming", counting)
    monkeypatch.setattr(pair_files._Collected, "_ours", staticmethod(lambda folder: False))
    result, report = run_collect(student, inbox)
    assert read == ["П-002.xlsx"] and result.unchanged == [("П-002", "П-002.xlsx")] and report.flat() == []
