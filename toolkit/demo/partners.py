"""Demo folders of the three forms with a partner institution (Р-145): «студент – ученик», «работодатель –
ученик», «работодатель – студент». Small and believable: two partners — one with an agreement of cooperation,
one still without (its mentor waits, and the status says why) — four mentors and six mentees; then stages 4–7
run as in the other demo folders."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit import spec
from toolkit.books.writer import format_id
from toolkit.demo.books import settings_values, write_all, write_questions
from toolkit.demo.people import People, Person, phone
from toolkit.model.program import Program

SELF = "Сам участник (18+)"
PARENT = "Родитель (законный представитель)"


@dataclass(frozen=True)
class PartnerDemo:
    form: str
    seed: int
    curator: tuple[str, str]
    partners: list[dict[str, Any]]  # the first has an agreement, the second not yet
    mentor_jobs: list[tuple[str, str, str | int]]  # (partner, position or speciality, experience or course)
    requests: list[tuple[str, str, list[str]]]  # (request, kind, areas)
    event: dict[str, Any]


DEMOS = [
    PartnerDemo(
        "student_pupil", 21, ("Виноградова Ирина Сергеевна", "Заместитель директора по воспитательной работе"),
        [{"organization": "КГБ ПОУ ХТК", "inn": "2722011111", "agreement_number": "14/26", "agreement_date": dt.date(2026, 9, 3),
          "contact_person": "Белова Марина Игоревна", "contact_position": "Заместитель директора по воспитательной работе",
          "contact": "belova@htk.example.ru", "head_name": "Кравцов Андрей Петрович", "head_position": "Директор колледжа",
          "site": "г. Хабаровск, ул. Краснодарская, д. 9"},
         {"organization": "Дальневосточный технический университет", "contact_person": "Лаптев Олег Викторович",
          "contact_position": "Руководитель центра карьеры", "contact": "career@dvtu.example.ru",
          "note": "Соглашение на подписании."}],
        [("КГБ ПОУ ХТК", "Информационные системы и программирование", 3), ("КГБ ПОУ ХТК", "Мехатроника", 2),
         ("КГБ ПОУ ХТК", "Сварочное производство", 4),
         ("Дальневосточный технический университет", "Строительство", 2)],
        [("Не знаю, куда поступать после 9 класса: колледж или 10 класс.", "Профориентация", ["Профориентация", "Выбор колледжа или вуза"]),
         ("Хочу подготовиться к ОГЭ по информатике.", "Подготовка к экзаменам", ["Подготовка к ОГЭ", "Информатика и программирование"]),
         ("Нужна помощь с проектом по робототехнике.", "Проект", ["Проектная деятельность", "Информатика и программирование"]),
         ("Интересна инженерия, хочу понять, что это за работа.", "Профориентация", ["Профориентация", "Физика"]),
         ("Трудно с математикой, боюсь экзамена.", "Подготовка к экзаменам", ["Математика", "Подготовка к ОГЭ"]),
         ("Хочу сделать видеоблог о профессиях.", "Проект", ["Творчество и медиа", "Проектная деятельность"])],
        {"date": dt.date(2026, 9, 10), "place": "Актовый зал", "topic": "Студенты колледжа — наставники школьников",
         "notes": "Студенты ХТК рассказали о колледже; ученики 8–9 классов записались в наставляемые."},
    ),
    PartnerDemo(
        "employer_pupil", 22, ("Орлова Наталья Павловна", "Заместитель директора по учебной работе"),
        [{"organization": "АО «Хабаровский станкозавод»", "inn": "2724022222", "agreement_number": "СП-7",
          "agreement_date": dt.date(2026, 9, 1), "contact_person": "Гришин Павел Андреевич",
          "contact_position": "Начальник отдела кадров", "contact": "+7 4212 40-11-22", "head_name": "Семёнов Виктор Игоревич",
          "head_position": "Генеральный директор", "site": "г. Хабаровск, ул. Промышленная, д. 4, учебный цех",
          "safety": "Инструктаж проводит мастер цеха перед каждым посещением; спецодежда выдаётся на месте."},
         {"organization": "ООО «ДВ Технологии»", "contact_person": "Ковалёва Дарья Сергеевна",
          "contact_position": "HR-менеджер", "contact": "hr@dvtech.example.ru", "note": "Согласовывают текст соглашения."}],
        [("АО «Хабаровский станкозавод»", "Инженер-технолог", 12), ("АО «Хабаровский станкозавод»", "Мастер участка", 20),
         ("АО «Хабаровский станкозавод»", "Инженер-программист станков с ЧПУ", 7),
         ("ООО «ДВ Технологии»", "Разработчик", 5)],
        [("Хочу понять, кем работать: инженером или программистом.", "Профориентация", ["Профориентация", "Инженерия"]),
         ("Хочу попробовать работу на станке с ЧПУ.", "Профессиональные пробы", ["Профессиональные пробы", "Робототехника"]),
         ("Школьный проект по робототехнике: нужен совет инженера.", "Проект", ["Проектная деятельность", "Робототехника"]),
         ("Интересно, как устроено производство.", "Профориентация", ["Экскурсия на производство", "Профориентация"]),
         ("Хочу летом поработать на заводе.", "Стажировка", ["Профессиональные пробы", "Инженерия"]),
         ("Готовлюсь поступать на инженерное направление.", "Профориентация", ["Подготовка к поступлению", "Инженерия"])],
        {"date": dt.date(2026, 9, 8), "place": "Актовый зал", "topic": "Наставники с производства: знакомство с партнёром",
         "notes": "Представители станкозавода рассказали о профессиях; записались ученики 8–10 классов."},
    ),
    PartnerDemo(
        "employer_student", 23, ("Белова Марина Игоревна", "Заместитель директора по учебно-производственной работе"),
        [{"organization": "ПАО «Дальэнергосеть»", "inn": "2721033333", "agreement_number": "47-С",
          "agreement_date": dt.date(2026, 8, 28), "contact_person": "Тарасов Игорь Николаевич",
          "contact_position": "Руководитель учебного центра", "contact": "+7 4212 55-33-10", "head_name": "Волков Сергей Александрович",
          "head_position": "Директор филиала", "site": "г. Хабаровск, ул. Шеронова, д. 20, учебный полигон",
          "safety": "Вводный инструктаж и допуск на полигон — в учебном центре, под подпись."},
         {"organization": "ООО «СтройМонтаж ДВ»", "contact_person": "Никитин Роман Олегович", "contact_position": "Главный инженер",
          "contact": "nikitin@smdv.example.ru", "note": "Соглашение не подписано."}],
        [("ПАО «Дальэнергосеть»", "Инженер релейной защиты", 15), ("ПАО «Дальэнергосеть»", "Мастер электромонтажного участка", 22),
         ("ПАО «Дальэнергосеть»", "Ведущий специалист по охране труда", 9), ("ООО «СтройМонтаж ДВ»", "Прораб", 11)],
        [("Хочу пройти практику на подстанции и понять работу релейщика.", "Стажировка", ["Практика на производстве", "Инженерия"]),
         ("Дипломный проект по электроснабжению: нужен руководитель с производства.", "Проект", ["Курсовой или дипломный проект", "Инженерия"]),
         ("Боюсь первого места работы, хочу понять, как всё устроено.", "Профориентация", ["Трудоустройство", "Soft skills: общение и работа в команде"]),
         ("Хочу попробовать себя в монтаже.", "Профессиональные пробы", ["Профессиональные пробы", "Строительство"]),
         ("Нужна помощь с курсовым проектом.", "Проект", ["Курсовой или дипломный проект", "Инженерия"]),
         ("Выбираю между энергетикой и строительством.", "Профориентация", ["Профессиональные пробы", "Трудоустройство"])],
        {"date": dt.date(2026, 9, 9), "place": "Учебный центр ПАО «Дальэнергосеть»",
         "topic": "Наставники с производства для студентов выпускных курсов",
         "notes": "Студенты 3–4 курсов познакомились с наставниками; договорились о практике на полигоне."},
    ),
]



def _grade(i: int, areas: list[str]) -> int:
    """A pupil who prepares for the ОГЭ is in the 9th grade (the exam ends it); the others are in grades 8–10."""
    return 9 if any("ОГЭ" in a for a in areas) else 8 + i % 3

def _row(p: Person) -> dict[str, Any]:
    return {"last_name": p.last_name, "first_name": p.first_name, "middle_name": p.middle_name, "gender": p.gender}


def build_partner_form(root: Path, demo: PartnerDemo) -> Program:

    program = Program(root, spec.profiles()[demo.form], f"demo-{demo.form}")
    root.mkdir(parents=True, exist_ok=True)
    write_all(program, partner_form_data(program.profile, demo))
    write_questions(program)
    return program


def partner_form_data(profile: spec.Profile, demo: PartnerDemo) -> dict[str, dict[str, Any]]:
    """The books of stages 0–3 of a form with a partner, by the columns the form has: mentors employed by the
    partner or studying there, mentees pupils or students."""

    rng = random.Random(demo.seed)
    people = People(1000 + demo.seed)
    data: dict[str, dict[str, Any]] = {"settings": settings_values(profile.name, *demo.curator)}
    data["meeting"] = {"event": demo.event}
    registry = next(b for b in spec.program_workbooks(profile) if b.key == "applications")
    columns = {sheet.key: {c.key for c in sheet.columns} for sheet in registry.sheets}
    employer = "organization" in columns["mentors"]
    students = "study_place" in columns["mentees"]
    days = profile.lists["days"]
    mentors = []
    for i, (partner, job, years) in enumerate(demo.mentor_jobs, start=1):
        p = people.person(with_patronymic=employer)
        who = ({"organization": partner, "position": job, "work_experience": years} if employer
               else {"study_place": partner, "speciality": job, "course": years})
        mentors.append({
            "id": format_id("НК-", i), **_row(p), **who, "contact": phone(rng), "applied_on": dt.date(2026, 9, 12),
            "motivation": "Хочу показать свою профессию изнутри и помочь выбрать путь." if employer
            else "Недавно сам выбирал профессию — хочу помочь школьникам." if p.gender == "м"
            else "Недавно сама выбирала профессию — хочу помочь школьникам.",
            "skills": f"{job}; умею объяснять на примерах.", "areas": sorted(set(a for _, _, areas in demo.requests[i - 1:i + 2]
                                                                                for a in areas)),
            "frequency": "Два раза в месяц", "capacity": 2 if i == 1 else 1, "days": [days[1], days[3], days[5]],
            "times": [profile.lists["times"][0]], "consent_participation": True, "consent_pd": True,
            "consent_pd_by": SELF, "consent_date": dt.date(2026, 9, 12),
        })
    mentees = []
    for i, (text, kind, areas) in enumerate(demo.requests, start=1):
        p = people.person(with_patronymic=students)
        place: dict[str, Any] = ({"study_place": "КГБ ПОУ ХТК", "course": 3 + i % 2,
                                "speciality": "Электроснабжение" if i % 2 else "Строительство и эксплуатация зданий"}
                                 if students else {"class": f"{_grade(i, areas)}{'АБВ'[i % 3]}"})
        minor = not students
        mentees.append({
            "id": format_id("НЯ-", i), **_row(p), **place, "contact": phone(rng), "applied_on": dt.date(2026, 9, 14),
            "request": text, "request_kind": kind, "areas": areas, "days": [days[1], days[3]] if i % 2 else [days[3], days[5]],
            "times": [profile.lists["times"][0]], "consent_participation": True, "consent_pd": True,
            "consent_pd_by": PARENT if minor else SELF, "consent_date": dt.date(2026, 9, 15),
        })
    data["applications"] = {"mentors": mentors, "mentees": mentees, "partners": demo.partners}
    meetings = profile.training.meetings
    plan = [{"number": n, "date": dt.date(2026, 9, 16) + dt.timedelta(days=7 * (n - 1)), "held": True}
            for n in range(1, meetings + 1)]
    attendance = [{"id": m["id"], "name": f"{m['last_name']} {m['first_name']}",
                   **{f"m{n}": True for n in range(1, meetings + 1)}} for m in mentors]
    training: dict[str, Any] = {"plan": plan, "attendance": attendance}
    if employer:
        training["strategy"] = [{"id": m["id"], "strategy": "Знакомство с профессией через практику: экскурсия, "
                                                           "профессиональная проба, небольшой проект.",
                                 "frequency": "Два раза в месяц", "format": "На площадке партнёра",
                                 "plan": "1. Знакомство и запрос. 2. Экскурсия с инструктажем. 3. Профессиональная "
                                         "проба. 4. Проект. 5. Итоги и выбор дальнейшего пути.",
                                 "results": "Наставляемый сделал осознанный выбор и выполнил пробу или проект.",
                                 "deadline": dt.date(2027, 5, 20)} for m in mentors]
    data["training"] = training
    return data
