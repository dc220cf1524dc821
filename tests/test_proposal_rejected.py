"""A proposal row that can never be fixed (no common free day, a mentee who will not be ready) can be marked
«Отклонено куратором»: it is no longer checked, counted as an error or proposed again."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from results_helpers import demo_folders, edit_rows, sheet_rows

from toolkit.base.problems import Report
from toolkit.checks.program import load_program
from toolkit.model.pairs import PROPOSAL
from toolkit.model.program import Program
from toolkit.stages.match import MatchOptions, run_match

PAIRS = "04_Пары.xlsx"


def _propose(path: Path, mentor: str, mentee: str) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["Предложения"]
    headers = {c.value: c.column for c in ws[1] if c.value}
    row = ws.max_row + 1
    ws.cell(row, headers["Код наставника"]).value = mentor
    ws.cell(row, headers["Код наставляемого"]).value = mentee
    wb.save(path)


def test_a_rejected_proposal_stops_counting(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(demo_folders()["student"], tmp_path / "p"))
    # НЯ-007 has no consent to the processing of personal data: the proposal can never be fixed as it is
    mentor, mentee = "НК-012", "НЯ-007"
    _propose(folder / PAIRS, mentor, mentee)
    report = Report()
    load_program(Program.open(folder), report)
    before = [p for p in report.errors if p.file == PAIRS]
    assert before, "the demo keeps an impossible proposal as an error"
    edit_rows(folder / PAIRS, "Предложения", {("Код наставляемого", mentee): {"Отклонено куратором": "да"}})
    report = Report()
    load_program(Program.open(folder), report)
    assert [p for p in report.errors if p.file == PAIRS] == []
    outcome = run_match(Program.open(folder), MatchOptions(PROPOSAL), Report())
    after = {r["Код наставляемого"]: r["Результат"] for r in sheet_rows(folder / PAIRS, "Предложения")}
    assert after[mentee] == "Отклонено куратором: пара не формируется и больше не предлагается"
    assert outcome.path.name == PAIRS
    report = Report()
    load_program(Program.open(folder), report)
    assert [p for p in report.errors if p.file == PAIRS] == []
