"""The seeds' rules for stages 1–3, checked on real workbooks edited as a person would (openpyxl)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from demo_helpers import Demos

from toolkit import spec
from toolkit.base.problems import Report
from toolkit.checks.program import load_program
from toolkit.logic.assessment import item_keys, score_answers
from toolkit.logic.readiness import compute_status
from toolkit.model.program import Program


def edit_setting(folder: Path, header: str, value: object) -> None:
    path = folder / "00_Настройки.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Настройки"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == header:
            row[1].value = value
            break
    else:  # pragma: no cover - the test itself is wrong
        raise AssertionError(header)
    wb.save(path)


def status_of(folder: Path) -> dict[str, dict[str, object]]:
    report = Report()
    data = load_program(Program.open(folder), report)
    assert report.errors == [], report.flat()
    return {s.id: s.__dict__ for s in compute_status(data).participants}


@pytest.fixture()
def student(demos: Demos, tmp_path: Path) -> Path:
    demos.copy("student", tmp_path / "ученик-ученик", "written")
    return tmp_path / "ученик-ученик"


def test_five_of_eight_is_not_ready_where_profile_asks_six(student: Path) -> None:
    assert spec.find_profile("student").training.threshold == 6
    status = status_of(student)
    assert status["НК-006"]["training"] == "5 из 8"
    assert status["НК-006"]["ready"] is False
    assert status["НК-006"]["stage"] == 3
    assert status["НК-006"]["missing"] == ["обучение: посещено встреч 5 из 8, нужно не менее 6"]


def test_threshold_from_settings_overrides_profile(student: Path) -> None:
    edit_setting(student, "Порог обучения: встреч посетить не менее", 5)
    status = status_of(student)
    assert status["НК-006"]["ready"] is True
    assert status["НК-006"]["stage_name"] == "Готов к формированию пар"


def test_threshold_above_meetings_is_a_problem(student: Path) -> None:
    edit_setting(student, "Порог обучения: встреч посетить не менее", 9)
    report = Report()
    load_program(Program.open(student), report)
    assert [[p.file, p.sheet, p.cell, p.code] for p in report] == [
        ["00_Настройки.xlsx", "Настройки", "B16", "threshold-too-high"]]
    assert report.problems[0].message == ("Порог посещаемости обучения (9) больше числа встреч по плану (8). "
                                          "Уменьшите порог.")


def test_testing_never_rejects_anyone(student: Path) -> None:
    report = Report()
    data = load_program(Program.open(student), report)
    status = compute_status(data)
    text = json.dumps(status.as_json(), ensure_ascii=False).casefold()
    for word in ("отклон", "отсе", "reject", "не прош"):
        assert word not in text
    by_id = {s.id: s for s in status.participants}
    # НК-003 has a gap in responsibility: a focus for training, not a verdict
    assert "Осознание ответственности" in by_id["НК-003"].test_gaps
    assert by_id["НК-003"].ready is True
    assert status.testing is not None
    assert status.testing["focus"][0] == "Эмпатия"


def test_missing_consent_blocks_the_next_stage(student: Path) -> None:
    status = status_of(student)
    assert status["НК-004"]["ready"] is False and status["НК-004"]["stage"] == 2
    assert status["НЯ-007"]["ready"] is False
    assert status["НЯ-008"]["ready"] is True


def test_minor_consent_needs_who_gave_it(student: Path) -> None:
    path = student / "02_Заявки.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Наставляемые"]
    header = [c.value for c in ws[1]]
    col = header.index("Согласие на ПДн дал") + 1
    ws.cell(row=2, column=col).value = None
    wb.save(path)
    status = status_of(student)
    assert status["НЯ-001"]["missing"] == ["не указано, кто дал согласие на обработку персональных данных"]


def test_teachers_prepare_in_one_or_two_meetings_not_eight(demos: Demos, tmp_path: Path) -> None:
    teacher = spec.find_profile("teacher")
    student_profile = spec.find_profile("student")
    assert teacher.training.meetings == 2 and teacher.training.threshold == 1
    assert student_profile.training.meetings == 8
    folder = tmp_path / "педагог-педагог"
    demos.copy("teacher", folder, "written")
    wb = openpyxl.load_workbook(folder / "03_Обучение.xlsx")
    headers = [c.value for c in wb["Посещаемость"][1]]
    assert [h for h in headers if str(h).startswith("Встреча")] == ["Встреча 1", "Встреча 2"]
    assert "Стратегия" in wb.sheetnames and "Рефлексия" not in wb.sheetnames
    assert not (folder / "02_Тестирование.xlsx").exists()  # teachers are not tested on communication skills


def test_reverse_items_are_flipped() -> None:
    testing = spec.find_profile("student").testing
    assert testing is not None
    keys = item_keys(testing)
    answers = {key: 5 for key, _, _ in keys}
    scores, gaps, answered = score_answers(testing, answers, threshold=3.5)
    assert answered == 24
    # communication: 4 direct items at 5, 2 reverse items at 5 → 1: (4*5 + 2*1) / 6
    assert scores["communication"] == round((4 * 5 + 2 * 1) / 6, 2)
    reverse_in_dim = {d.key: sum(r for _, r in d.items) for d in testing.dimensions}
    for dim in testing.dimensions:
        n = len(dim.items)
        assert scores[dim.key] == round(((n - reverse_in_dim[dim.key]) * 5 + reverse_in_dim[dim.key]) / n, 2)
    assert gaps == []


def test_half_filled_test_is_reported_and_counted(student: Path) -> None:
    path = student / "02_Тестирование.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Ответы"]
    ws["D2"].value = None  # the first statement of the first candidate
    wb.save(path)
    report = Report()
    data = load_program(Program.open(student), report)
    assert [[p.sheet, p.cell, p.code] for p in report] == [["Ответы", "D2", "required-missing"]]
    first = ws["A2"].value
    status = {s.id: s for s in compute_status(data).participants}
    assert status[first].missing == ["тест заполнен не полностью: ответов 23 из 24"]
