"""The monitoring of the target model in two stages, computed from the book «07_Мониторинг»: the quality of
the program (questionnaires of mentors and mentees on 1–10 scales, the curator's SWOT) and the growth of
participants (indicators on entry and on exit, compared on the mentees who have both).

Pure computation: no files are written here. Every mean is over the answers given (an empty cell is «no
answer», not zero); an entry/exit comparison counts only the mentees with both values, so the two means
describe the same people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from toolkit.base.values import clean_text
from toolkit.model.program import ProgramData
from toolkit.spec import Profile

BOOK = "monitoring"
SCALE = (1, 10)
# the questionnaire items on the 1–10 scale, in the order of the book (an item one role has not is skipped)
SURVEY_ITEMS = ("expected", "real", "satisfaction", "comfort", "clarity", "self", "support")
# how a summary names each item, for both questionnaires at once (the books' headers name one role's side)
SURVEY_LABELS = {
    "expected": "Ожидаемая полезность программы",
    "real": "Реальная полезность программы",
    "satisfaction": "Удовлетворённость совместной работой",
    "comfort": "Комфорт общения в паре",
    "clarity": "Понятность задач и плана работы",
    "self": "Удалось проявить себя наставником",
    "support": "Поддержка (наставникам — куратора, наставляемым — наставника)",
}
SWOT_QUADRANTS = ("Сильные стороны", "Слабые стороны", "Возможности", "Угрозы")
HIGH_CATEGORIES = ("Первая", "Высшая")


@dataclass(frozen=True)
class SurveyLine:
    key: str
    label: str
    mentors: float | None
    mentees: float | None
    mentors_n: int
    mentees_n: int
    mentors_sum: float = 0.0  # the exact sums behind the means (a roll-up weights schools by answers)
    mentees_sum: float = 0.0


@dataclass(frozen=True)
class Indicator:
    """An indicator measured on entry and on exit: ``entry``/``exit`` read the row; ``lower_better`` — fewer is
    growth (absences, open deficits); ``count`` — the figure is the number of mentees, not a mean."""

    key: str
    label: str
    entry: str
    exit: str
    lower_better: bool = False
    count: bool = False


@dataclass(frozen=True)
class GrowthLine:
    key: str
    label: str
    entry: float | None
    exit: float | None
    n: int  # mentees with both values
    better: int  # of them, those who grew
    worse: int
    lower_better: bool = False
    count: bool = False
    entry_sum: float = 0.0  # the exact sums behind ``entry``/``exit`` over the ``n`` mentees (a count: the count)
    exit_sum: float = 0.0

    @property
    def change(self) -> float | None:
        if self.entry is None or self.exit is None:
            return None
        return round(self.exit - self.entry, 2)


@dataclass
class MonitoringSummary:
    survey: list[SurveyLine] = field(default_factory=list)
    growth: list[GrowthLine] = field(default_factory=list)
    swot: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    mentors_answered: int = 0
    mentors_total: int = 0
    mentees_answered: int = 0
    mentees_total: int = 0
    go_on: tuple[int, int] = (0, 0)  # said «yes» to going on, answered the question
    become_mentor: tuple[int, int] = (0, 0)
    stays: tuple[int, int] = (0, 0)  # young teachers staying at the school, answered
    meetings: tuple[float | None, float | None] = (None, None)  # mean meetings by mentors, by mentees

    @property
    def empty(self) -> bool:
        return not (self.mentors_answered or self.mentees_answered or any(g.n for g in self.growth)
                    or any(self.swot.values()))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def mean(values: list[Any]) -> float | None:
    numbers = [n for n in (_number(v) for v in values) if n is not None]
    return round(sum(numbers) / len(numbers), 2) if numbers else None


def growth_kind(profile: Profile) -> str:
    """«teacher» when the mentees are young teachers (the book's teacher columns), else «pupil» (pupils and
    students: the forms whose mentees learn)."""
    return "teacher" if profile.applies(["teacher"]) else "pupil"


def indicators(kind: str) -> list[Indicator]:
    """The growth indicators of a form (:func:`growth_kind`): young teachers, or pupils and students."""
    if kind == "teacher":
        return [
            Indicator("deficits", "Открытые профессиональные дефициты", "deficits_in", "deficits_open",
                      lower_better=True),
            Indicator("lessons", "Открытые уроки", "lessons_in", "lessons_out"),
            Indicator("category", "Педагогов с первой или высшей категорией", "category_in", "category_out",
                      count=True),
        ]
    return [
        Indicator("grade", "Средняя оценка по предметам запроса", "grade_in", "grade_out"),
        Indicator("absences", "Пропуски уроков за четверть", "absences_in", "absences_out", lower_better=True),
        Indicator("contests", "Олимпиады и конкурсы", "contests_in", "contests_out"),
        Indicator("clubs", "Кружки и секции", "clubs_in", "clubs_out"),
        Indicator("involvement", "Вовлечённость в жизнь школы (1–10)", "involvement_in", "involvement_out"),
    ]


def indicator_values(row: dict[str, Any]) -> dict[str, Any]:
    """A row of «Показатели на входе и выходе» with the derived values: the deficits still open on exit."""
    out = dict(row)
    found, closed = _number(row.get("deficits_in")), _number(row.get("deficits_closed"))
    out["deficits_open"] = max(found - closed, 0) if found is not None and closed is not None else None
    return out


def _growth(indicator: Indicator, rows: list[dict[str, Any]]) -> GrowthLine:
    if indicator.count:  # a category: how many have a high one, among those with both recorded
        both = [r for r in rows if clean_text(r.get(indicator.entry)) and clean_text(r.get(indicator.exit))]
        high_in = sum(1 for r in both if clean_text(r.get(indicator.entry)) in HIGH_CATEGORIES)
        high_out = sum(1 for r in both if clean_text(r.get(indicator.exit)) in HIGH_CATEGORIES)
        ranks = ("Без категории", "Соответствие занимаемой должности", *HIGH_CATEGORIES)

        def rank(v: Any) -> int:
            text = clean_text(v)
            return ranks.index(text) if text in ranks else 0
        better = sum(1 for r in both if rank(r.get(indicator.exit)) > rank(r.get(indicator.entry)))
        worse = sum(1 for r in both if rank(r.get(indicator.exit)) < rank(r.get(indicator.entry)))
        return GrowthLine(indicator.key, indicator.label, float(high_in) if both else None,
                          float(high_out) if both else None, len(both), better, worse, count=True,
                          entry_sum=float(high_in), exit_sum=float(high_out))
    pairs = [(a, b) for a, b in ((_number(r.get(indicator.entry)), _number(r.get(indicator.exit))) for r in rows)
             if a is not None and b is not None]
    sign = -1 if indicator.lower_better else 1
    better = sum(1 for a, b in pairs if sign * (b - a) > 0)
    worse = sum(1 for a, b in pairs if sign * (b - a) < 0)
    return GrowthLine(indicator.key, indicator.label, mean([a for a, _ in pairs]), mean([b for _, b in pairs]),
                      len(pairs), better, worse, lower_better=indicator.lower_better,
                      entry_sum=sum(a for a, _ in pairs), exit_sum=sum(b for _, b in pairs))


def _yes(rows: list[dict[str, Any]], key: str) -> tuple[int, int]:
    answered = [r.get(key) for r in rows if isinstance(r.get(key), bool)]
    return sum(1 for v in answered if v), len(answered)


def _answered(row: dict[str, Any]) -> bool:
    return any(_number(row.get(k)) is not None for k in SURVEY_ITEMS) or bool(row.get("date"))


def _later(value: Any, as_of: dt.date | None) -> bool:
    """A date after the day of the summary: what was answered or measured later is not known on that day."""
    if isinstance(value, dt.datetime):
        value = value.date()
    return as_of is not None and isinstance(value, dt.date) and value > as_of


def _as_of(row: dict[str, Any], as_of: dt.date | None, exits: set[str]) -> dict[str, Any]:
    """An indicators row as known on ``as_of``: an exit measured later is not there yet."""
    if not _later(row.get("exit_date"), as_of):
        return row
    return {k: (None if k in exits else v) for k, v in row.items()}


def summarize(data: ProgramData, as_of: dt.date | None = None) -> MonitoringSummary:
    """Both stages of the monitoring from the book as read (an unread or absent book gives an empty summary), as
    known on ``as_of``: questionnaires answered and exits measured after that day are left out."""
    book = data.books.get(BOOK)
    out = MonitoringSummary(swot={q: [] for q in SWOT_QUADRANTS})
    if book is None:
        return out
    mentors = [r.values for r in data.rows(BOOK, "mentor_survey") if not _later(r.values.get("date"), as_of)]
    mentees = [r.values for r in data.rows(BOOK, "mentee_survey") if not _later(r.values.get("date"), as_of)]
    out.mentors_total, out.mentees_total = len(mentors), len(mentees)
    mentors_done = [r for r in mentors if _answered(r)]
    mentees_done = [r for r in mentees if _answered(r)]
    out.mentors_answered, out.mentees_answered = len(mentors_done), len(mentees_done)
    labels: dict[str, str] = {}
    for key in ("mentor_survey", "mentee_survey"):
        table = book.tables.get(key)
        for column in table.sheet.columns if table else ():
            if column.key in SURVEY_ITEMS and column.key not in labels:
                labels[column.key] = SURVEY_LABELS[column.key]
    for key in SURVEY_ITEMS:
        if key not in labels:
            continue
        a = [r.get(key) for r in mentors_done if _number(r.get(key)) is not None]
        b = [r.get(key) for r in mentees_done if _number(r.get(key)) is not None]
        out.survey.append(SurveyLine(key, labels[key], mean(a), mean(b), len(a), len(b),
                                     sum(_number(v) or 0.0 for v in a), sum(_number(v) or 0.0 for v in b)))
    kinds = indicators(growth_kind(data.program.profile))
    exits = {i.exit for i in kinds} | {"deficits_closed", "deficits_open", "stays"}
    rows = [_as_of(indicator_values(r.values), as_of, exits) for r in data.rows(BOOK, "indicators")]
    out.growth = [_growth(i, rows) for i in kinds]
    (a_yes, a_n), (b_yes, b_n) = _yes(mentors_done, "go_on"), _yes(mentees_done, "go_on")
    out.go_on = (a_yes + b_yes, a_n + b_n)
    out.become_mentor = _yes(mentees_done, "become_mentor")
    out.stays = _yes(rows, "stays")
    out.meetings = (mean([r.get("meetings") for r in mentors_done]), mean([r.get("meetings") for r in mentees_done]))
    for r in data.rows(BOOK, "swot"):
        quadrant, factor = clean_text(r.values.get("quadrant")), clean_text(r.values.get("factor"))
        if quadrant in out.swot and factor:
            out.swot[quadrant].append((factor, clean_text(r.values.get("measure"))))
    return out


def number_text(value: float | None, digits: int = 1) -> str:
    """«7,4», «—» for no value (a Russian decimal comma)."""
    if value is None:
        return "—"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else str(round(value))
    return text.replace(".", ",")


def change_text(line: GrowthLine) -> str:
    """«+0,6», «−2», «0» for the change from entry to exit (figures of a count are whole)."""
    change = line.change
    if change is None:
        return "—"
    if change == 0:
        return "0"
    digits = 0 if line.count else 2
    return ("+" if change > 0 else "−") + number_text(abs(change), digits)
