"""The personalised program of mentorship of each teacher pair (the methodological recommendations for
teachers require one per pair): the young teacher's professional deficits from the competency analysis of
«05_Работа пар» (a competency marked «Зона роста», or rated 3 or lower at the joint analysis) and the
problems of the adaptation program, the goals with their sprints, deadlines and the evidence expected (the
intermediate results: project, method, open lesson, publication), a mid-term and a final review and the
signatures of the mentor, the young teacher and the curator. Rendered from the books as they are: run
``nastavnik docs --kind персональные`` after each ``collect`` and the programs follow the pairs' books.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from toolkit.base.problems import NastavnikError
from toolkit.base.values import clean_text, format_date
from toolkit.documents.launch import with_nbsp
from toolkit.model.program import ProgramData

DEFICIT_AT_MOST = 2  # a competency rated this or lower at the joint analysis is a deficit


def _years(n: int) -> str:
    word = "год" if n % 10 == 1 and n % 100 != 11 else (
        "года" if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else "лет")
    return f"{n} {word}"


def _rating(value: object) -> str:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else "—"


def _short(value: object) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value) if isinstance(value, dt.date) else "—"


def personal_programs(data: ProgramData, base: Mapping[str, Any], date: dt.date | None
                      ) -> list[tuple[str, dict[str, Any]]]:
    from toolkit.base.grammar import initials
    from toolkit.logic.evaluation import WORK_BOOK, PairWork, name_of, position, work_book_name, work_of
    from toolkit.model.pairs import result_pairs

    if "pairs" not in data.books:
        raise NastavnikError("Книга «04_Пары» не прочитана: сначала сформируйте пары командой «nastavnik match».")
    pairs = result_pairs(data)
    if not pairs:
        raise NastavnikError("На листе «Пары» книги «04_Пары» нет закреплённых пар: программы делать не для кого.")
    work = work_of(data)
    kinds = data.program.profile.lists.get("result_kinds", [])
    adaptation: dict[str, list[dict[str, Any]]] = {}
    book = data.books.get(WORK_BOOK)
    if book is not None and "adaptation" in book.tables:
        for row in book.tables["adaptation"].rows:
            adaptation.setdefault(clean_text(row.values.get("pair_id")), []).append(row.values)
    curator = clean_text(data.settings().get("curator"))
    out = []
    for pair in pairs:
        pw = (work or {}).get(pair.pair_id, PairWork())
        mentees = set(pair.mentees)
        young = []
        for m in pair.mentees:
            p = data.participants.get(m)
            years = p.values.get("experience") if p else None
            young.append({"фио": name_of(data, m), "должность": position(data, m, dative=False),
                          "стаж": _years(years) if isinstance(years, int) and not isinstance(years, bool) else "—",
                          "подпись": initials(name_of(data, m))})
        deficits = []
        for c in pw.competencies:
            if c.get("member_id") not in mentees:
                continue
            joint = c.get("joint_start")
            low = isinstance(joint, int) and not isinstance(joint, bool) and joint <= DEFICIT_AT_MOST
            if c.get("zone") == "Зона роста" or low:
                who = f" ({initials(name_of(data, c['member_id']))})" if len(mentees) > 1 else ""
                deficits.append({"компетенция": clean_text(c.get("competency")) + who,
                                 "старт": _rating(joint if joint is not None else c.get("self_start")),
                                 "сейчас": _rating(c.get("now")), "комментарий": clean_text(c.get("note")) or "—"})
        for a in adaptation.get(pair.pair_id, []):
            member = a.get("member_id")
            who = f" ({initials(name_of(data, member))})" if len(mentees) > 1 and member in mentees else ""
            deficits.append({"компетенция": clean_text(a.get("problem")) + (
                f" — {clean_text(a.get('skill'))}" if clean_text(a.get("skill")) else "") + who,
                "старт": "—", "сейчас": clean_text(a.get("status")) or "—",
                "комментарий": clean_text(a.get("actions")) or "—"})
        sprints: dict[object, list[dict[str, Any]]] = {}
        for s in pw.sprints:
            sprints.setdefault(s.get("goal_no"), []).append(s)
        goals = []
        for g in sorted(pw.goals, key=lambda g: g.get("goal_no") or 0):
            goals.append({"номер": f"{g.get('goal_no')}.", "что": clean_text(g.get("goal")),
                          "срок": _short(g.get("deadline")), "итог": clean_text(g.get("result")) or "—",
                          "отметка": clean_text(g.get("status")) or "—"})
            for s in sorted(sprints.get(g.get("goal_no"), []), key=lambda s: s.get("sprint_no") or 0):
                goals.append({"номер": f"{g.get('goal_no')}.{s.get('sprint_no')}.",
                              "что": clean_text(s.get("task")),
                              "срок": f"{_short(s.get('start'))} – {_short(s.get('end'))}",
                              "итог": clean_text(s.get("result")) or "—",
                              "отметка": clean_text(s.get("status")) or "—"})
        done = {clean_text(r.get("kind")): r for r in pw.intermediate if r.get("member_id") in mentees}
        evidence = []
        for kind in kinds:
            r = done.get(kind, {})
            evidence.append({"итог": kind, "тема": clean_text(r.get("topic")) or "—", "срок": _short(r.get("date")),
                             "оценка": _rating(r.get("evaluation"))})
        context = {
            **base,
            "код": pair.pair_id,
            "наставник": name_of(data, pair.mentor), "наставник_должность": position(data, pair.mentor, dative=False),
            "наставник_подпись": initials(name_of(data, pair.mentor)),
            "молодые": young,
            "срок": f"{_short(pair.start)} – {_short(pair.end)}",
            "дефициты": deficits or [{"компетенция": "Анализ компетенций ещё не проведён (лист «Компетенции» книги "
                                                    f"{work_book_name(data)})", "старт": "—", "сейчас": "—",
                                      "комментарий": "—"}],
            "цели": goals or [{"номер": "—", "что": "Цели ещё не поставлены (лист «Цели»)", "срок": "—", "итог": "—",
                               "отметка": "—"}],
            "итоги": evidence,
            "куратор_подпись": initials(curator) if curator else "________________",
        }
        out.append((f"{pair.pair_id} {name_of(data, pair.mentor)}", with_nbsp(context)))
    return out
