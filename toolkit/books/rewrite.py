"""The one path by which a command rewrites a book people edit («02_Заявки», «04_Пары», «05_Работа пар»,
«06_Итоги»): one policy for what stops a rewrite, and one writer.

1. :func:`ensure_rewritable` — reading the book found a problem a rewrite would make worse (a sheet too large
   or unreadable, a repeated, renamed or missing header, a missing sheet), or something typed would not survive
   (a note above the headers, a text longer than a cell holds, a formula on a sheet of the person's own): the
   command refuses, naming the book, sheet and cell, and changes nothing. Otherwise the person's own sheets are
   returned, read, to be carried over as values.
2. :func:`rewrite_stage_book` — write the new version: nothing at all when it holds exactly what the file holds;
   otherwise the file read goes to «Резервные копии», the new one is written atomically, and an older .ods or .xls
   version beside it is removed (it is in the backup; two versions would be ambiguous).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.base import files
from toolkit.base.messages import render
from toolkit.base.problems import NastavnikError, Report
from toolkit.base.values import clean_text, fold
from toolkit.books.reader import BookData, SheetTooLarge, open_book
from toolkit.books.writer import (
    FOREIGN_SHEETS,
    LISTS_SHEET,
    META_SHEET,
    ForeignSheet,
    cell_name,
    rewrite_workbook,
    sheet_name_problem,
)
from toolkit.spec import Profile, WorkbookSpec

MAX_CELL_CHARS = 32_767  # what one cell of a workbook holds (Excel's limit, xlsxwriter refuses more)
# problems in the registry after which rewriting it would lose what people typed
REWRITE_BLOCKERS = {"sheet-too-large", "sheet-too-many-cells", "sheet-unreadable", "too-many-rows", "column-duplicate"}
# Also refused before a command rewrites a book from what it read: a sheet or a column it could not find
# (renamed, deleted) would be written anew and empty, and what the book says would be counted without it.
MISSING_BLOCKERS = {"sheet-missing", "column-missing"}


def ensure_rewritable(report: Report, book: BookData, spec: WorkbookSpec) -> list[ForeignSheet]:
    """Refuse to rewrite ``book`` when reading it found a problem a rewrite would make worse (a repeated or
    missing header, a missing sheet, a sheet too large) or something typed would not survive; return the
    sheets of the person's own to carry over."""
    blocker = next((p for p in report if p.file == book.label and p.code in REWRITE_BLOCKERS | MISSING_BLOCKERS),
                   None)
    if blocker is not None:
        sheet = blocker.sheet if blocker.code != "sheet-missing" else ""  # «Нет листа …» names it
        place = ", ".join(x for x in (sheet and f"лист «{sheet}»", blocker.cell and f"ячейка {blocker.cell}") if x)
        raise NastavnikError(render("rewrite-refused", book=book.label, place=f"{place}: " if place else "",
                                    detail=blocker.message))
    return ensure_nothing_lost(book, spec)


def ensure_nothing_lost(book: BookData, spec: WorkbookSpec) -> list[ForeignSheet]:
    """A workbook is rewritten from what was read: refuse when something typed in it would not survive (a
    note above the headers, a text longer than a cell holds, a formula on a sheet of the person's own).
    Sheets of the person's own are returned, read, to be written back as they are (values).
    Any command that rewrites a workbook people edit calls it on the :class:`BookData` it read and passes
    the result to the writer under :data:`~toolkit.books.writer.FOREIGN_SHEETS`."""
    known = {fold(s.name) for s in spec.sheets} | {fold(n) for n in ("Инструкция", META_SHEET, LISTS_SHEET)}
    other = [n for n in book.sheet_names if fold(n) not in known]
    for table in book.tables.values():
        if table.preamble:
            cell, value = table.preamble[0]
            raise NastavnikError(
                f"{book.label}: лист «{table.name}», ячейка {cell}: над строкой заголовков есть запись "
                f"«{clean_text(value)[:60]}»: при перезаписи она бы пропала. Перенесите её ниже или в другую книгу "
                "и повторите команду.")
        for row in table.rows:
            for key, value in {**row.raw, **row.extra}.items():
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    cell = row.cell(key) or f"строка {row.number}"
                    raise NastavnikError(f"{book.label}: лист «{table.name}», ячейка {cell}: "
                                         + render("cell-too-long", length=len(value)))
    return _foreign_sheets(book, other) if other else []


def _foreign_sheets(book: BookData, names: list[str]) -> list[ForeignSheet]:
    """The sheets of the person's own, read again with their values, to be carried over by a rewrite."""
    report = Report()
    opened = open_book(book.path, report, book.label)
    if opened is None:
        raise NastavnikError(f"{book.label}: книгу не удалось прочитать ещё раз, чтобы перенести листы «"
                             + "», «".join(names) + "». Она не перезаписана: повторите команду.")
    out = []
    for name in names:
        why = sheet_name_problem(name)
        if why:
            raise NastavnikError(
                f"{book.label}: в книге есть свой лист «{name}», и его нельзя перенести при перезаписи: {why}. "
                "Книга не перезаписана, чтобы ничего не пропало: переименуйте лист (короче, без этих знаков) и "
                "повторите команду.")
        try:
            rows, _ = opened.rows(name)
        except SheetTooLarge:
            rows, why = [], "он слишком велик"
        special = sorted({*opened.formulas(name), *opened.errors(name)})
        if special:
            why = f"в нём формулы (ячейка {cell_name(*special[0])}), а программа переносит только значения"
        if not why and any(isinstance(v, str) and len(v) > MAX_CELL_CHARS for r in rows for v in r):
            why = "в нём текст длиннее, чем вмещает ячейка"
        if why:
            raise NastavnikError(
                f"{book.label}: в книге есть свой лист «{name}», и его нельзя перенести при перезаписи: {why}. "
                "Книга не перезаписана, чтобы ничего не пропало: перенесите лист в другую книгу и повторите "
                "команду.")
        out.append(ForeignSheet(name, [list(r) for r in rows], hidden=name in opened.hidden))
    return out




@dataclass
class Rewritten:
    """What a rewrite did: written or left as it was, the backup made, notes for the person."""

    written: bool
    backup: Path | None
    notes: list[str] = field(default_factory=list)


def rewrite_stage_book(target: Path, found: list[Path], spec: WorkbookSpec, profile: Profile, program_id: str,
                       rows: dict[str, Any], carried: list[ForeignSheet], *, backup_root: Path | None,
                       meta: dict[str, str] | None = None) -> Rewritten:
    """Write ``rows`` (and the carried sheets) into ``target``, the book read from ``found`` (none when new)."""
    previous = found[0] if found else None
    written, backup = rewrite_workbook(target, previous, spec, profile, program_id,
                                       {**rows, FOREIGN_SHEETS: carried}, backup_root=backup_root, meta=meta)
    notes = [] if written else [f"Книга «{target.name}» не изменилась: в ней уже всё это есть."]
    for old in found:
        if old != target:
            old.unlink()
            notes.append(files.format_note(old, target))
    return Rewritten(written, backup, notes)
