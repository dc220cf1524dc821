"""The pairs and groups of stage 4 («04_Пары», sheet «Пары»): one record of a pair for every later stage.

A row of the sheet «Пары» is one mentor with one mentee; the rows sharing a pair code make a pair (one mentee)
or a group (several). A row counts once both sides agreed; its state is

* active — not ended and, where the form requires a personal meeting before the pair is fixed, with its date;
* finished — «Завершена»: the pair worked to its end and presents results;
* dissolved — «Расформирована»: the pair stopped and presents none.

Everything later (work of pairs, monitoring, results, documents) reads pairs through :func:`read_pairs` and
its three views, so a rule about what makes a pair lives here only.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from toolkit.base.problems import NastavnikError
from toolkit.base.values import clean_text, fold

if TYPE_CHECKING:
    from toolkit.model.program import ProgramData

BOOK = "pairs"
SHEET = "pairs"
STATUS_ACTIVE = "Действует"
STATUS_FINISHED = "Завершена"
STATUS_DISSOLVED = "Расформирована"
STATUS_ENDED = (STATUS_FINISHED, STATUS_DISSOLVED)
PAIR_PREFIX = "П-"
PAIR_ID_PATTERN = re.compile(r"^[ПPпp]\s*[-–—]?\s*(\d{1,5})$")

ACTIVE, FINISHED, DISSOLVED = "active", "finished", "dissolved"
PROPOSAL, MEETING, QUESTIONNAIRE = "proposal", "meeting", "questionnaire"
SCHEME_NAMES = {
    PROPOSAL: "Предложение куратора",
    MEETING: "Групповая встреча (Mentor Match)",
    QUESTIONNAIRE: "Дистанционное анкетирование",
}
SCHEME_ARGUMENT = {PROPOSAL: "предложение", MEETING: "встреча", QUESTIONNAIRE: "анкеты"}
_SCHEME_ALIASES = {
    PROPOSAL: ["предложение", "предложение куратора", "куратор", "proposal", "curator"],
    MEETING: ["встреча", "групповая встреча", "mentor match", "mentormatch", "быстрые встречи", "meeting"],
    QUESTIONNAIRE: ["анкеты", "анкетирование", "дистанционное анкетирование", "анкета", "questionnaire",
                    "questionnaires"],
}


def parse_scheme(text: str) -> str:
    """«предложение» / «proposal» → ``"proposal"`` and so on."""
    wanted = fold(text)
    for key, aliases in _SCHEME_ALIASES.items():
        if wanted in {fold(a) for a in aliases}:
            return key
    raise NastavnikError(f"Неизвестная схема «{text}». Возможные: предложение, встреча, анкеты "
                         "(или proposal, meeting, questionnaire).")


def normalize_pair_id(value: Any) -> str:
    """«п 7», «P-007», «П–7» → «П-007»; anything else is returned as typed (cleaned)."""
    if value.__class__ is str and len(value) <= 50:
        return _pair_id(value)
    return _pair_id(clean_text(value))


@functools.lru_cache(maxsize=1 << 14)
def _pair_id(value: str) -> str:
    text = clean_text(value)
    m = PAIR_ID_PATTERN.match(text)
    return f"{PAIR_PREFIX}{int(m.group(1)):03d}" if m else text


def consent(values: dict[str, Any], key: str) -> bool | None:
    value = values.get(key)
    return value if isinstance(value, bool) else None


def is_declined(values: dict[str, Any]) -> bool:
    """A proposed pair that will not be formed: one side refused, or the curator marked the row rejected."""
    return (consent(values, "consent_mentor") is False or consent(values, "consent_mentee") is False
            or values.get("rejected") is True)


def is_ended(values: dict[str, Any]) -> bool:
    return values.get("status") in STATUS_ENDED


def personal_meeting_required(data: ProgramData) -> bool:
    rules = data.program.profile.pairing.get("rules") or {}
    return bool(rules.get("personal_meeting_required"))


def is_fixed(values: dict[str, Any], meeting_required: bool) -> bool:
    """Both sides agreed, the pair is not ended and, where the form requires it, the personal meeting took place."""
    return row_state(values, meeting_required) == ACTIVE


def row_state(values: dict[str, Any], meeting_required: bool) -> str | None:
    """The state of a row of «Пары» (active, finished, dissolved), or None while it is not a pair yet."""
    if not values.get("mentor_id") or not values.get("mentee_id"):
        return None
    if consent(values, "consent_mentor") is not True or consent(values, "consent_mentee") is not True:
        return None
    status = values.get("status")
    if status == STATUS_DISSOLVED:
        return DISSOLVED
    if status == STATUS_FINISHED:
        return FINISHED
    if meeting_required and not isinstance(values.get("meeting_date"), dt.date):
        return None
    return ACTIVE


@dataclass
class Pair:
    """A pair or group: its mentor, mentees in the order of the rows, dates, state and the rows themselves."""

    pair_id: str
    mentor: str
    mentees: list[str]
    start: dt.date | None = None
    end: dt.date | None = None
    active: bool = True
    scheme: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def is_group(self) -> bool:
        return len(self.mentees) > 1

    @property
    def members(self) -> list[str]:
        return [self.mentor, *self.mentees]

    def name(self, pid: str) -> str:
        return self.names.get(pid, "")

    @property
    def schemes(self) -> list[str]:
        """The schemes by which the members were matched (in order of first use)."""
        return list(dict.fromkeys(clean_text(v.get("scheme")) for v in self.rows if v.get("scheme")))


def read_pairs(data: ProgramData, states: tuple[str, ...]) -> list[Pair]:
    """Pairs and groups made of the rows in ``states``, by pair code (a row under another mentor's code, or
    repeating a mentee of its group, is left out: `check` reports it)."""
    meeting_required = personal_meeting_required(data)
    groups: dict[str, Pair] = {}
    for row in data.rows(BOOK, SHEET):
        v = row.values
        state = row_state(v, meeting_required)
        if state not in states:
            continue
        pid = normalize_pair_id(v.get("pair_id")) or f"{PAIR_PREFIX}?{row.number}"
        pair = groups.setdefault(pid, Pair(pid, v["mentor_id"], [], scheme=clean_text(v.get("scheme")),
                                           active=state == ACTIVE))
        if v["mentor_id"] != pair.mentor or v["mentee_id"] in pair.mentees:
            continue
        pair.mentees.append(v["mentee_id"])
        pair.rows.append(v)
        start, end = v.get("start"), v.get("end")
        if isinstance(start, dt.date) and (pair.start is None or start < pair.start):
            pair.start = start
        if isinstance(end, dt.date) and (pair.end is None or end > pair.end):
            pair.end = end
    for pair in groups.values():
        for pid in pair.members:
            participant = data.participants.get(pid)
            pair.names[pid] = participant.name if participant else ""
    return sorted(groups.values(), key=lambda g: g.pair_id)


def fixed_pairs(data: ProgramData) -> list[Pair]:
    """Active pairs and groups: both sides agreed and the pair works now."""
    return read_pairs(data, (ACTIVE,))


def known_pairs(data: ProgramData) -> dict[str, Pair]:
    """Active pairs and those already finished or dissolved, by code (an active pair hides the ended rows of
    its code): every pair whose work may be in «05_Работа пар»."""
    out = {p.pair_id: p for p in fixed_pairs(data)}
    for pair in read_pairs(data, (FINISHED, DISSOLVED)):
        if pair.pair_id not in out:
            pair.active = False
            out[pair.pair_id] = pair
    return dict(sorted(out.items()))


def result_pairs(data: ProgramData) -> list[Pair]:
    """Pairs and groups that present results: active and finished ones, not dissolved."""
    return read_pairs(data, (ACTIVE, FINISHED))
