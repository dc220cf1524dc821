"""The monitoring in the municipality's roll-up: the sheets «Анкеты» (stage 1) and «Рост участников» (stage 2) by
school and form, by form («Все школы») and of the municipality — means weighted by the answers (expected values
computed by hand below), counts of 1–4 people hidden with a second cell of their sum, means and shares of fewer
than 5 people not shown, an export of the previous layout (format 2) still summed with its monitoring empty; and
the demo's own exports rolled up give the figures of `summarize`. Means (of meetings, questionnaires, growth) get
complementary suppression: no hidden mean can be recovered by subtracting the shown ones from a published total."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cli_helpers import run_cli as run
from demo_helpers import Demos

from toolkit.logic.monitoring import SURVEY_ITEMS
from toolkit.stages.export import EXPORT_KIND, Export, write_export_workbook
from toolkit.stages.rollup import HIDDEN_MARK, SMALL_MARK

REAL = "Реальная полезность программы"
GRADE = "Средняя оценка по предметам запроса"
DEFICITS = "Открытые профессиональные дефициты (меньше — лучше)"
CATEGORY = "Педагогов с первой или высшей категорией, % наставляемых"
PUPIL_GROWTH = ("grade", "absences", "contests", "clubs", "involvement")
TEACHER_GROWTH = ("deficits", "lessons", "category")


def make_export(path: Path, n: int, form: str, mon: dict[str, float] | None, fmt: int = 3,
                numbers: dict[str, float] | None = None) -> None:
    """An export as the export's writer makes it, from given numbers: 10 mentors and 20 mentees; ``mon`` — the
    «mon_…» keys set (the others of the form are zero); None — an export of format 2, before the monitoring;
    ``numbers`` — other figures of the school («mentor_score_n», «pairs», …)."""
    form_name, mentee = {"student": ("Ученик – ученик", "Наставляемый"),
                         "teacher": ("Педагог – педагог", "Молодой педагог")}[form]
    participants = [[f"Наставник {i}", "Наставник", "—", "ж", "5. Работа пар", "да"] for i in range(1, 11)]
    participants += [[f"{mentee} {i}", mentee, "—", "м", "5. Работа пар", "да"] for i in range(1, 21)]
    meta: dict[str, Any] = {
        "kind": EXPORT_KIND, "format": fmt, "toolkit": "test", "created": f"2027-05-2{n}T10:00:00",
        "date": "2027-05-31", "school_key": f"инн:272400000{n}", "school": f"Школа № {n}", "city": "г. Хабаровск",
        "program_id": f"t-{n}", "form": form, "form_name": form_name, "year": "2026/2027",
        "role_mentor": "Наставник", "role_mentee": mentee, "pupils_total": 500, "mentors": 10, "mentees": 20,
        "pairs": 10, "pairs_attention": 1, "meetings": 50, "mentor_score_sum": 200, "mentor_score_n": 50,
        "mentee_score_sum": 220, "mentee_score_n": 50, "practices_level1": 0, "practices_level2": 0,
        "practices_level3": 0, "practices": 0, "pupils_in_pairs": 30 if form == "student" else 0,
    }
    if mon is not None:
        growth = PUPIL_GROWTH if form == "student" else TEACHER_GROWTH
        meta.update({"mon_items": ",".join(SURVEY_ITEMS), "mon_growth": ",".join(growth)})
        for key in ("mentors_answered", "mentors_total", "mentees_answered", "mentees_total", "go_on_yes", "go_on_n",
                    "become_mentor_yes", "become_mentor_n"):
            meta[f"mon_{key}"] = 0
        for item in SURVEY_ITEMS:
            for role in ("mentor", "mentee"):
                meta[f"mon_{item}_{role}_sum"] = meta[f"mon_{item}_{role}_n"] = 0
        for key in growth:
            for x in ("n", "entry_sum", "exit_sum", "better", "worse"):
                meta[f"mon_{key}_{x}"] = 0
        meta.update({f"mon_{k}": v for k, v in mon.items()})
    meta.update(numbers or {})
    write_export_workbook(Export([("Школа", meta["school"])], participants, [],
                                 meta={k: str(v) for k, v in meta.items()}), path)


SCHOOLS: dict[int, tuple[str, dict[str, float] | None]] = {
    # school 1: 6 mentors and 10 mentees answered; «real usefulness» 48/6 = 8.0 and 70/10 = 7.0; grades of 10
    1: ("student", {"mentors_answered": 6, "mentors_total": 10, "mentees_answered": 10, "mentees_total": 20,
                    "real_mentor_sum": 48, "real_mentor_n": 6, "real_mentee_sum": 70, "real_mentee_n": 10,
                    "grade_n": 10, "grade_entry_sum": 32, "grade_exit_sum": 38, "grade_better": 7, "grade_worse": 1,
                    "go_on_yes": 9, "go_on_n": 12, "become_mentor_yes": 2, "become_mentor_n": 3}),
    # school 2: 4 mentors (too few to show), 5 mentees; 36/4 = 9.0 and 45/5 = 9.0; grades of 5
    2: ("student", {"mentors_answered": 4, "mentors_total": 10, "mentees_answered": 5, "mentees_total": 20,
                    "real_mentor_sum": 36, "real_mentor_n": 4, "real_mentee_sum": 45, "real_mentee_n": 5,
                    "grade_n": 5, "grade_entry_sum": 15, "grade_exit_sum": 17, "grade_better": 4, "grade_worse": 0,
                    "go_on_yes": 3, "go_on_n": 4}),
    # school 3, young teachers: 7 mentors, 2 young teachers answered; deficits of 6 measured, categories of 6
    3: ("teacher", {"mentors_answered": 7, "mentors_total": 10, "mentees_answered": 2, "mentees_total": 20,
                    "real_mentor_sum": 63, "real_mentor_n": 7, "real_mentee_sum": 17, "real_mentee_n": 2,
                    "deficits_n": 6, "deficits_entry_sum": 24, "deficits_exit_sum": 6, "deficits_better": 6,
                    "category_n": 6, "category_entry_sum": 1, "category_exit_sum": 3, "category_better": 2}),
    4: ("student", None),  # made by the previous version: no monitoring
}


def table(path: Path, name: str) -> list[dict[str, Any]]:
    rows = [list(r) for r in openpyxl.load_workbook(path)[name].iter_rows(min_row=2, values_only=True)]
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from toolkit.cli import main

    base = tmp_path_factory.mktemp("rollup-monitoring")
    for n, (form, mon) in SCHOOLS.items():
        make_export(base / "вх" / f"школа {n}.xlsx", n, form, mon, fmt=3 if mon is not None else 2)
    out = base / "Сводка.xlsx"
    with pytest.raises(SystemExit) as exc:
        main(["rollup", str(base / "вх"), "--out", str(out)])
        raise SystemExit(0)
    assert exc.value.code in (0, None)
    return out


def test_questionnaires_weighted_by_answers_and_small_counts_hidden(summary: Path) -> None:
    rows = {(r["Школа"], r["Форма"], r["Роль"]): r for r in table(summary, "Анкеты")}
    one, two = rows[("Школа № 1", "Ученик – ученик", "Наставник")], rows[("Школа № 2", "Ученик – ученик", "Наставник")]
    assert two[REAL] == "—"  # school 2: 4 answers, fewer than 5: no mean
    # school 1's 8.0 would give school 2's 9.0 away from the form's 8.4 × 10 − 8.0 × 6: hidden too
    assert one[REAL] == "—"
    # 4 mentors answered at school 2: «<5»; the form's total 10 is published, so school 1's 6 is hidden too
    assert two["Заполнили анкету"] == SMALL_MARK and one["Заполнили анкету"] == HIDDEN_MARK  # 6: «…», not «<5»
    form = rows[("Все школы", "Ученик – ученик", "Наставник")]
    assert form["Заполнили анкету"] == 10
    assert form[REAL] == pytest.approx(8.4)  # (48 + 36) / (6 + 4), not the mean of 8.0 and 9.0
    # mentees: the young teachers' 2 answers are hidden, the municipality's mean (70 + 45 + 17) / 17 is shown, so
    # the mean of the pupils' form is hidden too (it would give 17 away), and then the school with fewer answers
    mentees = rows[("Все школы", "Ученик – ученик", "Наставляемый")]
    assert mentees[REAL] == "—"
    assert rows[("Школа № 2", "Ученик – ученик", "Наставляемый")][REAL] == "—"  # 5 answers, fewer than school 1's
    assert rows[("Школа № 1", "Ученик – ученик", "Наставляемый")][REAL] == 7.0  # 70 / 10
    # young teachers: 2 answered — hidden at the school and in the form's total (the same number), no mean
    young = rows[("Школа № 3", "Педагог – педагог", "Молодой педагог")]
    assert young["Заполнили анкету"] == SMALL_MARK and young[REAL] == "—"
    assert rows[("Все школы", "Педагог – педагог", "Молодой педагог")]["Заполнили анкету"] == SMALL_MARK
    region = rows[("Всего по муниципалитету", "все формы", "наставники")]
    assert region["Заполнили анкету"] == 17
    assert region[REAL] == pytest.approx(round((48 + 36 + 63) / 17, 2))
    assert rows[("Всего по муниципалитету", "все формы", "наставляемые")][REAL] == pytest.approx(
        round((70 + 45 + 17) / 17, 2))
    # no published sum gives a hidden count away: a column of a form with its total never has exactly one hidden
    for role in ("Наставник", "Наставляемый"):
        column = [rows[(s, "Ученик – ученик", role)]["Заполнили анкету"] for s in ("Школа № 1", "Школа № 2", "Все школы")]
        assert column.count(SMALL_MARK) + column.count(HIDDEN_MARK) != 1, (role, column)
    forms = [rows[(s, f, r)]["Заполнили анкету"] for s, f, r in (("Все школы", "Ученик – ученик", "Наставляемый"),
                                                                  ("Все школы", "Педагог – педагог", "Молодой педагог"))]
    assert forms == [HIDDEN_MARK, SMALL_MARK]  # 15 + «<5» = 17 would give the 2 away: the 15 is hidden too


def test_growth_weighted_by_mentees_and_shares(summary: Path) -> None:
    rows = {(r["Школа"], r["Форма"], r["Показатель"]): r for r in table(summary, "Рост участников")}
    one = rows[("Школа № 1", "Ученик – ученик", GRADE)]
    assert (one["На входе"], one["На выходе"], one["Изменение"]) == (3.2, 3.8, pytest.approx(0.6))
    assert one["Показатель улучшился, % наставляемых"] == 70 and one["Показатель ухудшился, % наставляемых"] == 10
    form = rows[("Все школы", "Ученик – ученик", GRADE)]
    assert form["Наставляемых с замером на входе и на выходе"] == 15
    assert form["На входе"] == pytest.approx(3.13) and form["На выходе"] == pytest.approx(3.67)  # 47/15, 55/15
    assert form["Изменение"] == pytest.approx(0.54)
    assert form["Показатель улучшился, % наставляемых"] == pytest.approx(73.3)  # (7 + 4) / 15
    assert form["Показатель ухудшился, % наставляемых"] == pytest.approx(6.7)
    assert rows[("Всего по муниципалитету", "все формы", GRADE)]["На входе"] == pytest.approx(3.13)
    deficits = rows[("Школа № 3", "Педагог – педагог", DEFICITS)]
    assert (deficits["На входе"], deficits["На выходе"], deficits["Показатель улучшился, % наставляемых"]) == (4, 1, 100)
    category = rows[("Школа № 3", "Педагог – педагог", CATEGORY)]
    assert (category["На входе"], category["На выходе"]) == (pytest.approx(16.7), 50)  # 1 of 6, 3 of 6
    # an indicator a school measured on nobody: 0 people, nothing computed
    clubs = rows[("Школа № 2", "Ученик – ученик", "Кружки и секции")]
    assert clubs["Наставляемых с замером на входе и на выходе"] == 0 and clubs["На входе"] == "—"


def test_an_export_of_the_previous_layout_is_summed_with_its_monitoring_empty(summary: Path) -> None:
    by_school = {r["Школа"]: r for r in table(summary, "По школам")}
    assert by_school["Школа № 4"]["Встреч"] == 50  # read and summed as before
    old = [r for r in table(summary, "Анкеты") if r["Школа"] == "Школа № 4"]
    assert [r["Роль"] for r in old] == ["Наставник", "Наставляемый"]
    assert all(r["Заполнили анкету"] == "нет в выгрузке прежней версии" for r in old)
    assert all(r[item] in (None, "") for r in old for item in (REAL, "Комфорт общения в паре"))
    (growth,) = [r for r in table(summary, "Рост участников") if r["Школа"] == "Школа № 4"]
    assert growth["Показатель"] == "нет в выгрузке прежней версии" and growth["На входе"] in (None, "")
    # it adds nothing to the form's figures (schools 1 and 2 only) and is counted on the summary page
    form = next(r for r in table(summary, "Анкеты") if r["Школа"] == "Все школы" and r["Роль"] == "Наставник"
                and r["Форма"] == "Ученик – ученик")
    assert form["Заполнили анкету"] == 10
    head = {r[0]: r[1] for r in openpyxl.load_workbook(summary)["Сводка"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert head["Выгрузок прежней версии, без мониторинга"] == 1
    assert head["Мониторинг, этап 1: наставников, заполнивших анкету"] == 17
    # of the municipality: (9 + 3) of (12 + 4) answered want to go on; 2 of 3 is too few to show
    assert head["Мониторинг, этап 1: хотят продолжить участие (наставники и наставляемые), % ответивших"] == 75
    assert head["Мониторинг, этап 1: наставляемых, которые хотят стать наставниками, % ответивших"] == "—"
    files = {r["Файл"]: r["Итог"] for r in table(summary, "Файлы")}
    assert files["школа 4.xlsx"] == "учтена"


def test_an_export_with_broken_monitoring_is_refused_by_name(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    make_export(tmp_path / "вх" / "хорошая.xlsx", 1, "student", SCHOOLS[1][1])
    make_export(tmp_path / "вх" / "сломанная.xlsx", 2, "student", {"grade_n": 2.5})  # not a whole number of people
    code, out, err = run(["rollup", str(tmp_path / "вх"), "--out", str(tmp_path / "с.xlsx")], capsys)
    assert code == 1 and "Traceback" not in out + err
    assert "сломанная.xlsx" in out and "mon_grade_n" in out
    assert {r["Школа"] for r in table(tmp_path / "с.xlsx", "Анкеты")} == {"Школа № 1", "Все школы",
                                                                          "Всего по муниципалитету"}


def test_the_demo_exports_roll_up_to_their_summarize(demos: Demos, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import datetime as dt

    from toolkit.base.problems import Report
    from toolkit.checks.program import load_program
    from toolkit.logic.monitoring import summarize
    from toolkit.model.program import Program

    folder = demos.copy("student", tmp_path / "школа")
    assert run(["export", str(folder), "--anonymize", "--out", str(tmp_path / "вх" / "в.xlsx"), "--date",
                "31.05.2027"], capsys)[0] == 0
    assert run(["rollup", str(tmp_path / "вх"), "--out", str(tmp_path / "с.xlsx")], capsys)[0] == 0
    q = summarize(load_program(Program.open(folder), Report()), dt.date(2027, 5, 31))
    survey = {r["Роль"]: r for r in table(tmp_path / "с.xlsx", "Анкеты") if r["Школа"] == "МАОУ СШ № 17"}
    assert survey["Наставляемый"]["Заполнили анкету"] == q.mentees_answered >= 5
    for line in q.survey:
        if line.mentees_n >= 5:
            assert survey["Наставляемый"][line.label] == line.mentees
    growth = {r["Показатель"]: r for r in table(tmp_path / "с.xlsx", "Рост участников") if r["Школа"] == "МАОУ СШ № 17"}
    grade = next(g for g in q.growth if g.key == "grade")
    assert (growth[GRADE]["На входе"], growth[GRADE]["На выходе"]) == (grade.entry, grade.exit)
    assert growth[GRADE]["Показатель улучшился, % наставляемых"] == round(100 * grade.better / grade.n, 1)


def test_year_over_year_share_of_mentees_who_improved(summary: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    rows = table(summary, "Рост участников")
    assert all(r["Улучшился год назад, %"] in (None, "") for r in rows)  # no --previous: the column is empty
    out = tmp_path / "Сводка 2028.xlsx"
    code, stdout, err = run(["rollup", str(summary.parent / "вх"), "--out", str(out), "--previous", str(summary)],
                            capsys)
    assert code == 0, stdout + err
    now = {(r["Школа"], r["Форма"], r["Показатель"]): r for r in table(out, "Рост участников")}
    assert now[("Все школы", "Ученик – ученик", GRADE)]["Улучшился год назад, %"] == pytest.approx(73.3)
    assert now[("Школа № 1", "Ученик – ученик", GRADE)]["Улучшился год назад, %"] == 70
    assert now[("Всего по муниципалитету", "все формы", DEFICITS)]["Улучшился год назад, %"] == 100
    # a share not shown last year (fewer than 5 measured) is not shown as «год назад» either
    assert now[("Школа № 2", "Ученик – ученик", "Кружки и секции")]["Улучшился год назад, %"] == "—"


# Means by school are weighted into the published means by form and of the municipality, and the answers behind
# them are published or nearly («Заполнили анкету», «Наставляемых с замером», the pairs): one hidden mean of a
# total could be recovered as total × its answers − Σ other means × their answers. Schools 1 and 5 have fewer
# than 5 answers in every mean column below; the answers of each school are those the attacker is assumed to know.
MEANS: dict[int, tuple[str, dict[str, float], dict[str, float]]] = {
    # school: (form, monitoring, other numbers)
    1: ("student", {"mentees_answered": 6,
                    "mentors_answered": 3, "real_mentor_sum": 30, "real_mentor_n": 3, "real_mentee_sum": 36,
                    "real_mentee_n": 6, "grade_n": 2, "grade_entry_sum": 6, "grade_exit_sum": 10, "grade_better": 2},
        {"mentor_score_sum": 15, "mentor_score_n": 3, "pairs": 3, "pairs_attention": 1}),
    2: ("student", {"mentees_answered": 7,
                    "mentors_answered": 12, "real_mentor_sum": 84, "real_mentor_n": 12, "real_mentee_sum": 49,
                    "real_mentee_n": 7, "grade_n": 9, "grade_entry_sum": 27, "grade_exit_sum": 36, "grade_better": 6,
                    "grade_worse": 1},
        {"mentor_score_sum": 80, "mentor_score_n": 20, "pairs": 10, "pairs_attention": 2}),
    3: ("student", {"mentees_answered": 8,
                    "mentors_answered": 6, "real_mentor_sum": 48, "real_mentor_n": 6, "real_mentee_sum": 56,
                    "real_mentee_n": 8, "grade_n": 12, "grade_entry_sum": 36, "grade_exit_sum": 42, "grade_better": 7},
        {"mentor_score_sum": 36, "mentor_score_n": 8, "pairs": 12, "pairs_attention": 3}),
    4: ("student", {"mentees_answered": 9,
                    "mentors_answered": 9, "real_mentor_sum": 72, "real_mentor_n": 9, "real_mentee_sum": 63,
                    "real_mentee_n": 9, "grade_n": 7, "grade_entry_sum": 21, "grade_exit_sum": 28, "grade_better": 5},
        {"mentor_score_sum": 126, "mentor_score_n": 30, "pairs": 15, "pairs_attention": 0}),
    # young teachers: a form of two schools; its mentees' «real usefulness» has 2 answers in the whole form
    5: ("teacher", {"mentees_answered": 2,
                    "mentors_answered": 3, "real_mentor_sum": 27, "real_mentor_n": 3, "real_mentee_sum": 20,
                    "real_mentee_n": 2, "deficits_n": 3, "deficits_entry_sum": 9, "deficits_exit_sum": 3},
        {"mentor_score_sum": 12, "mentor_score_n": 3, "pairs": 4, "pairs_attention": 1}),
    6: ("teacher", {"mentors_answered": 10, "real_mentor_sum": 60, "real_mentor_n": 10, "deficits_n": 8,
                    "deficits_entry_sum": 24, "deficits_exit_sum": 16},
        {"mentor_score_sum": 40, "mentor_score_n": 10, "pairs": 10, "pairs_attention": 1}),
}


def roll_up(folder: Path, schools: dict[int, tuple[str, dict[str, float], dict[str, float]]]) -> Path:
    from toolkit.cli import main

    for n, (form, mon, numbers) in schools.items():
        make_export(folder / "вх" / f"школа {n}.xlsx", n, form, mon, numbers=numbers)
    with pytest.raises(SystemExit) as exc:
        main(["rollup", str(folder / "вх"), "--out", str(folder / "с.xlsx")])
        raise SystemExit(0)
    assert exc.value.code in (0, None)
    return folder / "с.xlsx"


@pytest.fixture(scope="module")
def means(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return roll_up(tmp_path_factory.mktemp("rollup-means"), MEANS)


def subtract(total: Any, total_n: float, others: list[tuple[Any, float]]) -> float | None:
    """The attack: the weighted sum of the one part left out of a published total (total × its answers − Σ part ×
    its answers), or None when a cell it needs is hidden."""
    if not all(isinstance(v, (int, float)) for v in (total, *(v for v, _ in others))):
        return None
    return total * total_n - sum(v * n for v, n in others)


PUPILS, TEACHERS = "Ученик – ученик", "Педагог – педагог"
STUDENT = [n for n, (form, _, _) in MEANS.items() if form == "student"]


def cannot_recover(shown: dict[int, Any], total: Any, answers: dict[int, float], column: str) -> None:
    """School 1 is small: its mean is hidden, so is a second one of its form, and every subtraction of the others
    from the form's total needs a hidden cell."""
    assert shown[1] == "—", column
    assert sum(shown[n] == "—" for n in STUDENT) >= 2, (column, shown)
    others = [(shown[n], answers[n]) for n in STUDENT if n != 1]
    assert subtract(total, sum(answers[n] for n in STUDENT), others) is None, (column, shown, total)


def test_a_hidden_mean_of_meetings_cannot_be_recovered_from_the_form(means: Path) -> None:
    by_school = {int(r["Школа"].split("№ ")[1]): r for r in table(means, "По школам")}
    by_form = {r["Форма"]: r for r in table(means, "По формам")}
    for column, key in (("Оценка встреч наставниками", "mentor_score_n"), ("Нужно внимание, % пар", "pairs")):
        answers = {n: numbers[key] for n, (_, _, numbers) in MEANS.items()}
        cannot_recover({n: r[column] for n, r in by_school.items()}, by_form[PUPILS][column], answers, column)
        # a form of two schools, one small: the other is hidden too, the form's total stays
        assert (by_school[5][column], by_school[6][column]) == ("—", "—") and by_form[TEACHERS][column] != "—"
    # the mentees' scores: no school small, nothing hidden
    assert all(isinstance(r["Оценка встреч наставляемыми"], (int, float)) for r in by_school.values())


def test_a_hidden_mean_of_questionnaires_cannot_be_recovered_from_the_form(means: Path) -> None:
    survey = {(r["Школа"], r["Форма"], r["Роль"]): r[REAL] for r in table(means, "Анкеты")}
    answers = {n: mon["real_mentor_n"] for n, (_, mon, _) in MEANS.items()}
    cannot_recover({n: survey[(f"Школа № {n}", PUPILS, "Наставник")] for n in STUDENT},
                   survey[("Все школы", PUPILS, "Наставник")], answers, REAL)
    assert survey[("Школа № 6", TEACHERS, "Наставник")] == "—" != survey[("Все школы", TEACHERS, "Наставник")]


def test_a_hidden_mean_of_growth_cannot_be_recovered_from_the_form(means: Path) -> None:
    growth = {r["Школа"]: r for r in table(means, "Рост участников") if r["Показатель"] == GRADE}
    answers = {n: MEANS[n][1]["grade_n"] for n in STUDENT}
    for column in ("На входе", "На выходе", "Изменение", "Показатель улучшился, % наставляемых",
                   "Показатель ухудшился, % наставляемых"):
        cannot_recover({n: growth[f"Школа № {n}"][column] for n in STUDENT}, growth["Все школы"][column], answers,
                       column)
    deficits = {r["Школа"]: r["На входе"] for r in table(means, "Рост участников") if r["Показатель"] == DEFICITS}
    assert (deficits["Школа № 5"], deficits["Школа № 6"]) == ("—", "—") and deficits["Все школы"] == 3  # 33 / 11


def test_a_hidden_share_is_not_last_years_next_year(means: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "Сводка 2028.xlsx"
    code, stdout, err = run(["rollup", str(means.parent / "вх"), "--out", str(out), "--previous", str(means)], capsys)
    assert code == 0, stdout + err
    now = {r["Школа"]: r for r in table(out, "Рост участников") if r["Показатель"] == GRADE}
    before = {r["Школа"]: r for r in table(means, "Рост участников") if r["Показатель"] == GRADE}
    for school, row in now.items():  # last year's column shows what last year's summary showed, nothing hidden
        assert row["Улучшился год назад, %"] == before[school]["Показатель улучшился, % наставляемых"], school
    assert [s for s, r in now.items() if r["Улучшился год назад, %"] == "—"] == ["Школа № 1", "Школа № 4"]


def test_a_hidden_form_cannot_be_recovered_from_the_municipality(means: Path) -> None:
    # the young teachers' «real usefulness» has 2 answers in the whole form and the municipality's mean is
    # published: the pupils' form's mean is hidden (municipality − pupils would give the 2 away), and with it the
    # pupils' school with the fewest answers (school 1, 6 answers)
    survey = {(r["Школа"], r["Форма"], r["Роль"]): r[REAL] for r in table(means, "Анкеты")}
    pupil_answers = sum(MEANS[n][1]["real_mentee_n"] for n in STUDENT)
    region = survey[("Всего по муниципалитету", "все формы", "наставляемые")]
    form = survey[("Все школы", PUPILS, "Наставляемый")]
    assert region == 7 and survey[("Все школы", TEACHERS, "Молодой педагог")] == "—"  # (36 + 49 + 56 + 63 + 20) / 32
    assert subtract(region, pupil_answers + 2, [(form, pupil_answers)]) is None
    assert [n for n in STUDENT if survey[(f"Школа № {n}", PUPILS, "Наставляемый")] == "—"] == [1]


def test_no_mean_is_hidden_when_no_school_is_small(tmp_path: Path) -> None:
    big = {n: (form, {k: (max(v, 5) if k.endswith("_n") else v) for k, v in mon.items()},
               {k: (max(v, 5) if k in ("mentor_score_n", "pairs") else v) for k, v in numbers.items()})
           for n, (form, mon, numbers) in MEANS.items()}
    big[6][1].update(real_mentee_n=5, real_mentee_sum=40)  # school 6 has no answers of mentees otherwise
    out = roll_up(tmp_path, big)
    for row in table(out, "По школам") + table(out, "По формам"):
        assert all(isinstance(row[c], (int, float)) for c in ("Оценка встреч наставниками", "Нужно внимание, % пар"))
    for row in table(out, "Анкеты"):
        assert isinstance(row[REAL], (int, float)), row
    for row in table(out, "Рост участников"):
        if row["Показатель"] in (GRADE, DEFICITS):
            assert all(isinstance(row[c], (int, float)) for c in ("На входе", "На выходе", "Изменение")), row
