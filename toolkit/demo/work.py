"""The demo of stages 5–6 on the sample data, after pairing: the curator hands out a workbook to each pair
(``distribute``), the pairs fill them in — competency analysis, goals split into sprints, meetings with
evaluations and reflection, a diary, for teachers the adaptation program and intermediate results — and send
them back under names of their own; the curator collects them and makes the monitoring workbook.

Most pairs meet as often as the mentor promised. A few are believable problem pairs, as of the demo day
:data:`DEMO_DAY`: students — one pair never met (it sent back only its plan), one has falling evaluations
and a meeting without the mentee's evaluation, one has a sprint past its end and still open and a meeting
without the mentor's evaluation (missing feedback in two pairs: a group meeting is suggested); teachers — a
mentor who stopped meeting in January and an open lesson left without an evaluation. None of this is a
`check` error: the demo folders pass `check` without a single problem.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from toolkit.base.problems import Report
from toolkit.base.values import format_date
from toolkit.books.writer import write_workbook
from toolkit.checks.program import load_program
from toolkit.model.pairs import Pair, known_pairs
from toolkit.model.program import Program, ProgramData
from toolkit.model.work import GROUP_NAMES, fingerprint, pair_rows, pair_spec, promised_frequency
from toolkit.stages.monitor import build_monitor, monitor_path, write_monitor_workbook
from toolkit.stages.pair_files import BASE_KEY, PAIR_KEY, collect, distribute

DEMO_DAY = dt.date(2027, 2, 15)
OUTBOX = "Книги пар — рассылка"
INBOX = "Книги пар — входящие"
HOLIDAYS = [(dt.date(2026, 10, 26), dt.date(2026, 11, 3)), (dt.date(2026, 12, 29), dt.date(2027, 1, 10))]

# the first area of the mentee's request → three goals (short, medium, long) with two sprint tasks each
STUDENT_GOALS: dict[str, list[tuple[str, list[str]]]] = {
    "Адаптация в новом классе": [
        ("Освоиться в новом классе и найти друзей", ["Познакомиться с ребятами на общем деле (кружок, секция)",
                                                     "Сходить вместе с классом на школьное мероприятие"]),
        ("Уверенно выступать перед классом", ["Подготовить и сделать короткое сообщение на уроке",
                                              "Провести классный час вместе с наставником"]),
        ("Выбрать дело по душе в школе и вне её", ["Попробовать два кружка и выбрать один"]),
    ],
    "Математика": [
        ("Разобраться с дробями и уравнениями к контрольной", ["Дроби: правила и 30 задач",
                                                               "Уравнения: разбор ошибок контрольных"]),
        ("Выйти на «4» по математике по итогам года", ["Еженедельные задачи с разбором", "Пробная работа в апреле"]),
        ("Подготовиться к профильной математике и выбрать профиль", ["Олимпиадные задачи раз в две недели"]),
    ],
    "Русский язык": [
        ("Научиться писать сжатое изложение", ["Три изложения с разбором", "Приёмы сжатия текста"]),
        ("Написать годовой диктант по русскому языку на «4»", ["Тесты по орфографии", "Сочинение-рассуждение: пять тренировок"]),
        ("Поступить в 10 класс гуманитарного профиля", ["Список книг на год и обсуждение"]),
    ],
    "Планирование времени": [
        ("Делать домашние задания без откладывания", ["Расписание недели и трекер привычек",
                                                      "Правило «сначала самое трудное»"]),
        ("Закончить четверть без долгов", ["Еженедельный разбор планов"]),
        ("Научиться планировать большие дела на год", ["План на полугодие: учёба, секция, отдых"]),
    ],
    "Биология": [
        ("Выбрать тему проекта и составить план", ["Три возможные темы и выбор одной", "План проекта и источники"]),
        ("Выступить с проектом на школьной конференции", ["Опыт и наблюдения", "Презентация и репетиция"]),
        ("Подготовиться к профилю с биологией и химией", ["Кружок юных биологов"]),
    ],
    "Английский язык": [
        ("Перестать бояться отвечать у доски", ["Пять коротких монологов дома", "Ответ у доски с поддержкой"]),
        ("Говорить на английском в клубе разговорной практики", ["Клуб раз в неделю", "Выступление в клубе"]),
        ("Сдать международный экзамен уровня B1", ["Тренировочные тесты раз в месяц"]),
    ],
    "Профориентация": [
        ("Понять, какие профессии интересны", ["Тест на профориентацию и разбор", "Три встречи с профессионалами"]),
        ("Выбрать профиль для 10 класса", ["Дни открытых дверей", "Разговор с родителями и классным руководителем"]),
        ("Спланировать путь к профессии", ["Карта профессии: учёба, практика, вуз"]),
    ],
    "Физика": [
        ("Научиться решать задачи на движение", ["Формулы и графики движения", "20 задач с разбором"]),
        ("Получить «4» по физике за полугодие", ["Подготовка к контрольным"]),
        ("Дойти до олимпиады по физике", ["Олимпиадные задачи раз в две недели"]),
    ],
}
TEACHER_GOALS: dict[str, list[tuple[str, list[str]]]] = {
    "Дисциплина на уроке": [
        ("Наладить дисциплину в 7-х классах", ["Правила урока и их введение", "Взаимопосещение уроков наставника"]),
        ("Выстроить систему организации урока", ["Технологические карты уроков", "Открытый урок"]),
        ("Пройти аттестацию на первую категорию", ["Портфолио и план аттестации"]),
    ],
    "Работа с детьми с ОВЗ": [
        ("Освоить приёмы работы с детьми с ОВЗ на уроке", ["Консультации с педагогом-психологом",
                                                         "Адаптированные задания к трём темам"]),
        ("Разработать адаптированную рабочую программу", ["Черновик программы", "Обсуждение на ШМО"]),
        ("Пройти переподготовку по инклюзивному образованию", ["Выбор курса и план обучения"]),
    ],
    "Подготовка к ОГЭ и ЕГЭ": [
        ("Составить план подготовки класса к ОГЭ", ["Диагностика класса", "План занятий на полугодие"]),
        ("Провести пробный ОГЭ и разобрать результаты", ["Пробный экзамен", "Разбор ошибок по заданиям"]),
        ("Стать экспертом предметной комиссии", ["Курсы экспертов"]),
    ],
    "Работа с родителями": [
        ("Провести первое родительское собрание уверенно", ["Сценарий собрания", "Собрание и разбор"]),
        ("Наладить связь с родителями класса", ["Индивидуальные беседы", "Чат класса: правила"]),
        ("Стать классным руководителем-наставником", ["Курс по воспитательной работе"]),
    ],
    "Профессиональные конкурсы": [
        ("Подготовить методическую разработку урока", ["Выбор темы и разработка", "Апробация на уроке"]),
        ("Участвовать в муниципальном этапе конкурса", ["Эссе и визитка", "Конкурсный урок: репетиция"]),
        ("Дойти до регионального этапа «Учитель года»", ["План участия на два года"]),
    ],
    "Документация и отчётность": [
        ("Разобраться с электронным журналом и отчётами", ["Шаблоны отчётов", "Календарь сроков"]),
        ("Освободить время на подготовку к урокам", ["Банк заданий и презентаций"]),
        ("Перейти на цифровые инструменты урока", ["Курс по цифровым ресурсам"]),
    ],
}
CAREER_GOALS: dict[str, list[tuple[str, list[str]]]] = {  # the forms with a partner: career guidance and practice
    "Профориентация": [
        ("Выбрать направление после школы (колледжа)", ["Экскурсия к партнёру и разговор с тремя специалистами",
                                                         "Сравнить две профессии: задачи, обучение, зарплата"]),
        ("Составить план поступления или трудоустройства", ["Список учебных заведений и требований"]),
        ("Понять свою будущую профессию изнутри", ["Профессиональная проба у партнёра"]),
    ],
    "Проектная деятельность": [
        ("Сделать проект вместе с наставником", ["Тема и план проекта", "Прототип и защита проекта"]),
        ("Представить проект на конкурсе", ["Подготовить презентацию"]),
        ("Применить проект в профессии", ["Показать проект специалистам партнёра"]),
    ],
}
CAREER_TOPICS = ["Знакомство: интересы, запрос, правила встреч", "Профессия наставника: день на работе",
                 "Цели и спринты", "Экскурсия на площадку партнёра (после инструктажа)", "Профессиональная проба",
                 "Разбор пробы: что получилось", "Проект: постановка задачи", "Проект: промежуточный результат",
                 "Куда поступать и как готовиться", "Итоги спринта и новый спринт"]
STUDENT_TOPICS = ["Знакомство: интересы, ожидания, правила встреч", "Самоанализ: сильные стороны и зоны роста",
                  "Цели и спринты на полугодие", "Разбор домашнего задания", "Подготовка к контрольной",
                  "Что получилось за месяц", "Планирование недели", "Разбор ошибок", "Проект: следующий шаг",
                  "Трудная тема: объясняем по-другому", "Итоги спринта и новый спринт"]
TEACHER_TOPICS = ["Знакомство, запросы и ожидания", "Самоанализ компетенций", "Цели и спринты",
                  "Планирование урока", "Дисциплина: разбор ситуаций", "Взаимопосещение урока",
                  "Работа с родителями", "Подготовка к открытому уроку", "Разбор открытого урока",
                  "Методическая разработка", "Документация и отчётность", "Итоги месяца"]
DONE = ["Обсудили, что получилось и что нет", "Разобрали трудные задания", "Составили план на неделю",
        "Проверили выполнение прошлого шага", "Потренировались на примерах"]
NEXT = ["Решить задания к следующей встрече", "Попробовать новый приём", "Подготовить вопросы",
        "Закончить задачу спринта", "Отметить в дневнике, что получилось"]
REFLECT_MENTOR = ["Получилось объяснить понятнее, чем в прошлый раз", "Важно давать больше самостоятельности",
                  "Стоит чаще хвалить за маленькие шаги", "Надо лучше готовить примеры"]
REFLECT_MENTEE = ["Стало понятнее, буду пробовать самостоятельно", "Было интересно, хочу ещё", "Трудно, но разобрались",
                  "Понравилось, что план понятный"]
DIARY = ["Получилось решить задание, которое раньше не давалось", "Ответ на уроке без волнения",
         "План недели выполнен полностью", "Тема стала понятной после встречи"]
SPHERE_NOTES = ["Хочет попробовать себя в новом деле", "Интересно узнать больше и найти единомышленников",
                "Хочет выступить на конкурсе или конференции"]


def _meeting_dates(start: dt.date, step: int, until: dt.date) -> list[dt.date]:
    dates = []
    day = start + dt.timedelta(days=2)
    while day < until:
        if not any(a <= day <= b for a, b in HOLIDAYS):
            dates.append(day)
        day += dt.timedelta(days=step)
    return dates


def _goals(program: Program, data: ProgramData, info: Pair) -> list[tuple[str, list[str]]]:
    table = (CAREER_GOALS if program.profile.form not in ("student", "teacher")
             else STUDENT_GOALS if program.profile.kind == "student" else TEACHER_GOALS)
    mentee = data.participants.get(info.mentees[0])
    areas = list(mentee.values.get("areas") or []) if mentee else []
    key = next((a for a in areas if a in table), next(iter(table)))
    return table[key]


def _plan(program: Program, info: Pair, goals: list[tuple[str, list[str]]], start: dt.date, kind: str
          ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Goals with horizons and sprints with dates: the sprints of each goal fit its horizon and the program;
    a sprint that ended before the demo day is closed (except in the pair with an overdue sprint)."""
    horizons = program.profile.sprint_horizons
    end = dt.date(2027, 5, 28)
    first = start + dt.timedelta(days=2)
    w1 = (first, first + dt.timedelta(days=42))
    w2 = (w1[1] + dt.timedelta(days=3), w1[1] + dt.timedelta(days=48))
    if kind == "sprint":  # a sprint past its end and still open
        w2 = (w1[1] + dt.timedelta(days=1), dt.date(2027, 1, 31))
    plans = [[w1, w2], [(max(start + dt.timedelta(days=7), dt.date(2026, 12, 7)), dt.date(2027, 3, 31)),
                        (dt.date(2027, 4, 1), end)], [(dt.date(2027, 1, 11), end)]]
    long_year = 2030 if program.profile.kind == "student" else 2029
    deadlines = [max(w2[1], dt.date(2027, 1, 31)), end, dt.date(long_year, 5, 31)]
    goal_rows, sprints = [], []
    for n, ((goal, tasks), horizon, windows, deadline) in enumerate(
            zip(goals, horizons, plans, deadlines, strict=False), start=1):
        statuses = []
        for s, ((a, b), task) in enumerate(zip(windows, tasks, strict=False), start=1):
            if kind == "never":  # the pair planned, but its work never began
                a, b = max(a, dt.date(2027, 2, 16)), max(b, dt.date(2027, 3, 31))
            status = ("Завершён" if b < DEMO_DAY - dt.timedelta(days=5) and not (kind == "sprint" and s == 2 and n == 1)
                      else "Запланирован" if a > DEMO_DAY else "В работе")
            statuses.append(status)
            sprints.append({"goal_no": n, "sprint_no": s, "task": task, "start": a, "end": b, "status": status,
                            "result": "Сделано" if status == "Завершён" else None})
        reached = all(x == "Завершён" for x in statuses)
        goal_rows.append({"goal_no": n, "goal": goal, "horizon": horizon.name, "deadline": deadline,
                          "status": "Достигнута" if reached else "В работе",
                          "result": "Цель достигнута" if reached else None})
    return goal_rows, sprints


def _filled(program: Program, data: ProgramData, info: Pair, kind: str, rng: random.Random) -> dict[str, Any]:
    """What a pair writes into its workbook (``kind``: normal, never, falling, sprint, stopped, lesson)."""
    profile = program.profile
    teacher = profile.kind == "teacher"
    start = info.start or dt.date(2026, 11, 30)
    rows: dict[str, Any] = {}
    spheres = profile.lists["spheres"]
    rows["members"] = [{"member_id": m, "name": info.name(m), "role": profile.roles["mentee"],
                        "sphere": spheres[rng.randrange(len(spheres))],
                        "sphere_note": SPHERE_NOTES[rng.randrange(len(SPHERE_NOTES))]} for m in info.mentees]
    competencies = []
    for member in info.members:
        items = [(GROUP_NAMES.get(g, g), c) for g, names in profile.competencies.items() for c in names]
        ratings = {c: rng.randint(2, 4) for _, c in items}
        ordered = sorted(ratings, key=lambda c: (ratings[c], c))
        for group, c in items:
            self_start = ratings[c]
            joint = max(1, min(5, self_start + rng.choice([0, 0, 1, -1])))
            row = {"member_id": member, "name": info.name(member), "group": group, "competency": c,
                   "self_start": self_start, "joint_start": joint,
                   "zone": "Сильная сторона" if c in ordered[-2:] else ("Зона роста" if c in ordered[:2] else None)}
            if kind != "never":
                row["now"] = min(5, joint + (1 if member != info.mentor and rng.random() < 0.6 else 0))
            competencies.append(row)
    rows["competencies"] = competencies
    rows["goals"], rows["sprints"] = _plan(program, info, _goals(program, data, info), start, kind)
    _, interval = promised_frequency(data, info)
    step = 14 if (interval or 7) >= 14 else 7
    until = {"stopped": dt.date(2027, 1, 21), "sprint": dt.date(2027, 1, 28)}.get(kind, DEMO_DAY - dt.timedelta(days=3))
    dates = [] if kind == "never" else _meeting_dates(start, step, until)
    topics = (CAREER_TOPICS if profile.form not in ("student", "teacher") else TEACHER_TOPICS if teacher
              else STUDENT_TOPICS)
    formats = profile.lists["meeting_formats"]
    site = {c.key for s in pair_spec(profile).sheets for c in s.columns} >= {"place", "safety_briefing"}
    meetings = []
    for n, day in enumerate(dates, start=1):
        mentee_score: int | None = rng.choice([4, 5, 5])
        mentor_score: int | None = rng.choice([4, 4, 5])
        left = len(dates) - n  # meetings after this one
        if kind == "falling":
            mentee_score = {3: 4, 2: 3, 1: 2}.get(left, 5) if left else None
        if kind == "sprint" and n == len(dates) - 1:
            mentor_score = None
        meetings.append({
            "number": n, "date": day, "format": formats[-1] if n % 5 == 0 else formats[n % 2 if site else 0],
            "topic": topics[0] if n == 1 else topics[1 + (n - 2) % (len(topics) - 1)],  # one first meeting
            **({"place": "Площадка партнёра" if n % 2 else "Школа", "safety_briefing": True if n % 2 else None}
               if site else {}),
            "minutes": rng.choice([40, 45, 60]), "done": DONE[n % len(DONE)], "next_step": NEXT[n % len(NEXT)],
            "mentor_score": mentor_score,
            "mentor_reflection": REFLECT_MENTOR[n % len(REFLECT_MENTOR)] if mentor_score else None,
            "mentee_score": mentee_score,
            "mentee_reflection": (("Не хочется, скучно" if (mentee_score or 5) <= 3 else REFLECT_MENTEE[n % 4])
                                  if mentee_score else None),
        })
    rows["meetings"] = meetings
    rows["diary"] = [{"date": d + dt.timedelta(days=1), "member_id": info.mentees[0], "entry": DIARY[i % len(DIARY)],
                      "progress": 4} for i, d in enumerate(dates[1::3])]
    if teacher:
        mentee = data.participants.get(info.mentees[0])
        request = str(mentee.values.get("request") or "") if mentee else ""
        rows["adaptation"] = [
            {"member_id": m, "problem": request or "Организация урока", "skill": "Планирование и организация урока",
             "actions": "Взаимопосещение уроков, совместное планирование, разбор ситуаций",
             "deadline": dt.date(2027, 3, 31), "status": "В работе"} for m in info.mentees]
        results = []
        for m in info.mentees:
            lesson_eval = None if kind == "lesson" else 5
            results += [
                {"member_id": m, "name": info.name(m), "kind": "Открытый урок", "topic": "Урок с групповой работой",
                 "date": dt.date(2027, 1, 28), "evaluation": lesson_eval,
                 "evaluated_by": None if lesson_eval is None else "Наставник и заместитель директора по УР"},
                {"member_id": m, "name": info.name(m), "kind": "Методика", "topic": "Приёмы удержания внимания",
                 "date": dt.date(2026, 12, 18), "evaluation": 4, "evaluated_by": "Наставник"},
                {"member_id": m, "name": info.name(m), "kind": "Педагогический проект",
                 "topic": "Проект с классом к весне", "date": dt.date(2027, 4, 22)},
                {"member_id": m, "name": info.name(m), "kind": "Публикация", "topic": "Статья на сайте школы",
                 "date": dt.date(2027, 5, 20)},
            ]
        rows["results"] = results
    return rows


def _kinds(data: ProgramData, pairs: list[Pair]) -> dict[str, str]:
    """Which pairs are the problem pairs of the demo."""
    kinds = {p.pair_id: "normal" for p in pairs}
    order = [p.pair_id for p in pairs]
    if data.program.profile.form not in ("student", "teacher"):  # a small folder of a partner form: scores fall
        if len(order) >= 2:
            kinds[order[-1]] = "falling"
    elif data.program.profile.kind == "student":
        order = [p.pair_id for p in pairs]
        kinds[order[2]] = "never"
        kinds[order[4]] = "falling"
        slow = [p.pair_id for p in pairs if p.pair_id not in (order[2], order[4])
                and (promised_frequency(data, p)[1] or 0) >= 14]
        kinds[(slow or [order[6]])[-1]] = "sprint"
    else:
        order = [p.pair_id for p in pairs]
        kinds[order[-1]] = "stopped"
        kinds[order[2]] = "lesson"
    return kinds


def demo_work(program: Program) -> list[str]:
    """Stages 5–6 on a demo folder (after pairing); returns what was done."""
    root = program.root
    outbox, inbox = root / OUTBOX, root / INBOX
    sent = distribute(program, outbox)
    data = load_program(program, Report())
    pairs = [p for p in known_pairs(data).values() if p.active]
    kinds = _kinds(data, pairs)
    rng = random.Random(5 if program.profile.kind == "student" else 6)
    spec = pair_spec(program.profile)
    inbox.mkdir(parents=True, exist_ok=True)
    for old in inbox.iterdir():
        if old.is_file():
            old.unlink()
    for n, info in enumerate(pairs):
        filled = _filled(program, data, info, kinds[info.pair_id], rng)
        surname = info.name(info.mentor).split()[0]
        name = [f"Работа пары — {surname}.xlsx", f"{info.pair_id} заполнено.xlsx", f"наставничество {surname}.xlsx"][n % 3]
        meta = {PAIR_KEY: info.pair_id, BASE_KEY: fingerprint(program.profile, {})}  # 05 was blank when sent
        write_workbook(inbox / name, spec, program.profile, program.program_id, pair_rows(data, info, filled), meta)
        if n == 1:  # a pair sent the same file twice
            write_workbook(inbox / f"Копия {name}", spec, program.profile, program.program_id,
                           pair_rows(data, info, filled), meta)
    report = Report()
    result = collect(program, inbox, report, backup=False, today=DEMO_DAY)
    data = load_program(program, Report())
    monitor = build_monitor(data, DEMO_DAY)
    write_monitor_workbook(monitor, monitor_path(data))
    lines = [f"Книги пар: {len(sent)} в папке «{OUTBOX}»; присланные — в «{INBOX}»: принято {len(result.accepted)}, "
             f"повторов {len(result.duplicates)}, проблем при сборе {len(report)}.",
             f"Мониторинг на {format_date(DEMO_DAY)}: {monitor_path(data).name} — нужно внимание парам: "
             + (", ".join(a["pair"] for a in monitor.attention) or "нет") + "."]
    for meeting in monitor.group_meetings:
        lines.append(f"Предлагается групповая встреча «{meeting['topic']}»: {', '.join(meeting['pairs'])}.")
    return lines
