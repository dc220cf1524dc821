"""Workbooks saved again by a real LibreOffice (as xlsx and as ods) read back the same and pass the check.

The demo of both forms is built once; a few tricky values (text that looks like a formula, ё, quotes,
line breaks) are put into the registry; then EVERY workbook of both programs is converted with ONE
``soffice`` call per target format. A copy of each program folder gets the converted files instead of
the originals.

LibreOffice is required: without ``soffice`` these tests fail (CI installs LibreOffice), unless the
environment says ``NASTAVNIK_SKIP_LIBREOFFICE=1``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from demo_helpers import Demos
from libreoffice_helpers import soffice

from toolkit.base.problems import Report
from toolkit.books.reader import BookData, open_book, read_workbook
from toolkit.books.writer import LISTS_SHEET, META_SHEET, col_letter, write_workbook
from toolkit.checks.program import load_program
from toolkit.model.program import Program

# one worker of a pytest-xdist run takes the whole module: the conversion of every book is made once
pytestmark = [pytest.mark.libreoffice, pytest.mark.xdist_group("libreoffice-books")]

FORMATS = ("xlsx", "ods")
FOLDERS = ("ученик-ученик", "педагог-педагог")
TRICKY_NOTES = ["=1+1", "+7 (914) 000-00-00 — звонить вечером", "-не звонить-", "@vk_ученик",
                '«Ёлочки» и "лапки"', "=СУММ(A1:A3)", "0042", "01.09.2026"]
TRICKY_MOTIVATION = "Первая строка\n=ЕСЛИ(1;2;3)\n- пункт списка\nё Ё «»"




def test_libreoffice_is_installed(tmp_path: Path) -> None:
    """Fails (not skips) on a machine without LibreOffice: CI must install it."""
    exe = soffice()
    result = subprocess.run([exe, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--version"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0 and "LibreOffice" in result.stdout, result.stdout + result.stderr


@dataclass
class Converted:
    original: dict[str, Path]  # folder name → demo program folder
    converted: dict[tuple[str, str], Path]  # (format, folder name) → program folder with converted books
    workbooks: dict[str, list[str]]  # folder name → workbook file stems


def _add_tricky_values(root: Path) -> None:
    """Put text that looks like formulas, ё, quotes and line breaks into the registry (rewritten by the writer)."""
    program = Program.open(root)
    wb = next(w for w in program.specs if w.key == "applications")
    path = root / f"{wb.file}.xlsx"
    report = Report()
    book = open_book(path, report, path.name)
    assert book is not None
    data = read_workbook(book, wb, report, path.name)
    rows = {key: [r.kept_values() for r in table.rows] for key, table in data.tables.items()}
    for row, note in zip(rows["mentors"], TRICKY_NOTES, strict=False):
        row["note"] = note
    rows["mentors"][0]["motivation"] = TRICKY_MOTIVATION
    rows["mentees"][0]["note"] = "=HYPERLINK(\"http://example.com\")"
    write_workbook(path, wb, program.profile, program.program_id, rows)


def _convert(exe: str, files: list[Path], fmt: str, outdir: Path, profile_dir: Path) -> None:
    outdir.mkdir()
    cmd = [exe, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile_dir.as_uri()}",
           "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    missing = [f.name for f in files if not (outdir / f"{f.stem}.{fmt}").exists()]
    assert result.returncode == 0 and not missing, (
        f"soffice --convert-to {fmt}: код {result.returncode}, нет файлов {missing}\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="module")
def converted(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> Converted:
    exe = soffice()
    base = tmp_path_factory.mktemp("lo")
    demo = demos.copy_all(base / "demo")
    originals = {name: demo / name for name in FOLDERS}
    for root in originals.values():
        _add_tricky_values(root)
    # the same file names exist in both programs: stage them under unique names for one call per format
    stage = base / "stage"
    stage.mkdir()
    staged: list[Path] = []
    workbooks: dict[str, list[str]] = {}
    for name, root in originals.items():
        program = Program.open(root)
        workbooks[name] = []
        for wb in program.specs:
            (path,) = program.find_files(wb)
            target = stage / f"{name}__{path.name}"
            shutil.copy2(path, target)
            staged.append(target)
            workbooks[name].append(wb.file)
    out = {}
    for fmt in FORMATS:  # xlsx → xlsx needs its own outdir: the names would collide with the sources
        out[fmt] = base / f"out-{fmt}"
        _convert(exe, staged, fmt, out[fmt], base / "lo-profile")
    result: dict[tuple[str, str], Path] = {}
    for fmt in FORMATS:
        for name, root in originals.items():
            copy = base / f"program-{fmt}" / name
            shutil.copytree(root, copy)
            for stem in workbooks[name]:
                (copy / f"{stem}.xlsx").unlink()
                shutil.copy2(out[fmt] / f"{name}__{stem}.{fmt}", copy / f"{stem}.{fmt}")
            result[(fmt, name)] = copy
    return Converted(originals, result, workbooks)


def _read_program(root: Path) -> tuple[dict[str, BookData], Report]:
    report = Report()
    data = load_program(Program.open(root), report)
    return data.books, report


def _flat(report: Report) -> list[list[str]]:
    # the teacher demo's one mentor without the supplementary agreement is warned about (ТК РФ ст. 351.8,
    # tests/test_labour_papers.py): not what is tested here
    return [[p.file, p.sheet, p.cell, p.code] for p in report if p.code != "pair-labour-papers"]


def _content(book: BookData) -> dict[str, Any]:
    """Everything read from a workbook that the toolkit uses: every table row and every form value."""
    return {
        "tables": {key: [(r.number, r.values, r.extra) for r in t.rows] for key, t in book.tables.items()},
        "forms": {key: f.values for key, f in book.forms.items()},
        "cells": {key: [dict(r.cells) for r in t.rows] for key, t in book.tables.items()},
    }


PARAMS = [pytest.param(fmt, name, id=f"{fmt}-{name}") for fmt in FORMATS for name in FOLDERS]


@pytest.mark.parametrize(("fmt", "name"), PARAMS)
def test_libreoffice_keeps_every_value(converted: Converted, fmt: str, name: str) -> None:
    original, report_o = _read_program(converted.original[name])
    again, report_c = _read_program(converted.converted[(fmt, name)])
    assert _flat(report_o) == []
    assert _flat(report_c) == []
    assert sorted(again) == sorted(original)
    for key, book in original.items():
        assert again[key].label.endswith(f".{fmt}")
        assert sum(len(t.rows) for t in book.tables.values()) + len(book.forms) > 0, key
        assert _content(again[key]) == _content(book), f"{name}/{book.label}"
    # the tricky values really went through LibreOffice, as text
    mentors = again["applications"].tables["mentors"].rows
    assert [r.values["note"] for r in mentors[: len(TRICKY_NOTES)]] == TRICKY_NOTES[: len(mentors)]
    assert mentors[0].values["motivation"] == TRICKY_MOTIVATION
    assert again["applications"].tables["mentees"].rows[0].values["note"] == '=HYPERLINK("http://example.com")'


def run_check(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "toolkit.cli", "check", str(root)], capture_output=True,
                          text=True, encoding="utf-8", env=env, timeout=120, check=False)


@pytest.mark.parametrize(("fmt", "name"), PARAMS)
def test_check_passes_after_libreoffice(converted: Converted, fmt: str, name: str) -> None:
    result = run_check(converted.converted[(fmt, name)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Проблем не найдено" in result.stdout or (  # the teacher demo's warning (ТК РФ ст. 351.8), no error
        "Всего: ошибок 0, предупреждений 1." in result.stdout and "ст. 351.8 ТК РФ" in result.stdout)


@pytest.mark.parametrize(("fmt", "name"), PARAMS)
def test_meta_sheet_after_libreoffice(converted: Converted, fmt: str, name: str) -> None:
    """LibreOffice 7.x keeps «_meta» but turns «very hidden» into «hidden»: still out of sight, still read.

    If a version drops the sheet, the meta is empty and the workbook is known by its file name (tested below).
    """
    root = converted.converted[(fmt, name)]
    for stem in converted.workbooks[name]:
        report = Report()
        book = open_book(root / f"{stem}.{fmt}", report, stem)
        assert book is not None
        original = open_book(converted.original[name] / f"{stem}.xlsx", report, stem)
        assert original is not None
        meta = book.meta()
        assert meta in ({}, original.meta()), stem
        if META_SHEET in book.sheet_names:
            assert META_SHEET in book.hidden, f"{stem}: лист «_meta» стал видимым"
        if LISTS_SHEET in original.sheet_names:
            assert LISTS_SHEET in book.hidden, f"{stem}: лист «_lists» стал видимым"


def _drop_meta(path: Path) -> None:
    """A suite that loses the hidden sheet: remove «_meta» from an xlsx (openpyxl) or an ods (content.xml)."""
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path)
        del wb[META_SHEET]
        wb.save(path)
        return
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "content.xml":
                text = data.decode("utf-8")
                text, n = re.subn(r'<table:table table:name="_meta".*?</table:table>', "", text, flags=re.S)
                assert n == 1, "в content.xml нет листа _meta"
                data = text.encode("utf-8")
            compress = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            dst.writestr(info, data, compress_type=compress)
    tmp.replace(path)


@pytest.mark.parametrize(("fmt", "name"), PARAMS)
def test_without_meta_sheet_books_are_known_by_file_name(
    converted: Converted, fmt: str, name: str, tmp_path: Path,
) -> None:
    root = tmp_path / name
    shutil.copytree(converted.converted[(fmt, name)], root)
    for stem in converted.workbooks[name]:
        _drop_meta(root / f"{stem}.{fmt}")
        report = Report()
        opened = open_book(root / f"{stem}.{fmt}", report, stem)
        assert opened is not None and META_SHEET not in opened.sheet_names and opened.meta() == {}
    program = Program.open(root)  # the form comes from «Форма наставничества» in the settings
    assert program.profile.folder == name and program.program_id == ""
    books, report = _read_program(root)
    original, _ = _read_program(converted.original[name])
    # read as before, by file name; the settings book is named once: without its program code pair files
    # would not be accepted (a warning, the program still works)
    assert [p[-1] for p in _flat(report)] == ["settings-meta-missing"]
    for key, book in original.items():
        assert _content(books[key]) == _content(book), f"{name}/{book.label}"
    result = run_check(root)
    assert result.returncode == 0, result.stdout + result.stderr


def test_excel_features_after_libreoffice_xlsx(converted: Converted) -> None:
    """What a person editing a LibreOffice-saved xlsx still gets: protected sheets with editable input cells
    and the dropdown lists (inline, or through the defined name on the hidden «_lists» sheet)."""
    name = "педагог-педагог"  # its long subject list goes through «_lists»
    root = converted.converted[("xlsx", name)]
    original_root = converted.original[name]
    seen_named_list = False
    for stem in converted.workbooks[name]:
        before = openpyxl.load_workbook(original_root / f"{stem}.xlsx")
        after = openpyxl.load_workbook(root / f"{stem}.xlsx")
        for ws in before.worksheets:
            if ws.title in (META_SHEET, LISTS_SHEET) or not ws.protection.sheet:
                continue
            ws2 = after[ws.title]
            assert ws2.protection.sheet is True, f"{stem}/{ws.title}: защита листа снята"
            for cell in ws[2]:
                if cell.value is not None:
                    assert ws2[cell.coordinate].protection.locked == cell.protection.locked, (
                        f"{stem}/{ws.title}!{cell.coordinate}")
            lists_before = _dropdowns(before, ws)
            lists_after = _dropdowns(after, ws2)
            assert lists_after == lists_before, f"{stem}/{ws.title}"
            seen_named_list |= any(named for _, named in lists_before.values())
    assert seen_named_list, "ни один выпадающий список не идёт через лист «_lists»"


def _dropdowns(wb: Any, ws: Any) -> dict[str, tuple[list[str], bool]]:
    """Column letter → (values of the dropdown on row 2, given through a defined name)."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        if dv.type != "list":
            continue
        for rng in dv.sqref.ranges:
            if not rng.min_row <= 2 <= rng.max_row:
                continue
            formula = dv.formula1
            if formula.startswith('"'):
                values, named = formula.strip('"').split(","), False
            else:
                target = wb.defined_names[formula.lstrip("=")].attr_text
                sheet, ref = target.rsplit("!", 1)
                values = [c.value for row in wb[sheet.strip("'")][ref.replace("$", "")] for c in row]
                named = True
            for c in range(rng.min_col, rng.max_col + 1):
                out[col_letter(c - 1)] = (values, named)
    return out


@pytest.mark.parametrize("name", FOLDERS)
def test_books_kept_as_ods_are_rewritten_as_xlsx_and_the_ods_backed_up(converted: Converted, tmp_path: Path,
                                                                       name: str) -> None:
    """A curator who keeps the books in .ods: import, match and results write .xlsx (the toolkit's format),
    say so, leave the .ods in «Резервные копии» and no second book beside it; nothing read before is lost."""
    root = Path(shutil.copytree(converted.converted[("ods", name)], tmp_path / name))
    before, _ = _read_program(root)
    originals = {stem: (root / f"{stem}.ods").read_bytes() for stem in ("02_Заявки", "04_Пары", "06_Итоги")}
    export = tmp_path / "ответы.csv"
    export.write_text("Роль,Фамилия,Имя,Пол\nНаставник,Новикова,Вера,ж\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    outputs = []
    for args in (["import", str(root), str(export)], ["match", str(root), "--scheme", "анкеты"],
                 ["results", str(root), "--date", "20.05.2027"]):
        done = subprocess.run([sys.executable, "-m", "toolkit.cli", *args], capture_output=True, text=True,
                              encoding="utf-8", env=env, timeout=300, check=False)
        assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stdout + done.stderr
        outputs.append(done.stdout)
    backups = [p.read_bytes() for p in (root / "Резервные копии").iterdir()]
    for (stem, content), output in zip(originals.items(), outputs, strict=True):
        assert not (root / f"{stem}.ods").exists() and (root / f"{stem}.xlsx").exists(), stem
        assert content in backups, stem
        assert (f"Книга теперь в формате .xlsx: «{stem}.xlsx»; прежний файл «{stem}.ods» — в папке «Резервные копии»."
                in output), output
        assert output.count("Книга теперь в формате") == 1
    after, report = _read_program(root)
    assert "file-ambiguous" not in {p.code for p in report}
    for sheet in ("mentors", "mentees"):
        rows = [r.values for r in after["applications"].tables[sheet].rows]
        assert all(r.values in rows for r in before["applications"].tables[sheet].rows), sheet
    for key in ("pairs", "results"):
        assert after[key].label.endswith(".xlsx")
        for sheet, table in before[key].tables.items():
            assert len(after[key].tables[sheet].rows) >= len(table.rows), (key, sheet)
