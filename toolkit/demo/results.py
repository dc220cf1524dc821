"""The demo of stage 7 on the sample data, after the work of pairs: ``nastavnik results`` prepares «06_Итоги»,
the curator fills in what the pairs presented, the final competency ratings, the feedback of mentees and the
curator (teachers: also of the pedagogical community and the mutual questionnaire), two best practices, the
final celebration and its partners; ``results`` ranks the mentors, the curator chooses awards from the
ranking, and every kind of document is made into the folder «Документы».

One mentor of each form gets no feedback from the curator yet: he has no place in the ranking, and the row
says why. Everything is deterministic; the folders still pass ``check`` without a single problem.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from toolkit.base.problems import Report
from toolkit.books.writer import write_workbook
from toolkit.checks.program import load_program
from toolkit.documents.kinds import DOCS_FOLDER, KINDS, LAUNCH_PACK, DocsOptions, make_documents
from toolkit.logic.evaluation import BOOK, MUTUAL_ABOUT_MENTEE, MUTUAL_ABOUT_MENTOR, method_of
from toolkit.model.pairs import result_pairs
from toolkit.model.program import Program
from toolkit.stages.results import build_rows, results_spec, run_results

EVENT_DATE = dt.date(2027, 5, 27)
PRESENTED = dt.date(2027, 5, 20)

STUDENT_PROJECTS = [
    "Настольная игра «Дроби и проценты» для 5–6 классов",
    "Буклет «Как выжить в новом классе: советы старшеклассников»",
    "Видеоурок «Сжатое изложение за 5 шагов»",
    "Школьный подкаст «Книга недели»",
    "Квест по истории школы для пятиклассников",
    "Тренажёр английских слов в мессенджере",
]
STUDENT_EDUCATION = [
    "Оценка по математике за полугодие выросла с «3» до «4»; контрольная по дробям — «5».",
    "Годовой диктант по русскому языку — «4» (в сентябре — «3»).",
    "Годовая оценка по английскому языку — «4» (в прошлом году «3»).",
    "Призёр школьного этапа олимпиады по биологии.",
]
STUDENT_OTHER = ["Выступление на классном часе с сообщением о проекте.", "Занятия в школьном театре.",
                 "Участник городских соревнований по лёгкой атлетике.", ""]
TEACHER_PROFESSIONAL = [
    "Разработана и апробирована методика входного контроля; статья в сборнике методического объединения.",
    "Педагогический проект «Читаем вместе» для 2–3 классов; выступление на педсовете.",
    "Рабочая программа элективного курса; участие в городском конкурсе «Педагогический дебют».",
]
TEACHER_LESSONS = [
    "Три открытых урока (декабрь, февраль, апрель): организация урока и дисциплина — без замечаний к апрелю.",
    "Два открытых урока и урок для родителей; работа с детьми с ОВЗ по индивидуальному маршруту.",
    "Серия из трёх уроков с цифровыми ресурсами; коллеги отметили рост вовлечённости класса.",
]
MENTEE_COMMENTS = ["Наставник всегда находил время и объяснял понятно.", "Было интересно и полезно, спасибо!",
                   "Помогли поверить в себя и не бояться ошибок.", "Встречи были регулярными, план понятен."]
CURATOR_COMMENTS = ["Системная работа, все встречи по плану.", "Хороший контакт с наставляемым, активен на встречах.",
                    "Есть пропуски встреч, но результат достигнут.", "Инициативен, помогает другим парам."]


def _edit(program: Program, change: Callable[[dict[str, Any]], None]) -> None:
    """What a curator does in Excel: change the rows of «06_Итоги» as the sheets show them (the rows the
    program prepared for every pair included), everything else stays as it was."""
    data = load_program(program, Report())
    spec = results_spec(program.profile)
    rows, _ = build_rows(data, spec, result_pairs(data), [])
    rows["ranking"] = [r.kept_values() for r in data.rows(BOOK, "ranking")]  # as «results» wrote it
    change(rows)
    write_workbook(program.root / (spec.file + ".xlsx"), spec, program.profile, program.program_id, rows)


def _fill(program: Program, rng: random.Random) -> Callable[[dict[str, Any]], None]:
    teacher = program.profile.kind == "teacher"
    career = program.profile.form not in ("student", "teacher")  # a form with a partner organisation
    heads = [r.values for r in load_program(program, Report()).rows("applications", "partners") if r.values.get("head_name")]

    def change(rows: dict[str, Any]) -> None:
        mentors = sorted({r["mentor_id"] for r in rows["feedback"]})
        no_curator = mentors[-1] if mentors else None  # the curator has not rated this mentor yet
        for n, r in enumerate(rows["results"]):
            r["presented_on"] = PRESENTED
            if career:
                r["project"] = CAREER_PROJECTS[n % len(CAREER_PROJECTS)]
                r["career"] = CAREER_RESULTS[n % len(CAREER_RESULTS)]
                r["testing"] = "Профориентационная диагностика: интересы и склонности определены, выбор сделан."
            elif teacher:
                r["professional"] = TEACHER_PROFESSIONAL[n % len(TEACHER_PROFESSIONAL)]
                r["open_lessons"] = TEACHER_LESSONS[n % len(TEACHER_LESSONS)]
                r["readiness"] = ("Готов к самостоятельной работе" if n % 3 else
                                  "Готов, нужна поддержка по отдельным вопросам")
                r["readiness_note"] = "Уверенно ведёт уроки, самостоятельно планирует работу класса."
                r["testing"] = "Диагностика профессиональных компетенций: 68 % в сентябре, 84 % в мае."
            else:
                r["project"] = STUDENT_PROJECTS[n % len(STUDENT_PROJECTS)]
                r["education"] = STUDENT_EDUCATION[n % len(STUDENT_EDUCATION)]
                other = STUDENT_OTHER[n % len(STUDENT_OTHER)]
                if other:
                    r["sports" if "соревнован" in other else "creative"] = other
                r["testing"] = "Тест метакомпетенций: коммуникация и целеполагание — выше среднего по параллели."
        for r in rows["competencies"]:
            start = r.get("start") if isinstance(r.get("start"), int) else rng.choice([2, 2, 3, 3, 4])
            r["start"] = start
            if not isinstance(r.get("end"), int) or r["end"] < start:
                r["end"] = min(5, start + rng.choice([0, 1, 1, 1, 2]))
        for r in rows["feedback"]:
            r["mentee_score"] = rng.choice([4, 5, 5, 5]) if r["mentor_id"] != mentors[0] else 5
            r["mentee_comment"] = rng.choice(MENTEE_COMMENTS)
            if r["mentor_id"] != no_curator:
                r["curator_score"] = rng.choice([3, 4, 4, 5, 5])
                r["curator_comment"] = rng.choice(CURATOR_COMMENTS)
            if teacher and rng.random() < 0.8:
                r["community_score"] = rng.choice([4, 5])
        for r in rows.get("mutual", []):
            r["date"] = PRESENTED
            for key in (*MUTUAL_ABOUT_MENTOR, *MUTUAL_ABOUT_MENTEE):
                r[key] = rng.choice([4, 5, 5])
        first = rows["feedback"][0] if rows["feedback"] else {}
        second = rows["feedback"][len(rows["feedback"]) // 2] if rows["feedback"] else {}
        rows["practices"] = [
            {"title": ("Наставник-предметник: ролевая подготовка к контрольным" if not teacher else
                       "Взаимопосещение уроков «наставник ⇄ молодой педагог»"),
             "mentor_id": first.get("mentor_id"),
             "problem": ("Наставляемый боялся контрольных и терял баллы на простых заданиях." if not teacher else
                         "Молодой педагог не успевал выстроить урок и удержать дисциплину в 7 «А»."),
             "description": ("Раз в неделю — 40 минут: разбор ошибок, «контрольная наоборот» (наставляемый "
                             "проверяет работу наставника), дневник прогресса по спринтам." if not teacher else
                             "Еженедельное взаимопосещение, разбор урока по карте наблюдения, совместное "
                             "планирование следующей темы; открытый урок в конце каждого спринта."),
             "results": "Рост оценок, уверенность на контрольных; практику переняли ещё две пары.",
             "replication": "Нужны: свободный кабинет раз в неделю, тетрадь разбора ошибок, 2 месяца.",
             "resources": ("40 минут в неделю, свободный кабинет после уроков, тетрадь разбора ошибок."
                           if not teacher else "Час в неделю у наставника и молодого педагога, карта "
                           "наблюдения урока, замена на время взаимопосещения."),
             "level": "Городской", "competition": "Городской конкурс наставнических практик «Шаг навстречу»",
             "sent_on": dt.date(2027, 5, 24), "publish": True},
            {"title": "Математический клуб «Дроби и уравнения» для 5–6 классов" if not teacher else
                      "Школа молодого педагога «Трудный урок»: разбор кейсов",
             "mentor_id": second.get("mentor_id"),
             "problem": ("Запросы «подтянуть математику» у многих пятиклассников сразу." if not teacher else
                         "У нескольких молодых педагогов один запрос: трудные уроки в 7–8 классах."),
             "description": ("Групповые встречи наставника с тремя наставляемыми: игра, задача дня, "
                             "взаимопроверка, задачи из жизни: магазин, рецепт, расписание." if not teacher
                             else "Раз в месяц — разбор трудного урока и кейса «что пошло не так» по видеозаписи "
                                  "с согласия класса; «банк приёмов» пополняется после каждой встречи."),
             "results": ("Средняя оценка группы выросла на 0,7 балла." if not teacher else
                         "Замечаний по дисциплине на открытых уроках стало втрое меньше."),
             "replication": "Подходит для групп 2–4 наставляемых с похожим запросом.",
             "goal": ("Цель — уверенное решение задач с дробями и уравнениями. Задачи: найти пробелы по входной "
                      "работе, закрыть их в игре и задачах из жизни, научить проверять друг друга."
                      if not teacher else "Цель — молодой педагог спокойно ведёт трудный урок. Задачи: "
                      "собрать банк приёмов, разобрать кейсы по видеозаписи, провести открытый урок."),
             "resources": ("Кабинет математики раз в неделю, распечатки задач, настольные игры с дробями."
                           if not teacher else "Видеокамера или телефон, согласие класса на запись, час в "
                           "месяц для разбора."),
             "level": "Краевой", "competition": "Краевой конкурс «Наставник года»", "publish": True},
        ]
        rows["event"] = {"title": "Праздник наставничества «Вместе к успеху»", "date": EVENT_DATE, "time": "15:00",
                         "place": "актовый зал школы", "reply_by": dt.date(2027, 5, 21),
                         "program": "представление успешных кейсов наставнических пар, награждение лучших "
                                    "наставников, выступления партнёров школы.",
                         "contact": "+7 4212 55-17-17"}
        rows["partners"] = [
            {"organization": "Центр детского творчества «Радуга»", "person": "Лисицына Марина Олеговна",
             "gender": "ж", "addressee": "Директору Центра детского творчества «Радуга»",
             "contact": "raduga@example.ru", "invited": True},
            {"organization": "ООО «ДальТехСервис»", "person": "Гордеев Виктор Павлович", "gender": "м",
             "addressee": "Генеральному директору ООО «ДальТехСервис»", "contact": "+7 914 200-17-17"},
            {"organization": "Совет ветеранов педагогического труда", "person": "Щукина Любовь Ивановна",
             "gender": "ж", "addressee": "Председателю Совета ветеранов педагогического труда"},
        ]

        if career:
            rows["practices"] = [
                {"title": "Профессиональная проба на площадке партнёра: «день специалиста»",
                 "mentor_id": first.get("mentor_id"),
                 "problem": "Наставляемые выбирали профессию по рассказам, не видя работы изнутри.",
                 "description": "Инструктаж по технике безопасности, день рядом с наставником на рабочем месте, "
                                "небольшое задание специалиста и разбор: что получилось, что понравилось.",
                 "results": "Двое наставляемых определились с профилем обучения; один — с местом практики.",
                 "replication": "Нужны соглашение с партнёром, ответственный за инструктаж и 3–4 часа на пробу.",
                 "resources": "Соглашение о сотрудничестве, рабочее место у партнёра, ответственный за "
                              "инструктаж по технике безопасности.",
                 "level": "Городской", "competition": "Городской конкурс наставнических практик «Шаг навстречу»",
                 "sent_on": dt.date(2027, 5, 24), "publish": True},
                {"title": "Проект с наставником-практиком: от задачи партнёра к защите",
                 "mentor_id": second.get("mentor_id"),
                 "problem": "Учебные проекты не были связаны с реальными задачами.",
                 "description": "Партнёр даёт небольшую реальную задачу; наставник ведёт проект по спринтам; "
                                "защита — перед специалистами партнёра.",
                 "results": "Проект отмечен партнёром, наставляемый приглашён на стажировку.",
                 "replication": "Подходит для пар и групп 2–3 наставляемых; 3–4 месяца.",
                 "resources": "Реальная задача партнёра, встреча со специалистами на защите, 3–4 месяца работы.",
                 "level": "Краевой", "competition": "Краевой конкурс «Наставник года»", "publish": True},
            ]
            rows["partners"] = [
                {"organization": h["organization"], "person": h["head_name"], "gender": "м",
                 "addressee": f"{h.get('head_position') or 'Руководителю'} {h['organization']}".replace(
                     "Генеральный директор", "Генеральному директору").replace("Директор ", "Директору "),
                 "contact": h.get("contact"), "invited": True} for h in heads]

    return change


CAREER_PROJECTS = ["Макет участка цеха с датчиками", "Видеоролик «Один день инженера»",
                   "Проект энергосбережения для школы", "Исследование: профессии будущего в крае"]
CAREER_RESULTS = ["Профессиональная проба выполнена; выбран профиль обучения.",
                  "Экскурсия и две пробы на площадке партнёра; приглашён на летнюю стажировку.",
                  "Определился с колледжем и специальностью, подготовил портфолио."]


def _awards(program: Program) -> Callable[[dict[str, Any]], None]:
    profile = program.profile
    method = method_of(profile)
    letter = next(a for a in profile.awards if method.award_documents.get(a) == "letter")
    certificate = next(a for a in profile.awards if method.award_documents.get(a) == "certificate")
    points = method.points_award

    def change(rows: dict[str, Any]) -> None:
        ranked = [r for r in rows["ranking"] if r.get("place") not in (None, "", "—")]
        for n, r in enumerate(ranked):
            chosen = [letter, certificate] if n == 0 else [letter] if n < 3 else [certificate] if n < 5 else []
            if points and n < 4:
                chosen = [points, *chosen]
                r["points"] = [30, 20, 15, 10][n]
            if chosen:
                r["award"] = chosen
        if ranked:
            merit = ("за высокий профессионализм" if profile.kind == "teacher"  # a pupil is thanked for his work
                     else "за ответственность")
            ranked[0]["reason"] = (f"{merit}, искреннюю заботу о наставляемых и лучший результат "
                                   f"в рейтинге наставников программы «{profile.name}»")

    return change


LAUNCH_DATE = dt.date(2026, 8, 18)


def demo_results(program: Program) -> list[str]:
    """Stage 7 on a demo folder (after the work of pairs); returns what was done."""
    run_results(program, Report(), today=EVENT_DATE, backup=False)  # rows for every pair
    _edit(program, _fill(program, random.Random(7 if program.profile.kind == "student" else 8)))
    outcome = run_results(program, Report(), today=EVENT_DATE, backup=False)  # the ranking by the feedback given
    _edit(program, _awards(program))
    lines = [f"Итоги: {line[0].lower()}{line[1:]}" for line in outcome.lines
             if line.startswith("Рейтинг") or line.startswith("Не учтены")]
    out = program.root / DOCS_FOLDER
    made = []
    data = load_program(program, Report())
    for kind in KINDS.values():
        if not kind.applies_to(program.profile):
            continue
        date = LAUNCH_DATE if kind.key in LAUNCH_PACK else EVENT_DATE  # the launch pack: before the program starts
        result = make_documents(program, DocsOptions(kind, out=out, date=date, today=EVENT_DATE), Report(),
                                data=data)
        made.append(f"{kind.name} — {len(result.documents)}")
    lines.append(f"Документы в папке «{DOCS_FOLDER}»: " + ", ".join(made) + ".")
    return lines
