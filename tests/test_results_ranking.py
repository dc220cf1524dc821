"""Ranking of mentors (toolkit/ranking.py): components, weights, missing data and ties on hand-computed cases."""

from __future__ import annotations

import pytest

from toolkit import spec
from toolkit.base.problems import NastavnikError
from toolkit.logic.ranking import MentorInput, Method, rank

STUDENT = {"components": {"mentees": {"weight": 0.4, "if_missing": "exclude"},
                          "curator": {"weight": 0.4, "if_missing": "exclude"},
                          "regularity": {"weight": 0.1, "if_missing": "zero"},
                          "goals": {"weight": 0.1, "if_missing": "zero"}},
           "tie_break": ["mentees", "curator", "regularity", "goals"]}


def mentor(pid: str, mentees: float | None, curator: float | None, regularity: float | None = 1.0,
           goals: float | None = 1.0, **more: float | None) -> MentorInput:
    return MentorInput(pid, f"Наставник {pid[-1]}", {"mentees": mentees, "curator": curator,
                                                     "regularity": regularity, "goals": goals, **more})


def by_id(ranked: list) -> dict:
    return {r.id: r for r in ranked}


def test_total_is_the_weighted_mean_of_normalised_components() -> None:
    # mentees 4.5 → (4.5−1)/4 = 0.875; curator 5 → 1; regularity 0.75; goals 0.5
    # 0.4·0.875 + 0.4·1 + 0.1·0.75 + 0.1·0.5 = 0.35 + 0.4 + 0.075 + 0.05 = 0.875 → 87.5
    # second: 0.4·0.5 + 0.4·0.75 + 0.1·1 + 0.1·0 = 0.2 + 0.3 + 0.1 + 0 = 0.6 → 60.0
    ranked = rank([mentor("НК-002", 3, 4, 1.0, 0.0), mentor("НК-001", 4.5, 5, 0.75, 0.5)],
                  Method.from_config(STUDENT))
    assert [(r.place, r.id, r.total) for r in ranked] == [("1", "НК-001", 87.5), ("2", "НК-002", 60.0)]
    assert ranked[0].explanation == (
        "0,4 × наставляемые (4,50 → 0,875) + 0,4 × куратор (5,00 → 1) + 0,1 × регулярность (75 % → 0,75) + "
        "0,1 × цели (50 % → 0,5) = 0,875 × 100 = 87,5")
    assert ranked[0].ties == "" and ranked[0].normalized == {"mentees": 0.875, "curator": 1.0, "regularity": 0.75,
                                                             "goals": 0.5}


def test_equal_totals_are_ordered_by_tie_break_and_explained() -> None:
    # А: 0.4·0.875 + 0.4·1 + 0.2 = 0.95; Б: 0.4·1 + 0.4·0.875 + 0.2 = 0.95 — equal totals, Б better mentees
    ranked = rank([mentor("НК-001", 4.5, 5), mentor("НК-002", 5, 4.5)], Method.from_config(STUDENT))
    assert [(r.place, r.id, r.total) for r in ranked] == [("1", "НК-002", 95.0), ("2", "НК-001", 95.0)]
    first, second = ranked
    assert first.ties == ("Итоговый балл 95,0 — как у НК-001 (Наставник 1). Выше НК-001 (Наставник 1): решила "
                          "оценка наставляемых (5,00 против 4,50).")
    assert second.ties == ("Итоговый балл 95,0 — как у НК-002 (Наставник 2). Ниже НК-002 (Наставник 2): решила "
                           "оценка наставляемых (4,50 против 5,00).")


def test_all_components_equal_share_the_place() -> None:
    ranked = rank([mentor("НК-003", 4, 4), mentor("НК-001", 5, 5), mentor("НК-002", 5, 5), mentor("НК-004", 3, 3)],
                  Method.from_config(STUDENT))
    assert [(r.place, r.id) for r in ranked] == [("1–2", "НК-001"), ("1–2", "НК-002"), ("3", "НК-003"),
                                                  ("4", "НК-004")]
    assert by_id(ranked)["НК-001"].ties == (
        "Итоговый балл 100,0 — как у НК-002 (Наставник 2). Делит 1–2 место с НК-002 (Наставник 2): равны и оценка "
        "наставляемых, оценка куратора, регулярность встреч, достигнутые цели.")
    assert [r.order for r in ranked] == [1, 2, 3, 4]


def test_a_large_tie_names_a_few_and_counts_the_rest_within_its_cell() -> None:
    """500 mentors with the same scores (a full-size school): each note names five and counts the rest, so it
    fits the «Равенство баллов» cell (4,000 characters) instead of becoming 113 «text-too-long» errors."""
    ranked = rank([mentor(f"НК-{n:03d}", 5, 5) for n in range(1, 501)], Method.from_config(STUDENT))
    note = by_id(ranked)["НК-001"].ties
    assert note.startswith("Итоговый балл 100,0 — как у НК-002 (Наставник 2), НК-003 (Наставник 3), НК-004 "
                           "(Наставник 4), НК-005 (Наставник 5), НК-006 (Наставник 6) и ещё у 494 наставников.")
    assert "Делит 1–500 место с НК-002 (Наставник 2)" in note and "и ещё с 494 наставниками: равны" in note
    assert max(len(r.ties) for r in ranked) < spec.Column.model_fields["max_length"].default


def test_a_tie_decided_by_a_later_component() -> None:
    # equal mentees and curator; regularity decides: 0.4·0.75·2 + 0.1·1 + 0.1·0.5 = 0.75 vs 0.6 + 0.1·0.5 + 0.1·1
    ranked = rank([mentor("НК-001", 4, 4, 1.0, 0.5), mentor("НК-002", 4, 4, 0.5, 1.0)], Method.from_config(STUDENT))
    assert [r.id for r in ranked] == ["НК-001", "НК-002"] and ranked[0].total == ranked[1].total == 75.0
    assert "решила регулярность встреч (100 % против 50 %)" in ranked[0].ties


def test_missing_required_feedback_means_no_place() -> None:
    ranked = rank([mentor("НК-001", None, 5), mentor("НК-002", 4, 4)], Method.from_config(STUDENT))
    assert [(r.place, r.id) for r in ranked] == [("1", "НК-002"), ("", "НК-001")]
    unranked = ranked[1]
    assert unranked.total is None and unranked.excluded == "нет данных: оценка наставляемых"
    assert unranked.explanation.startswith("В рейтинг не включён: нет данных: оценка наставляемых")


def test_nobody_has_feedback_nobody_is_ranked() -> None:
    ranked = rank([mentor("НК-001", None, None), mentor("НК-002", None, None)], Method.from_config(STUDENT))
    assert all(r.total is None and r.place == "" for r in ranked)


def test_missing_secondary_counts_as_zero() -> None:
    # НК-001: regularity missing → 0: 0.4·1 + 0.4·1 + 0 + 0.1·1 = 0.9; НК-009: 0.8 + 0.1·0.5 + 0.1·0.4 = 0.89
    first, second = rank([mentor("НК-001", 5, 5, None, 1.0), mentor("НК-009", 5, 5, 0.5, 0.4)],
                         Method.from_config(STUDENT))
    assert (first.id, first.total, second.total) == ("НК-001", 90.0, 89.0)
    assert "0,1 × регулярность (нет данных → 0)" in first.explanation
    assert "регулярность встреч: нет данных — считается 0" in first.explanation


def test_skip_shares_the_weight_and_unavailable_components_are_stated() -> None:
    method = Method.from_config(spec.find_profile("teacher").ranking)
    # no work-of-pairs workbook: regularity and goals are left out for everybody.
    # НК-001: community missing (skip) → counted: mentees 0.3·1, curator 0.3·0.75, mutual 0.1·0.5 = 0.575 / 0.7
    #         = 0.8214… → 82.1
    # НК-002: all four: 0.3·0.5 + 0.3·0.5 + 0.1·1 + 0.1·1 = 0.5 / 0.8 = 0.625 → 62.5
    why = "нет книги «05_Работа пар» (журнал встреч и цели пар)"
    ranked = rank([MentorInput("НК-001", "А", {"mentees": 5, "curator": 4, "community": None, "mutual": 3}),
                   MentorInput("НК-002", "Б", {"mentees": 3, "curator": 3, "community": 5, "mutual": 5})],
                  method, {"regularity": why, "goals": why})
    a, b = by_id(ranked)["НК-001"], by_id(ranked)["НК-002"]
    assert (a.total, b.total) == (82.1, 62.5)
    assert a.explanation == (
        "(0,3 × наставляемые (5,00 → 1) + 0,3 × куратор (4,00 → 0,75) + 0,1 × взаимная оценка (3,00 → 0,5)) / 0,7"
        " = 0,821 × 100 = 82,1; оценка педагогического сообщества: нет данных — вес распределён на остальные "
        f"компоненты; регулярность встреч: {why} — не учитывается; достигнутые цели: {why} — не учитывается")


def test_a_secondary_component_nobody_has_is_left_out() -> None:
    ranked = rank([mentor("НК-001", 5, 3, None, None), mentor("НК-002", 4, 4, None, None)],
                  Method.from_config(STUDENT))
    # only mentees and curator: НК-001 (0.4·1 + 0.4·0.5)/0.8 = 0.75, НК-002 (0.4·0.75 + 0.4·0.75)/0.8 = 0.75 → tie
    assert [r.total for r in ranked] == [75.0, 75.0] and ranked[0].id == "НК-001"
    assert "регулярность встреч: нет данных ни у одного наставника — не учитывается" in ranked[0].explanation


def test_profiles_define_the_method_and_weights_are_shown() -> None:
    for form in ("student", "teacher"):
        method = Method.from_config(spec.find_profile(form).ranking)
        assert [r.key for r in method.components][:2] == ["mentees", "curator"]
        assert all(r.if_missing == "exclude" for r in method.components[:2])
    student = Method.from_config(spec.find_profile("student").ranking)
    assert student.weights_text() == ("оценка наставляемых — 40 %, оценка куратора — 40 %, регулярность встреч — "
                                      "10 %, достигнутые цели — 10 %")
    assert dict(student.award_documents) == {"Грамота школы": "certificate", "Благодарственное письмо": "letter"}
    assert Method.from_config(spec.find_profile("teacher").ranking).points_award == "Баллы за общественную работу"


@pytest.mark.parametrize(("config", "fragment"), [
    ({"components": {"stars": {"weight": 1}}}, "ranking: Value error, неизвестные компоненты: stars; возможные: mentees"),
    ({"components": {"mentees": {"weight": 0}}}, "ranking.components.mentees.weight"),
    ({"components": {"mentees": {"weight": 1}}, "tie_break": ["curator"]},
     "tie_break называет компоненты, которых нет в components: curator"),
    ({"components": {"mentees": {"weight": 1, "if_missing": "ignore"}}}, "ranking.components.mentees.if_missing"),
])
def test_a_wrong_method_names_its_path(config: dict, fragment: str) -> None:
    with pytest.raises(NastavnikError) as exc:
        Method.from_config(config)
    assert exc.value.message.startswith("Метод рейтинга в профиле формы содержит ошибки: ")
    assert fragment in exc.value.message
