"""Each participant's stage and what is missing before the next one (stages 1–3 and readiness for pairs);
from stage 6 on, the pairs that need the curator's attention as of a day (:mod:`toolkit.logic.attention`).

:func:`readiness` is the part the pairing needs (who is ready, what is missing): no attention computed."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from toolkit.base.grammar import for_gender
from toolkit.base.values import clean_text, fold, person_key
from toolkit.logic.assessment import GroupResult, TestResult, score_program
from toolkit.logic.attention import PairState, attention_list, group_meetings, pair_states
from toolkit.model.pairs import fixed_pairs
from toolkit.model.program import Participant, ProgramData

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


# ТК РФ ст. 351.8 (since 01.03.2025): an employee mentors only with a written consent, and the content, term and
# pay of mentoring are fixed in a supplementary agreement to the labour contract. A form whose mentors' registry
# sheet has the column of that consent (teachers) needs both papers for every mentor of a fixed pair.
LABOUR_CONSENT = "письменного согласия на наставничество"
LABOUR_AGREEMENT = "дополнительного соглашения (номер и дата)"


def labour_papers_required(data: ProgramData) -> bool:
    registry = data.books.get("applications")
    table = registry.tables.get("mentors") if registry else None
    return table is not None and any(c.key == "mentoring_consent_date" for c in table.sheet.columns)


def labour_papers_missing(values: dict[str, Any]) -> list[str]:
    """The papers of ТК РФ ст. 351.8 a mentor's registry row lacks, in the genitive («нет …»)."""
    lacking = []
    if not isinstance(values.get("mentoring_consent_date"), dt.date):
        lacking.append(LABOUR_CONSENT)
    if not clean_text(values.get("agreement_number")) or not isinstance(values.get("agreement_date"), dt.date):
        lacking.append(LABOUR_AGREEMENT)
    return lacking


def attendance(data: ProgramData) -> dict[str, int]:
    meetings = data.program.profile.training.meetings
    out: dict[str, int] = {}
    for row in data.rows("training", "attendance"):
        pid = row.values.get("id")
        if pid:
            out[pid] = out.get(pid, 0) + sum(1 for n in range(1, meetings + 1) if row.values.get(f"m{n}") is True)
    return out


def readiness(data: ProgramData) -> list[ParticipantStatus]:
    """Each participant's stage up to readiness for a pair (what the pairing needs; no pairs, no attention)."""
    return _stages(data)[0]


def _stages(data: ProgramData) -> tuple[list[ParticipantStatus], dict[str, TestResult], GroupResult | None]:
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
        role_name = for_gender(profile.roles[p.role], p.values.get("gender"))  # type: ignore[index]
        out.append(ParticipantStatus(pid, p.role, role_name, p.name, stage, stage_name,
                                     ready, missing, training, gaps))
    return out, tests, group


def compute_status(data: ProgramData, today: dt.date | None = None) -> ProgramStatus:
    """Stages of participants; pairs needing attention as of ``today`` (default: the current day)."""
    profile = data.program.profile
    stages = {s.number: s.name for s in profile.stages}
    threshold = data.training_threshold()
    meetings = profile.training.meetings
    out, tests, group = _stages(data)
    day = today or dt.date.today()
    states = pair_states(data, day)
    _mark_paired(data, out, stages, states, day)
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
    attention = attention_list(states)
    counts["pairs_attention"] = len(attention)
    return ProgramStatus(profile.form, profile.name, threshold, meetings, out, invited, testing_json, counts,
                         day.isoformat(), attention, group_meetings(states))


def presented_results(data: ProgramData, day: dt.date) -> set[str]:
    """Mentees (and their mentors) whose results were presented by ``day`` (stage 7 reached): a row of
    «06_Итоги → Результаты» with the date of presentation on or before the day."""
    out: set[str] = set()
    for row in data.rows("results", "results"):
        v = row.values
        presented = v.get("presented_on")
        if isinstance(presented, dt.date) and presented <= day:
            out |= {x for x in (v.get("mentee_id"), v.get("mentor_id")) if x}
    return out


def _mark_paired(data: ProgramData, statuses: list[ParticipantStatus], stages: dict[int, str],
                 states: list[PairState], day: dt.date) -> None:
    """Stages 5–7 of the participants of a fixed pair or group, as of ``day``: 5 once the pair is fixed,
    6 once it has met (a meeting on or before the day in «05_Работа пар»), 7 once the results are presented
    (the date of presentation in «06_Итоги», on or before the day)."""
    if "pairs" not in data.books:
        return
    pair_of: dict[str, str] = {}
    for pair in fixed_pairs(data):
        pair_of.setdefault(pair.mentor, pair.pair_id)
        for mentee in pair.mentees:
            pair_of.setdefault(mentee, pair.pair_id)
    met = {s.pair_id for s in states if s.meetings}
    presented = presented_results(data, day)
    labour = labour_papers_required(data)
    for s in statuses:
        if s.id in pair_of and s.ready:
            s.pair = pair_of[s.id]
            s.stage = 7 if s.id in presented else 6 if s.pair in met else 5
            s.stage_name = f"{stages.get(s.stage, '')} (пара {s.pair})"
            if labour and s.role == "mentor":
                lacking = labour_papers_missing(data.participants[s.id].values)
                if lacking:
                    s.missing.append(f"нет {' и '.join(lacking)} (ст. 351.8 ТК РФ): без них наставничество не "
                                     "поручается и доплата не устанавливается")


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
