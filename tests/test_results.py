"""Stage 7: the workbook «06_Итоги» (rows for pairs, stored ranking, awards kept), its checks, and the secondary
components of the ranking (regularity of meetings, goals reached) on hand-computed cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from demo_helpers import Demos
from results_helpers import edit_rows, sheet_rows

from toolkit import spec
from toolkit.base.problems import Report
from toolkit.checks.program import load_program
from toolkit.logic.evaluation import PairWork, class_words, goals_reached, position, regularity
from toolkit.model.pairs import Pair, result_pairs
from toolkit.model.program import Program
from toolkit.stages.results import run_results

RESULTS = "06_Итоги.xlsx"


def codes(folder: Path) -> list[tuple[str, str, str]]:
    report = Report()
    load_program(Program.open(folder), report)
    # the teacher demo's one mentor without the supplementary agreement is warned about (ТК РФ ст. 351.8,
    # tests/test_labour_papers.py): not what is tested here
    return [(p.sheet, p.cell, p.code) for p in report if p.code != "pair-labour-papers"]


@pytest.mark.parametrize("form", ["student", "teacher"])
def test_a_row_for_every_mentee_of_every_pair(form: str, demos: Demos, tmp_path: Path) -> None:
    folder = demos.copy(form, tmp_path / "p")
    data = load_program(Program.open(folder), Report())
    pairs = result_pairs(data)
    wanted = sorted((p.mentor, m) for p in pairs for m in p.mentees)
    profile = data.program.profile
    sheets = ["Результаты", "Обратная связь"] + (["Взаимная оценка"] if form == "teacher" else [])
    for sheet in sheets:
        rows = sheet_rows(folder / RESULTS, sheet)
        assert sorted((r["Код наставника"], r["Код наставляемого"]) for r in rows) == wanted, sheet
    competencies = sheet_rows(folder / RESULTS, "Компетенции")
    per_mentee = sum(len(items) for items in profile.competencies.values())
    assert len(competencies) == len(wanted) * per_mentee
    assert all(isinstance(r["В начале (1–5)"], int) and isinstance(r["В конце (1–5)"], int) for r in competencies)


@pytest.mark.parametrize("form", ["student", "teacher"])
def test_ranking_sheet_holds_values_not_formulas(form: str, demos: Demos, tmp_path: Path) -> None:
    path = demos.copy(form, tmp_path / "p") / RESULTS
    wb = openpyxl.load_workbook(path)
    ws = wb["Рейтинг наставников"]
    headers = [c.value for c in ws[1]]
    expected = ["Место", "Код наставника", "ФИО наставника", "Наставляемые", "Оценка наставляемых (ср. 1–5)",
                "Оценка куратора (ср. 1–5)"]
    if form == "teacher":
        expected += ["Оценка педагогического сообщества (ср. 1–5)", "Взаимная оценка: о наставнике (ср. 1–5)"]
    expected += ["Регулярность встреч, %", "Цели достигнуты, %", "Итоговый балл (0–100)", "Как посчитано",
                 "Равенство баллов", "Поощрение"] + (["Баллы"] if form == "teacher" else []) + [
        "За что (в письме и грамоте)", "Примечание куратора"]
    assert headers == expected
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    rows = sheet_rows(path, "Рейтинг наставников")
    ranked = [r for r in rows if r["Место"] != "—"]
    unranked = [r for r in rows if r["Место"] == "—"]
    assert ranked and len(unranked) == 1  # the demo's mentor without the curator's feedback
    assert unranked[0]["Итоговый балл (0–100)"] is None
    assert unranked[0]["Как посчитано"].startswith("В рейтинг не включён: нет данных: оценка куратора")
    totals = [r["Итоговый балл (0–100)"] for r in ranked]
    assert all(isinstance(t, (int, float)) for t in totals) and totals == sorted(totals, reverse=True)
    for r in ranked:
        shown = f"{r['Итоговый балл (0–100)']:.1f}".replace(".", ",")
        assert r["Как посчитано"].split(";")[0].endswith(f" × 100 = {shown}"), r["Как посчитано"]
    assert ranked[0]["Поощрение"]  # the curator chose awards


def test_feedback_means_are_in_the_ranking(demos: Demos, tmp_path: Path) -> None:
    folder = demos.copy("student", tmp_path / "p")
    feedback = sheet_rows(folder / RESULTS, "Обратная связь")
    mentor = feedback[0]["Код наставника"]
    rows = [r for r in feedback if r["Код наставника"] == mentor]
    edit_rows(folder / RESULTS, "Обратная связь", {("Код наставника", mentor): {
        "Оценка наставника наставляемым (1–5)": 4, "Оценка наставника куратором (1–5)": 3}})
    assert ("Рейтинг наставников", "", "results-ranking-stale") in codes(folder)
    run_results(Program.open(folder), Report(), today=dt.date(2027, 5, 27))
    ranking = {r["Код наставника"]: r for r in sheet_rows(folder / RESULTS, "Рейтинг наставников")}
    assert ranking[mentor]["Оценка наставляемых (ср. 1–5)"] == 4
    assert ranking[mentor]["Оценка куратора (ср. 1–5)"] == 3
    assert len(ranking[mentor]["Наставляемые"].split("\n")) == len(rows)
    assert codes(folder) == []


def test_rerun_keeps_what_the_curator_typed_and_backs_up(demos: Demos, tmp_path: Path) -> None:
    folder = demos.copy("teacher", tmp_path / "p")
    before = {name: sheet_rows(folder / RESULTS, name) for name in ("Результаты", "Обратная связь", "Лучшие практики",
                                                                   "Партнёры", "Взаимная оценка")}
    awards = {r["Код наставника"]: (r["Поощрение"], r["Баллы"], r["За что (в письме и грамоте)"])
              for r in sheet_rows(folder / RESULTS, "Рейтинг наставников")}
    wb = openpyxl.load_workbook(folder / RESULTS)
    wb.save(folder / RESULTS)  # the curator opened and saved the book (in Excel)
    saved = (folder / RESULTS).read_bytes()
    outcome = run_results(Program.open(folder), Report(), today=dt.date(2027, 5, 27))
    assert outcome.added == 0 and outcome.backup is not None and outcome.backup.read_bytes() == saved
    written = (folder / RESULTS).read_bytes()
    again = run_results(Program.open(folder), Report(), today=dt.date(2027, 5, 27))
    assert again.backup is None and (folder / RESULTS).read_bytes() == written  # nothing new: not rewritten
    assert "Книга «06_Итоги.xlsx» не изменилась: в ней уже всё это есть." in again.lines
    for name, rows in before.items():
        assert sheet_rows(folder / RESULTS, name) == rows, name
    after = {r["Код наставника"]: (r["Поощрение"], r["Баллы"], r["За что (в письме и грамоте)"])
             for r in sheet_rows(folder / RESULTS, "Рейтинг наставников")}
    assert after == awards and any(a[0] for a in after.values())
    form = {r[0].value: r[1].value for r in openpyxl.load_workbook(folder / RESULTS)["Итоговое мероприятие"].iter_rows()}
    assert form["Название мероприятия"] == "Праздник наставничества «Вместе к успеху»"
    assert codes(folder) == []


def test_warnings_about_awards_and_points(demos: Demos, tmp_path: Path) -> None:
    folder = demos.copy("teacher", tmp_path / "p")
    ranking = sheet_rows(folder / RESULTS, "Рейтинг наставников")
    unranked = next(r["Код наставника"] for r in ranking if r["Место"] == "—")
    first = next(r["Код наставника"] for r in ranking if r["Место"] == "1")
    last = [r["Код наставника"] for r in ranking if r["Место"] != "—"][-1]
    edit_rows(folder / RESULTS, "Рейтинг наставников", {
        ("Код наставника", unranked): {"Поощрение": "Грамота"},
        ("Код наставника", first): {"Баллы": None},
        ("Код наставника", last): {"Поощрение": None, "Баллы": 5},
    })
    found = {code: cell for _, cell, code in codes(folder)}
    assert set(found) == {"results-award-unranked", "results-points-missing", "results-points-without-award"}
    report = Report()
    load_program(Program.open(folder), report)
    messages = {p.code: p.message for p in report}
    assert messages["results-points-missing"] == ("Выбрано поощрение «Баллы за общественную работу», но не указано, "
                                                  "сколько баллов. Впишите баллы в столбец «Баллы».")
    assert unranked in messages["results-award-unranked"]


def test_a_row_of_people_who_are_not_a_pair_is_flagged(demos: Demos, tmp_path: Path) -> None:
    folder = demos.copy("student", tmp_path / "p")
    feedback = sheet_rows(folder / RESULTS, "Обратная связь")
    other = next(r["Код наставника"] for r in feedback if r["Код наставника"] != feedback[0]["Код наставника"])
    edit_rows(folder / RESULTS, "Результаты", {("Код наставляемого", feedback[0]["Код наставляемого"]): {
        "Код наставника": other}})
    assert [c for c in codes(folder) if c[2] == "results-not-a-pair"] == [("Результаты", "D2", "results-not-a-pair")]


def test_without_the_work_of_pairs_secondary_components_are_left_out(demos: Demos, tmp_path: Path) -> None:
    folder = demos.copy("student", tmp_path / "p")
    (folder / "05_Работа пар.xlsx").unlink()
    run_results(Program.open(folder), Report(), today=dt.date(2027, 5, 27))
    rows = [r for r in sheet_rows(folder / RESULTS, "Рейтинг наставников") if r["Место"] != "—"]
    assert rows
    for r in rows:
        assert r["Регулярность встреч, %"] is None and r["Цели достигнуты, %"] is None
        assert ("регулярность встреч: нет книги «05_Работа пар» (журнал встреч и цели пар) — не учитывается"
                in r["Как посчитано"])
        assert "/ 0,8 =" in r["Как посчитано"]  # only the two feedback weights count


def test_regularity_against_the_promised_frequency(demos: Demos, tmp_path: Path) -> None:
    data = load_program(Program.open(demos.copy("teacher", tmp_path / "p")), Report())
    mentor = next(p for p in data.participants.values() if p.role == "mentor"
                  and p.values.get("frequency") == "Раз в неделю")
    dates = [dt.date(2026, 12, 3), dt.date(2026, 12, 10), dt.date(2026, 12, 17), dt.date(2027, 1, 20)]
    work = PairWork(meetings=[{"date": d} for d in dates])
    pair = Pair("П-900", mentor.id, [], dt.date(2026, 12, 1), None)
    # 01.12–29.12: 29 days → 29 // 7 = 4 meetings promised; 3 held by then → 0.75
    assert regularity(data, pair, work, dt.date(2026, 12, 29)) == 0.75
    # the pair ended on 14.12: 14 days → 2 promised, 2 held → 1 (never more than 1)
    pair.end = dt.date(2026, 12, 14)
    assert regularity(data, pair, work, dt.date(2027, 5, 1)) == 1.0
    # before the first week is over one meeting is still promised: none held → 0
    pair.end = None
    assert regularity(data, pair, PairWork(), dt.date(2026, 12, 2)) == 0.0
    # the day before the start: nothing to measure
    assert regularity(data, pair, work, dt.date(2026, 11, 30)) is None


def test_goals_reached_leave_out_cancelled_and_open_long_term_goals() -> None:
    profile = spec.find_profile("student")
    short, medium, long = (h.name for h in profile.sprint_horizons)
    goals = [{"horizon": short, "status": "Достигнута"}, {"horizon": medium, "status": "В работе"},
             {"horizon": long, "status": "В работе"}, {"horizon": long, "status": "Достигнута"},
             {"horizon": short, "status": "Отменена"}]
    # counted: short (reached), medium (open), long (reached) → 2 of 3
    assert goals_reached(profile, PairWork(goals=goals)) == pytest.approx(2 / 3)
    assert goals_reached(profile, PairWork(goals=[{"horizon": long, "status": "В работе"}])) is None
    assert goals_reached(profile, None) == 0.0  # no work of the pair: nothing reached


def test_positions_for_letters_and_certificates(demos: Demos, tmp_path: Path) -> None:
    assert class_words("9Б") == "9 «Б» класса" and class_words("10") == "10 класса"
    data = load_program(Program.open(demos.copy("student", tmp_path / "s")), Report())
    girl = next(p for p in data.participants.values() if p.values.get("gender") == "ж" and p.values.get("class"))
    klass = class_words(girl.values["class"])
    assert position(data, girl.id, dative=True) == f"ученице {klass}"
    assert position(data, girl.id, dative=False) == f"ученица {klass}"
    teachers = load_program(Program.open(demos.copy("teacher", tmp_path / "t")), Report())
    maths = next(p for p in teachers.participants.values() if p.values.get("subject") == "Математика")
    assert position(teachers, maths.id, dative=True) == "учителю математики"
    assert position(teachers, maths.id, dative=False) == "учитель математики"
