"""The monitoring of the target model in the documents: the questionnaires' means, the indicators on entry and
on exit and the curator's SWOT, from the book «07_Мониторинг» (:mod:`toolkit.logic.monitoring`), as the fields of
a template (the analytical report: «анкеты», «рост», «swot» and their summary sentences)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from toolkit.logic.monitoring import MonitoringSummary, change_text, number_text, summarize
from toolkit.model.program import ProgramData

SWOT_KEYS = {"Сильные стороны": "сильные", "Слабые стороны": "слабые", "Возможности": "возможности",
             "Угрозы": "угрозы"}


def monitoring_context(data: ProgramData, summary: MonitoringSummary | None = None,
                       as_of: dt.date | None = None) -> dict[str, Any]:
    """The template's fields of the monitoring as known on ``as_of`` (the document's date)."""
    q = summary if summary is not None else summarize(data, as_of)
    answered = q.mentors_answered or q.mentees_answered
    surveys = [{"вопрос": line.label, "наставники": number_text(line.mentors),
                "наставляемые": number_text(line.mentees)} for line in q.survey
               if line.mentors is not None or line.mentees is not None]
    if answered:
        survey_text = (f"Этап 1 — качество программы. Ответили на анкету (оценки от 1 до 10, средние по ответам): "
                       f"наставников — {q.mentors_answered} из {q.mentors_total}, наставляемых — "
                       f"{q.mentees_answered} из {q.mentees_total}.")
        if q.go_on[1]:
            survey_text += f" Хотят продолжить участие в программе: {q.go_on[0]} из {q.go_on[1]}."
    else:
        survey_text = ("Этап 1 — качество программы: анкеты наставников и наставляемых ещё не заполнены.")
    measured = max((g.n for g in q.growth), default=0)
    growth = [{"показатель": g.label + (" (меньше — лучше)" if g.lower_better else "")
               + (", человек" if g.count else ""),
               "вход": number_text(g.entry, 0 if g.count else 2), "выход": number_text(g.exit, 0 if g.count else 2),
               "изменение": change_text(g), "улучшились": f"{g.better} из {g.n}"} for g in q.growth if g.n]
    if measured:
        growth_text = (f"Этап 2 — рост участников: показатели на входе и на выходе (средние по наставляемым, у "
                       f"которых есть оба замера; наставляемых с обоими замерами: {measured} из "
                       f"{len(data.rows('monitoring', 'indicators'))}).")
        if q.stays[1]:
            growth_text += f" Остаются работать в школе: {q.stays[0]} из {q.stays[1]}."
    else:
        growth_text = ("Этап 2 — рост участников: показатели на входе и на выходе ещё не сравнить — нет ни одного "
                       "наставляемого с обоими замерами.")
    swot = {key: [f + (f" Что сделать: {m[:1].lower()}{m[1:]}" if m else "") for f, m in q.swot.get(name, [])]
            for name, key in SWOT_KEYS.items()}
    return {"анкеты": surveys, "анкеты_итог": survey_text, "рост": growth, "рост_итог": growth_text, "swot": swot}
