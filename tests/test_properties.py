"""Property tests: whatever a cell holds, the reader and the validator report a problem, never raise.

Values are any Python type python-calamine returns (str — with control characters, invisible and
right-to-left characters, surrogate-free —, float with nan and ±inf, ints of any size, bool, date,
datetime, time, timedelta, None). ``parse_cell`` is called for every column of every resolved spec of
both forms; the whole-sheet version writes random rows with the writer (values stored as typed: text
stays text) and reads the workbook back through the reader and the program's validation.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit import spec
from toolkit.base import messages
from toolkit.base.problems import Report
from toolkit.base.values import ValueProblem
from toolkit.books.reader import parse_cell
from toolkit.checks.program import load_program
from toolkit.model.program import Program
from toolkit.spec import Column

COLUMNS: list[Column] = []
for _form, _profile in spec.profiles().items():
    for _wb in spec.program_workbooks(_profile):
        for _sheet in _wb.sheets:
            for _column in _sheet.columns:
                if all(c != _column for c in COLUMNS):
                    COLUMNS.append(_column)

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40) | st.sampled_from([
    "", " ", "\u00a0", "\u200b", "#REF!", "#Н/Д", "=1+1", "+7", "-", "@x", "\t=A1", "\r", "nan", "inf", "-Infinity",
    "1e999", "31.02.2026", "2026/09/25 10:15:00 AM GMT+3", "9 «Б» класс", "да", "НЕТ!", "пн, вс", "1" * 400,
    "\u200fשלום", "😊", "Семе\u0308нова", "_x0007_",
])
CELL = st.one_of(
    st.none(), TEXT, st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True), st.integers(), st.integers(min_value=-(10**400), max_value=10**400),
    st.dates(), st.datetimes(), st.times(), st.timedeltas(),
)


def _ok(value: Any, problem: ValueProblem | None) -> None:
    if problem is not None:
        assert value is None
        # the problem renders to a Russian sentence with every parameter filled in
        text = messages.render(problem.code, file="", sheet="", cell="", field="поле", **problem.params)
        assert text
    elif isinstance(value, float):
        assert math.isfinite(value)


@settings(max_examples=300, deadline=None, database=None)
@given(column=st.sampled_from(COLUMNS), raw=CELL)
def test_parse_cell_never_raises(column: Column, raw: Any) -> None:
    value, problem = parse_cell(column, raw)
    _ok(value, problem)


@pytest.mark.parametrize("column", COLUMNS, ids=lambda c: f"{c.type}-{c.key}")
def test_parse_cell_on_edge_values_of_every_column(column: Column) -> None:
    for raw in (None, "", float("nan"), float("inf"), -float("inf"), 10**400, -(10**400), True, False,
                dt.time(10, 15), dt.timedelta(days=-3), dt.date(1, 1, 1), dt.datetime(9999, 12, 31, 23, 59),
                "\x00\x01\x1b", "\ud7ff", "x" * 40_000, "#N/A", 1e308, -0.0):
        _ok(*parse_cell(column, raw))


# --------------------------------------------------------------------------- a whole program through writer → reader

BOOK_KEYS = [(form, wb.key) for form, profile in spec.profiles().items() for wb in spec.program_workbooks(profile)]
# values the writer can store in a cell (xlsx keeps finite numbers, text up to 32 767 characters, no NUL)
STORABLE = st.one_of(
    st.none(), st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30),
    st.booleans(), st.floats(allow_nan=False, allow_infinity=False), st.integers(-(10**15), 10**15),
    st.dates(min_value=dt.date(1900, 3, 1)), st.sampled_from(["#REF!", "=1+1", "@", "-", "\u00a0", "31.02.2026"]),
)


@pytest.fixture(scope="module")
def programs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for form, profile in spec.profiles().items():
        root = tmp_path_factory.mktemp("свойства") / form
        Program.create(root, profile)
        out[form] = root
    return out


@settings(max_examples=6, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
@pytest.mark.parametrize(("form", "key"), BOOK_KEYS, ids=[f"{f}-{k}" for f, k in BOOK_KEYS])
def test_any_sheet_content_gives_problems_not_exceptions(form: str, key: str, data: st.DataObject,
                                                          programs: dict[str, Path]) -> None:
    from toolkit.books.writer import write_workbook

    root = programs[form]
    program = Program.open(root)
    wb = next(w for w in program.specs if w.key == key)
    content: dict[str, Any] = {}
    for sheet in wb.sheets:
        if sheet.kind == "form":
            content[sheet.key] = {c.key: data.draw(STORABLE) for c in sheet.columns if not c.locked}
        elif sheet.kind == "table":
            content[sheet.key] = [{c.key: data.draw(STORABLE) for c in sheet.columns}
                                  for _ in range(data.draw(st.integers(0, 3)))]
    write_workbook(root / f"{wb.file}.xlsx", wb, program.profile, program.program_id, content)
    report = Report()
    load_program(Program.open(root), report)  # reader + every validation of the program
    for problem in report:
        assert problem.message and problem.severity in (messages.ERROR, messages.WARNING)
