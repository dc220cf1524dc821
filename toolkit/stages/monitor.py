"""«Мониторинг.xlsx» for the curator and the director: key numbers, pairs needing attention, native
charts (meetings per month, evaluations over time, competency ratings at the start and now, pairs by state),
the table of pairs, and the two participant bases of the target model — база наставников and база
наставляемых.

Every chart takes its data from cells holding stored values (A1 references to the sheet «Данные
диаграмм»): there are no formulas, so LibreOffice, which does not recalculate on load, shows the same
charts as Excel. The workbook is recreated by each run of ``nastavnik monitor``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.base.values import clean_text, format_date, format_number
from toolkit.books.printing import apply_print_layout
from toolkit.books.writer import fitted_height, header_width, wrapped_lines
from toolkit.logic.attention import STATES, PairState, attention_list, group_meetings, pair_states
from toolkit.logic.monitoring import MonitoringSummary, summarize

if TYPE_CHECKING:
    from toolkit.model.program import ProgramData

MONITOR_FILE = "Мониторинг.xlsx"
DATA_SHEET = "Данные диаграмм"
CHARTS_SHEET = "Диаграммы"
MONTHS = ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]
GOAL_REACHED = "Достигнута"

# the blocks of the sheet «Данные диаграмм»: first column of each (0-based)
BLOCK_MEETINGS, BLOCK_SCORES, BLOCK_COMPETENCIES, BLOCK_STATES = 0, 4, 8, 12


@dataclass
class Monitor:
    form_name: str
    school: str
    as_of: dt.date
    states: list[PairState]
    months: list[tuple[str, int, int]]  # (month, meetings, pairs that met)
    scores: list[tuple[str, float | None, float | None]]  # (month, mentors' mean, mentees' mean)
    competencies: list[tuple[str, float | None, float | None]]  # (competency, mean at the start, mean now)
    by_state: list[tuple[str, int]]
    totals: list[tuple[str, Any]]
    attention: list[dict[str, Any]]
    group_meetings: list[dict[str, Any]]
    mentors_base: list[list[Any]] = field(default_factory=list)
    mentees_base: list[list[Any]] = field(default_factory=list)
    quality: MonitoringSummary = field(default_factory=MonitoringSummary)  # the book «07_Мониторинг»


def _month(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def _mean(values: list[Any]) -> float | None:
    numbers = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return round(sum(numbers) / len(numbers), 2) if numbers else None


def _years(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} год"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return f"{n} года"
    return f"{n} лет"


def build_monitor(data: ProgramData, today: dt.date) -> Monitor:
    """Everything the monitoring workbook shows, as of ``today`` (deterministic for the same data and day)."""
    profile = data.program.profile
    settings = data.settings()
    states = pair_states(data, today)
    # meetings and evaluations per month, from the first month any pair worked to the day
    meetings = [(s.pair_id, m) for s in states for m in s.meetings]
    starts = [s.info.start for s in states if s.info.start and s.info.start <= today]
    first = min([*starts, *(m["date"] for _, m in meetings)], default=None)
    months: list[tuple[str, int, int]] = []
    scores: list[tuple[str, float | None, float | None]] = []
    if first is not None:
        y, mo = first.year, first.month
        while (y, mo) <= (today.year, today.month):
            held = [(pid, m) for pid, m in meetings if (m["date"].year, m["date"].month) == (y, mo)]
            label = _month(dt.date(y, mo, 1))
            months.append((label, len(held), len({pid for pid, _ in held})))
            scores.append((label, _mean([m.get("mentor_score") for _, m in held]),
                           _mean([m.get("mentee_score") for _, m in held])))
            y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    competencies = []
    mentee_rows = [r for s in states for r in s.rows.get("competencies", []) if r.get("member_id") in s.info.mentees]
    for _group, names in profile.competencies.items():
        for name in names:
            rows = [r for r in mentee_rows if clean_text(r.get("competency")) == name]
            start = _mean([r.get("joint_start") if r.get("joint_start") is not None else r.get("self_start")
                           for r in rows])
            now = _mean([r.get("now") for r in rows])
            if start is not None or now is not None:
                competencies.append((name, start, now))
    counts = {state: 0 for state in STATES}
    for s in states:
        counts[s.state] += 1
    by_state = [(state, n) for state, n in counts.items() if n]
    active = [s for s in states if s.info.active]
    all_meetings = [m for _, m in meetings]
    mentor_mean, mentee_mean = _mean([m.get("mentor_score") for m in all_meetings]), \
        _mean([m.get("mentee_score") for m in all_meetings])
    attention = attention_list(states)
    totals: list[tuple[str, Any]] = [
        ("Действующих пар и групп", len(active)),
        ("Наставляемых в них", sum(len(s.info.mentees) for s in active)),
        ("Проведено встреч", len(all_meetings)),
        ("Средняя оценка встреч наставниками (1–5)", format_number(mentor_mean) if mentor_mean else "—"),
        ("Средняя оценка встреч наставляемыми (1–5)", format_number(mentee_mean) if mentee_mean else "—"),
        ("Пар и групп, которым нужно внимание", len(attention)),
        ("Из них ни одной встречи", sum(1 for s in states if s.state == STATES[2])),
    ]
    monitor = Monitor(profile.name, clean_text(settings.get("school_short") or settings.get("school_full")), today,
                      states, months, scores, competencies, by_state, totals, attention, group_meetings(states))
    _bases(data, monitor)
    monitor.quality = summarize(data, today)
    return monitor


def _place(data: ProgramData, pid: str, school: str) -> str:
    participant = data.participants.get(pid)
    if participant is None:
        return ""
    v = participant.values
    if v.get("class"):
        return f"{school}, {v.get('class')} класс"
    if v.get("organization") or v.get("study_place"):  # an employee of a partner, a student of a college
        return ", ".join(clean_text(x) for x in (v.get("organization") or v.get("study_place"),
                                                 v.get("position") or v.get("speciality")) if clean_text(x))
    if data.program.profile.kind == "student":
        return school
    parts = [school, clean_text(v.get("subject"))]
    if isinstance(v.get("experience"), int):
        parts.append("стаж " + _years(v["experience"]))
    if v.get("category"):
        parts.append(f"категория: {clean_text(v['category']).lower()}")
    return ", ".join(p for p in parts if p)


def _contact(data: ProgramData, pid: str) -> str:
    participant = data.participants.get(pid)
    return clean_text(participant.values.get("contact")) if participant else ""


def _goals_text(goals: list[dict[str, Any]]) -> str:
    counted = [g for g in goals if g.get("status") != "Отменена"]
    if not counted:
        return ""
    reached = sum(1 for g in counted if g.get("status") == GOAL_REACHED)
    return f"целей достигнуто: {reached} из {len(counted)}"


def _bases(data: ProgramData, monitor: Monitor) -> None:
    """База наставников и база наставляемых (the usual columns of the target model)."""
    school = monitor.school
    form = data.program.profile.name
    for s in sorted(monitor.states, key=lambda x: x.info.mentor):
        info = s.info
        members = {r.get("member_id"): r for r in s.rows.get("members", [])}
        end = format_date(info.end) + ("" if not info.active else " (план)") if info.end else ""
        start = format_date(info.start) if info.start else ""
        mentees = ", ".join(info.name(m) for m in info.mentees)
        strengths = [clean_text(r.get("competency")) for r in s.rows.get("competencies", [])
                     if r.get("member_id") == info.mentor and r.get("zone") == "Сильная сторона"]
        mentor = data.participants.get(info.mentor)
        skills = clean_text(mentor.values.get("skills")) if mentor else ""
        areas = ", ".join(mentor.values.get("areas") or []) if mentor else ""
        results = [clean_text(members.get(info.mentor, {}).get("results")), _goals_text(s.rows.get("goals", [])),
                   f"встреч: {len(s.meetings)}"]
        links = [clean_text(members.get(m, {}).get("case_link")) for m in info.members]
        mean = s.mean("mentee_score")
        monitor.mentors_base.append([
            info.mentor, info.name(info.mentor), _contact(data, info.mentor), _place(data, info.mentor, school),
            "; ".join(x for x in (skills, ", ".join(strengths)) if x), areas, start, form, info.pair_id, mentees, end,
            len(s.meetings), format_number(mean) if mean is not None else "", "; ".join(x for x in results if x),
            "; ".join(x for x in links if x)])
    for s in monitor.states:
        info = s.info
        members = {r.get("member_id"): r for r in s.rows.get("members", [])}
        for m in info.mentees:
            participant = data.participants.get(m)
            v = participant.values if participant else {}
            request = "; ".join(x for x in (clean_text(v.get("request")), clean_text(v.get("request_kind"))) if x)
            member = members.get(m, {})
            rows = [r for r in s.rows.get("competencies", []) if r.get("member_id") == m]
            at_start = _mean([r.get("joint_start") if r.get("joint_start") is not None else r.get("self_start")
                              for r in rows])
            now = _mean([r.get("now") for r in rows])
            growth = (f"{format_number(at_start)} → {format_number(now)}"
                      if at_start is not None and now is not None else "")
            goals = [g for g in s.rows.get("goals", []) if g.get("member_id") in (None, "", m)]
            outcome = "; ".join(x for x in (clean_text(member.get("results")), _goals_text(goals)) if x)
            finish = format_date(info.end) + ("" if not info.active else " (план)") if info.end else ""
            monitor.mentees_base.append([
                m, info.name(m), _contact(data, m), _place(data, m, school), request,
                format_date(info.start) if info.start else "", info.name(info.mentor),
                _place(data, info.mentor, school), form, info.pair_id, finish, clean_text(member.get("sphere")),
                growth, outcome, clean_text(member.get("case_link"))])
    monitor.mentees_base.sort(key=lambda r: r[0])


MENTOR_BASE_HEADERS = [
    ("Код", 9), ("ФИО наставника", 28), ("Контакты", 20), ("Место учёбы / работы", 30),
    ("Ключевые компетенции и навыки", 40), ("Интересы: с чем может помочь", 34), ("Дата вхождения в программу", 13),
    ("Форма наставничества", 18), ("Пара / группа", 10), ("Наставляемые", 34), ("Дата завершения", 16),
    ("Встреч проведено", 10), ("Средняя оценка встреч наставляемыми", 13), ("Результаты программы", 40),
    ("Ссылки на кейсы и отзывы", 30)]
MENTEE_BASE_HEADERS = [
    ("Код", 9), ("ФИО наставляемого", 28), ("Контакты", 20), ("Место учёбы / работы", 30),
    ("Ключевые запросы", 40), ("Дата вхождения в программу", 13), ("ФИО наставника", 28),
    ("Место учёбы / работы наставника", 30), ("Форма наставничества", 18), ("Пара / группа", 10),
    ("Дата завершения", 16), ("Приоритетная сфера", 24), ("Компетенции: старт → сейчас (среднее)", 16),
    ("Результаты программы", 40), ("Ссылка на кейс или отзыв", 30)]
PAIR_HEADERS = [
    ("Пара / группа", 10), ("Наставник", 28), ("Наставляемые", 34), ("Начало", 12), ("Окончание (план)", 12),
    ("Частота по заявке", 18), ("Встреч", 8), ("Последняя встреча", 12), ("Оценка наставника (средняя)", 12),
    ("Оценка наставляемого (средняя)", 13), ("Состояние", 18), ("Почему нужно внимание", 70)]


@dataclass(frozen=True)
class ChartRef:
    """Where a chart's data lies on the sheet «Данные диаграмм» (0-based rows and columns)."""

    title: str
    kind: str
    first_row: int
    last_row: int
    category_col: int
    value_cols: tuple[int, ...]


def chart_refs(monitor: Monitor) -> list[ChartRef]:
    """The charts the workbook holds and their data ranges (charts without data are left out)."""
    out = []
    if monitor.months:
        out.append(ChartRef("Встречи по месяцам", "column", 1, len(monitor.months), BLOCK_MEETINGS,
                            (BLOCK_MEETINGS + 1, BLOCK_MEETINGS + 2)))
    if any(a is not None or b is not None for _, a, b in monitor.scores):
        out.append(ChartRef("Оценки встреч по месяцам (1–5)", "line", 1, len(monitor.scores), BLOCK_SCORES,
                            (BLOCK_SCORES + 1, BLOCK_SCORES + 2)))
    if monitor.competencies:
        out.append(ChartRef("Компетенции наставляемых: на старте и сейчас (1–5)", "bar", 1,
                            len(monitor.competencies), BLOCK_COMPETENCIES,
                            (BLOCK_COMPETENCIES + 1, BLOCK_COMPETENCIES + 2)))
    if monitor.by_state:
        out.append(ChartRef("Пары и группы по состоянию", "pie", 1, len(monitor.by_state), BLOCK_STATES,
                            (BLOCK_STATES + 1,)))
    return out


MONITOR_OWNER = "nastavnik monitor"


def write_monitor_workbook(monitor: Monitor, path: Path) -> list[str]:
    """Write «Мониторинг.xlsx» atomically, under the program's lock; a sheet the curator added (or a file not
    made by `monitor`) goes to the backups first: the notes returned say so."""
    import xlsxwriter

    from toolkit.books.outputs import OWNER_PROPERTY, write_output

    def produce(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False, "in_memory": True})
        wb.set_properties({"title": "Мониторинг программы наставничества", "author": "Наставник"})
        wb.set_custom_property(OWNER_PROPERTY, MONITOR_OWNER)
        fmt = {
            "title": wb.add_format({"bold": True, "font_size": 14}),
            "sub": wb.add_format({"bold": True, "font_size": 12}),
            "note": wb.add_format({"italic": True, "font_color": "#595959"}),
            "head": wb.add_format({"bold": True, "text_wrap": True, "border": 1, "bg_color": "#DDEBF7",
                                   "valign": "vcenter"}),
            "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
            "num": wb.add_format({"valign": "top", "align": "center"}),
            "date": wb.add_format({"valign": "top", "num_format": "dd.mm.yyyy", "align": "left"}),
            # [$-419]: the Russian locale, so that a decimal comma shows whatever the office suite's language
            "dec": wb.add_format({"valign": "top", "num_format": "[$-419]0.00", "align": "center"}),
        }
        day = format_date(monitor.as_of)
        _summary(wb, fmt, monitor, day)
        charts_ws = wb.add_worksheet(CHARTS_SHEET)
        data_ws = wb.add_worksheet(DATA_SHEET)
        _chart_data(data_ws, fmt, monitor)
        _charts(wb, charts_ws, fmt, monitor, day)
        rows = []
        for s in monitor.states:
            last = s.last_meeting()
            mentor_mean, mentee_mean = s.mean("mentor_score"), s.mean("mentee_score")
            rows.append([s.pair_id, s.info.name(s.info.mentor), ", ".join(s.info.name(m) for m in s.info.mentees),
                         s.info.start, s.info.end, s.frequency, len(s.meetings), last,
                         mentor_mean if mentor_mean is not None else "", mentee_mean if mentee_mean is not None else "",
                         s.state, "; ".join(s.reasons) or "—"])
        _table(wb, fmt, "Пары", PAIR_HEADERS, rows)
        _table(wb, fmt, "База наставников", MENTOR_BASE_HEADERS, monitor.mentors_base)
        _table(wb, fmt, "База наставляемых", MENTEE_BASE_HEADERS, monitor.mentees_base)
        _quality_sheet(wb, fmt, monitor.quality, day)
        wb.close()

    sheets = ["Сводка", CHARTS_SHEET, DATA_SHEET, "Пары", "База наставников", "База наставляемых", QUALITY_SHEET]
    return write_output(path, produce, owner=MONITOR_OWNER, sheets=sheets, command=MONITOR_OWNER)


def _summary(wb: Any, fmt: dict[str, Any], monitor: Monitor, day: str) -> None:
    ws = wb.add_worksheet("Сводка")
    ws.set_column(0, 0, 58)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 70)
    ws.set_row(0, 21)  # 14 pt and 12 pt titles: rows of their size, not over the next one
    ws.set_row(1, 18)
    ws.write_string(0, 0, f"Мониторинг программы наставничества «{monitor.form_name}»", fmt["title"])
    ws.write_string(1, 0, f"{monitor.school}; данные на {day}".lstrip("; "), fmt["sub"])
    ws.write_string(2, 0, "Книга пересоздаётся командой «nastavnik monitor»: не вносите в неё данные.", fmt["note"])
    r = 4
    for label, value in monitor.totals:
        ws.write_string(r, 0, label, fmt["wrap"])
        if isinstance(value, int):
            ws.write_number(r, 1, value, fmt["num"])
        else:
            ws.write_string(r, 1, str(value), fmt["num"])
        r += 1
    r += 1
    ws.set_row(r, 18)
    ws.write_string(r, 0, "Пары и группы, которым нужно внимание куратора", fmt["sub"])
    r += 1
    if not monitor.attention:
        ws.write_string(r, 0, "Нет: все пары встречаются регулярно и оценивают встречи.", fmt["wrap"])
        r += 1
    for item in monitor.attention:
        ws.write_string(r, 0, f"{item['pair']}: {item['state']}", fmt["wrap"])
        ws.merge_range(r, 1, r, 2, "; ".join(item["reasons"]), fmt["wrap"])
        ws.set_row(r, 15 * (len("; ".join(item["reasons"])) // 85 + 1))
        r += 1
    if monitor.group_meetings:
        r += 1
        ws.set_row(r, 18)
        ws.write_string(r, 0, "Предлагаемые групповые встречи с куратором", fmt["sub"])
        r += 1
        for meeting in monitor.group_meetings:
            ws.write_string(r, 0, meeting["topic"], fmt["wrap"])
            ws.merge_range(r, 1, r, 2, ", ".join(meeting["pairs"]), fmt["wrap"])
            r += 1
    ws.activate()
    apply_print_layout(ws, (58, 16, 70), landscape=False, title_rows=0)


def _chart_data(ws: Any, fmt: dict[str, Any], monitor: Monitor) -> None:
    blocks: list[tuple[int, list[str], list[tuple[Any, ...]]]] = [
        (BLOCK_MEETINGS, ["Месяц", "Встреч", "Пар и групп встречались"], list(monitor.months)),
        (BLOCK_SCORES, ["Месяц", "Оценка наставников", "Оценка наставляемых"], list(monitor.scores)),
        (BLOCK_COMPETENCIES, ["Компетенция", "На старте", "Сейчас"], list(monitor.competencies)),
        (BLOCK_STATES, ["Состояние", "Пар и групп"], list(monitor.by_state)),
    ]
    widths: list[float] = [3.0] * (BLOCK_STATES + 2)  # the columns between blocks stay narrow
    texts: list[tuple[object, float]] = []
    for col, headers, rows in blocks:
        for c, header in enumerate(headers):
            widths[col + c] = header_width(header, 26 if col == BLOCK_COMPETENCIES and c == 0 else 12)
            texts.append((header, widths[col + c]))
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None:
                    ws.write_blank(r, col + c, None)
                elif isinstance(value, (int, float)):
                    ws.write_number(r, col + c, value, fmt["dec"] if isinstance(value, float) else fmt["num"])
                else:
                    ws.write_string(r, col + c, str(value), fmt["wrap"])
        for c, header in enumerate(headers):
            ws.write_string(0, col + c, header, fmt["head"])
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    ws.set_row(0, fitted_height(texts, bold=True))  # headers whole, not cut by a one-line row
    last = max((len(rows) for _, _, rows in blocks), default=0)
    for r in range(1, last + 1):  # a long competency wraps: the row is as high as its text
        ws.set_row(r, fitted_height([(row[r - 1][c], widths[col + c]) for col, _, row in blocks if r <= len(row)
                                     for c in range(len(row[r - 1])) if isinstance(row[r - 1][c], str)]))
    apply_print_layout(ws, widths, last_row=max(last, 1), header=("Данные диаграмм", "Мониторинг программы наставничества"))


def _charts(wb: Any, ws: Any, fmt: dict[str, Any], monitor: Monitor, day: str) -> None:
    ws.set_row(0, 21)
    ws.write_string(0, 0, f"Мониторинг на {day}: «{monitor.form_name}»", fmt["title"])
    refs = chart_refs(monitor)
    if not refs:
        ws.write_string(2, 0, "Данных для диаграмм пока нет: пары ещё не начали работу или книги пар не собраны.",
                        fmt["note"])
    colors = ["#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5"]
    for i, ref in enumerate(refs):
        chart = wb.add_chart({"type": ref.kind})
        for j, col in enumerate(ref.value_cols):
            series: dict[str, Any] = {
                "name": [DATA_SHEET, 0, col],
                "categories": [DATA_SHEET, ref.first_row, ref.category_col, ref.last_row, ref.category_col],
                "values": [DATA_SHEET, ref.first_row, col, ref.last_row, col],
            }
            if ref.kind == "pie":
                series["data_labels"] = {"value": True, "category": True, "separator": "\n"}
                series["points"] = [{"fill": {"color": colors[k % len(colors)]}} for k in range(len(monitor.by_state))]
            elif ref.kind == "line":
                series["marker"] = {"type": "circle", "size": 6}
                series["line"] = {"color": colors[j], "width": 2.25}
                series["marker"]["fill"] = {"color": colors[j]}
                series["marker"]["border"] = {"color": colors[j]}
            else:
                series["fill"] = {"color": colors[j]}
                series["data_labels"] = {"value": True, "num_format": "0" if ref.kind == "column" else "[$-419]0.0"}
            chart.add_series(series)
        chart.set_title({"name": ref.title, "name_font": {"size": 12}})
        chart.set_legend({"position": "bottom"})
        if ref.kind == "line":
            chart.set_y_axis({"min": 1, "max": 5, "major_unit": 1})
            chart.show_blanks_as("gap")
        elif ref.kind == "bar":
            chart.set_x_axis({"min": 1, "max": 5, "major_unit": 1})  # the 1–5 scale runs 1–5
            chart.set_y_axis({"reverse": True})
        elif ref.kind == "column":
            chart.set_y_axis({"min": 0, "major_gridlines": {"visible": True}})
        cell = ["A3", "J3", "A25", "J25"][i]
        ws.insert_chart(cell, chart, {"x_scale": 1.15, "y_scale": 1.35 if ref.kind == "bar" else 1.1})
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 1)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)


def _table(wb: Any, fmt: dict[str, Any], name: str, headers: list[tuple[str, int]], rows: list[list[Any]]) -> None:
    ws = wb.add_worksheet(name)
    widths = [header_width(header, width) for header, width in headers]  # no header broken inside a word
    ws.set_row(0, max(45, fitted_height(zip([h for h, _ in headers], widths, strict=True), bold=True) or 0))
    for c, (header, _width) in enumerate(headers):
        ws.set_column(c, c, widths[c])
        ws.write_string(0, c, header, fmt["head"])
    for r, values in enumerate(rows, start=1):
        lines = 1  # office suites do not grow wrapped rows on load: set the height
        for c, value in enumerate(values):
            if isinstance(value, str) and value:
                lines = max(lines, wrapped_lines(value, widths[c]))
        if lines > 1:
            ws.set_row(r, 15 * min(lines, 10))
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), fmt["date"])
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, c, value, fmt["dec"] if isinstance(value, float) else fmt["num"])
            else:
                ws.write_string(r, c, str(value), fmt["wrap"])
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    # the frozen code and name repeated on every page of a base too wide for one
    apply_print_layout(ws, widths, key_columns=2, last_row=max(len(rows), 1),
                       header=(name, "Мониторинг программы наставничества"))


QUALITY_SHEET = "Анкеты и рост"
SURVEY_HEADERS = [("Вопрос анкеты (1–10)", 44), ("Наставники", 12), ("Наставляемые", 13), ("Ответов наставников", 14),
                  ("Ответов наставляемых", 15)]
GROWTH_HEADERS = [("Показатель", 44), ("На входе", 12), ("На выходе", 13), ("Изменение", 14),
                  ("Наставляемых с обоими замерами", 15), ("Улучшились", 12), ("Ухудшились", 12)]


@dataclass(frozen=True)
class QualityLayout:
    """Where the two tables of «Анкеты и рост» lie (0-based rows of their first data row and counts): the charts
    take their data from these cells."""

    survey_row: int
    survey_count: int
    growth_row: int
    growth_count: int


def quality_layout(quality: MonitoringSummary) -> QualityLayout:
    survey_row = 5  # title, note, answered, go on, heading — then the header row at 4
    growth_row = survey_row + len(quality.survey) + 3  # a blank row, the heading, the header row
    return QualityLayout(survey_row, len(quality.survey), growth_row, len(quality.growth))


def _share(yes_total: tuple[int, int]) -> str:
    yes, total = yes_total
    return f"{yes} из {total}" if total else "нет ответов"


def _quality_sheet(wb: Any, fmt: dict[str, Any], quality: MonitoringSummary, day: str) -> None:
    """Both stages of the monitoring (book «07_Мониторинг»): the questionnaires' means, entry and exit, the SWOT;
    stored values and two native charts reading them."""
    ws = wb.add_worksheet(QUALITY_SHEET)
    layout = quality_layout(quality)
    for c, (_, width) in enumerate(GROWTH_HEADERS):
        ws.set_column(c, c, max(width, SURVEY_HEADERS[c][1] if c < len(SURVEY_HEADERS) else 0))
    last = len(GROWTH_HEADERS) - 1
    ws.write_string(0, 0, f"Мониторинг программы на {day}: качество программы и рост участников", fmt["sub"])
    ws.merge_range(1, 0, 1, last, "Из книги «07_Мониторинг»: средние по ответам; рост — по наставляемым с обоими "
                                  "замерами.", fmt["note"])
    ws.merge_range(2, 0, 2, last, f"Ответили на анкету: наставников {quality.mentors_answered} из "
                                  f"{quality.mentors_total}, наставляемых {quality.mentees_answered} из "
                                  f"{quality.mentees_total}. Хотят продолжить: {_share(quality.go_on)}; хотят стать "
                                  f"наставниками: {_share(quality.become_mentor)}."
                                  + (f" Остаются работать в школе: {_share(quality.stays)}." if quality.stays[1]
                                     else ""), fmt["wrap"])
    ws.set_row(2, 30)
    ws.write_string(3, 0, "Этап 1. Качество программы: анкеты наставников и наставляемых", fmt["sub"])
    header_row = layout.survey_row - 1
    ws.set_row(header_row, 45)  # wrapped headers: office suites do not grow the row on load
    for c, (header, _) in enumerate(SURVEY_HEADERS):
        ws.write_string(header_row, c, header, fmt["head"])
    for r, line in enumerate(quality.survey, start=layout.survey_row):
        ws.write_string(r, 0, line.label, fmt["wrap"])
        for c, value in enumerate((line.mentors, line.mentees), start=1):
            if value is None:
                ws.write_blank(r, c, None)
            else:
                ws.write_number(r, c, value, fmt["dec"])
        ws.write_number(r, 3, line.mentors_n, fmt["num"])
        ws.write_number(r, 4, line.mentees_n, fmt["num"])
    ws.write_string(layout.growth_row - 2, 0, "Этап 2. Рост участников: показатели на входе и на выходе", fmt["sub"])
    ws.set_row(layout.growth_row - 1, 45)
    for c, (header, _) in enumerate(GROWTH_HEADERS):
        ws.write_string(layout.growth_row - 1, c, header, fmt["head"])
    for r, line in enumerate(quality.survey, start=layout.survey_row):
        if len(line.label) > 44:
            ws.set_row(r, 30)
    for r, g in enumerate(quality.growth, start=layout.growth_row):
        label = g.label + (" (меньше — лучше)" if g.lower_better else "") + (", человек" if g.count else "")
        if len(label) > 44:
            ws.set_row(r, 30)
        ws.write_string(r, 0, label, fmt["wrap"])
        for c, value in enumerate((g.entry, g.exit, g.change), start=1):
            if value is None:
                ws.write_blank(r, c, None)
            else:
                ws.write_number(r, c, value, fmt["num"] if g.count else fmt["dec"])
        for c, value in enumerate((g.n, g.better, g.worse), start=4):
            ws.write_number(r, c, value, fmt["num"])
    r = layout.growth_row + len(quality.growth) + 1
    ws.write_string(r, 0, "SWOT-анализ программы (куратор)", fmt["sub"])
    r += 1
    ws.write_string(r, 0, "Пункт", fmt["head"])
    ws.merge_range(r, 1, r, 2, "Раздел", fmt["head"])
    ws.merge_range(r, 3, r, last, "Что сделать", fmt["head"])
    r += 1
    if not any(quality.swot.values()):
        ws.write_string(r, 0, "Куратор ещё не заполнил лист «SWOT-анализ» книги «07_Мониторинг».", fmt["note"])
    for quadrant, items in quality.swot.items():
        for factor, measure in items:
            ws.write_string(r, 0, factor, fmt["wrap"])
            ws.merge_range(r, 1, r, 2, quadrant, fmt["wrap"])
            ws.merge_range(r, 3, r, last, measure, fmt["wrap"])
            ws.set_row(r, 15 * max(len(factor) // 44 + 1, len(measure) // 46 + 1))
            r += 1
    colors = ["#4472C4", "#ED7D31"]
    answered = any(line.mentors is not None or line.mentees is not None for line in quality.survey)
    measured = any(g.n for g in quality.growth)
    for title, first, count, cols, cell, axis in (
            ("Анкеты: средние оценки (1–10)", layout.survey_row, layout.survey_count if answered else 0, (1, 2),
             (r + 1, 0), (1, 10)),
            ("Показатели на входе и на выходе", layout.growth_row, layout.growth_count if measured else 0, (1, 2),
             (r + 1, 4), None)):
        if not count:  # a chart of blanks says nothing: the tables say «no answers» instead
            continue
        chart = wb.add_chart({"type": "bar"})
        for j, col in enumerate(cols):
            chart.add_series({
                "name": [QUALITY_SHEET, first - 1, col],
                "categories": [QUALITY_SHEET, first, 0, first + count - 1, 0],
                "values": [QUALITY_SHEET, first, col, first + count - 1, col],
                "fill": {"color": colors[j]},
                "data_labels": {"value": True, "num_format": "[$-419]0.0"},
            })
        chart.set_title({"name": title, "name_font": {"size": 12}})
        chart.set_legend({"position": "bottom"})
        if axis:
            chart.set_x_axis({"min": axis[0], "max": axis[1], "major_unit": 1})
        chart.set_y_axis({"reverse": True})
        ws.insert_chart(cell[0], cell[1], chart, {"x_scale": 1.0, "y_scale": 1.25})
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_header("&L&9Анкеты и рост участников&R&8Мониторинг программы наставничества")
    ws.set_footer("&C&8Страница &P из &N")


def monitor_path(data: ProgramData) -> Path:
    return data.program.root / MONITOR_FILE

