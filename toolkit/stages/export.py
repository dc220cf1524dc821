"""The pseudonymised, aggregated copy of a program for the municipality (``nastavnik export --anonymize``).

Personal data of minors must not leave the school (152-ФЗ): the copy has no names, contacts or free-text
answers (free text may name people). Participants are labelled «Наставник 1», «Наставляемый 2»… by the
order of their participant IDs (never by names), so the labels are the same for the same data; the class
is kept only as a band («5–6 кл.»), a teacher's experience only as a band («10–19 лет»). Counts come from
:func:`toolkit.logic.readiness.compute_status`, pair states and meetings from :mod:`toolkit.logic.attention` and
:mod:`toolkit.stages.monitor` — nothing is computed twice.

The monitoring of the target model (book «07_Мониторинг», :func:`toolkit.logic.monitoring.summarize` as known
on the day of the copy) goes as aggregates only: how many mentors and mentees answered the questionnaire
(stage 1) and the mean of each 1–10 scale by role, and the indicators on entry and on exit (stage 2) over the
mentees measured twice — never a row per person, never the free-text answers or the curator's SWOT (free text
may name people).

The very hidden sheet «_meta» makes the copy readable by the municipality's roll-up
(:mod:`toolkit.stages.rollup`): what it is (``kind``), the version of its layout (``format``: a roll-up
refuses a layout it does not know), the school's identity and the exact sums behind the averages.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.base.values import clean_text, fold
from toolkit.books.printing import apply_print_layout
from toolkit.books.writer import fitted_height
from toolkit.model.program import ProgramData

EXPORT_FILE = "Выгрузка для муниципалитета (обезличенная).xlsx"
EXPORT_KIND = "nastavnik-export"
EXPORT_FORMAT = 3  # the layout of the copy; raise it whenever a sheet, a column or a «_meta» key changes meaning
# format 3 = format 2 + the monitoring: sheets «Анкеты», «Рост участников» and the «_meta» keys «mon_…»
PRACTICE_LEVELS = ("Городской", "Краевой", "Всероссийский")

CLASS_BANDS = ((1, 4, "1–4 кл."), (5, 6, "5–6 кл."), (7, 8, "7–8 кл."), (9, 11, "9–11 кл."))
EXPERIENCE_BANDS = ((3, "до 3 лет"), (10, "3–9 лет"), (20, "10–19 лет"), (float("inf"), "20 лет и более"))


@dataclass
class Export:
    """The sheets of the copy: label/value lines and rows (every cell a number or a string)."""

    summary: list[tuple[str, Any]]
    participants: list[list[Any]]
    pairs: list[list[Any]]
    survey: list[list[Any]] = field(default_factory=list)  # monitoring, stage 1: a line per question, by role
    growth: list[list[Any]] = field(default_factory=list)  # monitoring, stage 2: a line per indicator
    labels: dict[str, str] = field(default_factory=dict)  # participant ID -> pseudonym (kept in memory only)
    meta: dict[str, str] = field(default_factory=dict)  # the «_meta» sheet: identity, format, exact sums


def class_band(value: Any) -> str:
    match = re.match(r"\s*(\d{1,2})", clean_text(value))
    if not match:
        return "—"
    number = int(match.group(1))
    return next((label for low, high, label in CLASS_BANDS if low <= number <= high), "—")


def experience_band(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        return "—"
    return next(label for below, label in EXPERIENCE_BANDS if value < below)


def gender(value: Any) -> str:
    """«м» or «ж»; anything else typed in the column (it could be anything) is not exported."""
    text = fold(value)
    return "м" if text in ("м", "муж", "мужской") else "ж" if text in ("ж", "жен", "женский") else "—"


def pseudonyms(data: ProgramData) -> dict[str, str]:
    """«Наставник 1», «Наставляемый 1»… numbered by sorted participant IDs within each role."""
    roles = data.program.profile.roles
    out: dict[str, str] = {}
    for role in ("mentor", "mentee"):
        ids = sorted(pid for pid, p in data.participants.items() if p.role == role)
        for n, pid in enumerate(ids, start=1):
            out[pid] = f"{roles[role]} {n}"  # type: ignore[index]
    return out


def school_key(code: Any, full: Any, short: Any, city: Any) -> str:
    """How the municipality tells schools apart: the ИНН when given, else the full name and the place."""
    digits = re.sub(r"\D", "", clean_text(code))
    if digits:
        return f"инн:{digits}"
    return "имя:" + " ".join(fold(x) for x in (full or short, city) if clean_text(x))


def _sums(values: list[Any]) -> tuple[float, int]:
    numbers = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return sum(numbers), len(numbers)


def build_export(data: ProgramData, today: dt.date, now: dt.datetime | None = None) -> Export:
    from toolkit.logic.attention import pair_states
    from toolkit.logic.readiness import compute_status

    profile = data.program.profile
    settings = data.settings()
    status = compute_status(data, today)
    labels = pseudonyms(data)
    stages = {s.number: s.name for s in profile.stages}
    c = status.counts
    summary: list[tuple[str, Any]] = [
        ("Школа", clean_text(settings.get("school_short") or settings.get("school_full")) or "—"),
        ("Форма наставничества", profile.name),
        ("Учебный год", clean_text(settings.get("academic_year")) or "—"),
        ("На дату", today.strftime("%d.%m.%Y")),
        ("Наставников в реестре", c["mentors"]),
        ("Из них готовы к формированию пар", c["mentors_ready"]),
        ("Наставляемых в реестре", c["mentees"]),
        ("Из них с полной заявкой и согласиями", c["mentees_ready"]),
        ("Закреплено пар и групп", c["pairs"]),
        ("Пар и групп, которым нужно внимание", c["pairs_attention"]),
    ]
    for number in sorted({s.stage for s in status.participants}):
        for role in ("mentor", "mentee"):
            n = sum(1 for s in status.participants if s.stage == number and s.role == role)
            if n:
                summary.append((f"Этап {number} «{stages.get(number, '')}»: {profile.roles_plural[role].lower()}", n))  # type: ignore[index]
    pupils_total = settings.get("pupils_total")
    summary.insert(3, ("Обучающихся в школе", pupils_total if isinstance(pupils_total, int) else "—"))
    meta: dict[str, Any] = {
        "kind": EXPORT_KIND, "format": EXPORT_FORMAT, "toolkit": _version(),
        "created": (now or dt.datetime.now()).isoformat(timespec="microseconds"), "date": today.isoformat(),
        "school_key": school_key(settings.get("school_code"), settings.get("school_full"),
                                 settings.get("school_short"), settings.get("city")),
        "school": summary[0][1], "city": clean_text(settings.get("city")), "program_id": data.program.program_id,
        "form": profile.form, "form_name": profile.name, "year": summary[2][1],
        "role_mentor": profile.roles["mentor"], "role_mentee": profile.roles["mentee"],
        "pupils_total": pupils_total if isinstance(pupils_total, int) else "",
        "mentors": c["mentors"], "mentees": c["mentees"], "pairs": c["pairs"],
        "pairs_attention": c["pairs_attention"],
    }
    meetings: list[dict[str, Any]] = []
    if "pairs" in data.books:
        from toolkit.stages.monitor import build_monitor

        monitor = build_monitor(data, today)
        summary.extend((label, value) for label, value in monitor.totals
                       if label not in ("Пар и групп, которым нужно внимание",))
        meetings = [m for state in monitor.states for m in state.meetings]
    meta["meetings"] = len(meetings)
    for side in ("mentor", "mentee"):
        total, n = _sums([m.get(f"{side}_score") for m in meetings])
        meta[f"{side}_score_sum"], meta[f"{side}_score_n"] = round(total, 6), n
    practices = [row.values for row in data.rows("results", "practices")] if "results" in data.books else []
    for n, level in enumerate(PRACTICE_LEVELS, start=1):
        count = sum(1 for v in practices if clean_text(v.get("level")) == level)
        meta[f"practices_level{n}"] = count
        summary.append((f"Лучших практик на конкурсе: {level.lower()} уровень", count))
    meta["practices"] = len(practices)
    summary.append(("Лучших практик всего", len(practices)))
    participants: list[list[Any]] = []
    for s in sorted(status.participants, key=lambda s: (s.role != "mentor", s.id)):
        v = data.participants[s.id].values
        band = class_band(v.get("class")) if "class" in v else experience_band(v.get("experience", v.get("work_experience")))
        participants.append([labels[s.id], profile.roles[s.role], band, gender(v.get("gender")),  # type: ignore[index]
                             f"{s.stage}. {stages.get(s.stage, '')}", "да" if s.ready else "нет"])
    pairs: list[list[Any]] = []
    if "pairs" in data.books:
        from toolkit.model.pairs import fixed_pairs

    if "pairs" in data.books:
        states = {st.pair_id: st.state for st in pair_states(data, today)}
        for n, pair in enumerate(fixed_pairs(data), start=1):
            pairs.append([f"Пара {n}" if not pair.is_group else f"Группа {n}", labels.get(pair.mentor, "—"),
                          ", ".join(labels.get(m, "—") for m in pair.mentees), len(pair.mentees),
                          ", ".join(pair.schemes) or pair.scheme or "—", states.get(pair.pair_id, "—")])
    pupils = {pid for pair in (fixed_pairs(data) if "pairs" in data.books else []) for pid in (pair.mentor, *pair.mentees)
              if pid in data.participants and data.participants[pid].role in profile.school_pupils}
    meta["pupils_in_pairs"] = len(pupils)
    summary.append(("Обучающихся школы в парах и группах", len(pupils)))
    survey, growth = monitoring_figures(data, today, summary, meta)
    return Export(summary, participants, pairs, survey, growth, labels, {k: str(v) for k, v in meta.items()})


def _of(yes: int, n: int) -> str:
    return f"{yes} из {n}" if n else "—"


def monitoring_figures(data: ProgramData, today: dt.date, summary: list[tuple[str, Any]],
                       meta: dict[str, Any]) -> tuple[list[list[Any]], list[list[Any]]]:
    """The monitoring as known on ``today``, aggregated: the rows of «Анкеты» and «Рост участников», lines of
    «Сводка» and the exact sums in ``meta`` («mon_…»: a roll-up weights schools by the answers behind a mean)."""
    from toolkit.logic.monitoring import growth_kind, summarize

    q = summarize(data, today)
    meta.update(mon_mentors_answered=q.mentors_answered, mon_mentors_total=q.mentors_total,
                mon_mentees_answered=q.mentees_answered, mon_mentees_total=q.mentees_total,
                mon_items=",".join(line.key for line in q.survey), mon_growth=",".join(g.key for g in q.growth))
    survey: list[list[Any]] = [["Заполнили анкету (этап 1)", _of(q.mentors_answered, q.mentors_total),
                                _of(q.mentees_answered, q.mentees_total)]]
    for line in q.survey:
        meta.update({f"mon_{line.key}_mentor_sum": round(line.mentors_sum, 6), f"mon_{line.key}_mentor_n": line.mentors_n,
                     f"mon_{line.key}_mentee_sum": round(line.mentees_sum, 6), f"mon_{line.key}_mentee_n": line.mentees_n})
        survey.append([f"{line.label}: средняя оценка (1–10)", "—" if line.mentors is None else line.mentors,
                       "—" if line.mentees is None else line.mentees])
    growth: list[list[Any]] = []
    for g in q.growth:
        meta.update({f"mon_{g.key}_n": g.n, f"mon_{g.key}_entry_sum": round(g.entry_sum, 6),
                     f"mon_{g.key}_exit_sum": round(g.exit_sum, 6), f"mon_{g.key}_better": g.better,
                     f"mon_{g.key}_worse": g.worse})
        growth.append([g.label + (" (меньше — лучше)" if g.lower_better else "") + (", человек" if g.count else ""),
                       g.n, *("—" if v is None else v for v in (g.entry, g.exit, g.change)), g.better, g.worse])
    lines = [("go_on", "Мониторинг: хотят продолжить участие в программе (наставники и наставляемые)", q.go_on),
             ("become_mentor", "Мониторинг: наставляемых, которые хотят стать наставниками", q.become_mentor)]
    if growth_kind(data.program.profile) == "teacher":
        lines.append(("stays", "Мониторинг: молодых педагогов, которые остаются работать в школе", q.stays))
    for key, label, (yes, n) in lines:
        meta[f"mon_{key}_yes"], meta[f"mon_{key}_n"] = yes, n
        summary.append((label, _of(yes, n)))
    return survey, growth


def _version() -> str:
    from toolkit import __version__

    return __version__


def export_path(data: ProgramData) -> Path:
    return data.program.root / EXPORT_FILE


EXPORT_OWNER = "nastavnik export"


def write_export_workbook(export: Export, path: Path) -> list[str]:
    """Sheets «Сводка», «Участники», «Пары»; strings are written as strings, never as formulas. ``path`` (a
    given --out too) is checked as every output is: never a person's book; anything else there is backed up."""
    import xlsxwriter

    from toolkit.books.outputs import OWNER_PROPERTY, write_output

    def produce(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
        wb.set_custom_property(OWNER_PROPERTY, EXPORT_OWNER)
        head = wb.add_format({"bold": True, "text_wrap": True, "border": 1, "bg_color": "#DDEBF7", "valign": "vcenter"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})

        def put(ws: Any, r: int, c: int, value: Any) -> None:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, c, value, wrap)
            else:
                ws.write_string(r, c, "" if value is None else str(value), wrap)

        def sheet(name: str, headers: list[tuple[str, int]], rows: list[list[Any]]) -> None:
            ws = wb.add_worksheet(name)
            for c, (h, width) in enumerate(headers):
                ws.set_column(c, c, width)
                ws.write_string(0, c, h, head)
            ws.set_row(0, fitted_height([(h, w) for h, w in headers], bold=True))
            for r, values in enumerate(rows, start=1):
                for c, value in enumerate(values):
                    put(ws, r, c, value)
                # office suites do not grow wrapped rows on load: the row is as high as its text
                ws.set_row(r, fitted_height([(v, w) for v, (_, w) in zip(values, headers, strict=False)
                                             if isinstance(v, str)]))
            ws.freeze_panes(1, 0)
            apply_print_layout(ws, [w for _, w in headers], landscape=len(headers) > 2, key_columns=1)

        sheet("Сводка", [("Показатель", 60), ("Значение", 24)], [list(line) for line in export.summary])
        sheet("Участники", [("Участник", 18), ("Роль", 16), ("Класс / стаж", 14), ("Пол", 7), ("Этап", 40),
                            ("Готов к паре", 12)], export.participants)
        sheet("Пары", [("Пара / группа", 14), ("Наставник", 18), ("Наставляемые", 40), ("Наставляемых", 12),
                       ("Схема", 30), ("Состояние", 24)], export.pairs)
        sheet("Анкеты", [("Мониторинг, этап 1: анкеты", 52), ("Наставники", 14), ("Наставляемые", 14)],
              export.survey)
        sheet("Рост участников", [("Мониторинг, этап 2: показатель наставляемых", 46),
                                  ("Наставляемых с замером на входе и на выходе", 14), ("На входе (среднее)", 11),
                                  ("На выходе (среднее)", 11), ("Изменение", 10), ("Показатель улучшился, человек", 13),
                                  ("Показатель ухудшился, человек", 13)], export.growth)
        meta = wb.add_worksheet("_meta")
        for r, (key, value) in enumerate(export.meta.items()):
            meta.write_string(r, 0, key)
            meta.write_string(r, 1, value)
        meta.very_hidden()
        wb.close()

    return write_output(path, produce, owner=EXPORT_OWNER, sheets=["Сводка", "Участники", "Пары", "Анкеты", "Рост участников", "_meta"],
                        command=EXPORT_OWNER)
