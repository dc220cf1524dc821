"""Stage 4: pairs and groups «наставник – наставляемый(е)» by the three schemes of the seeds.

* **предложение** (curator's proposal): the curator writes proposals on the sheet «Предложения»; a pair is
  fixed only when both sides agreed (for teachers also after a personal meeting, whose date is required);
* **встреча** (group meeting, Mentor Match): the first run writes the rotation schedule of speed meetings and
  the sheet of wishes; once the ranks are typed in, pairs form only where wishes coincide — a stable
  assignment (:func:`toolkit.logic.pairing.stable_assignment`) that respects each mentor's capacity;
* **анкеты** (remote questionnaires): every allowed pair is scored with the weights of the form's profile
  (:mod:`toolkit.logic.scoring`), the maximum-total assignment (:func:`toolkit.logic.pairing.best_assignment`) is
  proposed with explanations and alternatives; the curator marks consents and the next run fixes the pairs.

Only ready participants take part (:func:`toolkit.stages.status.compute_status`). Fixed pairs land on the sheet
«Пары» of «04_Пары.xlsx» that later stages read. A person's typed values are never lost: every row is
written back from :meth:`toolkit.books.reader.Row.kept_values`, the previous file is copied to «Резервные копии»
and the new one is written atomically.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.base import files
from toolkit.base.lock import locks_program
from toolkit.base.problems import NastavnikError, Report
from toolkit.base.values import clean_text, format_date
from toolkit.books.reader import Row
from toolkit.books.rewrite import ensure_rewritable, rewrite_stage_book
from toolkit.books.writer import ForeignSheet
from toolkit.checks.pairs import validate_pairs
from toolkit.checks.program import load_program
from toolkit.logic.candidates import Context, build_context, declined_pairs, why_not_ready
from toolkit.logic.scoring import (
    Rules,
    all_scores,
    format_score,
    hard_rule,
    planned_end,
    score_pair,
)
from toolkit.model.pairs import (
    BOOK,
    MEETING,
    PAIR_ID_PATTERN,
    PAIR_PREFIX,
    PROPOSAL,
    QUESTIONNAIRE,
    SCHEME_NAMES,
    STATUS_ACTIVE,
    consent,
    is_ended,
    is_fixed,
    normalize_pair_id,
)
from toolkit.model.program import Program, ProgramData
from toolkit.spec import WorkbookSpec

DEFAULT_MINUTES = 7
DEFAULT_BEGIN = "15:00"


def pairs_spec(program: Program) -> WorkbookSpec:
    for wb in program.specs:
        if wb.key == BOOK:
            return wb
    raise NastavnikError(f"В профиле формы {program.profile.folder} нет книги пар («{BOOK}» в списке workbooks).")


# --------------------------------------------------------------------------- rows of the workbook










def _touched(values: dict[str, Any]) -> bool:
    """The curator typed something in a row the program proposed (a consent, a date or a note)."""
    return any(values.get(k) not in (None, "") for k in ("consent_mentor", "consent_mentee", "meeting_date", "note"))


def _waiting_text(values: dict[str, Any], rules: Rules) -> str:
    need = [who for key, who in (("consent_mentor", "наставника"), ("consent_mentee", "наставляемого"))
            if consent(values, key) is not True]
    if need:
        return "Ждёт согласия " + " и ".join(need)
    if rules.personal_meeting_required and not isinstance(values.get("meeting_date"), dt.date):
        return "Ждёт личной встречи: укажите её дату"
    return "Ждёт решения куратора"


def _refusal_text(values: dict[str, Any]) -> str:
    who = [w for key, w in (("consent_mentor", "наставник"), ("consent_mentee", "наставляемый"))
           if consent(values, key) is False]
    return "Отказ (" + ", ".join(who) + "): пара не формируется и больше не предлагается"


# --------------------------------------------------------------------------- check


# --------------------------------------------------------------------------- state of a run


@dataclass
class MatchOptions:
    scheme: str
    start: dt.date | None = None  # start date of new pairs (default: today, not before the program start)
    meeting_date: dt.date | None = None  # date of the Mentor Match meeting (default: today)
    rounds: int | None = None
    group_size: int | None = None
    minutes: int = DEFAULT_MINUTES
    begin: str = DEFAULT_BEGIN
    reschedule: bool = False
    today: dt.date | None = None
    backup: bool = True  # copy the previous workbook to «Резервные копии» (the demo's own steps skip it)


@dataclass
class MatchOutcome:
    scheme: str
    path: Path
    backup: Path | None
    lines: list[str]
    formed: list[tuple[str, str, str]] = field(default_factory=list)  # (pair ID, mentor, mentee)
    proposed: list[tuple[str, str]] = field(default_factory=list)  # questionnaire: (mentor, mentee)
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    rounds: int = 0


class _State:
    """The rows of the pairs workbook as they will be written back (typed values kept)."""

    def __init__(self, ctx: Context, spec: WorkbookSpec) -> None:
        self.ctx = ctx
        self.spec = spec
        book = ctx.data.books.get(BOOK)
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.source: dict[str, list[Row]] = {}  # the rows as read, in the same order (cells for problems)
        self.sheet_names = {sheet.key: sheet.name for sheet in spec.sheets}
        for sheet in spec.sheets:
            table = book.tables.get(sheet.key) if book else None
            self.source[sheet.key] = list(table.rows) if table else []
            self.rows[sheet.key] = [r.kept_values() for r in self.source[sheet.key]]
            if table:
                self.sheet_names[sheet.key] = table.name
        self.rows["unmatched"] = []
        self.formed: list[tuple[str, str, str]] = []
        self.proposed: list[tuple[str, str]] = []

    # -------------------------------------------------------------- pairs sheet helpers

    @property
    def pairs(self) -> list[dict[str, Any]]:
        return self.rows["pairs"]

    def active(self) -> list[dict[str, Any]]:
        return [v for v in self.pairs if not is_ended(v) and v.get("mentor_id") and v.get("mentee_id")]

    def paired_mentees(self) -> dict[str, str]:
        return {v["mentee_id"]: normalize_pair_id(v.get("pair_id")) for v in self.active()}

    def mentor_load(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for v in self.active():
            out[v["mentor_id"]] = out.get(v["mentor_id"], 0) + 1
        return out

    def remaining(self, mentor: str, reserved: dict[str, int] | None = None) -> int:
        used = self.mentor_load().get(mentor, 0) + (reserved or {}).get(mentor, 0)
        return max(self.ctx.capacity(mentor) - used, 0)

    def pair_of(self, mentor: str, mentee: str) -> str | None:
        for v in self.active():
            if v["mentor_id"] == mentor and v["mentee_id"] == mentee:
                return normalize_pair_id(v.get("pair_id")) or "без кода"
        return None

    def _next_id(self) -> str:
        numbers = [int(m.group(1)) for v in self.pairs if (m := PAIR_ID_PATTERN.match(clean_text(v.get("pair_id"))))]
        return f"{PAIR_PREFIX}{max(numbers, default=0) + 1:03d}"

    def group_id(self, mentor: str) -> str:
        for v in self.active():
            if v["mentor_id"] == mentor and v.get("pair_id"):
                return normalize_pair_id(v["pair_id"])
        return self._next_id()

    def form(self, mentor: str, mentee: str, scheme: str, start: dt.date, **extra: Any) -> str:
        pid = self.group_id(mentor)
        row: dict[str, Any] = {
            "pair_id": pid, "mentor_id": mentor, "mentor_name": self.ctx.name(mentor), "mentee_id": mentee,
            "mentee_name": self.ctx.name(mentee), "scheme": SCHEME_NAMES[scheme], "consent_mentor": True,
            "consent_mentee": True, "start": start, "status": STATUS_ACTIVE,
        }
        row.update({k: v for k, v in extra.items() if v not in (None, "")})
        self.pairs.append(row)
        self.formed.append((pid, mentor, mentee))
        return pid

    def refresh(self, start: dt.date) -> None:
        """Computed columns of «Пары»: codes, names, score and explanation, dates, status, pair or group."""
        ctx = self.ctx
        for v in self.pairs:
            if v.get("pair_id"):
                v["pair_id"] = normalize_pair_id(v["pair_id"])
        for v in self.pairs:
            mentor, mentee = v.get("mentor_id"), v.get("mentee_id")
            for id_key, name_key in (("mentor_id", "mentor_name"), ("mentee_id", "mentee_name")):
                pid = v.get(id_key)
                if not v.get(name_key) and isinstance(pid, str) and pid in ctx.people:
                    v[name_key] = ctx.name(pid)
            if ctx.known(mentor, "mentor") and ctx.known(mentee, "mentee"):
                score = score_pair(ctx.people[mentor], ctx.people[mentee], ctx.rules)
                rule = hard_rule(ctx.people[mentor], ctx.people[mentee], ctx.rules)
                v["score"] = score.score
                v["explanation"] = score.explanation + (f"; нарушено правило: {rule[1]}" if rule else "")
            if is_ended(v) or not mentor or not mentee:
                continue
            if not v.get("pair_id"):
                v["pair_id"] = self.group_id(mentor)
            fixed = is_fixed(v, ctx.rules.personal_meeting_required)
            if v.get("start") in (None, "") and fixed:
                v["start"] = start
            if isinstance(v.get("start"), dt.date) and v.get("end") in (None, "") and ctx.known(mentee, "mentee"):
                v["end"] = planned_end(v["start"], ctx.people[mentee].request_kind, ctx.rules, ctx.program_end)
            if v.get("status") in (None, "") and fixed:
                v["status"] = STATUS_ACTIVE
        sizes: dict[str, int] = {}
        for v in self.active():
            sizes[v["pair_id"]] = sizes.get(v["pair_id"], 0) + 1
        for v in self.pairs:
            if is_ended(v):
                v["kind"] = "—"
            elif v.get("pair_id") in sizes:
                n = sizes[v["pair_id"]]
                v["kind"] = "пара" if n == 1 else f"группа ({n})"


def _check_dates(ctx: Context, options: MatchOptions) -> None:
    """A date given for new pairs or a meeting lies within the program (or, with no dates in the settings, within
    a year of today): a schedule for 31.12.9999 would be flagged by `check` at once."""
    from toolkit.base.messages import fault

    today = options.today or dt.date.today()
    low = ctx.program_start or today - dt.timedelta(days=366)
    high = ctx.program_end or today + dt.timedelta(days=366)
    for option, value in (("--start", options.start), ("--date", options.meeting_date)):
        if value is not None and not low <= value <= high:
            raise NastavnikError(fault(
                "date-outside-program" if ctx.program_start or ctx.program_end else "date-outside-year",
                option=option, date=format_date(value), start=format_date(low), end=format_date(high)))


def _start_date(ctx: Context, options: MatchOptions) -> dt.date:
    if options.start:
        return options.start
    today = options.today or dt.date.today()
    if ctx.program_start and today < ctx.program_start:
        return ctx.program_start
    return today


def _pair_blocker(ctx: Context, state: _State, mentor: str, mentee: str,
                  declined: Iterable[tuple[str, str]] = ()) -> str | None:
    """Why the pair cannot be fixed now (Russian, for the «Результат» column), or None."""
    if not ctx.known(mentor, "mentor") or not ctx.known(mentee, "mentee"):
        return "Неизвестный код участника: проверьте коды по книге «02_Заявки»"
    other = state.paired_mentees().get(mentee)
    if other:
        return f"Наставляемый уже в паре {other}"
    rule = hard_rule(ctx.people[mentor], ctx.people[mentee], ctx.rules, declined)
    if rule:
        return f"Пара невозможна: {rule[1]}"
    for pid, who in ((mentor, "Наставник"), (mentee, "Наставляемый")):
        if not ctx.ready.get(pid, False):
            return f"{who} не готов(а): " + "; ".join(ctx.missing.get(pid, []))
    return None


# --------------------------------------------------------------------------- scheme 1: proposal


def _run_proposal(ctx: Context, state: _State, start: dt.date, report: Report, label: str) -> list[str]:
    lines: list[str] = []
    formed = waiting = refused = blocked = 0
    for i, v in enumerate(state.rows["proposals"]):
        mentor, mentee = v.get("mentor_id"), v.get("mentee_id")
        if not isinstance(mentor, str) or not isinstance(mentee, str) or not mentor or not mentee:
            v["result"] = "Укажите коды наставника и наставляемого"
            blocked += 1
            continue
        existing = state.pair_of(mentor, mentee)
        if existing:
            v["result"] = f"Пара закреплена: {existing}"
            continue
        if consent(v, "consent_mentor") is False or consent(v, "consent_mentee") is False:
            v["result"] = _refusal_text(v)
            refused += 1
            continue
        blocker = _pair_blocker(ctx, state, mentor, mentee)
        if blocker:
            v["result"] = blocker
            blocked += 1
            continue
        if not is_fixed(v, ctx.rules.personal_meeting_required):
            v["result"] = _waiting_text(v, ctx.rules)
            waiting += 1
            continue
        if state.remaining(mentor) <= 0:
            v["result"] = f"У наставника нет свободных мест (готов взять {ctx.capacity(mentor)})"
            report.add("pair-capacity", file=label, sheet=state.sheet_names["proposals"],
                       cell=state.source["proposals"][i].cell("mentor_id"), field="Код наставника",
                       id=mentor, name=ctx.name(mentor), capacity=ctx.capacity(mentor))
            blocked += 1
            continue
        pid = state.form(mentor, mentee, PROPOSAL, start, meeting_date=v.get("meeting_date"), note=v.get("note"))
        v["result"] = f"Пара закреплена: {pid}"
        formed += 1
    lines.append(f"Предложения куратора: закреплено пар {formed}, ждут согласия {waiting}, отказов {refused}, "
                 f"не могут быть закреплены {blocked}.")
    if not state.rows["proposals"]:
        lines.append("Лист «Предложения» пуст: впишите, какого наставника вы предлагаете каждому наставляемому, "
                     "и отметьте согласие обеих сторон.")
    return lines


# --------------------------------------------------------------------------- scheme 2: Mentor Match


def _parse_begin(text: str) -> int:
    m = re.match(r"^\s*(\d{1,2})[:.](\d{2})\s*$", text or "")
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise NastavnikError(f"Время начала «{text}» не понято. Укажите его как ЧЧ:ММ, например 15:00.")
    return int(m.group(1)) * 60 + int(m.group(2))


def _clock(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _make_schedule(ctx: Context, state: _State, options: MatchOptions) -> list[str]:
    from toolkit.logic.pairing import rotation_schedule

    paired = state.paired_mentees()
    mentors = sorted(p for p, person in ctx.people.items()
                     if person.role == "mentor" and ctx.ready.get(p) and state.remaining(p) > 0)
    mentees = sorted(p for p, person in ctx.people.items()
                     if person.role == "mentee" and ctx.ready.get(p) and p not in paired)
    if not mentors or not mentees:
        raise NastavnikError(
            "Для групповой встречи нужны готовые наставники со свободными местами и готовые наставляемые без пары: "
            f"сейчас их {len(mentors)} и {len(mentees)}. Посмотрите «nastavnik status».")
    if options.minutes < 1 or options.minutes > 120:
        raise NastavnikError("Длительность раунда — от 1 до 120 минут.")
    size = options.group_size or math.ceil(len(mentees) / len(mentors))
    if size < 1:
        raise NastavnikError("Размер группы наставляемых за одним столом — не меньше 1.")
    groups = [mentees[i:i + size] for i in range(0, len(mentees), size)]
    labels = [f"группа {i + 1}" for i in range(len(groups))]
    by_label = dict(zip(labels, groups, strict=True))
    try:
        schedule = rotation_schedule(mentors, labels, options.rounds)
    except ValueError as exc:
        raise NastavnikError(str(exc)) from exc
    begin = _parse_begin(options.begin)
    day = options.meeting_date or options.today or dt.date.today()
    table_of = {m: i + 1 for i, m in enumerate(mentors)}
    rows: list[dict[str, Any]] = []
    met: list[tuple[str, str]] = []
    for r, meetings in enumerate(schedule):
        time = f"{_clock(begin + r * options.minutes)}–{_clock(begin + (r + 1) * options.minutes)}"
        for mentor, label in sorted(meetings, key=lambda x: table_of[x[0]]):
            for mentee in by_label[label]:
                rows.append({"round": r + 1, "time": time, "table": table_of[mentor], "mentor_id": mentor,
                             "mentor_name": ctx.name(mentor), "mentee_id": mentee, "mentee_name": ctx.name(mentee),
                             "date": day})
                met.append((mentor, mentee))
    state.rows["schedule"] = rows
    wishes = []
    for mentor, mentee in sorted(met):
        rule = hard_rule(ctx.people[mentor], ctx.people[mentee], ctx.rules)
        wishes.append({"mentor_id": mentor, "mentor_name": ctx.name(mentor), "mentee_id": mentee,
                       "mentee_name": ctx.name(mentee), "rule": f"пара невозможна: {rule[1]}" if rule else ""})
    state.rows["wishes"] = wishes
    everyone = all(len({m for m, s in met if s == x}) == len(mentors) for x in mentees)
    return [
        f"Расписание быстрых встреч: {len(mentors)} наставников за столами, {len(mentees)} наставляемых "
        f"в {len(groups)} группах по {size}, раундов {len(schedule)} по {options.minutes} мин "
        f"(с {_clock(begin)} до {_clock(begin + len(schedule) * options.minutes)}), {format_date(day)}.",
        "Каждый наставляемый встречается с каждым наставником один раз." if everyone else
        "Раундов меньше, чем нужно, чтобы все встретились со всеми: повторных встреч нет, но встретились не все.",
        "После встречи внесите места на лист «Пожелания» (1 — больше всего хочу в пару) и запустите подбор снова.",
    ]


def _run_meeting(ctx: Context, state: _State, options: MatchOptions, start: dt.date) -> tuple[list[str], dict[str, str]]:
    from toolkit.logic.pairing import REASON_TEXT, stable_assignment, unmatched_reasons

    reasons: dict[str, str] = {}
    wishes = state.rows["wishes"]
    has_ranks = any(isinstance(v.get("mentor_rank"), int) or isinstance(v.get("mentee_rank"), int) for v in wishes)
    if options.reschedule or not state.rows["schedule"]:
        if has_ranks and not options.reschedule:
            raise NastavnikError("На листе «Пожелания» уже есть места, а расписания нет. Верните лист «Расписание "
                                 "встреч» из резервной копии или составьте новое: --reschedule.")
        lines = _make_schedule(ctx, state, options)
        if has_ranks:
            lines.append("Прежние расписание и пожелания заменены; они остались в резервной копии книги.")
        return lines, {}
    if not has_ranks:
        return ["Расписание уже составлено. Внесите места на лист «Пожелания» и запустите подбор снова "
                "(новое расписание: --reschedule)."], {}
    paired = state.paired_mentees()
    schedule = state.rows["schedule"]
    met_on: dict[tuple[Any, Any], Any] = {}
    for v in schedule:
        met_on.setdefault((v.get("mentor_id"), v.get("mentee_id")), v.get("date"))
    mentors = sorted({str(v["mentor_id"]) for v in schedule if ctx.known(v.get("mentor_id"), "mentor")})
    mentees = sorted({str(v["mentee_id"]) for v in schedule if ctx.known(v.get("mentee_id"), "mentee")})
    taking = [s for s in mentees if s not in paired and ctx.ready.get(s)]
    capacity = {m: (state.remaining(m) if ctx.ready.get(m) else 0) for m in mentors}
    for pid in [*mentors, *mentees]:
        if not ctx.ready.get(pid) and pid not in paired:
            reasons[pid] = why_not_ready(ctx, pid)
    declined = declined_pairs(ctx.data)
    ranked: dict[str, list[tuple[int, int, str]]] = {}
    ranked_by_mentor: dict[str, list[tuple[int, int, str]]] = {}
    blocked_mutual: dict[str, str] = {}
    for i, v in enumerate(wishes):
        mentor, mentee = v.get("mentor_id"), v.get("mentee_id")
        if mentor not in capacity or mentee not in taking:
            continue
        rule = hard_rule(ctx.people[mentor], ctx.people[mentee], ctx.rules, declined)
        a, b = v.get("mentee_rank"), v.get("mentor_rank")
        if rule:
            if isinstance(a, int) and isinstance(b, int):
                blocked_mutual[mentee] = rule[1]
            continue
        if isinstance(a, int):
            ranked.setdefault(mentee, []).append((a, i, mentor))
        if isinstance(b, int):
            ranked_by_mentor.setdefault(mentor, []).append((b, i, mentee))
    mentee_wishes = {s: [m for _, _, m in sorted(ranked.get(s, []))] for s in taking}
    mentor_wishes = {m: [s for _, _, s in sorted(ranked_by_mentor.get(m, []))] for m in mentors}
    result = stable_assignment(mentee_wishes, mentor_wishes, capacity)
    why = unmatched_reasons(mentee_wishes, mentor_wishes, capacity, result)
    formed = 0
    for mentor in mentors:
        for mentee in result.get(mentor, []):
            day = met_on.get((mentor, mentee))
            state.form(mentor, mentee, MEETING, start,
                       meeting_date=day if ctx.rules.personal_meeting_required and isinstance(day, dt.date) else None)
            formed += 1
    for pid, code in why.items():
        if pid in reasons:  # not ready: that is the reason
            continue
        if pid in blocked_mutual and code == "no-mutual-wish":
            reasons[pid] = f"Взаимный выбор был, но пара невозможна: {blocked_mutual[pid]}."
        elif ctx.people[pid].role == "mentor" and capacity.get(pid, 0) == 0 and ctx.ready.get(pid):
            reasons[pid] = "Все места наставника уже заняты."
        else:
            reasons[pid] = REASON_TEXT[code]
    left = sum(1 for s in taking if s in why)
    return [f"Групповая встреча: по совпадению желаний закреплено пар {formed}; без пары остались "
            f"наставляемых {left} (причины — на листе «Без пары»)."], reasons


# --------------------------------------------------------------------------- scheme 3: questionnaires


def _alternatives_text(ctx: Context, options: list[tuple[str, float]]) -> str:
    return "; ".join(f"{m} {ctx.name(m)} ({format_score(s)})" for m, s in options) or "—"


def _run_questionnaire(ctx: Context, state: _State, start: dt.date, report: Report,
                       label: str) -> tuple[list[str], dict[str, str]]:
    from toolkit.logic.pairing import all_alternatives, best_assignment

    reasons: dict[str, str] = {}
    declined = declined_pairs(ctx.data)
    kept: list[dict[str, Any]] = []
    reserved_mentees: set[str] = set()
    reserved: dict[str, int] = {}
    formed = waiting = refused = dropped = 0
    for v in state.rows["questionnaire"]:
        mentor, mentee = v.get("mentor_id"), v.get("mentee_id")
        if not isinstance(mentor, str) or not isinstance(mentee, str) or not mentor or not mentee:
            kept.append(v)
            continue
        existing = state.pair_of(mentor, mentee)
        if existing:
            v["result"] = f"Пара закреплена: {existing}"
            kept.append(v)
            continue
        if consent(v, "consent_mentor") is False or consent(v, "consent_mentee") is False:
            v["result"] = _refusal_text(v)
            refused += 1
            kept.append(v)
            continue
        if not _touched(v):
            dropped += 1  # a proposal nobody has answered yet: computed again below
            continue
        if is_fixed(v, ctx.rules.personal_meeting_required):
            blocker = _pair_blocker(ctx, state, mentor, mentee, declined)
            if blocker is None and state.remaining(mentor, reserved) <= 0:
                blocker = f"У наставника нет свободных мест (готов взять {ctx.capacity(mentor)})"
            if blocker is None:
                pid = state.form(mentor, mentee, QUESTIONNAIRE, start, meeting_date=v.get("meeting_date"),
                                 alternatives=v.get("alternatives"), note=v.get("note"))
                v["result"] = f"Пара закреплена: {pid}"
                formed += 1
            else:
                v["result"] = blocker
            kept.append(v)
            continue
        v["result"] = _waiting_text(v, ctx.rules)
        reserved_mentees.add(mentee)
        reserved[mentor] = reserved.get(mentor, 0) + 1
        waiting += 1
        kept.append(v)
    paired = state.paired_mentees()
    mentors = [p for p in sorted(ctx.people) if ctx.people[p].role == "mentor" and ctx.ready.get(p)
               and state.remaining(p, reserved) > 0]
    mentees = [p for p in sorted(ctx.people) if ctx.people[p].role == "mentee" and ctx.ready.get(p)
               and p not in paired and p not in reserved_mentees]
    allowed, forbidden = all_scores([ctx.people[m] for m in mentors], [ctx.people[s] for s in mentees], ctx.rules,
                                    declined)
    scores = {k: s.score for k, s in allowed.items()}
    capacity = {m: state.remaining(m, reserved) for m in mentors}
    assignment = best_assignment(scores, capacity)
    alternatives = all_alternatives(scores, assignment, ctx.rules.alternatives)
    new_rows: list[dict[str, Any]] = []
    for mentor in mentors:
        for mentee in assignment.get(mentor, []):
            score = allowed[(mentor, mentee)]
            new_rows.append({
                "mentor_id": mentor, "mentor_name": ctx.name(mentor), "mentee_id": mentee, "mentee_name": ctx.name(mentee),
                "score": score.score, "explanation": score.explanation,
                "alternatives": _alternatives_text(ctx, alternatives.get(mentee, [])),
                "result": "Предложено: отметьте согласие обеих сторон и запустите подбор снова",
            })
            state.proposed.append((mentor, mentee))
    state.rows["questionnaire"] = kept + new_rows
    assigned = {s for ss in assignment.values() for s in ss}
    for mentee in mentees:
        if mentee in assigned:
            continue
        if any((m, mentee) in allowed for m in mentors):
            reasons[mentee] = "Подходящие наставники заняты: свободных мест не хватило."
        else:
            broken = sorted({forbidden[(m, mentee)][1].split(" (")[0] for m in mentors if (m, mentee) in forbidden})
            reasons[mentee] = ("Нет допустимого наставника: " + "; ".join(broken) + "." if broken
                               else "Нет готовых наставников со свободными местами.")
    waiting_rows = [v for v in state.rows["questionnaire"] if str(v.get("result") or "").startswith(("Ждёт", "Предложено"))]
    for v in waiting_rows:
        mentor, mentee = v["mentor_id"], v["mentee_id"]
        reasons[mentee] = (f"Предложен наставник {mentor} ({ctx.name(mentor)}): ждём согласия обеих сторон "
                           "(лист «Подбор по анкетам»).")
        reasons.setdefault(mentor, "Предложены наставляемые: ждём согласия обеих сторон (лист «Подбор по анкетам»).")
    total = sum(allowed[(m, s)].score for m, ss in assignment.items() for s in ss)
    lines = [f"Подбор по анкетам: предложено пар {len(new_rows)}"
             + (f" (суммарный балл {format_score(total)})" if new_rows else "")
             + f", закреплено {formed}, ждут согласия {waiting}, отказов {refused}."]
    if dropped:
        lines.append(f"Предложения без ответа пересчитаны заново: {dropped}.")
    return lines, reasons


# --------------------------------------------------------------------------- «Без пары»


def _unmatched(ctx: Context, state: _State, scheme: str, reasons: dict[str, str]) -> list[dict[str, Any]]:
    paired = state.paired_mentees()
    load = state.mentor_load()
    pending = {v.get("mentee_id"): v for v in state.rows["proposals"]
               if not state.pair_of(str(v.get("mentor_id")), str(v.get("mentee_id")))
               and consent(v, "consent_mentor") is not False and consent(v, "consent_mentee") is not False}
    out: list[dict[str, Any]] = []
    for pid in sorted(ctx.people, key=lambda p: (ctx.people[p].role != "mentor", p)):
        person = ctx.people[pid]
        if person.role == "mentee" and pid in paired:
            continue
        if person.role == "mentor" and load.get(pid, 0) > 0:
            continue
        if pid in reasons:
            reason = reasons[pid]
        elif not ctx.ready.get(pid):
            reason = why_not_ready(ctx, pid).capitalize() + "."
        elif person.role == "mentor":
            reason = f"Свободных мест: {ctx.capacity(pid)}; пара пока не подобрана."
        elif scheme == PROPOSAL and pid in pending:
            reason = "Есть предложение куратора: " + _waiting_text(pending[pid], ctx.rules).lower() + "."
        elif scheme == PROPOSAL:
            reason = "Куратор ещё не предложил наставника (лист «Предложения»)."
        elif scheme == MEETING:
            reason = "Не участвовал(а) в групповой встрече (нет в расписании)."
        else:
            reason = "Пара пока не подобрана."
        out.append({"id": pid, "name": person.name, "role": ctx.role_name(person.role),
                    "scheme": SCHEME_NAMES[scheme], "reason": reason})
    return out


# --------------------------------------------------------------------------- the run


def _pairs_file(program: Program, spec: WorkbookSpec) -> tuple[Path, list[Path]]:
    found = program.find_files(spec)
    return program.root / (spec.file + ".xlsx"), found


@locks_program("nastavnik match")
def run_match(program: Program, options: MatchOptions, report: Report) -> MatchOutcome:
    """Run one scheme on a program folder and write the pairs workbook back (backup + atomic write)."""
    from toolkit.base.messages import FATAL_CODES

    spec = pairs_spec(program)
    target, found = _pairs_file(program, spec)
    for path in found:
        files.ensure_not_locked(path)
    before = Report()
    data = load_program(program, before)
    if "applications" not in data.books:
        problem = next((p for p in before if p.book == "applications" and p.code in FATAL_CODES), None)
        raise NastavnikError("Реестр заявок «02_Заявки» не прочитан" + (f": {problem.message}" if problem else ".")
                             + " Без него пары не подобрать.")
    if found and BOOK not in data.books:
        problem = next((p for p in before if p.file == found[0].name and p.code in FATAL_CODES), None)
        raise NastavnikError(f"Книга «{found[0].name}» не прочитана" + (f": {problem.message}" if problem else ".")
                             + " Она не перезаписана: исправьте файл или уберите его из папки.")
    carried: list[ForeignSheet] = []  # sheets of the curator's own, written back as they are
    if found and BOOK in data.books:
        carried = ensure_rewritable(before, data.books[BOOK], spec)
    ctx = build_context(data)
    _check_dates(ctx, options)
    state = _State(ctx, spec)
    start = _start_date(ctx, options)
    label = found[0].name if found else target.name
    scheme = options.scheme
    reasons: dict[str, str] = {}
    during = Report()  # problems only the run sees (e.g. places taken by pairs fixed in this very run)
    if scheme == PROPOSAL:
        lines = _run_proposal(ctx, state, start, during, label)
        lines += _proposal_kind_note(ctx, state)
    elif scheme == MEETING:
        lines, reasons = _run_meeting(ctx, state, options, start)
    elif scheme == QUESTIONNAIRE:
        lines, reasons = _run_questionnaire(ctx, state, start, during, label)
    else:  # pragma: no cover - parse_scheme guards the value
        raise NastavnikError(f"Неизвестная схема «{scheme}».")
    state.refresh(start)
    unmatched = _unmatched(ctx, state, scheme, reasons)
    state.rows["unmatched"] = unmatched
    done = rewrite_stage_book(target, found, spec, program.profile, program.program_id, state.rows, carried,
                              backup_root=program.root if options.backup else None)
    lines.extend(done.notes)
    backup = done.backup
    # the problems of the workbook as it is now written; those of the other workbooks as they were read
    after = _recheck(data, spec, target)
    report.extend(p for p in before if p.file != target.name)
    report.extend(p for p in after if p.file == target.name)
    report.extend(during)
    active = state.active()
    groups = len({v["pair_id"] for v in active})
    lines.append(f"Всего действующих пар и групп: {groups} (наставляемых в них: {len(active)}); без пары: "
                 f"{sum(1 for u in unmatched if u['role'] == ctx.role_name('mentee'))} наставляемых.")
    return MatchOutcome(scheme, target, backup, lines, list(state.formed),
                        list(state.proposed), unmatched,
                        max((int(v["round"]) for v in state.rows["schedule"] if isinstance(v.get("round"), int)),
                            default=0))


def _recheck(data: ProgramData, spec: WorkbookSpec, path: Path) -> Report:
    """Read the pairs workbook just written and check it (the other workbooks are as they were read)."""
    from toolkit.books.reader import open_book, read_workbook
    from toolkit.checks.program import check_refs, check_unique

    report = Report()
    book = open_book(path, report, path.name)
    if book is None:  # pragma: no cover - the file was just written
        return report
    data.books[BOOK] = read_workbook(book, spec, report, path.name)
    for table in data.books[BOOK].tables.values():
        check_unique(data.books[BOOK], table, report)
        check_refs(data, data.books[BOOK], table, report)
    validate_pairs(data, report)
    return report


def _proposal_kind_note(ctx: Context, state: _State) -> list[str]:
    allowed = ctx.rules.proposal_allowed_kinds
    kinds = sorted({ctx.people[v["mentee_id"]].request_kind for v in state.rows["proposals"]
                    if ctx.known(v.get("mentee_id"), "mentee")
                    and ctx.people[v["mentee_id"]].request_kind not in allowed})
    if not allowed or not kinds:
        return []
    return [f"Внимание: предложение куратора не рекомендуется, если запрос выходит за пределы задач "
            f"{' / '.join(k.lower() for k in allowed)} (у части наставляемых вид запроса: {', '.join(kinds)}). "
            "Для них лучше групповая встреча или анкетирование."]
