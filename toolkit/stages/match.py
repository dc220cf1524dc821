"""Stage 4: pairs and groups «наставник – наставляемый(е)» by the three schemes of the seeds.

* **предложение** (curator's proposal): the curator writes proposals on the sheet «Предложения»; a pair is
  fixed only when both sides agreed (for teachers also after a personal meeting, whose date is required);
* **встреча** (group meeting, Mentor Match): the first run writes the rotation schedule of speed meetings and
  the sheet of wishes; once the ranks are typed in, pairs form only where wishes coincide — a stable
  assignment (:func:`toolkit.logic.pairing.stable_assignment`) that respects each mentor's capacity;
* **анкеты** (remote questionnaires): every allowed pair is scored with the weights of the form's profile
  (:mod:`toolkit.logic.scoring`), the maximum-total assignment (:func:`toolkit.logic.pairing.best_assignment`) is
  proposed with explanations and alternatives; the curator marks consents and the next run fixes the pairs.

Only ready participants take part (:func:`toolkit.logic.readiness.readiness`). Fixed pairs land on the sheet
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
from toolkit.base.grammar import count, gendered, plural, upper_first
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
    RULE_DECLINED,
    RULE_NO_COMMON_DAY,
    RULE_NOT_OLDER,
    RULE_TEXTS,
    Rules,
    format_score,
    hard_rule,
    planned_end,
    score_matrix,
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
    is_declined,
    is_ended,
    is_fixed,
    normalize_pair_id,
)
from toolkit.model.program import Program, ProgramData
from toolkit.spec import WorkbookSpec

DEFAULT_MINUTES = 7
DEFAULT_BEGIN = "15:00"
# A Mentor Match meeting by default: at most 10 rounds (70 minutes of 7) and at most 5 mentees at a table; a
# small group still meets everybody with everybody, a big one meets as many as the rounds allow.
DEFAULT_MAX_ROUNDS = 10
DEFAULT_MAX_GROUP = 5


def pairs_spec(program: Program) -> WorkbookSpec:
    for wb in program.specs:
        if wb.key == BOOK:
            return wb
    raise NastavnikError(f"В профиле формы {program.profile.folder} нет книги пар («{BOOK}» в списке workbooks).")


# --------------------------------------------------------------------------- rows of the workbook










def _touched(values: dict[str, Any]) -> bool:
    """The curator typed something in a row the program proposed (a consent, a date or a note)."""
    return any(values.get(k) not in (None, "")
               for k in ("consent_mentor", "consent_mentee", "meeting_date", "rejected", "note"))


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
    if not who:
        return "Отклонено куратором: пара не формируется и больше не предлагается"
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
        self._index: dict[str, Any] | None = None
        self.formed: list[tuple[str, str, str]] = []
        self.proposed: list[tuple[str, str]] = []

    # -------------------------------------------------------------- pairs sheet helpers

    @property
    def pairs(self) -> list[dict[str, Any]]:
        return self.rows["pairs"]

    # The pairs sheet changes only through form() and refresh(), which forget what is derived from it: every
    # question below is answered from indexes built once per change (hundreds of rows asked about each).

    def _derived(self) -> dict[str, Any]:
        if self._index is None:
            active = [v for v in self.pairs if not is_ended(v) and v.get("mentor_id") and v.get("mentee_id")]
            load: dict[str, int] = {}
            group: dict[str, str] = {}
            pair_of: dict[tuple[str, str], str] = {}
            for v in active:
                load[v["mentor_id"]] = load.get(v["mentor_id"], 0) + 1
                if v.get("pair_id"):
                    group.setdefault(v["mentor_id"], normalize_pair_id(v["pair_id"]))
                pair_of.setdefault((v["mentor_id"], v["mentee_id"]), normalize_pair_id(v.get("pair_id")) or "без кода")
            numbers = [int(m.group(1)) for v in self.pairs
                       if (m := PAIR_ID_PATTERN.match(clean_text(v.get("pair_id"))))]
            self._index = {"active": active, "load": load, "group": group, "pair_of": pair_of,
                           "paired": {v["mentee_id"]: normalize_pair_id(v.get("pair_id")) for v in active},
                           "next": max(numbers, default=0) + 1}
        return self._index

    def _formed(self, row: dict[str, Any]) -> None:
        """The indexes with one more active pair (what a rebuild would find)."""
        if self._index is None:
            return
        mentor, mentee, pid = row["mentor_id"], row["mentee_id"], row["pair_id"]
        index = self._index
        index["active"].append(row)
        index["load"][mentor] = index["load"].get(mentor, 0) + 1
        index["group"].setdefault(mentor, pid)
        index["pair_of"].setdefault((mentor, mentee), pid)
        index["paired"][mentee] = pid
        if m := PAIR_ID_PATTERN.match(pid):
            index["next"] = max(index["next"], int(m.group(1)) + 1)

    def active(self) -> list[dict[str, Any]]:
        return list(self._derived()["active"])

    def paired_mentees(self) -> dict[str, str]:
        return dict(self._derived()["paired"])

    def mentor_load(self) -> dict[str, int]:
        return dict(self._derived()["load"])

    def remaining(self, mentor: str, reserved: dict[str, int] | None = None) -> int:
        used = self._derived()["load"].get(mentor, 0) + (reserved or {}).get(mentor, 0)
        return max(self.ctx.capacity(mentor) - used, 0)

    def pair_of(self, mentor: str, mentee: str) -> str | None:
        found: str | None = self._derived()["pair_of"].get((mentor, mentee))
        return found

    def _next_id(self) -> str:
        return f"{PAIR_PREFIX}{self._derived()['next']:03d}"

    def group_id(self, mentor: str) -> str:
        found: str | None = self._derived()["group"].get(mentor)
        return found if found is not None else self._next_id()

    def form(self, mentor: str, mentee: str, scheme: str, start: dt.date, **extra: Any) -> str:
        pid = self.group_id(mentor)
        row: dict[str, Any] = {
            "pair_id": pid, "mentor_id": mentor, "mentor_name": self.ctx.name(mentor), "mentee_id": mentee,
            "mentee_name": self.ctx.name(mentee), "scheme": SCHEME_NAMES[scheme], "consent_mentor": True,
            "consent_mentee": True, "start": start, "status": STATUS_ACTIVE,
        }
        row.update({k: v for k, v in extra.items() if v not in (None, "")})
        self.pairs.append(row)
        self._formed(row)
        self.formed.append((pid, mentor, mentee))
        return pid

    def refresh(self, start: dt.date) -> None:
        """Computed columns of «Пары»: codes, names, score and explanation, dates, status, pair or group."""
        ctx = self.ctx
        self._index = None
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
                self._index = None
            fixed = is_fixed(v, ctx.rules.personal_meeting_required)
            if v.get("start") in (None, "") and fixed:
                v["start"] = start
            if isinstance(v.get("start"), dt.date) and v.get("end") in (None, "") and ctx.known(mentee, "mentee"):
                v["end"] = planned_end(v["start"], ctx.people[mentee].request_kind, ctx.rules, ctx.program_end)
            if v.get("status") in (None, "") and fixed:
                v["status"] = STATUS_ACTIVE
        self._index = None
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
            # with the name, the predicate agrees with the person: «Наставник Белова Т. С. не готова»
            ready = gendered(ctx.people[pid].gender, "готов", "готова")
            return f"{who} {ctx.name(pid)} не {ready}: " + "; ".join(ctx.missing.get(pid, []))
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
        if is_declined(v):
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
    size = options.group_size or default_group_size(len(mentors), len(mentees))
    if size < 1:
        raise NastavnikError("Размер группы наставляемых за одним столом — не меньше 1.")
    groups = [mentees[i:i + size] for i in range(0, len(mentees), size)]
    labels = [f"группа {i + 1}" for i in range(len(groups))]
    by_label = dict(zip(labels, groups, strict=True))
    all_rounds = max(len(mentors), len(groups))  # every mentee meets every mentor
    rounds = options.rounds if options.rounds is not None else min(all_rounds, DEFAULT_MAX_ROUNDS)
    rows_needed = min(rounds, all_rounds) * min(len(mentees), len(mentors) * size)  # at most, one row a meeting
    if rows_needed > files.MAX_ROWS:
        raise NastavnikError(
            f"Расписание на {min(rounds, all_rounds)} раундов — до {rows_needed} встреч, больше предела книги "
            f"({files.MAX_ROWS} строк на листе). Уменьшите число раундов (--rounds) или проведите встречу "
            "в несколько дней.")
    try:
        schedule = rotation_schedule(mentors, labels, rounds)
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
    everyone = len(schedule) >= all_rounds  # the rotation meets everybody with everybody in all_rounds rounds
    lines = [
        f"Расписание быстрых встреч: {count(len(mentors), 'наставник')} за столами, "
        f"{count(len(mentees), 'наставляемый')} в {len(groups)} {plural(len(groups), 'группе', 'группах', 'группах')} "
        f"по {size}, раундов {len(schedule)} по {options.minutes} мин "
        f"(с {_clock(begin)} до {_clock(begin + len(schedule) * options.minutes)}), {format_date(day)}.",
        "Каждый наставляемый встречается с каждым наставником один раз." if everyone else
        "Раундов меньше, чем нужно, чтобы все встретились со всеми: повторных встреч нет, но встретились не все.",
    ]
    if not everyone and options.rounds is None:
        lines.append(f"Чтобы все встретились со всеми, нужно раундов: {all_rounds} "
                     f"({_duration(all_rounds * options.minutes)}); по умолчанию встреча ограничена "
                     f"{DEFAULT_MAX_ROUNDS} раундами. Другое число раундов — параметр --rounds.")
    lines.append("После встречи внесите места на лист «Пожелания» (1 — больше всего хочу в пару) и запустите подбор снова.")
    return lines


def default_group_size(mentors: int, mentees: int) -> int:
    """Mentees at one table at once: all of them seated in every round, not more than a table holds."""
    return max(1, min(math.ceil(mentees / max(mentors, 1)), DEFAULT_MAX_GROUP))


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return " ".join(x for x in (f"{hours} ч" if hours else "", f"{rest} мин" if rest or not hours else "") if x)


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
    from toolkit.logic.pairing import alternatives_matrix, best_assignment_matrix

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
        if is_declined(v):
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
    matrix = score_matrix([ctx.people[m] for m in mentors], [ctx.people[s] for s in mentees], ctx.rules, declined)
    capacity = {m: state.remaining(m, reserved) for m in mentors}
    assignment = best_assignment_matrix(mentors, mentees, matrix.scores, matrix.allowed, capacity)
    shown = [s for m in mentors for s in assignment.get(m, [])]  # alternatives only for the proposals shown
    alternatives = alternatives_matrix(mentors, mentees, matrix.scores, matrix.allowed, assignment, shown,
                                       ctx.rules.alternatives)
    new_rows: list[dict[str, Any]] = []
    total = 0.0
    for mentor in mentors:
        for mentee in assignment.get(mentor, []):
            score = score_pair(ctx.people[mentor], ctx.people[mentee], ctx.rules)
            total += score.score
            new_rows.append({
                "mentor_id": mentor, "mentor_name": ctx.name(mentor), "mentee_id": mentee, "mentee_name": ctx.name(mentee),
                "score": score.score, "explanation": score.explanation,
                "alternatives": _alternatives_text(ctx, alternatives.get(mentee, [])),
                "result": "Предложено: отметьте согласие обеих сторон и запустите подбор снова",
            })
            state.proposed.append((mentor, mentee))
    state.rows["questionnaire"] = kept + new_rows
    assigned = {s for ss in assignment.values() for s in ss}
    some_allowed = matrix.allowed.any(axis=0)
    broken_rules = [(matrix.declined.any(axis=0), RULE_TEXTS[RULE_DECLINED]),
                    (matrix.no_common_day.any(axis=0), RULE_TEXTS[RULE_NO_COMMON_DAY]),
                    (matrix.not_older.any(axis=0), RULE_TEXTS[RULE_NOT_OLDER])]
    for j, mentee in enumerate(mentees):
        if mentee in assigned:
            continue
        if some_allowed[j]:
            reasons[mentee] = "Подходящие наставники заняты: свободных мест не хватило."
        else:
            broken = sorted(text for found, text in broken_rules if found[j])
            reasons[mentee] = ("Нет допустимого наставника: " + "; ".join(broken) + "." if broken
                               else "Нет готовых наставников со свободными местами.")
    waiting_rows = [v for v in state.rows["questionnaire"] if str(v.get("result") or "").startswith(("Ждёт", "Предложено"))]
    for v in waiting_rows:
        mentor, mentee = v["mentor_id"], v["mentee_id"]
        reasons[mentee] = (f"Предложен наставник {mentor} ({ctx.name(mentor)}): ждём согласия обеих сторон "
                           "(лист «Подбор по анкетам»).")
        reasons.setdefault(mentor, "Предложены наставляемые: ждём согласия обеих сторон (лист «Подбор по анкетам»).")
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
               and not is_declined(v)}
    scheduled = {str(v.get("mentee_id")) for v in state.rows["schedule"]}
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
            reason = upper_first(why_not_ready(ctx, pid)) + "."
        elif person.role == "mentor":
            reason = f"Свободных мест: {ctx.capacity(pid)}; пара пока не подобрана."
        elif scheme == PROPOSAL and pid in pending:
            reason = "Есть предложение куратора: " + _waiting_text(pending[pid], ctx.rules).lower() + "."
        elif scheme == PROPOSAL:
            reason = "Куратор ещё не предложил наставника (лист «Предложения»)."
        elif scheme == MEETING and pid in scheduled:
            reason = ("В расписании групповой встречи; пара сложится, когда места будут внесены на лист "
                      "«Пожелания» и подбор запущен снова.")
        elif scheme == MEETING:
            took = gendered(person.gender, "участвовал", "участвовала")
            reason = f"Не {took} в групповой встрече (нет в расписании)."
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
    alone = sum(1 for u in unmatched if u['role'] == ctx.role_name('mentee'))
    lines.append(f"Всего действующих пар и групп: {groups} (наставляемых в них: {len(active)}); "
                 f"наставляемых без пары: {alone}.")
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
