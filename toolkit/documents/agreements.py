"""Mentoring by a teacher under article 351.8 of the Labour Code (in force since 01.03.2025): the mentor's
written consent, the supplementary agreement to the labour contract (content, term, form, pay) and the order
setting the extra pay.

The registry («02_Заявки», sheet «Наставники») records, apart from the consent to take part and to personal
data: the date of the written consent to mentoring, the agreement's number and date, its term and the pay
(empty: the settings' «Доплата за наставничество»). The mentors are those of the fixed pairs (the pair gives
the young teachers and the term); a mentor without the consent or the agreement is named in the lines of the
outcome and left out of the payment order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from toolkit.base.problems import NastavnikError
from toolkit.base.values import clean_text, format_date
from toolkit.documents.launch import BLANK_NUMBER, long_date, order_fields, with_nbsp
from toolkit.documents.positions import decline_position
from toolkit.model.program import ProgramData

BLANK_DAY = "«____» ______________ 20____ г."
REGISTRY = "«02_Заявки», лист «Наставники»"


@dataclass
class Mentoring:
    mentor: str
    mentees: list[str]
    start: dt.date | None
    end: dt.date | None


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def mentorings(data: ProgramData) -> list[Mentoring]:
    """Per mentor of the fixed pairs: the young teachers and the whole term of the mentor's pairs."""
    from toolkit.model.pairs import result_pairs

    if "pairs" not in data.books:
        raise NastavnikError("Книга «04_Пары» не прочитана: сначала сформируйте пары командой «nastavnik match» — "
                             "в документах наставника указываются его молодые педагоги и срок.")
    out: dict[str, Mentoring] = {}
    for pair in result_pairs(data):
        m = out.setdefault(pair.mentor, Mentoring(pair.mentor, [], pair.start, pair.end))
        m.mentees += [x for x in pair.mentees if x not in m.mentees]
        m.start = min((d for d in (m.start, pair.start) if d), default=None)
        m.end = max((d for d in (m.end, pair.end) if d), default=None)
    if not out:
        raise NastavnikError("На листе «Пары» книги «04_Пары» нет закреплённых пар: документы о наставничестве "
                             "делать не о ком.")
    return list(out.values())


def _gender(data: ProgramData, pid: str, name: str) -> str | None:
    from toolkit.base.grammar import PersonName

    p = data.participants.get(pid)
    return PersonName.parse(name).gender(p.values.get("gender") if p else None)


def _person_fields(data: ProgramData, m: Mentoring, base: Mapping[str, Any]) -> dict[str, Any]:
    from toolkit.base.grammar import decline, initials
    from toolkit.logic.evaluation import name_of, position

    s = data.settings()
    v = data.participants[m.mentor].values if m.mentor in data.participants else {}
    name = name_of(data, m.mentor)
    female = _gender(data, m.mentor, name) == "ж"
    role = position(data, m.mentor, dative=False)
    mentees = [name_of(data, x) for x in m.mentees]
    young = "молодых педагогов" if len(mentees) > 1 else "молодого педагога"
    young_dative = "молодым педагогам" if len(mentees) > 1 else "молодому педагогу"
    end = _date(v.get("agreement_end")) or m.end
    consent_date = _date(v.get("mentoring_consent_date"))
    agreement_date = _date(v.get("agreement_date"))
    director = clean_text(s.get("director"))
    director_female = _gender(data, "", director) == "ж" if director else False
    return {
        **base,
        "фио": name, "фио_родительный": decline(name, "родительный", v.get("gender")),
        "подпись": initials(name) if name else "________________",
        "должность": role, "должность_родительный": decline_position(role, "родительный"),
        "должность_дательный": position(data, m.mentor, dative=True),
        "ознакомлен": "ознакомлена" if female else "ознакомлен",
        "получил": "получила" if female else "получил",
        "именуемый": "именуемая" if female else "именуемый",
        "молодых": young, "молодым": young_dative,
        "наставляемые_родительный": ", ".join(
            f"{decline(x, 'родительный', data.participants[i].values.get('gender') if i in data.participants else None)}"
            f" ({position(data, i, dative=False)})" for x, i in zip(mentees, m.mentees, strict=True)),
        "наставляемые_дательный": ", ".join(
            decline(x, "дательный", data.participants[i].values.get("gender") if i in data.participants else None)
            for x, i in zip(mentees, m.mentees, strict=True)),
        "группа": "да" if len(mentees) > 1 else "",
        "срок_начало": long_date(m.start) if m.start else BLANK_DAY,
        "срок_окончание": long_date(end) if end else BLANK_DAY,
        "частота": clean_text(v.get("frequency")).lower() or "не реже раза в месяц",
        "доплата": clean_text(v.get("mentor_pay")) or clean_text(s.get("mentor_pay")) or
        "в размере, установленном локальным нормативным актом об оплате труда",
        "основание_оплаты": clean_text(s.get("pay_basis")),
        "дата_согласия": long_date(consent_date) if consent_date else BLANK_DAY,
        "дата_согласия_кратко": format_date(consent_date) if consent_date else "__________",
        "номер_соглашения": clean_text(v.get("agreement_number")) or BLANK_NUMBER,
        "дата_соглашения": long_date(agreement_date) if agreement_date else BLANK_DAY,
        "директор_родительный": decline(director, "родительный") if director else "________________",
        "действующий": "действующей" if director_female else "действующего",
    }


def consents(data: ProgramData, base: Mapping[str, Any], date: dt.date | None) -> list[tuple[str, dict[str, Any]]]:
    """The mentor's statement of consent to mentoring (one per mentor of the fixed pairs)."""
    from toolkit.base.grammar import initials

    director = clean_text(data.settings().get("director"))
    out = []
    for m in mentorings(data):
        fields = _person_fields(data, m, base)
        fields["директор_дательный"] = initials(director, "дательный") if director else "________________"
        out.append((fields["фио"], with_nbsp(fields)))
    return out


def agreements(data: ProgramData, base: Mapping[str, Any], date: dt.date | None) -> list[tuple[str, dict[str, Any]]]:
    """The supplementary agreement to the mentor's labour contract (one per mentor of the fixed pairs)."""
    return [(fields["фио"], with_nbsp(fields)) for fields in
            (_person_fields(data, m, base) for m in mentorings(data))]


def missing_papers(data: ProgramData) -> list[tuple[str, str | None, list[str]]]:
    """Mentors of fixed pairs without the written consent or the agreement: (name, gender, what is missing)."""
    from toolkit.logic.evaluation import name_of
    from toolkit.logic.readiness import labour_papers_missing

    out = []
    for m in mentorings(data):
        v = data.participants[m.mentor].values if m.mentor in data.participants else {}
        lacking = labour_papers_missing(v)
        if lacking:
            name = name_of(data, m.mentor)
            out.append((name, _gender(data, m.mentor, name), lacking))
    return out


def missing_lines(data: ProgramData, pay: bool) -> list[str]:
    """One line per mentor without the papers; for the payment order, that the mentor is left out of it."""
    from toolkit.base.grammar import decline, gendered
    from toolkit.base.messages import line

    return [line("labour-papers-pay-left-out" if pay else "labour-papers-missing",
                 name=decline(name, "родительный", gender), registry=REGISTRY, missing=" и ".join(lacking),
                 included=gendered(gender, "включён", "включена"))
            for name, gender, lacking in missing_papers(data)]


def _short(value: dt.date | None) -> str:
    return format_date(value) if value else "__________"


def _instrumental_basis(text: str) -> str:
    """«Положение об оплате труда …» → «Положением об оплате труда …» (after «в соответствии с»)."""
    for word, form in (("Положение", "Положением"), ("положение", "положением"),
                       ("Коллективный договор", "коллективным договором"),
                       ("коллективный договор", "коллективным договором")):
        if text.startswith(word + " "):
            return form + text[len(word):]
    return f"локальным нормативным актом «{text}»" if text else ""


def pay_order(data: ProgramData, base: Mapping[str, Any], date: dt.date | None) -> list[tuple[str, dict[str, Any]]]:
    """The order setting the extra pay: only mentors with both the consent and the agreement."""
    from toolkit.base.grammar import decline
    from toolkit.logic.evaluation import name_of
    from toolkit.logic.readiness import labour_papers_missing

    rows: list[dict[str, str]] = []
    familiar = []
    for m in mentorings(data):
        name = name_of(data, m.mentor)
        if m.mentor not in data.participants or labour_papers_missing(data.participants[m.mentor].values):
            continue  # left out: no written consent or no supplementary agreement (said in the outcome's lines)
        f = _person_fields(data, m, {})
        v = data.participants[m.mentor].values
        familiar.append({"фио": name, "роль": "Наставник"})
        rows.append({"номер": f"{len(rows) + 1}.",
                     "наставник": f"{decline(name, 'дательный', data.participants[m.mentor].values.get('gender'))}, "
                                  f"{f['должность_дательный']}",
                     "наставляемые": f["наставляемые_дательный"] or "—",
                     "срок": f"{_short(m.start)} – {_short(_date(v.get('agreement_end')) or m.end)}",
                     "доплата": f["доплата"],
                     "соглашение": f"доп. соглашение от {_short(_date(v.get('agreement_date')))} "
                                   f"№\u00a0{f['номер_соглашения']}"})
    if not rows:
        raise NastavnikError(f"Приказ о доплате не сделан: ни у одного наставника закреплённых пар нет в реестре "
                             f"({REGISTRY}) и даты письменного согласия на наставничество, и номера с датой "
                             f"дополнительного соглашения.")
    basis = _instrumental_basis(clean_text(data.settings().get("pay_basis")))
    context = {**order_fields(data, base, date), "строки": rows[:-1], "последняя": rows[-1],
               "основание_оплаты": basis, "ознакомлены": familiar}
    return [("", with_nbsp(context))]
