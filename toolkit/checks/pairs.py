"""Checks of «04_Пары» (stage 4): consents, capacities, readiness of both sides, the hard rules of the form,
one pair per person, wishes of the group meeting and class preferences."""

from __future__ import annotations

import datetime as dt

from toolkit.base.grammar import for_gender, gendered
from toolkit.base.problems import Report
from toolkit.base.values import format_date
from toolkit.books.reader import BookData, Row, Table
from toolkit.checks.people import same_person
from toolkit.logic.candidates import Context, build_context, readiness_problem
from toolkit.logic.readiness import labour_papers_missing, labour_papers_required
from toolkit.logic.scoring import RULE_NOT_OLDER, hard_rule, parse_classes
from toolkit.model.pairs import (
    BOOK,
    PROPOSAL,
    QUESTIONNAIRE,
    SCHEME_ARGUMENT,
    consent,
    is_declined,
    is_ended,
    is_fixed,
    normalize_pair_id,
)
from toolkit.model.program import ProgramData


def validate_pairs(data: ProgramData, report: Report) -> None:
    """Problems of the pairs workbook: the sheet «Пары», live proposals, wishes, class preferences."""
    book = data.books.get(BOOK)
    if book is None or "applications" not in data.books:
        return
    ctx = build_context(data)
    fixed = _check_pairs_sheet(ctx, book, report)
    _check_candidates(ctx, book, "proposals", fixed, report)
    _check_candidates(ctx, book, "questionnaire", fixed, report)
    _check_wishes(book, report)
    _check_preferences(ctx, book, report)


def _check_names(ctx: Context, book: BookData, table: Table, row: Row, report: Report) -> None:
    for id_key, name_key in (("mentor_id", "mentor_name"), ("mentee_id", "mentee_name")):
        pid, name = row.values.get(id_key), row.values.get(name_key)
        if name and pid in ctx.people and not same_person(str(name), ctx.name(pid)):
            column = next(c for c in table.sheet.columns if c.key == name_key)
            report.add("name-mismatch", file=book.label, sheet=table.name, cell=row.cell(name_key),
                       field=column.header, value=name, id=pid, expected=ctx.name(pid))


def _header(table: Table, key: str) -> str:
    return next((c.header for c in table.sheet.columns if c.key == key), key)


def _report_pair_rules(ctx: Context, book: BookData, table: Table, row: Row, report: Report) -> None:
    """Readiness of both sides and the hard rules of the form for the pair of one row."""
    mentor, mentee = row.values.get("mentor_id"), row.values.get("mentee_id")
    for pid, key in ((mentor, "mentor_id"), (mentee, "mentee_id")):
        problem = readiness_problem(ctx, pid) if isinstance(pid, str) else None
        if problem:
            report.add(problem[0], file=book.label, sheet=table.name, cell=row.cell(key), field=_header(table, key),
                       **problem[1])
    if ctx.known(mentor, "mentor") and ctx.known(mentee, "mentee"):
        rule = hard_rule(ctx.people[mentor], ctx.people[mentee], ctx.rules)
        if rule:
            key = "mentor_id" if rule[0] == RULE_NOT_OLDER else "mentee_id"
            report.add(rule[0], file=book.label, sheet=table.name, cell=row.cell(key), field=_header(table, key),
                       mentor=mentor, mentee=mentee, reason=rule[1])


def _check_pairs_sheet(ctx: Context, book: BookData, report: Report) -> set[tuple[str, str]]:
    """Checks of the sheet «Пары»; returns the (mentor, mentee) pairs it holds as active."""
    table = book.tables.get("pairs")
    fixed: set[tuple[str, str]] = set()
    if table is None or not table.present:
        return fixed
    file, sheet = book.label, table.name
    labour = labour_papers_required(ctx.data)
    warned: set[str] = set()
    mentee_at: dict[str, tuple[str, int]] = {}
    mentor_pair: dict[str, tuple[str, int]] = {}
    pair_mentor: dict[str, tuple[str, int]] = {}
    count: dict[str, int] = {}
    for row in table.rows:
        v = row.values
        _check_names(ctx, book, table, row, report)
        mentor, mentee = v.get("mentor_id"), v.get("mentee_id")
        if is_ended(v) or not mentor or not mentee:
            continue
        pid = normalize_pair_id(v.get("pair_id")) if v.get("pair_id") else ""
        label = f"«{pid}»" if pid else f"в строке {row.number}"
        fixed.add((mentor, mentee))
        for key, who in (("consent_mentor", "наставника"), ("consent_mentee", "наставляемого")):
            if consent(v, key) is not True and key not in row.bad and key in row.cells:
                report.add("pair-no-consent", file=file, sheet=sheet, cell=row.cell(key), field=_header(table, key),
                           pair=label, who=who, value="отказ" if consent(v, key) is False else "пусто")
        if (ctx.rules.personal_meeting_required and "meeting_date" in row.cells and "meeting_date" not in row.bad
                and not isinstance(v.get("meeting_date"), dt.date)):
            report.add("pair-no-meeting", file=file, sheet=sheet, cell=row.cell("meeting_date"),
                       field=_header(table, "meeting_date"), pair=label)
        if not pid and "pair_id" in row.cells:
            report.add("pair-id-missing", file=file, sheet=sheet, cell=row.cell("pair_id"),
                       field=_header(table, "pair_id"))
        if ctx.known(mentee, "mentee"):
            if mentee in mentee_at:
                other, number = mentee_at[mentee]
                report.add("pair-person-twice", file=file, sheet=sheet, cell=row.cell("mentee_id"),
                           field=_header(table, "mentee_id"), role=ctx.role_name("mentee"), id=mentee,
                           name=ctx.name(mentee), other=other, row=number)
            else:
                mentee_at[mentee] = (label, row.number)
        if pid:
            if pid in pair_mentor and pair_mentor[pid][0] != mentor:
                report.add("pair-id-mixed", file=file, sheet=sheet, cell=row.cell("pair_id"),
                           field=_header(table, "pair_id"), pair=pid, mentor=pair_mentor[pid][0],
                           row=pair_mentor[pid][1])
            else:
                pair_mentor.setdefault(pid, (mentor, row.number))
            if ctx.known(mentor, "mentor"):
                if mentor in mentor_pair and mentor_pair[mentor][0] != pid:
                    report.add("pair-person-twice", file=file, sheet=sheet, cell=row.cell("mentor_id"),
                               field=_header(table, "mentor_id"), role=ctx.role_name("mentor"), id=mentor,
                               name=ctx.name(mentor), other=f"«{mentor_pair[mentor][0]}»", row=mentor_pair[mentor][1])
                else:
                    mentor_pair.setdefault(mentor, (pid, row.number))
        if ctx.known(mentor, "mentor"):
            count[mentor] = count.get(mentor, 0) + 1
            if count[mentor] == ctx.capacity(mentor) + 1:
                report.add("pair-capacity", file=file, sheet=sheet, cell=row.cell("mentor_id"),
                           field=_header(table, "mentor_id"), id=mentor, name=ctx.name(mentor),
                           capacity=ctx.capacity(mentor))
        _report_pair_rules(ctx, book, table, row, report)
        if labour and ctx.known(mentor, "mentor") and mentor not in warned:
            warned.add(mentor)
            _report_labour_papers(ctx, book, table, row, label, report)
        start, end = v.get("start"), v.get("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            report.add("pair-dates", file=file, sheet=sheet, cell=row.cell("end"), field=_header(table, "end"),
                       start=format_date(start), end=format_date(end))
    return fixed


def _report_labour_papers(ctx: Context, book: BookData, table: Table, row: Row, label: str, report: Report) -> None:
    """A mentor of a fixed pair without the written consent to mentoring or the supplementary agreement
    (ТК РФ ст. 351.8): warned once, at the mentor's first row on «Пары»."""
    mentor = str(row.values.get("mentor_id"))
    values = ctx.data.participants[mentor].values if mentor in ctx.data.participants else {}
    lacking = labour_papers_missing(values)
    if not lacking:
        return
    gender = values.get("gender")
    report.add("pair-labour-papers", file=book.label, sheet=table.name, cell=row.cell("mentor_id"),
               field=_header(table, "mentor_id"), role=for_gender(ctx.role_name("mentor"), gender), id=mentor,
               name=ctx.name(mentor), pair=label, missing=" и ".join(lacking), lacking=lacking,
               fixed=gendered(gender, "закреплён", "закреплена"), pronoun=gendered(gender, "он", "она"))


def _check_candidates(ctx: Context, book: BookData, key: str, fixed: set[tuple[str, str]], report: Report) -> None:
    """Live rows of «Предложения» / «Подбор по анкетам»: rules, readiness, request kind, consents not yet fixed."""
    table = book.tables.get(key)
    if table is None or not table.present:
        return
    scheme = PROPOSAL if key == "proposals" else QUESTIONNAIRE
    for row in table.rows:
        v = row.values
        _check_names(ctx, book, table, row, report)
        mentor, mentee = v.get("mentor_id"), v.get("mentee_id")
        if not mentor or not mentee or (mentor, mentee) in fixed:
            continue
        if is_declined(v):
            continue
        if scheme == PROPOSAL and ctx.known(mentee, "mentee"):
            kind = ctx.people[mentee].request_kind
            if kind and ctx.rules.proposal_allowed_kinds and kind not in ctx.rules.proposal_allowed_kinds:
                report.add("pair-proposal-kind", file=book.label, sheet=table.name, cell=row.cell("mentee_id"),
                           field=_header(table, "mentee_id"), id=mentee, kind=kind,
                           allowed=", ".join(k.lower() for k in ctx.rules.proposal_allowed_kinds))
        count = len(report)
        _report_pair_rules(ctx, book, table, row, report)
        if is_fixed(v, ctx.rules.personal_meeting_required) and len(report) == count:
            report.add("pair-not-fixed", file=book.label, sheet=table.name, cell=row.cell("mentee_id"),
                       field=_header(table, "mentee_id"), mentor=mentor, mentee=mentee, scheme=SCHEME_ARGUMENT[scheme])


def _check_wishes(book: BookData, report: Report) -> None:
    table = book.tables.get("wishes")
    if table is None or not table.present:
        return
    met = {(r.values.get("mentor_id"), r.values.get("mentee_id")) for r in book.tables["schedule"].rows} \
        if "schedule" in book.tables else set()
    seen: dict[tuple[str, str, int], int] = {}
    for row in table.rows:
        v = row.values
        for owner_key, rank_key in (("mentor_id", "mentor_rank"), ("mentee_id", "mentee_rank")):
            owner, rank = v.get(owner_key), v.get(rank_key)
            if not owner or not isinstance(rank, int):
                continue
            mark = (owner_key, owner, rank)
            if mark in seen:
                report.add("pair-wish-rank-duplicate", file=book.label, sheet=table.name, cell=row.cell(rank_key),
                           field=_header(table, rank_key), id=owner, rank=rank, other=seen[mark])
            else:
                seen[mark] = row.number
        if met and (v.get("mentor_rank") or v.get("mentee_rank")) and (v.get("mentor_id"), v.get("mentee_id")) not in met:
            report.add("pair-wish-not-met", file=book.label, sheet=table.name, cell=row.cell("mentee_id"),
                       field=_header(table, "mentee_id"), mentor=v.get("mentor_id"), mentee=v.get("mentee_id"))


def _check_preferences(ctx: Context, book: BookData, report: Report) -> None:
    table = book.tables.get("preferences")
    if table is None or not table.present:
        return
    low, high = ctx.profile.class_range
    for row in table.rows:
        text = row.values.get("classes")
        if text and "classes" not in row.bad:
            try:
                parse_classes(str(text), low, high)
            except ValueError:
                report.add("pair-classes-bad", file=book.label, sheet=table.name, cell=row.cell("classes"),
                           field=_header(table, "classes"), value=text, low=low, high=high)
