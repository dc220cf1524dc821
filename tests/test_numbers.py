"""Numbers a curator and a director rely on: the ranking measured up to the evaluation day (a pair without
meetings scores 0 there, an award for a mentor whose pair needs attention is questioned), an invalid feedback
cell refuses the ranking of that mentor with the cell named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from results_helpers import copy_demo, demo_folders, edit_rows, sheet_rows

from toolkit.base.problems import Report
from toolkit.checks.program import load_program
from toolkit.logic.evaluation import as_of_date, regularity, work_of
from toolkit.model.pairs import result_pairs
from toolkit.model.program import Program
from toolkit.stages.results import run_results

RESULTS = "06_Итоги.xlsx"
EVALUATION = dt.date(2027, 5, 27)
RANKING = "Рейтинг наставников"


def test_regularity_is_measured_up_to_the_evaluation_day_not_the_last_meeting() -> None:
    data = load_program(Program.open(demo_folders()["student"]), Report())
    # the journal of the demo ends in February; the evaluation day is the one asked (program ends 31.05.2027)
    assert as_of_date(data, EVALUATION) == EVALUATION
    assert as_of_date(data, dt.date(2027, 9, 1)) == dt.date(2027, 5, 31)
    work = work_of(data)
    assert work is not None
    pair = next(p for p in result_pairs(data) if p.pair_id == "П-001")
    last = max(m["date"] for m in work["П-001"].meetings)
    assert last < dt.date(2027, 3, 1)
    # promised every 15 days from 30.11.2026: 179 days to 27.05.2027 → 11 meetings due, 5 held
    assert regularity(data, pair, work["П-001"], as_of_date(data, EVALUATION)) == 5 / 11
    assert regularity(data, pair, work["П-001"], last) == 1.0


def test_a_pair_without_meetings_scores_zero_and_its_award_is_questioned(tmp_path: Path) -> None:
    folder = copy_demo("student", tmp_path / "p")
    data = load_program(Program.open(folder), Report())
    silent = next(p for p in result_pairs(data) if not (work_of(data) or {}).get(p.pair_id)
                  or not work_of(data)[p.pair_id].meetings)  # type: ignore[index]
    edit_rows(folder / RESULTS, RANKING, {("Код наставника", silent.mentor): {"Поощрение": "Благодарственное письмо"}})
    report = Report()
    run_results(Program.open(folder), report, today=EVALUATION)
    row = next(r for r in sheet_rows(folder / RESULTS, RANKING) if r["Код наставника"] == silent.mentor)
    assert row["Регулярность встреч, %"] == 0 and row["Цели достигнуты, %"] == 0
    assert "регулярность (0 % → 0)" in row["Как посчитано"]
    warned = [p for p in report if p.code == "results-award-attention" and p.params["id"] == silent.mentor]
    assert len(warned) == 1 and warned[0].sheet == RANKING and warned[0].field == "Поощрение"
    assert f"паре {silent.pair_id} на 27.05.2027 нужно внимание куратора" in warned[0].message
    assert "ни одной встречи" in warned[0].message
    assert "«Благодарственное письмо»" in warned[0].message


def test_an_invalid_feedback_cell_refuses_the_ranking_of_that_mentor(tmp_path: Path) -> None:
    folder = copy_demo("student", tmp_path / "p")
    feedback = sheet_rows(folder / RESULTS, "Обратная связь")
    mentor = feedback[0]["Код наставника"]
    edit_rows(folder / RESULTS, "Обратная связь", {("Код наставника", mentor): {
        "Оценка наставника наставляемым (1–5)": "отлично"}})
    outcome = run_results(Program.open(folder), Report(), today=EVALUATION)
    row = next(r for r in sheet_rows(folder / RESULTS, RANKING) if r["Код наставника"] == mentor)
    assert row["Место"] == "—"
    assert "«Обратная связь»!" in row["Как посчитано"] and "(«отлично»)" in row["Как посчитано"]
    ranked = next(r for r in outcome.ranking if r.id == mentor)
    assert not ranked.ranked and "недопустимые значения в ячейках «Обратная связь»!" in ranked.excluded
    assert any(line.startswith(f"  Без места: {ranked.name} — недопустимые значения") for line in outcome.lines)


def test_status_shows_stages_six_and_seven() -> None:
    from toolkit.logic.readiness import compute_status

    data = load_program(Program.open(demo_folders()["student"]), Report())
    paired = {m for p in result_pairs(data) for m in (p.mentor, *p.mentees)}
    work = work_of(data) or {}
    met = {m for p in result_pairs(data) if work.get(p.pair_id) and work[p.pair_id].meetings
           for m in (p.mentor, *p.mentees)}
    before = {s.id: s for s in compute_status(data, dt.date(2026, 11, 30)).participants}
    assert {before[pid].stage for pid in paired} == {5}
    during = {s.id: s for s in compute_status(data, dt.date(2027, 2, 15)).participants}
    assert met and all(during[pid].stage == 6 and during[pid].stage_name.startswith("Регулярные встречи (пара ")
                       for pid in met)
    assert all(during[pid].stage == 5 for pid in paired - met)
    after = {s.id: s for s in compute_status(data, EVALUATION).participants}
    presented = [pid for pid in paired if after[pid].stage == 7]
    assert presented and after[presented[0]].stage_name.startswith("Итоги и поощрение (пара ")


def test_program_report_counts_mentors_and_mentees_by_stage_consistently() -> None:
    from toolkit.documents.kinds import program_report
    from toolkit.logic.readiness import compute_status

    data = load_program(Program.open(demo_folders()["student"]), Report())
    context = program_report(data, EVALUATION, EVALUATION)[0].context
    mentors = [int(e["наставников"]) for e in context["этапы"]]
    mentees = [int(e["наставляемых"]) for i, e in enumerate(context["этапы"]) if i != 2]
    assert context["этапы"][2]["наставляемых"] == "—"  # training is for mentors only
    assert mentors == sorted(mentors, reverse=True) and mentees == sorted(mentees, reverse=True)
    status = compute_status(data, EVALUATION)
    # the same people everywhere: the registry's count is the first stage's, paired + unpaired = all mentees
    assert mentors[0] == status.counts["mentors"] == context["наставников"]
    assert mentees[0] == status.counts["mentees"] == context["наставляемых"]
    alone = sum(1 for p in status.participants if p.role == "mentee" and not p.pair)
    assert context["наставляемых_в_парах"] + alone == context["наставляемых"]
    assert f"Наставляемых без пары: {alone}." in context["не_готовы"]
    # the first stage of the pairs' own work counts the people in pairs: mentees in them, their mentors
    paired = result_pairs(data)
    fifth = context["этапы"][4]
    assert fifth["этап"].startswith("5. ")
    assert int(fifth["наставляемых"]) == context["наставляемых_в_парах"] == sum(len(p.mentees) for p in paired)
    assert int(fifth["наставников"]) == len({p.mentor for p in paired})
    # people are counted by role, never added up into «чел.»
    assert "чел." not in context["не_готовы"]


def test_an_unknown_award_says_how_to_type_it_not_to_pick_from_a_dropdown(tmp_path: Path) -> None:
    folder = copy_demo("student", tmp_path / "p")
    first = sheet_rows(folder / RESULTS, RANKING)[0]["Код наставника"]
    edit_rows(folder / RESULTS, RANKING, {("Код наставника", first): {"Поощрение": "Путёвка в лагерь"}})
    report = Report()
    load_program(Program.open(folder), report)
    bad = [p for p in report if p.field == "Поощрение" and p.severity == "error"]
    assert [p.code for p in bad] == ["bad-multichoice"]
    assert bad[0].message.startswith("«Путёвка в лагерь» нет среди допустимых значений. Впишите одно или несколько "
                                     "через запятую, как в списке: «")
    assert "Выберите из списка" not in bad[0].message


def test_documents_tell_the_work_as_of_their_date(tmp_path: Path) -> None:
    from docx import Document

    from toolkit.documents.kinds import KINDS, DocsOptions, make_documents

    folder = copy_demo("student", tmp_path / "p")
    day = dt.date(2026, 12, 4)
    outcome = make_documents(Program.open(folder), DocsOptions(KINDS["progress"], out=tmp_path / "out", date=day),
                             Report())
    first = next(p for p in outcome.documents if "П-001" in p.name)
    document = Document(str(first))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    assert "02.12.2026" in text  # the first meeting
    assert "16.12.2026" not in text and "10.02.2027" not in text  # later ones are not known on 04.12.2026
    report = make_documents(Program.open(folder), DocsOptions(KINDS["report"], out=tmp_path / "out", date=day),
                            Report())
    body = "\n".join(p.text for p in Document(str(report.documents[0])).paragraphs)
    assert "(на 10.02.2027)" not in body and "(на 15.02.2027)" not in body
