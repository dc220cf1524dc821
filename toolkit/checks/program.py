"""Checks across rows, sheets and workbooks of a program (lazy: every failure is reported)."""

from __future__ import annotations

from toolkit.base.grammar import gendered, person_gender
from toolkit.base.problems import Report
from toolkit.base.values import class_number, fold, format_date
from toolkit.books.reader import BookData, Table
from toolkit.checks.monitoring import validate_monitoring
from toolkit.checks.pairs import validate_pairs
from toolkit.checks.people import same_person
from toolkit.checks.results import validate_results
from toolkit.checks.work import validate_work
from toolkit.model.program import Program, ProgramData

SELF_CONSENT = "Сам участник (18+)"


def load_program(program: Program, report: Report) -> ProgramData:
    """Read every workbook of the program and check it: the one way a command gets a program's data."""
    data = program.read(report)
    validate_program(data, report)
    report.tag_books(data.labels)
    return data


def validate_program(data: ProgramData, report: Report) -> None:
    """Every check of every workbook, each problem in ``report`` (lazy: nothing stops at the first one)."""
    for book in data.books.values():
        for table in book.tables.values():
            check_unique(book, table, report)
    registry = data.books.get("applications")
    if registry and data.program.profile.minors:
        for table in registry.tables.values():
            if table.sheet.role is not None:
                check_minor_consent(registry, table, report)
    for book in data.books.values():
        for table in book.tables.values():
            check_refs(data, book, table, report)
    check_settings(data, report)
    check_training(data, report)
    if "pairs" in data.books:
        validate_pairs(data, report)
    if "work" in data.books:
        validate_work(data, report)
    if "results" in data.books:
        validate_results(data, report)
    if "monitoring" in data.books:
        validate_monitoring(data, report)


def check_unique(book: BookData, table: Table, report: Report) -> None:
    columns = {c.key: c for c in table.sheet.columns}
    groups = list(table.sheet.unique)
    if "id" in columns and columns["id"].type == "id":
        groups.append(["id"])
    for group in groups:
        seen: dict[tuple[str, ...], int] = {}
        for row in table.rows:
            if any(k in row.bad for k in group):
                continue
            values = [row.values.get(k) for k in group]
            if all(v in (None, "") for v in values) or any(
                row.values.get(k) in (None, "") for k in group if columns[k].required
            ):
                continue
            key = tuple(fold(v) if not isinstance(v, (int, float)) else str(v) for v in values)
            if key in seen:
                first = group[0]
                is_person = any(columns[k].person for k in group)
                cell = row.cell(first)
                if group == ["id"] and columns["id"].type == "id":
                    report.add("duplicate-id", file=book.label, sheet=table.name, cell=cell, field=columns["id"].header,
                               value=row.values.get("id"), other=seen[key])
                elif is_person:
                    name = " ".join(str(v) for v in values if v)
                    gender = person_gender(name, row.values.get("gender"))
                    report.add("duplicate-person", file=book.label, sheet=table.name, cell=cell,
                               field=columns[first].header, name=name, other=seen[key],
                               recorded=gendered(gender, "записан", "записана"))
                else:
                    shown = ", ".join(str(v) for v in values if v not in (None, ""))
                    report.add("duplicate-entry", file=book.label, sheet=table.name, cell=cell,
                               field=columns[first].header, value=shown, other=seen[key])
            else:
                seen[key] = row.number


def check_refs(data: ProgramData, book: BookData, table: Table, report: Report) -> None:
    refs = [c for c in table.sheet.columns if c.type == "ref"]
    if not refs:
        return
    registry_file = data.books["applications"].label if "applications" in data.books else "02_Заявки.xlsx"
    for column in refs:
        for row in table.rows:
            pid = row.values.get(column.key)
            if not pid:
                continue
            participant = data.participants.get(pid)
            if participant is None:
                registry = data.books.get("applications")
                # an unreadable registry sheet is reported once, not as one unknown code per row elsewhere
                if registry and all(t.present for t in registry.tables.values()):
                    report.add("unknown-participant", file=book.label, sheet=table.name, cell=row.cell(column.key),
                               field=column.header, value=pid, where=registry_file)
                continue
            if column.role in ("mentor", "mentee") and participant.role != column.role:
                report.add("wrong-role", file=book.label, sheet=table.name, cell=row.cell(column.key),
                           field=column.header, value=pid, found=data.program.profile.roles[participant.role],  # type: ignore[index]
                           expected=data.program.profile.roles[column.role])
                continue
            name = row.values.get("name")
            if name and "name" in row.cells and not same_person(name, participant.name):
                report.add("name-mismatch", file=book.label, sheet=table.name, cell=row.cell("name"), field="ФИО",
                           value=name, id=pid, expected=participant.name)


def check_minor_consent(book: BookData, table: Table, report: Report) -> None:
    for row in table.rows:
        klass = row.values.get("class")
        if (
            row.values.get("consent_pd") is True
            and row.values.get("consent_pd_by") == SELF_CONSENT
            and klass
            and class_number(klass) <= 9
            and "consent_pd_by" in row.cells
        ):
            report.add("consent-by-whom", file=book.label, sheet=table.name, cell=row.cell("consent_pd_by"),
                       field="Согласие на ПДн дал", klass=klass)


def check_settings(data: ProgramData, report: Report) -> None:
    book = data.books.get("settings")
    if not book or "settings" not in book.forms:
        return
    form = book.forms["settings"]
    values = form.values
    start, end = values.get("program_start"), values.get("program_end")
    if start and end and end < start:
        report.add("settings-dates", file=book.label, sheet=form.sheet.name, cell=form.cells.get("program_end", ""),
                   field="Дата окончания программы", start=format_date(start), end=format_date(end))
    threshold = values.get("training_threshold")
    meetings = data.program.profile.training.meetings
    if threshold and threshold > meetings:
        report.add("threshold-too-high", file=book.label, sheet=form.sheet.name,
                   cell=form.cells.get("training_threshold", ""), field="Порог обучения", value=threshold,
                   count=meetings)


def check_training(data: ProgramData, report: Report) -> None:
    book = data.books.get("training")
    if not book or "reflection" not in book.tables:
        return
    table = book.tables["reflection"]
    count = data.program.profile.training.meetings
    for row in table.rows:
        n = row.values.get("meeting")
        if isinstance(n, int) and n > count:
            report.add("meeting-out-of-plan", file=book.label, sheet=table.name, cell=row.cell("meeting"),
                       field="№ встречи", value=n, count=count)
