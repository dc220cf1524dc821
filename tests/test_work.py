"""Stages 5–6 — the rules `check` applies to «05_Работа пар» with exact [sheet, cell, code], and the
curator's attention list of `status --date` against hand-computed cases.

The demo folders with fixed pairs (stages 1–4) are built once; each test writes «05_Работа пар» of a copy.
Teachers' pair П-002: НК-004 – НЯ-004, weekly («Раз в неделю», 7 days), from 21.09.2026. Students' pair
П-002: НК-010 – НЯ-016, «Два раза в месяц» (15 days), from 30.11.2026. The program runs 01.09.2026 – 31.05.2027.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from demo_helpers import Demos

from toolkit.base.problems import Report
from toolkit.books.writer import write_workbook
from toolkit.checks.program import load_program
from toolkit.cli import main
from toolkit.logic.readiness import compute_status
from toolkit.model.pairs import known_pairs
from toolkit.model.program import Program, ProgramData
from toolkit.model.work import pair_spec, work_spec
from toolkit.spec import profiles

D = dt.date
SHORT_S = "Краткосрочная цель (1–2 месяца)"
LONG_T = "Долгосрочная цель (1–3 года)"


@pytest.fixture(scope="module")
def paired(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("paired")
    return {name: demos.copy(name, base / name, "paired") for name in ("student", "teacher")}


@pytest.fixture
def student(paired: dict[str, Path], tmp_path: Path) -> Path:
    return Path(shutil.copytree(paired["student"], tmp_path / "ученик-ученик"))


@pytest.fixture
def teacher(paired: dict[str, Path], tmp_path: Path) -> Path:
    return Path(shutil.copytree(paired["teacher"], tmp_path / "педагог-педагог"))


def write_work(root: Path, rows: dict[str, list[dict[str, Any]]]) -> None:
    """«05_Работа пар» holding exactly these rows (as a curator or ``collect`` would write them)."""
    program = Program.open(root)
    write_workbook(root / "05_Работа пар.xlsx", work_spec(program.profile), program.profile, program.program_id,
                   rows)


def load(root: Path) -> tuple[ProgramData, Report]:
    """The books read and checked; the teacher demo's warning about a mentor without the supplementary agreement
    (ТК РФ ст. 351.8, tests/test_labour_papers.py) is not the work of pairs and is left out here."""
    report = Report()
    data = load_program(Program.open(root), report)
    report.problems = [p for p in report.problems if p.code != "pair-labour-papers"]
    return data, report


def problems(root: Path) -> list[list[str]]:
    return [p.flat() for p in load(root)[1]]


def meeting(pair: str, number: int, date: dt.date, mentor: int | None = 5, mentee: int | None = 5,
            **more: Any) -> dict[str, Any]:
    return {"pair_id": pair, "number": number, "date": date, "format": "Очно", "topic": f"Встреча {number}",
            "minutes": 45, "mentor_score": mentor, "mentee_score": mentee, **more}


def plan(pair: str, member: str, horizon: str) -> dict[str, list[dict[str, Any]]]:
    """A minimal plan: one goal with one sprint and a competency rated at the start (no check problem)."""
    return {
        "goals": [{"pair_id": pair, "goal_no": 1, "goal": "Цель", "horizon": horizon}],
        "sprints": [{"pair_id": pair, "goal_no": 1, "sprint_no": 1, "task": "Задача", "start": D(2026, 12, 1),
                     "end": D(2027, 1, 20), "status": "Завершён"}],
        "competencies": [{"pair_id": pair, "member_id": member, "competency": "Коммуникация", "self_start": 3}],
    }


# --------------------------------------------------------------------------- specs


def test_both_workbooks_come_from_one_spec() -> None:
    for profile in profiles().values():
        program, pair = work_spec(profile), pair_spec(profile)
        assert profile.lists["horizons"] == [h.name for h in profile.sprint_horizons]
        assert pair.sheets[0].key == "pair" and pair.sheets[0].kind == "form"
        shared = [s for s in program.sheets if s.key != "journal"]
        assert [s.key for s in pair.sheets[1:]] == [s.key for s in shared]
        for mine, theirs in zip(pair.sheets[1:], shared, strict=True):
            assert theirs.columns[0].key == "pair_id"
            assert [c.key for c in mine.columns] == [c.key for c in theirs.columns[1:]]
            assert [c.header for c in mine.columns] == [c.header for c in theirs.columns[1:]]
        locked = {s.key: [c.key for c in s.columns if c.locked] for s in pair.sheets[1:]}
        assert locked["competencies"] == ["member_id", "name", "group", "competency"]
        assert locked["goals"] == ["goal_no"] and locked["meetings"] == ["number"] and locked["sprints"] == []
    teacher = [s.name for s in work_spec(profiles()["teacher"]).sheets]
    assert teacher == ["Участники", "Компетенции", "Цели", "Спринты", "Встречи", "Дневник прогресса",
                       "Программа адаптации", "Промежуточные итоги", "Журнал сбора"]
    assert "Программа адаптации" not in [s.name for s in work_spec(profiles()["student"]).sheets]


# --------------------------------------------------------------------------- check rules


def test_goals_and_sprints_rules_exact_cells(teacher: Path) -> None:
    p = "П-002"
    write_work(teacher, {
        "goals": [
            {"pair_id": p, "goal_no": 1, "goal": "Наладить дисциплину", "horizon": "Краткосрочная цель (1–2 месяца)"},
            {"pair_id": p, "goal_no": 2, "goal": "Конкурс «Учитель года»", "horizon": LONG_T},
            {"pair_id": p, "goal_no": 3, "goal": "Передумали", "horizon": LONG_T, "status": "Отменена"},
        ],
        "sprints": [
            {"pair_id": p, "goal_no": 1, "sprint_no": 1, "task": "Правила урока", "start": D(2026, 10, 1),
             "end": D(2026, 11, 30), "status": "Завершён"},  # exactly two months: allowed
            {"pair_id": p, "goal_no": 1, "sprint_no": 2, "task": "Взаимопосещение", "start": D(2026, 12, 1),
             "end": D(2027, 2, 1), "status": "В работе"},  # a day longer than two months
            {"pair_id": p, "goal_no": 1, "sprint_no": 3, "task": "Перепутаны даты", "start": D(2027, 2, 10),
             "end": D(2027, 2, 1)},
            {"pair_id": p, "goal_no": 4, "sprint_no": 1, "task": "Цели нет", "start": D(2027, 3, 1),
             "end": D(2027, 3, 15)},
            {"pair_id": p, "goal_no": 1, "sprint_no": 4, "task": "До программы", "start": D(2026, 8, 20),
             "end": D(2026, 9, 15), "status": "Завершён"},
            {"pair_id": p, "goal_no": 1, "sprint_no": 5, "task": "После программы", "start": D(2027, 5, 1),
             "end": D(2027, 6, 15), "status": "Запланирован"},
        ],
    })
    data, report = load(teacher)
    assert report.flat() == [
        ["Цели", "D3", "work-goal-no-sprints"],
        ["Спринты", "F3", "work-sprint-too-long"],
        ["Спринты", "F4", "work-sprint-dates"],
        ["Спринты", "B5", "work-sprint-no-goal"],
        ["Спринты", "E6", "work-date-outside-program"],
        ["Спринты", "F7", "work-date-outside-program"],
    ]
    by_cell = {p.cell: p for p in report}
    assert by_cell["F3"].message == (
        "Спринт с 01.12.2026 по 01.02.2027 длиннее, чем позволяет горизонт цели 1 «Краткосрочная цель (1–2 месяца)» "
        "(не более 2 мес.: закончить не позже 31.01.2027). Разделите его на несколько спринтов или выберите "
        "другой горизонт цели.")
    assert by_cell["E6"].message == "Дата 20.08.2026 вне сроков программы (01.09.2026 – 31.05.2027). Проверьте год и число."
    assert by_cell["D3"].severity == "warning" and by_cell["F3"].severity == "error"
    assert all(p.file == "05_Работа пар.xlsx" for p in report)


def test_plan_missing_before_meetings_then_an_open_sprint_past_the_log(student: Path) -> None:
    p = "П-002"
    meetings = [meeting(p, 2, D(2026, 12, 16)), meeting(p, 1, D(2026, 12, 2))]  # the earlier one is on row 3
    write_work(student, {"meetings": meetings})
    data, report = load(student)
    assert report.flat() == [["Встречи", "C3", "work-plan-missing"]]
    assert report.problems[0].message == (
        "Встречи уже идут, а плана нет: не записаны цели со спринтами и анализ компетенций (оценки на старте). "
        "Работе пары предшествует самоанализ и совместный анализ компетенций и цели, разложенные на спринты.")
    write_work(student, {
        "meetings": meetings,
        "goals": [{"pair_id": p, "goal_no": 1, "goal": "Освоиться в классе", "horizon": SHORT_S}],
        "sprints": [
            {"pair_id": p, "goal_no": 1, "sprint_no": 1, "task": "Знакомство", "start": D(2026, 12, 1),
             "end": D(2026, 12, 10), "status": "В работе"},  # ended before the last meeting (16.12), still open
            {"pair_id": p, "goal_no": 1, "sprint_no": 2, "task": "Кружок", "start": D(2026, 12, 1),
             "end": D(2026, 12, 20), "status": "В работе"},  # ends after the last meeting: fine
            {"pair_id": p, "goal_no": 1, "sprint_no": 3, "task": "Секция", "start": D(2026, 12, 1),
             "end": D(2026, 12, 5), "status": "Завершён"},  # closed: fine
        ],
        "competencies": [{"pair_id": p, "member_id": "НЯ-016", "name": "Кузнецов Даниил", "group": "Метакомпетенции",
                          "competency": "Коммуникация", "self_start": 2, "joint_start": 3}],
    })
    data, report = load(student)
    assert report.flat() == [["Спринты", "G2", "work-sprint-overdue"]]
    assert report.problems[0].severity == "warning"
    assert report.problems[0].message.startswith("Спринт 1 цели 1 закончился 10.12.2026, а пара уже записала "
                                                 "16.12.2026, но спринт не закрыт.")


def test_unknown_pair_member_of_another_pair_and_typed_values(student: Path) -> None:
    write_work(student, {
        "competencies": [
            {"pair_id": "П-002", "member_id": "НЯ-001", "competency": "Коммуникация", "self_start": 3},
            {"pair_id": "п 77", "member_id": "НЯ-016", "competency": "Коммуникация", "self_start": 3},
        ],
        "meetings": [{"pair_id": "П-002", "number": 1, "date": "32.13.2026", "topic": "Знакомство",
                      "mentee_score": 7}],
    })
    data, report = load(student)
    assert report.flat() == [
        ["Встречи", "C2", "bad-date"],
        ["Встречи", "K2", "number-out-of-range"],
        ["Компетенции", "A3", "work-unknown-pair"],
        ["Компетенции", "B2", "work-member-not-in-pair"],
        ["Встречи", "C2", "work-plan-missing"],
    ]
    messages = [p.message for p in report]
    assert messages[2] == "Пары или группы «П-077» нет в книге «04_Пары». Проверьте код (например П-001)."
    assert messages[3] == ("«НЯ-001» не участник этой пары или группы (в ней: НК-010, НЯ-016). Впишите код или ФИО "
                           "участника пары.")


def test_teachers_dates_of_results_meetings_and_diary(teacher: Path) -> None:
    p = "П-002"
    write_work(teacher, {
        **plan(p, "НЯ-004", LONG_T),
        "meetings": [meeting(p, 1, D(2026, 9, 23)), meeting(p, 2, D(2027, 6, 3))],
        "diary": [{"pair_id": p, "date": D(2026, 8, 31), "entry": "Готовлюсь"}],
        "results": [{"pair_id": p, "member_id": "НЯ-004", "kind": "Открытый урок", "date": D(2027, 6, 1)},
                    {"pair_id": p, "member_id": "НЯ-004", "kind": "Методика", "date": D(2027, 5, 31)}],
    })
    assert problems(teacher) == [
        ["Встречи", "C3", "work-date-outside-program"],
        ["Дневник прогресса", "B2", "work-date-outside-program"],
        ["Промежуточные итоги", "F2", "work-date-outside-program"],
    ]


def test_duplicates_of_a_pair_are_check_errors(teacher: Path) -> None:
    p = "П-002"
    write_work(teacher, {**plan(p, "НЯ-004", LONG_T), "meetings": [meeting(p, 1, D(2026, 9, 23)),
                                                                   meeting(p, 1, D(2026, 9, 30))]})
    data, report = load(teacher)
    assert report.flat() == [["Встречи", "A3", "duplicate-entry"]]  # the first column of the unique key
    assert report.problems[0].message == "Запись для «П-002, 1» уже есть в строке 2. Объедините строки."


def test_check_exit_code_warnings_0_errors_1(teacher: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_work(teacher, {"goals": [{"pair_id": "П-002", "goal_no": 1, "goal": "Цель", "horizon": LONG_T}]})
    with pytest.raises(SystemExit) as exc:
        main(["check", str(teacher)])
    assert exc.value.code == 0
    assert "[предупреждение] лист «Цели», ячейка D2, поле «Цель»: Цель 1 не разложена на спринты." in capsys.readouterr().out
    write_work(teacher, {"goals": [{"pair_id": "П-002", "goal_no": 1, "goal": "Цель", "horizon": "Когда-нибудь"}]})
    with pytest.raises(SystemExit) as exc:
        main(["check", str(teacher)])
    assert exc.value.code == 1


# --------------------------------------------------------------------------- attention (status --date)


def attention(root: Path, day: dt.date) -> dict[str, dict[str, Any]]:
    data, _ = load(root)
    return {a["pair"]: a for a in compute_status(data, day).attention}


def test_never_met_after_one_interval(teacher: Path) -> None:
    # start 21.09.2026, weekly: 28.09 is 7 days later (not yet), 29.09 is 8 days later
    assert "П-002" not in attention(teacher, D(2026, 9, 28))
    late = attention(teacher, D(2026, 9, 29))
    assert late["П-002"]["reasons"] == [
        "ни одной встречи за 8 дн. с начала работы (21.09.2026), а обещано: раз в неделю (каждые 7 дн.); "
        "книга пары ещё не собрана"]
    assert late["П-002"]["codes"] == ["never-met"] and late["П-002"]["state"] == "Ни одной встречи"
    assert sorted(late) == ["П-001", "П-002", "П-003", "П-004", "П-005"]  # nobody has met yet
    data, _ = load(teacher)
    status = compute_status(data, D(2026, 9, 29))
    assert status.group_meetings == [{"topic": "Регулярность встреч: как договориться о времени и не терять связь",
                                      "pairs": ["П-001", "П-002", "П-003", "П-004", "П-005"]}]
    assert status.date == "2026-09-29" and status.counts["pairs_attention"] == 5


def test_overdue_after_one_and_a_half_intervals(teacher: Path) -> None:
    p = "П-002"
    write_work(teacher, {**plan(p, "НЯ-004", LONG_T), "meetings": [
        meeting(p, 1, D(2026, 9, 23)), meeting(p, 2, D(2026, 9, 30)), meeting(p, 3, D(2026, 10, 7)),
        meeting(p, 4, D(2026, 10, 25))]})  # a meeting after the day is not counted yet
    assert "П-002" not in attention(teacher, D(2026, 10, 17))  # 10 days since 07.10: within 10.5
    assert attention(teacher, D(2026, 10, 18))["П-002"]["reasons"] == [
        "последняя встреча — 07.10.2026 (11 дн. назад), а обещано: раз в неделю (каждые 7 дн.)"]
    assert "П-002" not in attention(teacher, D(2026, 10, 26))


def test_too_few_meetings_for_the_promised_frequency(teacher: Path) -> None:
    p = "П-002"
    write_work(teacher, {**plan(p, "НЯ-004", LONG_T), "meetings": [meeting(p, 1, D(2026, 10, 14))]})
    # 28 days since 21.09: 4 weekly meetings promised, 1 held (fewer than half); the last one 5 days ago
    assert attention(teacher, D(2026, 10, 19))["П-002"]["reasons"] == [
        "встреч 1, а за 28 дн. при частоте «раз в неделю» ожидалось около 4"]
    write_work(teacher, {**plan(p, "НЯ-004", LONG_T), "meetings": [meeting(p, 1, D(2026, 10, 7)),
                                                                   meeting(p, 2, D(2026, 10, 14))]})
    assert "П-002" not in attention(teacher, D(2026, 10, 19))  # 2 of 4: half is enough


@pytest.mark.parametrize(("mentee", "expected"), [
    ((5, 4, 3), ["оценки молодого педагога снижаются: 5 → 4 → 3 (встречи 23.09.2026 – 07.10.2026)"]),
    ((5, 4, 2), ["низкая оценка встречи 07.10.2026: молодой педагог — 2 из 5",
                 "оценки молодого педагога снижаются: 5 → 4 → 2 (встречи 23.09.2026 – 07.10.2026)"]),
    ((5, 4, 4), []),
    ((3, 5, 3), []),
    ((4, 5, 2), ["низкая оценка встречи 07.10.2026: молодой педагог — 2 из 5"]),
])
def test_low_and_falling_evaluations(teacher: Path, mentee: tuple[int, int, int], expected: list[str]) -> None:
    p = "П-002"
    dates = [D(2026, 9, 23), D(2026, 9, 30), D(2026, 10, 7)]
    write_work(teacher, {**plan(p, "НЯ-004", LONG_T),
                         "meetings": [meeting(p, n, d, mentor=4, mentee=s)
                                      for n, (d, s) in enumerate(zip(dates, mentee, strict=True), start=1)]})
    assert attention(teacher, D(2026, 10, 8)).get(p, {}).get("reasons", []) == expected


def test_missing_feedback_and_overdue_sprint(teacher: Path) -> None:
    p = "П-002"
    rows = {**plan(p, "НЯ-004", LONG_T), "meetings": [
        meeting(p, 1, D(2026, 9, 23)), meeting(p, 2, D(2026, 9, 30), mentor=None),
        meeting(p, 3, D(2026, 10, 7), mentor=None)]}
    rows["sprints"] = [{"pair_id": p, "goal_no": 1, "sprint_no": 1, "task": "Правила урока", "start": D(2026, 9, 22),
                        "end": D(2026, 10, 7), "status": "В работе"}]
    write_work(teacher, rows)
    # on the day of the last meeting its evaluation may still come, and the sprint ends that day
    assert attention(teacher, D(2026, 10, 7))[p]["reasons"] == [
        "встреч без оценки наставника: 1 (последняя — 30.09.2026)"]
    assert attention(teacher, D(2026, 10, 8))[p]["reasons"] == [
        "встреч без оценки наставника: 2 (последняя — 07.10.2026)",
        "спринт 1 цели 1 «Правила урока» должен был закончиться 07.10.2026, но не закрыт"]
    rows["sprints"][0]["status"] = "Завершён"
    write_work(teacher, rows)
    assert attention(teacher, D(2026, 10, 8))[p]["codes"] == ["missing-feedback"]


def test_no_plan_and_result_without_evaluation(teacher: Path) -> None:
    p = "П-002"
    write_work(teacher, {"meetings": [meeting(p, 1, D(2026, 9, 23))],
                         "results": [{"pair_id": p, "member_id": "НЯ-004", "kind": "Открытый урок",
                                      "date": D(2026, 9, 25)}]})
    assert attention(teacher, D(2026, 9, 28))[p]["reasons"] == [
        "встречи идут, а плана нет: не записаны цели со спринтами и анализ компетенций",
        "промежуточный итог «Открытый урок» (Белов Матвей Владимирович) от 25.09.2026 без оценки"]


def test_group_meeting_for_pairs_sharing_a_problem(teacher: Path) -> None:
    rows: dict[str, list[dict[str, Any]]] = {"meetings": [], "goals": [], "sprints": [], "competencies": []}
    data, _ = load(teacher)
    for pid, info in known_pairs(data).items():
        for key, values in plan(pid, info.mentees[0], LONG_T).items():
            rows[key] += values
        last_mentee = None if pid in ("П-001", "П-004") else 5  # two pairs lack the mentee's evaluation
        rows["meetings"] += [meeting(pid, 1, D(2026, 10, 5)), meeting(pid, 2, D(2026, 10, 12), mentee=last_mentee)]
    write_work(teacher, rows)
    data, _ = load(teacher)
    status = compute_status(data, D(2026, 10, 14))
    assert [(a["pair"], a["codes"]) for a in status.attention] == [("П-001", ["missing-feedback"]),
                                                                  ("П-004", ["missing-feedback"])]
    assert status.group_meetings == [{"topic": "Обратная связь после встреч: оценка и рефлексия",
                                      "pairs": ["П-001", "П-004"]}]


def test_status_cli_date_json_is_deterministic(teacher: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def run(*args: str) -> str:
        with pytest.raises(SystemExit) as exc:
            main(["status", str(teacher), *args])
            raise SystemExit(0)
        assert exc.value.code == 0
        return capsys.readouterr().out

    first = run("--json", "--date", "29.09.2026", "--no-workbook")
    assert first == run("--json", "--date", "29.09.2026")
    sheet = openpyxl.load_workbook(teacher / "Статус программы.xlsx")["Внимание"]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] or r[1]]
    assert [r[0] for r in rows] == ["П-001", "П-002", "П-003", "П-004", "П-005", ""]
    assert rows[1][1:4] == ("Макарова Милана Михайловна", "Белов Матвей Владимирович", "Ни одной встречи")
    assert rows[-1][1] == "Групповая встреча"
    status = json.loads(first)
    assert status["date"] == "2026-09-29"
    assert [a["pair"] for a in status["attention"]] == ["П-001", "П-002", "П-003", "П-004", "П-005"]
    assert set(status["attention"][0]) == {"pair", "mentor", "mentees", "state", "reasons", "codes"}
    assert json.loads(run("--json", "--date", "21.09.2026", "--no-workbook"))["attention"] == []
    text = run("--date", "29.09.2026", "--no-workbook")
    words = " ".join(text.split())  # lines are wrapped between words at the terminal's width
    assert "Пары и группы, которым нужно внимание куратора (на 29.09.2026): 5." in words
    assert "Предлагается групповая встреча «Регулярность встреч: как договориться о времени и не терять связь»" in words
    with pytest.raises(SystemExit) as exc:
        main(["status", str(teacher), "--date", "завтра"])
    assert exc.value.code == 2
    assert "--date: «завтра» — не дата" in capsys.readouterr().err
