"""The demo of stage 4: all three schemes run on the sample data, the curator's answers simulated.

Student form: the curator proposes pairs for adaptation requests (one mentee declines), the rest meet at a
Mentor Match speed meeting and rank those they met, whoever is left is matched by questionnaires (one mentor
declines a proposal and the toolkit proposes somebody else). Teacher form: proposals after personal meetings,
then questionnaires. Finally the order fixing the pairs is made in each folder.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from toolkit.base.problems import Report
from toolkit.books.writer import write_workbook
from toolkit.checks.program import load_program
from toolkit.logic.candidates import build_context
from toolkit.logic.scoring import hard_rule, score_pair
from toolkit.model.pairs import BOOK, MEETING, PROPOSAL, QUESTIONNAIRE
from toolkit.model.program import Program
from toolkit.stages.match import MatchOptions, pairs_spec, run_match

STUDENT_DATES = {"meeting": dt.date(2026, 11, 26), "start": dt.date(2026, 11, 30), "order": dt.date(2026, 11, 27)}
TEACHER_DATES = {"meeting": dt.date(2026, 9, 17), "start": dt.date(2026, 9, 21), "order": dt.date(2026, 9, 18)}


def _edit(program: Program, sheet: str, change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> None:
    """What a curator does in Excel: change the rows of one sheet, everything else stays as it was."""
    report = Report()
    data = load_program(program, report)
    spec = pairs_spec(program)
    book = data.books[BOOK]
    rows = {s.key: [r.kept_values() for r in book.tables[s.key].rows] if s.key in book.tables else []
            for s in spec.sheets}
    rows[sheet] = change(rows[sheet])
    write_workbook(program.root / (spec.file + ".xlsx"), spec, program.profile, program.program_id, rows)


def _match(program: Program, scheme: str, dates: dict[str, dt.date], **kw: Any) -> list[str]:
    options = MatchOptions(scheme, start=dates["start"], meeting_date=dates["meeting"], today=dates["meeting"],
                           backup=False, **kw)  # the demo backed up the whole folder before it began
    return run_match(program, options, Report()).lines


def _proposals(program: Program, count: int, dates: dict[str, dt.date]) -> list[dict[str, Any]]:
    """The curator's choice for the first adaptation requests: the best allowed ready mentor for each."""
    report = Report()
    ctx = build_context(load_program(program, report))
    allowed_kinds = ctx.rules.proposal_allowed_kinds
    mentors = [p for p in sorted(ctx.people) if ctx.people[p].role == "mentor" and ctx.ready.get(p)]
    mentees = [p for p in sorted(ctx.people) if ctx.people[p].role == "mentee" and ctx.ready.get(p)
               and ctx.people[p].request_kind == (allowed_kinds[0] if allowed_kinds else "")]
    used: set[str] = set()
    rows: list[dict[str, Any]] = []
    for mentee in mentees:
        options = [(score_pair(ctx.people[m], ctx.people[mentee], ctx.rules).score, m) for m in mentors
                   if m not in used and hard_rule(ctx.people[m], ctx.people[mentee], ctx.rules) is None]
        if not options:
            continue
        _, mentor = max(options, key=lambda o: (o[0], o[1]))
        used.add(mentor)
        n = len(rows)
        rows.append({"mentor_id": mentor, "mentor_name": ctx.name(mentor), "mentee_id": mentee,
                     "mentee_name": ctx.name(mentee), "consent_mentor": True, "consent_mentee": n != count - 1,
                     "meeting_date": dates["meeting"] - dt.timedelta(days=n + 1) if ctx.rules.personal_meeting_required
                     else None,
                     "note": "Наставляемый отказался: хочет наставника из своего кружка." if n == count - 1 else None})
        if len(rows) == count:
            break
    return rows


def _wishes(program: Program, seed: int) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    """After the speed meeting each side ranks up to three of those it met (by affinity, with chance)."""
    report = Report()
    ctx = build_context(load_program(program, report))
    rng = random.Random(seed)

    def change(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        liking = {}
        for i, v in enumerate(rows):
            m, s = v["mentor_id"], v["mentee_id"]
            base = score_pair(ctx.people[m], ctx.people[s], ctx.rules).score
            liking[i] = (base + rng.uniform(-0.25, 0.25), base + rng.uniform(-0.25, 0.25))
        for side, key in ((0, "mentee_id"), (1, "mentor_id")):
            by_owner: dict[str, list[int]] = {}
            for i, v in enumerate(rows):
                by_owner.setdefault(v[key], []).append(i)
            for indexes in by_owner.values():
                best = sorted(indexes, key=lambda i: -liking[i][side])[:3]
                for rank, i in enumerate(best, start=1):
                    rows[i]["mentee_rank" if side == 0 else "mentor_rank"] = rank
        return rows

    return change


def _answer_questionnaire(program: Program, dates: dict[str, dt.date], decline_first: bool) -> None:
    teacher = program.profile.kind == "teacher"

    def change(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        first = True
        for v in rows:
            if v.get("consent_mentor") is not None or v.get("consent_mentee") is not None:
                continue
            if first and decline_first:
                v["consent_mentor"] = False
                v["note"] = "Наставник считает, что лучше подойдёт ученик помладше."
            else:
                v["consent_mentor"] = v["consent_mentee"] = True
                if teacher:
                    v["meeting_date"] = dates["meeting"]
            first = False
        return rows

    _edit(program, "questionnaire", change)


def demo_pairs(program: Program) -> list[str]:
    """Run the schemes of the form on a demo folder and make the order; return what was done."""
    from toolkit.documents.order import make_order

    student = program.profile.kind == "student"
    dates = STUDENT_DATES if student else TEACHER_DATES
    lines: list[str] = []
    proposals = _proposals(program, 3 if student else 2, dates)
    if not student:
        proposals[-1]["consent_mentee"] = True  # teachers: both proposals accepted after personal meetings
        proposals[-1]["note"] = None
    _edit(program, "proposals", lambda rows: rows + proposals)
    lines += _match(program, PROPOSAL, dates)
    if student:
        lines += _match(program, MEETING, dates, rounds=4)  # a short meeting: not everybody meets everybody
        _edit(program, "wishes", _wishes(program, 26))
        lines += _match(program, MEETING, dates)
    _match(program, QUESTIONNAIRE, dates)
    _answer_questionnaire(program, dates, decline_first=student)
    lines += _match(program, QUESTIONNAIRE, dates)
    order = make_order(program, Report(), number="112-о" if student else "87-о", date=dates["order"])
    lines.append(f"Приказ о закреплении пар: {order.path.name} (пар и групп {order.pairs}, наставляемых {order.mentees}).")
    return lines
