"""Each participant's stage and what is missing before the next one (stages 1–3 and readiness for pairs);
from stage 6 on, the pairs that need the curator's attention as of a day (:mod:`toolkit.logic.attention`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from toolkit.base.values import clean_text, fold, person_key
from toolkit.logic.assessment import TestResult, score_program
from toolkit.model.program import STATUS_FILE, Participant, ProgramData

READY_MENTOR = "Готов к формированию пар"
READY_MENTEE = "Ожидает формирования пары"


@dataclass
class ParticipantStatus:
    id: str
    role: str
    role_name: str
    name: str
    stage: int
    stage_name: str
    ready: bool
    missing: list[str] = field(default_factory=list)
    training: str = ""
    test_gaps: list[str] = field(default_factory=list)
    pair: str = ""  # the pair or group fixed for this participant (stage 4 done)


@dataclass
class ProgramStatus:
    form: str
    form_name: str
    training_threshold: int
    training_meetings: int
    participants: list[ParticipantStatus]
    invited_without_application: list[dict[str, str]]
    testing: dict[str, Any] | None
    counts: dict[str, int]
    date: str = ""  # the day the attention list is computed for (ISO)
    attention: list[dict[str, Any]] = field(default_factory=list)  # [{"pair", "reasons", ...}]
    group_meetings: list[dict[str, Any]] = field(default_factory=list)  # [{"topic", "pairs"}]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _application_missing(p: Participant, data: ProgramData) -> list[str]:
    registry = data.books["applications"]
    table = registry.tables["mentors" if p.role == "mentor" else "mentees"]
    missing = []
    empty = [c.header for c in table.sheet.columns if c.required and c.key in p.row.cells
             and (p.values.get(c.key) in (None, "", []) or c.key in p.row.bad)]
    if empty:
        missing.append("заявка заполнена не полностью: " + ", ".join(f"«{h}»" for h in empty))
    if p.values.get("consent_participation") is not True:
        missing.append("нет согласия на участие")
    if p.values.get("consent_pd") is not True:
        who = " (для несовершеннолетнего — от родителя или законного представителя)" if data.program.profile.minors else ""
        missing.append("нет согласия на обработку персональных данных" + who)
    elif data.program.profile.minors and not p.values.get("consent_pd_by"):
        missing.append("не указано, кто дал согласие на обработку персональных данных")
    return missing + _partner_missing(p, data)


def _partner_missing(p: Participant, data: ProgramData) -> list[str]:
    """A mentor from a partner organisation (an employer, a college) is ready for a pair only once the school
    has an agreement of cooperation with it: a row on «Организации-партнёры» with its number and date."""
    registry = data.books["applications"]
    org = clean_text(p.values.get("organization") or p.values.get("study_place"))
    if p.role != "mentor" or not org or "partners" not in registry.tables:
        return []
    sheet = registry.tables["partners"].sheet.name
    partner = next((r.values for r in registry.tables["partners"].rows
                    if fold(r.values.get("organization")) == fold(org)), None)
    if partner is None:
        return [f"организации «{org}» нет на листе «{sheet}»: внесите её и соглашение о сотрудничестве"]
    if not clean_text(partner.get("agreement_number")) or not isinstance(partner.get("agreement_date"), dt.date):
        return [f"с организацией «{org}» нет соглашения о сотрудничестве (номер и дата на листе «{sheet}»)"]
    return []


def attendance(data: ProgramData) -> dict[str, int]:
    meetings = data.program.profile.training.meetings
    out: dict[str, int] = {}
    for row in data.rows("training", "attendance"):
        pid = row.values.get("id")
        if pid:
            out[pid] = out.get(pid, 0) + sum(1 for n in range(1, meetings + 1) if row.values.get(f"m{n}") is True)
    return out


def compute_status(data: ProgramData, today: dt.date | None = None) -> ProgramStatus:
    """Stages of participants; pairs needing attention as of ``today`` (default: the current day)."""
    profile = data.program.profile
    stages = {s.number: s.name for s in profile.stages}
    threshold = data.training_threshold()
    meetings = profile.training.meetings
    visits = attendance(data)
    tests, group = score_program(data)
    out: list[ParticipantStatus] = []
    for pid in sorted(data.participants, key=lambda x: (data.participants[x].role != "mentor", x)):
        p = data.participants[pid]
        missing = _application_missing(p, data)
        stage = 2
        training = ""
        gaps: list[str] = []
        if p.role == "mentor":
            if profile.testing is not None:
                result: TestResult | None = tests.get(pid)
                if result is None:
                    missing.append("тест не пройден")
                elif not result.complete:
                    missing.append(f"тест заполнен не полностью: ответов {result.answered} из {result.total}")
                else:
                    gaps = result.gaps
            count = visits.get(pid, 0)
            training = f"{count} из {meetings}"
            if not missing:
                stage = 3
                if count < threshold:
                    missing.append(f"обучение: посещено встреч {count} из {meetings}, нужно не менее {threshold}")
            else:
                if count < threshold:
                    missing.append(f"обучение: посещено встреч {count} из {meetings}, нужно не менее {threshold}")
        ready = not missing
        if ready:
            stage = 4
        stage_name = stages.get(stage, "")
        if ready:
            stage_name = READY_MENTOR if p.role == "mentor" else READY_MENTEE
        out.append(ParticipantStatus(pid, p.role, profile.roles[p.role], p.name, stage, stage_name,  # type: ignore[index]
                                     ready, missing, training, gaps))
    _mark_paired(data, out, stages)
    invited = _invited_without_application(data)
    testing_json = None
    if group is not None:
        testing_json = {
            "threshold": data.gap_threshold(),
            "tested": group.tested,
            "group_means": {d.name: group.means[d.key] for d in profile.testing.dimensions},  # type: ignore[union-attr]
            "focus": group.focus,
            "candidates": {pid: {"scores": {d.name: r.scores[d.key] for d in profile.testing.dimensions},  # type: ignore[union-attr]
                                 "gaps": r.gaps, "answered": r.answered, "total": r.total}
                           for pid, r in sorted(tests.items())},
        }
    counts = {
        "mentors": sum(1 for s in out if s.role == "mentor"),
        "mentees": sum(1 for s in out if s.role == "mentee"),
        "mentors_ready": sum(1 for s in out if s.role == "mentor" and s.ready),
        "mentees_ready": sum(1 for s in out if s.role == "mentee" and s.ready),
        "invited_without_application": len(invited),
        "pairs": len({s.pair for s in out if s.pair}),
    }
    day = today or dt.date.today()
    from toolkit.logic.attention import attention_list, group_meetings, pair_states

    states = pair_states(data, day)
    attention = attention_list(states)
    counts["pairs_attention"] = len(attention)
    return ProgramStatus(profile.form, profile.name, threshold, meetings, out, invited, testing_json, counts,
                         day.isoformat(), attention, group_meetings(states))


def _mark_paired(data: ProgramData, statuses: list[ParticipantStatus], stages: dict[int, str]) -> None:
    """Participants of a fixed pair or group have passed stage 4."""
    if "pairs" not in data.books:
        return
    from toolkit.stages.match import fixed_pairs

    pair_of: dict[str, str] = {}
    for pair in fixed_pairs(data):
        pair_of.setdefault(pair.mentor, pair.pair_id)
        for mentee in pair.mentees:
            pair_of.setdefault(mentee, pair.pair_id)
    for s in statuses:
        if s.id in pair_of and s.ready:
            s.pair = pair_of[s.id]
            s.stage = 5
            s.stage_name = f"{stages.get(5, '')} (пара {s.pair})"


def _invited_without_application(data: ProgramData) -> list[dict[str, str]]:
    registered = {person_key(p.values.get("last_name"), p.values.get("first_name"), p.values.get("middle_name"))
                  for p in data.participants.values()}
    out = []
    sheet = "invited" if data.program.profile.kind == "student" else "candidates"
    for row in data.rows("meeting", sheet):
        v = row.values
        key = person_key(v.get("last_name"), v.get("first_name"), v.get("middle_name"))
        if key in registered:
            continue
        if sheet == "invited":
            if fold(v.get("interest")) == fold("Не заинтересован"):
                continue
            note = "приглашён на мотивационную встречу, заявки нет"
        else:
            if v.get("consent") is False:
                continue
            note = ("дал добровольное согласие, заявки в реестре нет" if v.get("consent")
                    else "кандидат из числа опытных педагогов: согласие не получено, заявки нет")
        name = " ".join(clean_text(v.get(k)) for k in ("last_name", "first_name", "middle_name") if v.get(k))
        out.append({"name": name, "note": note, "row": str(row.number)})
    return out


def print_status(status: ProgramStatus, console: Any) -> None:
    from rich.table import Table

    table = Table(title=f"Участники программы «{status.form_name}»", show_lines=False)
    for header in ("Код", "ФИО", "Роль", "Этап", "Обучение", "Чего не хватает"):
        table.add_column(header, overflow="fold")
    for s in status.participants:
        style = "green" if s.ready else None
        table.add_row(s.id, s.name, s.role_name, s.stage_name, s.training, "; ".join(s.missing) or "—", style=style)
    console.print(table)
    c = status.counts
    console.print(f"Наставников: {c['mentors']}, готовы к формированию пар: {c['mentors_ready']}. "
                  f"Наставляемых: {c['mentees']}, с полной заявкой и согласиями: {c['mentees_ready']}.", soft_wrap=True)
    if status.invited_without_application:
        console.print(f"Приглашены на встречу, но без заявки: {len(status.invited_without_application)}.", soft_wrap=True)
    if status.testing and status.testing["focus"]:
        console.print("Фокус обучения (самые слабые измерения теста в группе): " + ", ".join(status.testing["focus"]) + ".", soft_wrap=True)
    print_attention(status, console)


def print_attention(status: ProgramStatus, console: Any) -> None:
    """Pairs needing attention and suggested group meetings (nothing when all is well)."""
    if not status.attention:
        return
    from toolkit.base.values import format_date

    day = format_date(dt.date.fromisoformat(status.date)) if status.date else ""
    console.print(f"Пары и группы, которым нужно внимание куратора (на {day}): {len(status.attention)}.", soft_wrap=True)
    for item in status.attention:
        console.print(f"  {item['pair']}: " + "; ".join(item["reasons"]) + ".", soft_wrap=True, markup=False)
    for meeting in status.group_meetings:
        console.print(f"Предлагается групповая встреча «{meeting['topic']}»: " + ", ".join(meeting["pairs"]) + ".",
                      soft_wrap=True, markup=False)


def write_status_workbook(status: ProgramStatus, path: Path) -> None:
    """A workbook the curator opens: participants, test results, totals. Recreated by each run."""
    import xlsxwriter

    from toolkit.base.files import write_atomic

    def produce(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
        head = wb.add_format({"bold": True, "text_wrap": True, "border": 1, "bg_color": "#DDEBF7", "valign": "vcenter"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        ok = wb.add_format({"text_wrap": True, "valign": "top", "bg_color": "#E2EFDA"})
        title = wb.add_format({"bold": True, "font_size": 14})
        note = wb.add_format({"italic": True, "font_color": "#595959"})

        def sheet(name: str, headers: list[tuple[str, int]], rows: list[list[Any]], marks: list[bool] | None = None) -> None:
            ws = wb.add_worksheet(name)
            for c, (h, width) in enumerate(headers):
                ws.set_column(c, c, width)
                ws.write_string(0, c, h, head)
            for r, values in enumerate(rows, start=1):
                fmt = ok if marks and marks[r - 1] else wrap
                for c, value in enumerate(values):
                    if isinstance(value, (int, float)) and not isinstance(value, bool):
                        ws.write_number(r, c, value, fmt)
                    else:
                        ws.write_string(r, c, "" if value is None else str(value), fmt)
            ws.freeze_panes(1, 2 if len(headers) > 2 else 0)
            ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
            ws.set_landscape()
            ws.set_paper(9)
            ws.fit_to_pages(1, 0)
            ws.repeat_rows(0)
            ws.set_footer("&C&8Страница &P из &N")

        summary = wb.add_worksheet("Итоги")
        summary.set_column(0, 0, 60)
        summary.set_column(1, 1, 20)
        summary.write_string(0, 0, f"Статус программы наставничества «{status.form_name}»", title)
        summary.write_string(1, 0, "Файл пересоздаётся командой «nastavnik status»: не вносите в него данные.", note)
        c = status.counts
        lines: list[tuple[str, Any]] = [
            ("Наставников в реестре", c["mentors"]), ("Из них готовы к формированию пар", c["mentors_ready"]),
            ("Наставляемых в реестре", c["mentees"]), ("Из них с полной заявкой и согласиями", c["mentees_ready"]),
            ("Приглашены на встречу, заявки нет", c["invited_without_application"]),
            ("Порог обучения: встреч посетить не менее", f"{status.training_threshold} из {status.training_meetings}"),
        ]
        if status.testing:
            lines.append(("Прошли тест полностью", status.testing["tested"]))
            lines.append(("Фокус обучения (слабые измерения группы)", ", ".join(status.testing["focus"]) or "—"))
        for r, (label, value) in enumerate(lines, start=3):
            summary.write_string(r, 0, label, wrap)
            if isinstance(value, int):
                summary.write_number(r, 1, value)
            else:
                summary.write_string(r, 1, str(value), wrap)
        summary.set_paper(9)
        summary.fit_to_pages(1, 0)

        sheet("Участники", [("Код", 9), ("ФИО", 30), ("Роль", 16), ("Этап", 30), ("Обучение", 10),
                            ("Чего не хватает до следующего этапа", 70)],
              [[s.id, s.name, s.role_name, s.stage_name, s.training, "; ".join(s.missing) or "—"]
               for s in status.participants], [s.ready for s in status.participants])
        if status.testing:
            dims = list(status.testing["group_means"])
            rows: list[list[Any]] = []
            names = {s.id: s.name for s in status.participants}
            for pid, r in status.testing["candidates"].items():
                rows.append([pid, names.get(pid, ""), *[r["scores"][d] if r["scores"][d] is not None else "" for d in dims],
                             f"{r['answered']} из {r['total']}", ", ".join(r["gaps"]) or "—"])
            rows.append(["", "Среднее по группе", *[status.testing["group_means"][d] or "" for d in dims], "",
                         ", ".join(status.testing["focus"])])
            sheet("Тестирование", [("Код", 9), ("ФИО", 30), *[(d, 16) for d in dims], ("Ответов", 10),
                                   ("Пробелы (восполнить на обучении)", 40)], rows)
        if status.attention:
            names = {s.id: s.name for s in status.participants}
            sheet("Внимание", [("Пара / группа", 11), ("Наставник", 30), ("Наставляемые", 40), ("Состояние", 18),
                               ("Почему нужно внимание", 90)],
                  [[a["pair"], names.get(a["mentor"], a["mentor"]), ", ".join(names.get(m, m) for m in a["mentees"]),
                    a["state"], "; ".join(a["reasons"])] for a in status.attention]
                  + [["", "Групповая встреча", ", ".join(g["pairs"]), "", g["topic"]] for g in status.group_meetings])
        if status.invited_without_application:
            sheet("Без заявки", [("ФИО", 34), ("Строка в книге «01_Встреча»", 14), ("Что дальше", 60)],
                  [[i["name"], i["row"], i["note"]] for i in status.invited_without_application])
        wb.close()

    write_atomic(path, produce)


def status_path(data: ProgramData) -> Path:
    return data.program.root / STATUS_FILE


