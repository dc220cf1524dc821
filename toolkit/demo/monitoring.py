"""The demo of the monitoring (book «07_Мониторинг»), after the work of pairs: ``nastavnik monitor`` adds the rows
of the pairs; the curator records each mentee's indicators on entry (at the pair's start) and on exit (at the
end of May), mentors and mentees answer the questionnaires, the curator writes the SWOT.

Believable, not perfect: most mentees grow a little, one does not, one left before the exit measurement (no
exit values); a pair that never met answers with low scores; one mentor and one mentee did not answer. The
values stay within the book's limits, so the folders still pass ``check`` without a single problem.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from toolkit.base.problems import Report
from toolkit.books.writer import write_workbook
from toolkit.checks.program import load_program
from toolkit.logic.attention import pair_states
from toolkit.logic.monitoring import growth_kind
from toolkit.model.program import Program
from toolkit.stages.survey import book_rows, monitoring_spec, prepare_monitoring_book

EXIT_DAY = dt.date(2027, 5, 20)
FREQUENCIES = ["Раз в неделю и чаще", "Два-три раза в месяц", "Раз в месяц", "Реже раза в месяц"]

VALUABLE = {
    "student": ["Разбирали задачи, которые не понимал на уроке.", "Появился старший друг в школе.",
                "Научился планировать подготовку к контрольным.", "Интересно было самому объяснять младшему.",
                "Вместе сделали проект, который показали классу."],
    "teacher": ["Посещение уроков наставника и разбор моих уроков.", "Помощь с рабочей программой и журналом.",
                "Поддержка в работе с трудным классом и родителями.", "Подготовка к первому открытому уроку.",
                "Совместный разбор аттестационных материалов."],
}
VALUABLE["partner"] = ["Профессиональные пробы на площадке партнёра.", "Увидел, как устроена работа изнутри.",
                       "Проект с настоящим заказчиком.", "Советы по выбору профессии и учебного заведения."]
IMPROVE = {
    "student": ["Больше встреч перед контрольными.", "Удобное время встреч: после уроков не всегда получается.",
                "Общие встречи всех пар с куратором.", ""],
    "teacher": ["Время для встреч в расписании: окна не совпадают.", "Больше открытых уроков коллег.",
                "Меньше бумажной отчётности по программе.", ""],
}
IMPROVE["partner"] = ["Больше выездов на площадку партнёра.", "Встречи онлайн чаще срывались.", ""]
SWOT = {
    "partner": [
        ("Сильные стороны", "Наставники — практики из организаций-партнёров, встречи на их площадках.", ""),
        ("Сильные стороны", "Наставляемые определились с профилем обучения и профессиональными пробами.", ""),
        ("Слабые стороны", "Встречи зависят от рабочего графика наставников.",
         "Согласовать с партнёром постоянный день встреч."),
        ("Возможности", "Новые соглашения о сотрудничестве с предприятиями района.", ""),
        ("Угрозы", "Партнёр может приостановить участие при смене руководства.",
         "Закреплять в соглашении срок и ответственного за наставничество."),
    ],
    "student": [
        ("Сильные стороны", "Старшеклассники-наставники мотивированы, пары встречаются регулярно.", ""),
        ("Сильные стороны", "Оценки встреч высокие; у большинства наставляемых выросли оценки по предметам запроса.",
         ""),
        ("Сильные стороны", "Поддержка администрации и классных руководителей.", ""),
        ("Слабые стороны", "Одна пара так и не начала работу, одна прекратила встречи в январе.",
         "Проверять первые встречи в течение двух недель после закрепления; замена наставника."),
        ("Слабые стороны", "Нет общего времени для встреч у учеников разных смен.",
         "Закрепить время в расписании внеурочной деятельности."),
        ("Возможности", "Муниципальный конкурс лучших практик наставничества.", ""),
        ("Возможности", "Выпускники школы — наставники для старшеклассников (форма «студент – ученик»).", ""),
        ("Угрозы", "Нагрузка выпускников перед ОГЭ и ЕГЭ весной.",
         "Закончить основную работу пар до апреля, весной — поддерживающие встречи."),
        ("Угрозы", "Уход наставников-выпускников в конце года.", "Готовить смену наставников из 9–10 классов."),
    ],
    "teacher": [
        ("Сильные стороны", "Опытные наставники с высшей категорией, добровольное участие.", ""),
        ("Сильные стороны", "Молодые педагоги провели серии открытых уроков, закрыта большая часть дефицитов.", ""),
        ("Слабые стороны", "Окна в расписании наставника и молодого педагога часто не совпадают.",
         "Учитывать пары при составлении расписания на следующий год."),
        ("Слабые стороны", "Доплата за наставничество назначена не всем наставникам с начала года.",
         "Оформлять соглашения по ст. 351.8 ТК РФ до закрепления пары."),
        ("Возможности", "Курсы повышения квалификации для наставников в центре непрерывного образования.", ""),
        ("Возможности", "Конкурс «Педагогический дебют» для молодых педагогов.", ""),
        ("Угрозы", "Уход молодых педагогов из профессии в первые три года.",
         "Продолжить наставничество для тех, кому нужна поддержка; адресная методическая помощь."),
        ("Угрозы", "Перегрузка наставников.", "Не более двух наставляемых на одного наставника."),
    ],
}


def _grow(rng: random.Random, value: float, low: float, high: float, step: list[float]) -> float:
    return round(min(max(value + rng.choice(step), low), high), 1)


def _indicators(rows: list[dict[str, Any]], kind: str, starts: dict[str, dt.date], quiet: set[str],
                rng: random.Random) -> None:
    for n, row in enumerate(rows):
        start = starts.get(row.get("pair_id") or "", dt.date(2026, 10, 1))
        row["entry_date"] = start
        left = n == len(rows) - 1  # the last mentee left before the exit measurement
        stalled = row.get("pair_id") in quiet
        if kind == "teacher":
            found = rng.randint(3, 6)
            row.update(deficits_in=found, lessons_in=rng.randint(0, 1),
                       category_in=rng.choice(["Без категории", "Без категории", "Соответствие занимаемой должности"]))
            if left:
                row["note"] = "Перевёлся в другую школу в марте: замер на выходе не проводился."
                continue
            row.update(exit_date=EXIT_DAY, deficits_closed=found - (rng.randint(1, 2) if stalled else rng.randint(0, 1)),
                       lessons_out=rng.randint(2, 4), stays=True,
                       category_out=("Первая" if n == 0 else row["category_in"]))
            continue
        grade = rng.choice([2.8, 3.0, 3.2, 3.4, 3.6, 3.8])
        absences = rng.randint(4, 16)
        contests, clubs, involvement = rng.randint(0, 1), rng.randint(0, 2), rng.randint(3, 6)
        row.update(grade_in=grade, absences_in=absences, contests_in=contests, clubs_in=clubs,
                   involvement_in=involvement)
        if left:
            row["note"] = "Перешёл в другую школу в апреле: замер на выходе не проводился."
            continue
        row["exit_date"] = EXIT_DAY
        if stalled:  # the pair did not really work: nothing changed, absences even grew
            row.update(grade_out=grade, absences_out=absences + 2, contests_out=contests, clubs_out=clubs,
                       involvement_out=involvement)
            continue
        row.update(grade_out=_grow(rng, grade, 1, 5, [0.2, 0.4, 0.4, 0.6, 0.8]),
                   absences_out=max(absences - rng.randint(1, 6), 0), contests_out=contests + rng.randint(0, 2),
                   clubs_out=clubs + rng.randint(0, 1), involvement_out=min(involvement + rng.randint(1, 3), 10))


def _answers(row: dict[str, Any], kind: str, role: str, meetings: int, stalled: bool, rng: random.Random) -> None:
    expected = rng.randint(6, 9)
    base = 3 if stalled else 7
    row.update(date=EXIT_DAY + dt.timedelta(days=rng.randint(0, 2)), expected=expected,
               real=min(max(expected + (rng.randint(-4, -2) if stalled else rng.randint(-1, 2)), 1), 10),
               satisfaction=min(base + rng.randint(0, 3), 10), comfort=min(base + rng.randint(1, 3), 10),
               clarity=min(base + rng.randint(-1, 2), 10), support=min(base + rng.randint(0, 3), 10),
               meetings=meetings,
               frequency=FREQUENCIES[3] if stalled else rng.choice(FREQUENCIES[:2]),
               go_on=not stalled, valuable="" if stalled else rng.choice(VALUABLE[kind]),
               improve=rng.choice(IMPROVE[kind]) or ("Встречи так и не стали регулярными." if stalled else ""))
    if role == "mentor":
        row["self"] = min(base + rng.randint(0, 2), 10)
    else:
        row["become_mentor"] = not stalled and rng.random() < 0.4


def demo_monitoring(program: Program) -> list[str]:
    """Fill «07_Мониторинг» of a demo folder; returns what was done."""
    prepare_monitoring_book(program, Report(), backup=False)  # rows for every pair
    data = load_program(program, Report())
    spec = monitoring_spec(program)
    rows, _ = book_rows(data, spec)
    kind = growth_kind(program.profile)
    rng = random.Random(23 if kind == "pupil" else 24)
    texts = program.profile.form if program.profile.form in ("student", "teacher") else "partner"
    states = pair_states(data, EXIT_DAY)
    starts = {s.pair_id: s.info.start for s in states if s.info.start}
    # a pair that barely met by the end (fewer than three meetings): it answers and grows as such
    quiet = {s.pair_id for s in states if len(s.meetings) < 3}
    held = {s.pair_id: len(s.meetings) for s in states}
    _indicators(rows["indicators"], kind, starts, quiet, rng)
    for key, role in (("mentor_survey", "mentor"), ("mentee_survey", "mentee")):
        survey = rows[key]
        for n, row in enumerate(survey):
            if n == len(survey) - 2:  # one of each did not answer the questionnaire
                continue
            pair_ids = [p.strip() for p in str(row.get("pair_id") or "").split(",") if p.strip()]
            # the meetings of the last months were not logged in the pair's book: the answer counts them too
            stalled = bool(pair_ids) and set(pair_ids) <= quiet
            meetings = sum(held.get(p, 0) for p in pair_ids) + (0 if stalled else rng.randint(2, 5))
            _answers(row, texts, role, meetings, stalled, rng)
    rows["swot"] = [{"quadrant": q, "factor": f, "measure": m}
                    for q, f, m in SWOT[texts]]
    write_workbook(program.root / (spec.file + ".xlsx"), spec, program.profile, program.program_id, rows)
    answered = sum(1 for k in ("mentor_survey", "mentee_survey") for r in rows[k] if r.get("date"))
    measured = sum(1 for r in rows["indicators"] if r.get("exit_date"))
    return [f"Мониторинг (книга «{spec.file}»): анкет заполнено {answered}, замеров на входе и выходе "
            f"{measured} из {len(rows['indicators'])}, пунктов SWOT {len(rows['swot'])}."]
