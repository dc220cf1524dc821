"""The launch pack of a program (stage 0, before the motivational meeting): the order introducing the
target model of mentorship, the order appointing the curator and the working group, the road map.

The legal basis is the form's: for pupils the order of the Ministry of Education Р-145 (the methodology,
the target model) and its letter МР-42/02 sending the model and the methodological recommendations; for
teachers the joint letter of the Ministry and the education trade union АЗ-1128/08/657 with its
methodological recommendations, and article 351.8 of the Labour Code (mentoring by an employee: written
consent, content, term, form and pay in the contract or a supplementary agreement; in force since
01.03.2025). Builders return (file stem, context) pairs; :mod:`toolkit.documents.kinds` renders them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from toolkit.base.problems import NastavnikError
from toolkit.base.values import clean_text
from toolkit.documents.positions import decline_position, lower_first
from toolkit.documents.roadmap import steps
from toolkit.model.program import ProgramData

NBSP = "\u00a0"
BLANK_NUMBER = "________"
BLANK_DATE = "«____» ______________ 20____ г."

LAW_273 = "Федеральным законом от 29.12.2012 №\u00a0273-ФЗ «Об образовании в Российской Федерации»"
R_145 = ("распоряжением Министерства просвещения Российской Федерации от 25.12.2019 №\u00a0Р-145 «Об утверждении "
         "методологии (целевой модели) наставничества обучающихся для организаций, осуществляющих образовательную "
         "деятельность по общеобразовательным, дополнительным общеобразовательным и программам среднего "
         "профессионального образования, в том числе с применением лучших практик обмена опытом между "
         "обучающимися»")
MR_42 = ("письмом Министерства просвещения Российской Федерации от 23.01.2020 №\u00a0МР-42/02 «О направлении "
         "целевой модели наставничества и методических рекомендаций»")
AZ_1128 = ("письмом Министерства просвещения Российской Федерации и Общероссийского Профсоюза образования от "
           "21.12.2021 №\u00a0АЗ-1128/08/657 (вместе с «Методическими рекомендациями по разработке и внедрению "
           "системы (целевой модели) наставничества педагогических работников в образовательных организациях»)")
TK_351_8 = "статьёй 351.8 Трудового кодекса Российской Федерации"

_INITIALS = re.compile(r"\b([А-ЯЁ])\. ?(?=[А-ЯЁ])")
_NUMBER_SIGN = re.compile("[ \u00a0]?№[ \u00a0]*")
_YEAR = re.compile(r"(\d) (г\.|гг\.)")
_CITY = re.compile(r"\b(г\.|с\.|п\.|д\.|ул\.|д\.) (?=\S)")


def nbsp(text: str) -> str:
    """Non-breaking spaces where a printed document must not break a line: round «№», inside initials
    («Е. В. Гончарова»), before «г.» of a year, after «г.», «ул.» of an address."""
    text = _NUMBER_SIGN.sub(lambda m: (NBSP if m.group(0)[0] in " " + NBSP else "") + "№" + NBSP, text)
    text = _INITIALS.sub(lambda m: m.group(1) + "." + NBSP, text)
    text = _YEAR.sub(lambda m: m.group(1) + NBSP + m.group(2), text)
    return _CITY.sub(lambda m: m.group(1) + NBSP, text)


def with_nbsp(value: Any) -> Any:
    """:func:`nbsp` through a context: strings, lists and dicts."""
    if isinstance(value, str):
        return nbsp(value)
    if isinstance(value, list):
        return [with_nbsp(v) for v in value]
    if isinstance(value, dict):
        return {k: with_nbsp(v) for k, v in value.items()}
    return value


def long_date(value: dt.date) -> str:
    from toolkit.base.grammar import format_date

    return format_date(value)


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def basis(data: ProgramData) -> str:
    """«В соответствии с …»: the acts the school's documents of this form rest on (instrumental case)."""
    if data.program.profile.kind == "teacher":
        return f"{LAW_273}, {AZ_1128}, {TK_351_8}"
    return f"{LAW_273}, {R_145}, {MR_42}"


_NOMINATIVE = (("Федеральным законом", "Федеральный закон"), ("распоряжением", "распоряжение"),
               ("письмом", "письмо"), ("статьёй", "статья"))


def basis_list(data: ProgramData) -> list[str]:
    """The same acts in the nominative, one per line (the passport of the program)."""
    acts = (LAW_273, AZ_1128, TK_351_8) if data.program.profile.kind == "teacher" else (LAW_273, R_145, MR_42)
    out = []
    for act in acts:
        for instrumental, nominative in _NOMINATIVE:
            if act.startswith(instrumental):
                act = nominative + act[len(instrumental):]
        out.append(act)
    return out


def order_fields(data: ProgramData, base: Mapping[str, Any], date: dt.date | None) -> dict[str, Any]:
    """The fields every order of the launch pack shares."""
    from toolkit.base.grammar import decline, initials

    s = data.settings()
    teacher = data.program.profile.kind == "teacher"
    curator = clean_text(s.get("curator"))
    position = lower_first(clean_text(s.get("curator_position")))
    start, end = _date(s.get("program_start")), _date(s.get("program_end"))
    return {
        **base,
        "дата_приказа": long_date(date) if date else BLANK_DATE,
        "номер_приказа": BLANK_NUMBER,
        "основание": basis(data),
        "педагоги": "да" if teacher else "",
        "модель": ("систему (целевую модель) наставничества педагогических работников" if teacher
                   else "целевую модель наставничества обучающихся"),
        "модели": ("системы (целевой модели) наставничества педагогических работников" if teacher
                   else "целевой модели наставничества обучающихся"),
        "положение": ("Положение о системе наставничества педагогических работников" if teacher
                      else "Положение о наставничестве"),
        "начало": long_date(start) if start else "«____» ____________ 20____ г.",
        "окончание": long_date(end) if end else "«____» ____________ 20____ г.",
        "куратор_винительный": decline(curator, "винительный") if curator else "________________",
        "куратор_дательный": initials(curator, "дательный") if curator else "________________",
        "должность_куратора_винительный": decline_position(position, "винительный"),
        "до_начала": long_date(start - dt.timedelta(days=1)) if start else "начала программы",
    }


def _group(data: ProgramData) -> list[dict[str, str]]:
    rows = [r.values for r in data.rows("settings", "working_group") if clean_text(r.values.get("name"))]
    head = [v for v in rows if clean_text(v.get("role")).startswith("Руководитель")]
    rest = [v for v in rows if v not in head]
    out = []
    for n, v in enumerate(head + rest, start=1):
        role = "руководитель рабочей группы" if v in head else "член рабочей группы"
        position = lower_first(clean_text(v.get("position")))
        out.append({"фио": clean_text(v.get("name")), "должность": position, "роль": role,
                    "знак": "." if n == len(rows) else ";"})
    return out


def _familiar(data: ProgramData, group: list[dict[str, str]]) -> list[dict[str, str]]:
    curator = clean_text(data.settings().get("curator"))
    out = [{"фио": curator, "роль": "Куратор программы"}] if curator else []
    out += [{"фио": m["фио"], "роль": m["роль"][:1].upper() + m["роль"][1:]} for m in group
            if m["фио"].casefold() != curator.casefold()]
    return out


def launch_order(data: ProgramData, base: Mapping[str, Any], date: dt.date | None) -> list[tuple[str, dict[str, Any]]]:
    group = _group(data)
    context = {**order_fields(data, base, date), "ознакомлены": _familiar(data, group)}
    return [("", with_nbsp(context))]


def curator_order(data: ProgramData, base: Mapping[str, Any], date: dt.date | None) -> list[tuple[str, dict[str, Any]]]:
    group = _group(data)
    if not group:
        present = "working_group" in data.books["settings"].tables and data.books["settings"].tables[
            "working_group"].present
        where = ("на листе «Рабочая группа» книги «00_Настройки» никого нет: впишите ФИО и должности членов группы"
                 if present else "в книге «00_Настройки» нет листа «Рабочая группа» (книга сделана прежней версией): "
                 "добавьте лист «Рабочая группа» со столбцами «ФИО», «Должность», «Роль в рабочей группе» и "
                 "впишите членов группы")
        raise NastavnikError(f"Приказ о назначении куратора и рабочей группы не сделан: {where}, затем повторите.")
    context = {**order_fields(data, base, date), "группа": group, "ознакомлены": _familiar(data, group)}
    return [("", with_nbsp(context))]


def road_map(data: ProgramData, base: Mapping[str, Any], date: dt.date | None) -> list[tuple[str, dict[str, Any]]]:
    rows, _ = steps(data)
    lines = [{"номер": f"{n}.", "мероприятие": r.event, "срок": r.term, "ответственный": r.responsible or "—",
              "результат": r.result or "—"} for n, r in enumerate(rows, start=1)]
    if not lines:
        raise NastavnikError("Лист «Дорожная карта» книги «00_Настройки» пуст, и в профиле формы нет строк "
                             "дорожной карты: впишите мероприятия на лист и повторите.")
    context = {**order_fields(data, base, date), "строки": lines[:-1], "последняя": lines[-1]}
    return [("", with_nbsp(context))]
