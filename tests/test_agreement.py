"""Russian agreement: one helper (toolkit.base.grammar) for plurals and gendered forms, used by messages, match
reasons and documents alike; the registry's «Пол» decides, never «записан(а)»."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from toolkit.base.grammar import count, for_gender, gendered, plural, upper_first
from toolkit.base.problems import Report
from toolkit.checks.program import load_program
from toolkit.demo import build as demo
from toolkit.logic.candidates import build_context, readiness_problem, why_not_ready
from toolkit.model.pairs import MEETING
from toolkit.model.program import Program
from toolkit.stages.match import MatchOptions, run_match


@pytest.mark.parametrize(("n", "expected"), [
    (1, "1 наставник"), (2, "2 наставника"), (3, "3 наставника"), (5, "5 наставников"), (11, "11 наставников"),
    (12, "12 наставников"), (21, "21 наставник"), (22, "22 наставника"), (111, "111 наставников"),
    (0, "0 наставников"),
])
def test_count_agrees_with_the_number(n: int, expected: str) -> None:
    assert count(n, "наставник") == expected


def test_plural_of_other_nouns() -> None:
    assert count(1, "наставляемый") == "1 наставляемый"
    assert count(3, "наставляемый") == "3 наставляемых"
    assert count(4, "пара") == "4 пары" and count(5, "пара") == "5 пар"
    assert plural(2, "группе", "группах", "группах") == "группах"


def test_gendered_forms_follow_the_registry() -> None:
    assert gendered("ж", "записан", "записана") == "записана"
    assert gendered("м", "записан", "записана") == "записан"
    assert gendered("Женский", "готов", "готова") == "готова"
    assert gendered(None, "готов", "готова") == "готов"  # the generic form, never «готов(а)»
    assert for_gender("Готов к самостоятельной работе", "ж") == "Готова к самостоятельной работе"
    assert for_gender("Готов, нужна поддержка по отдельным вопросам", "ж") == "Готова, нужна поддержка по отдельным вопросам"
    assert for_gender("Не готов: продолжить наставничество", "ж") == "Не готова: продолжить наставничество"
    assert for_gender("Готов к самостоятельной работе", "м") == "Готов к самостоятельной работе"
    assert for_gender("Отлично справляется", "ж") == "Отлично справляется"


def test_upper_first_keeps_what_was_typed() -> None:
    assert upper_first("не готов: нет согласия на обработку ПДн") == "Не готов: нет согласия на обработку ПДн"


@pytest.fixture(scope="module")
def student(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("agree") / "student"
    demo.build_student(root)
    return root


def _registry_rows(root: Path) -> tuple[openpyxl.Workbook, object, dict[str, int]]:
    wb = openpyxl.load_workbook(root / "02_Заявки.xlsx")
    ws = wb["Наставляемые"]
    headers = {c.value: c.column for c in ws[1] if c.value}
    return wb, ws, headers


def test_a_duplicate_woman_is_zapisana(student: Path, tmp_path: Path) -> None:
    root = Path(shutil.copytree(student, tmp_path / "p"))
    wb, ws, h = _registry_rows(root)
    woman = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, h["Пол"]).value == "ж")  # type: ignore[attr-defined]
    last = ws.max_row + 1  # type: ignore[attr-defined]
    for col in range(1, ws.max_column + 1):  # type: ignore[attr-defined]
        ws.cell(last, col).value = ws.cell(woman, col).value  # type: ignore[attr-defined]
    ws.cell(last, h["Код"]).value = "НЯ-099"  # type: ignore[attr-defined]
    wb.save(root / "02_Заявки.xlsx")
    report = Report()
    load_program(Program.open(root), report)
    found = [p.message for p in report if p.code == "duplicate-person"]
    assert found and all(" уже записана в строке " in m for m in found), found
    assert not any("(а)" in p.message for p in report)


def test_not_ready_agrees_with_the_gender(student: Path) -> None:
    ctx = build_context(load_program(Program.open(student), Report()))
    unready = [pid for pid in ctx.people if not ctx.ready.get(pid)]
    assert unready
    for pid in unready:
        person = ctx.people[pid]
        text = why_not_ready(ctx, pid)
        assert text.startswith("не готова " if person.gender == "ж" else "не готов "), (pid, person.gender, text)
        problem = readiness_problem(ctx, pid)
        if problem and problem[0] == "pair-not-ready":
            assert problem[1]["ready"] == ("готова" if person.gender == "ж" else "готов")


def test_mentor_match_first_run_does_not_call_the_scheduled_absent(student: Path, tmp_path: Path) -> None:
    import datetime as dt

    root = Path(shutil.copytree(student, tmp_path / "p"))
    day = dt.date(2026, 11, 26)
    outcome = run_match(Program.open(root), MatchOptions(MEETING, start=day, meeting_date=day, today=day), Report())
    wb = openpyxl.load_workbook(root / "04_Пары.xlsx")
    schedule = wb["Расписание встреч"]
    headers = [c.value for c in schedule[1]]
    scheduled = {row[headers.index("Код наставляемого")] for row in schedule.iter_rows(min_row=2, values_only=True)}
    by_id = {u["id"]: u["reason"] for u in outcome.unmatched}
    assert scheduled and all("Не участвовал" not in by_id[pid] for pid in scheduled if pid in by_id)
    assert all("(а)" not in reason for reason in by_id.values())
    assert any(line.startswith("Расписание быстрых встреч: 9 наставников за столами, 29 наставляемых в 8 группах")
               for line in outcome.lines), outcome.lines


def test_status_names_a_girl_by_her_gender(student: Path) -> None:
    from toolkit.logic.readiness import compute_status

    data = load_program(Program.open(student), Report())
    status = compute_status(data)
    girls = [s for s in status.participants if s.role == "mentee" and data.participants[s.id].values.get("gender") == "ж"]
    boys = [s for s in status.participants if s.role == "mentee" and data.participants[s.id].values.get("gender") == "м"]
    assert girls and {s.role_name for s in girls} == {"Наставляемая"}
    assert boys and {s.role_name for s in boys} == {"Наставляемый"}
