"""Who can be paired and why not: the participants as the pairing sees them (:class:`Context`), shared by the
three schemes of `match` and by the checks of «04_Пары»."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeGuard

from toolkit.base.grammar import gendered
from toolkit.base.values import clean_text
from toolkit.logic.readiness import attendance, readiness
from toolkit.logic.scoring import Person, Rules, parse_classes
from toolkit.model.pairs import BOOK, is_declined
from toolkit.model.program import Participant, ProgramData
from toolkit.spec import Profile


def rules_of(profile: Profile) -> Rules:
    return Rules.from_profile(profile.pairing, profile.lists.get("days", ()), profile.folder)


@dataclass
class Context:
    """Everything the schemes and the checks need to know about the participants."""

    data: ProgramData
    profile: Profile
    rules: Rules
    people: dict[str, Person]
    ready: dict[str, bool]
    missing: dict[str, list[str]]
    visits: dict[str, int]
    threshold: int
    program_start: dt.date | None
    program_end: dt.date | None

    def role_name(self, role: str) -> str:
        return self.profile.roles[role]  # type: ignore[index]

    def known(self, pid: object, role: str) -> TypeGuard[str]:
        return isinstance(pid, str) and pid in self.people and self.people[pid].role == role

    def name(self, pid: str) -> str:
        person = self.people.get(pid)
        return person.name if person else ""

    def capacity(self, mentor: str) -> int:
        person = self.people.get(mentor)
        return person.capacity if person else 1


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value if v)
    return ()


def person_of(p: Participant, classes: frozenset[int] | None = None) -> Person:
    v = p.values
    capacity = v.get("capacity")
    return Person(
        id=p.id, role=p.role, name=p.name, klass=clean_text(v.get("class")), subject=clean_text(v.get("subject")),
        areas=_strings(v.get("areas")), days=_strings(v.get("days")), times=_strings(v.get("times")),
        capacity=capacity if isinstance(capacity, int) and capacity >= 0 else 1,
        request_kind=clean_text(v.get("request_kind")), gender=clean_text(v.get("gender")), classes=classes,
    )


def build_context(data: ProgramData) -> Context:
    profile = data.program.profile
    rules = rules_of(profile)
    preferred: dict[str, frozenset[int] | None] = {}
    for row in data.rows(BOOK, "preferences"):
        pid = row.values.get("mentor_id")
        if pid and row.values.get("classes") and "classes" not in row.bad:
            try:
                preferred[pid] = parse_classes(str(row.values["classes"]), *profile.class_range)
            except ValueError:
                pass
    people = {pid: person_of(p, preferred.get(pid) if p.role == "mentor" else None)
              for pid, p in data.participants.items()}
    status = readiness(data)
    settings = data.settings()
    start, end = settings.get("program_start"), settings.get("program_end")
    return Context(
        data=data, profile=profile, rules=rules, people=people,
        ready={s.id: s.ready for s in status},
        missing={s.id: list(s.missing) for s in status},
        visits=attendance(data), threshold=data.training_threshold(),
        program_start=start if isinstance(start, dt.date) else None,
        program_end=end if isinstance(end, dt.date) else None,
    )


def readiness_problem(ctx: Context, pid: str) -> tuple[str, dict[str, Any]] | None:
    """Why a participant cannot be in a pair yet (problem code and parameters), or None when ready."""
    person = ctx.people.get(pid)
    if person is None or ctx.ready.get(pid, False):
        return None
    missing = ctx.missing.get(pid, [])
    if person.role == "mentor":
        count = ctx.visits.get(pid, 0)
        if count < ctx.threshold:
            other = [m for m in missing if not m.startswith("обучение")]
            return "pair-mentor-untrained", {
                "id": pid, "name": person.name, "count": count, "meetings": ctx.profile.training.meetings,
                "threshold": ctx.threshold, "more": ("; кроме того: " + "; ".join(other)) if other else ""}
    return "pair-not-ready", {"role": ctx.role_name(person.role), "id": pid, "name": person.name,
                              "missing": "; ".join(missing) or "заявка не готова",
                              "ready": gendered(person.gender, "готов", "готова")}


def why_not_ready(ctx: Context, pid: str) -> str:
    person = ctx.people.get(pid)
    ready = gendered(person.gender if person else None, "готов", "готова")
    return f"не {ready} к формированию пары: " + ("; ".join(ctx.missing.get(pid, [])) or "заявка не готова")


def declined_pairs(data: ProgramData) -> set[tuple[str, str]]:
    """(mentor, mentee) pairs one side refused, on the sheets of proposals and of questionnaire results."""
    out: set[tuple[str, str]] = set()
    for sheet in ("proposals", "questionnaire"):
        for row in data.rows(BOOK, sheet):
            v = row.values
            if v.get("mentor_id") and v.get("mentee_id") and is_declined(v):
                out.add((v["mentor_id"], v["mentee_id"]))
    return out
