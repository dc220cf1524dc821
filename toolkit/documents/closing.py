"""Closing the cycle: the order completing the program (results, rewards), the petition to the organisation
that signs the letters of thanks (the district administration in the seed's example) and the curator's
analytical report for the pedagogical council: the road map done / overdue as of the day, participants by
stage, the monitoring of pairs, results and rewards, a SWOT table the curator fills, proposals.

The monitoring lines and the counts by stage are those of the program report (:mod:`toolkit.documents.kinds`
passes them in ``base`` as «мониторинг» and «по_этапам»), so the two documents never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from toolkit.base.problems import NastavnikError
from toolkit.base.values import clean_text, format_date
from toolkit.documents.launch import order_fields, with_nbsp
from toolkit.documents.monitoring import monitoring_context
from toolkit.documents.positions import decline_position, lower_first
from toolkit.documents.roadmap import steps
from toolkit.model.program import ProgramData


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _awards(data: ProgramData) -> list[Any]:
    from toolkit.logic.evaluation import BOOK, chosen_awards

    if BOOK not in data.books:
        raise NastavnikError("Книга «06_Итоги» не прочитана: создайте её командой «nastavnik results ПАПКА» и выберите "
                             "поощрения в рейтинге наставников.")
    return [a for a in chosen_awards(data) if a.awards]


def _default_reason(data: ProgramData) -> str:
    """What a mentor is thanked for when the curator typed nothing (as in the letters of thanks)."""
    year = clean_text(data.settings().get("academic_year"))
    when = f" в {year} учебном году" if year else ""
    return f"за активную работу наставником в программе наставничества «{data.program.profile.name}»{when}"


def _summary(data: ProgramData) -> dict[str, Any]:
    from toolkit.model.pairs import result_pairs

    pairs = result_pairs(data) if "pairs" in data.books else []
    return {"пар": str(len(pairs)), "наставников_в_парах": str(len({p.mentor for p in pairs})),
            "наставляемых_в_парах": str(sum(len(p.mentees) for p in pairs))}


def _award_rows(data: ProgramData) -> list[dict[str, str]]:
    from toolkit.logic.evaluation import method_of, position

    points = method_of(data.program.profile).points_award
    rows: list[dict[str, str]] = []
    for a in _awards(data):
        what = ", ".join(f"{x.lower()} ({a.points})" if x == points and a.points is not None else x.lower()
                         for x in a.awards)
        rows.append({"номер": f"{len(rows) + 1}.", "наставник": a.name,
                     "кто": position(data, a.mentor_id, dative=False) or "—",
                     "поощрение": what[:1].upper() + what[1:], "поощрение_строчное": what,
                     "балл": f"{a.total:.1f}".replace(".", ",") if a.total is not None else "—",
                     "за_что": a.reason or _default_reason(data)})
    return rows


def closing_order(data: ProgramData, base: Mapping[str, Any], date: dt.date | None) -> list[tuple[str, dict[str, Any]]]:
    from toolkit.logic.evaluation import award_kind

    rows = _award_rows(data) or [{"номер": "—", "наставник": "Поощрения не выбраны (лист «Рейтинг наставников» "
                                                             "книги «06_Итоги»)", "кто": "—", "поощрение": "—",
                                  "балл": "—", "за_что": "—"}]
    s = data.settings()
    letters = [a for a in _awards(data) if any(award_kind(data.program.profile, x) == "letter" for x in a.awards)]
    signer = lower_first(clean_text(s.get("signer_position")))
    context = {
        **order_fields(data, base, date), **_summary(data),
        "поощрения": rows[:-1], "последняя": rows[-1],
        "ходатайство": "да" if letters and signer else "",
        "подписывающему": decline_position(signer, "дательный") if signer else "",
        "ознакомлены": [{"фио": clean_text(s.get("curator")), "роль": "Куратор программы"}]
        + [{"фио": r["наставник"], "роль": "Наставник"} for r in rows
           if data.program.profile.kind == "teacher"],
    }
    return [("", with_nbsp(context))]


def petition(data: ProgramData, base: Mapping[str, Any], date: dt.date | None) -> list[tuple[str, dict[str, Any]]]:
    """To the signer of the letters of thanks: the mentors chosen for a letter, what each did."""
    from toolkit.base.grammar import initials
    from toolkit.logic.evaluation import award_kind

    s = data.settings()
    signer, position, org = (clean_text(s.get(k)) for k in ("signer_name", "signer_position", "signer_org"))
    if not (signer and position):
        raise NastavnikError("Для ходатайства в книге «00_Настройки» заполните «Подписывает благодарственные письма "
                             "(ФИО)» и «Должность подписывающего».")
    rows = [r for r, a in zip(_award_rows(data), _awards(data), strict=True)
            if any(award_kind(data.program.profile, x) == "letter" for x in a.awards)]
    if not rows:
        raise NastavnikError("Никому не выбрано благодарственное письмо в столбце «Поощрение» листа «Рейтинг "
                             "наставников» книги «06_Итоги»: ходатайствовать не о ком.")
    context = {
        **order_fields(data, base, date),
        "кому_должность": _upper_first(decline_position(lower_first(position), "дательный")),
        "кому": initials(signer, "дательный"), "организация": org,
        "строки": rows[:-1], "последняя": rows[-1], "число": str(len(rows)),
        "дата_письма": format_date(date) if date else "____________",
    }
    return [("", with_nbsp(context))]


def analysis(data: ProgramData, base: Mapping[str, Any], date: dt.date | None, today: dt.date
             ) -> list[tuple[str, dict[str, Any]]]:
    """The curator's analytical report for the pedagogical council."""
    road, _ = steps(data)
    lines = []
    for n, r in enumerate(road, start=1):
        if r.done:
            mark = f"выполнено {format_date(r.done)}"
        elif r.overdue(today):
            mark = "просрочено"
        elif r.start and r.start > today:
            mark = "впереди"
        else:
            mark = "в работе"
        lines.append({"номер": f"{n}.", "мероприятие": r.event, "срок": r.term, "отметка": mark})
    done = sum(1 for r in road if r.done)
    overdue = [r for r in road if r.overdue(today)]
    rows = _award_rows(data) if "results" in data.books else []
    context = {
        **order_fields(data, base, date), **_summary(data),
        "на_дату": format_date(today),
        "карта": lines, "карта_итог": (f"Выполнено мероприятий: {done} из {len(road)}"
                                       + (f"; просрочено: {len(overdue)}." if overdue else "; просроченных нет.")),
        "поощрения": rows,
        "поощрения_итог": f"Поощрено наставников: {len(rows)}." if rows else "Поощрения ещё не выбраны.",
        **monitoring_context(data, as_of=today),
    }
    return [("", with_nbsp(context))]
