"""The reader checks a table column by column (distinct values once, whole-column tests of plain text, a long
column of nearly all different values as it is): whatever the sheet holds, the rows it gives and the problems
it reports are exactly those of the plain way — :func:`parse_cell` of every cell, one by one.

The sheets are long (more than the sample that tells a column of repeated values from one of different
values) and mix, in every column, values that repeat, values that differ, blanks, errors, text that is not
plain (spaces, double spaces, decomposed letters), numbers in text columns, error values (openpyxl writes
«#N/A» as an error cell) and the «|» the whole-column tests join by.
"""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from toolkit import spec
from toolkit.base.problems import Report
from toolkit.base.values import ValueProblem, is_blank
from toolkit.books.reader import open_book, parse_cell, read_table
from toolkit.books.writer import cell_name

PROFILE = spec.find_profile("student")
SHEET = next(s for w in spec.program_workbooks(PROFILE) if w.key == "applications" for s in w.sheets
             if s.key == "mentees")
ROWS = 300  # more than 4 × the reader's sample of 64: the column paths for long columns are taken

POOL: list[Any] = [
    "", None, "да", "нет", "ж", "м", "7А", "11Б", "12Я", "Адаптация", "Другое", "Математика, Русский язык",
    "пн, ср", "пн; пт", "После уроков", "Иван", " Иван", "Иван ", "Иван  Петров", "Ёлка", "e\u0301",
    "+7 914 682-18-42", "8 (914) 682-18-42", "+7 914 555|682-18-42", "123", "mail@example.ru", "почта@",
    "a|b", "x |y", "#N/A", "#ССЫЛКА!", "Err:502", "#хэштег", "Err:", "x" * 4100, 5, 7.0, 1.5, True, False,
    dt.date(2026, 9, 1), dt.date(1980, 1, 1), dt.datetime(2026, 9, 1, 12, 30), "01.09.2026", "31.02.2026",
]
MODES = st.sampled_from(["repeat", "differ", "blank", "mixed"])


def _cell(mode: str, draw_pool: Any, i: int) -> Any:
    value = draw_pool
    if mode == "differ" and isinstance(value, str) and value:
        return f"{value}{i}"  # a value of its own in each row
    if mode == "blank" and i % 7:
        return None
    if mode == "mixed" and isinstance(value, str) and i % 3 == 0:
        return f"{value} {i}"
    return value


@settings(max_examples=12, deadline=None, database=None, phases=[Phase.generate],  # a failing sheet is shown
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])    # as drawn: shrinking is slow
@given(data=st.data())
def test_a_long_table_reads_as_every_cell_parsed_one_by_one(tmp_path_factory: Any, data: st.DataObject) -> None:
    columns = SHEET.columns
    modes = [data.draw(MODES) for _ in columns]
    pools = [data.draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=6)) for _ in columns]
    picks = data.draw(st.lists(st.integers(0, 5), min_size=ROWS, max_size=ROWS))
    grid = [[_cell(mode, pool[pick % len(pool)], r) for mode, pool in zip(modes, pools, strict=True)]
            for r, pick in enumerate(picks)]
    path: Path = tmp_path_factory.mktemp("columns") / "02_Заявки.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = SHEET.name
    ws.append([c.header for c in columns])
    for row in grid:
        ws.append(row)
    book.save(path)

    report = Report()
    opened = open_book(path, report, path.name)
    assert opened is not None
    table = read_table(opened, SHEET, report, path.name)
    cells, _ = opened.rows(SHEET.name)  # the reference: the sheet's cells as read, each parsed by itself

    errors = opened.errors(SHEET.name)  # cells holding an error value, found by the scan
    inputs = [j for j, c in enumerate(columns) if not c.locked and c.type != "id"]
    expected_rows: list[int] = []
    expected_problems: set[tuple[str, str]] = set()
    expected_values: dict[int, tuple[dict[str, Any], set[str]]] = {}
    for r, raw in enumerate(cells[1:], start=1):
        raw = list(raw) + [None] * (len(columns) - len(raw))
        if not any(not is_blank(raw[j]) or (r, j) in errors for j in inputs):
            continue
        expected_rows.append(r + 1)
        values: dict[str, Any] = {}
        bad: set[str] = set()
        for j, column in enumerate(columns):
            value, problem = parse_cell(column, raw[j])
            if (r, j) in errors:  # openpyxl writes «#N/A» as an error cell: python-calamine reads it as empty
                value, problem = None, ValueProblem("formula-error", {"value": errors[(r, j)]})
            values[column.key] = value
            if problem is not None:
                bad.add(column.key)
                expected_problems.add((cell_name(r, j), problem.code))
            elif value is None and column.required:
                expected_problems.add((cell_name(r, j), "required-missing"))
        expected_values[r + 1] = (values, bad)

    assert [row.number for row in table.rows] == expected_rows
    for row in table.rows:
        values, bad = expected_values[row.number]
        assert row.values == values, row.number
        assert set(row.bad) == bad, (row.number, {k: row.raw[k] for k in set(row.bad) ^ bad})
        assert row.raw == {c.key: cells[row.number - 1][j] for j, c in enumerate(columns)}
        assert row.cells["gender"] == f"E{row.number}"
    assert {(p.cell, p.code) for p in report if p.cell} == expected_problems
    assert pickle.loads(pickle.dumps(table.rows)) == table.rows  # rows travel to a worker process intact
