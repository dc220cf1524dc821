"""The whole program, every command, nothing a person typed lost.

A person fills every workbook of a student program with random valid data (seeded, so a failure can be
replayed), in Excel's way (openpyxl load, type by header, save), and the curator runs every command of the
toolkit through the command line, in the order of the stages and again out of order:

    init again · check · status · import · match (анкеты, twice) · order · distribute · collect (twice)
    · monitor · results (twice) · docs of every kind · export --anonymize · merge · init/check/status again

Each value typed carries, in the same row, a text cell with a unique marker; after every command every
marked row is found again by its marker and every value typed into it is the same (the pairs' own
workbooks: in «05_Работа пар» once collected). After every command, every workbook of the program folder
that changed has its previous bytes in «Резервные копии», the pairs' returned files are byte for byte
unchanged, and no command printed a traceback.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import random
import re
import shutil
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cli_helpers import run_cli_joined as run
from demo_helpers import Demos

from toolkit import spec
from toolkit.base import files
from toolkit.base.problems import Report
from toolkit.books.reader import BookData, Row
from toolkit.checks.program import load_program
from toolkit.model.program import Program
from toolkit.model.work import pair_spec

D = dt.date
DOC_KINDS = ("письма", "грамоты", "приказ", "прогресс", "отчёт", "практика", "сайт", "приглашения", "внедрение",
             "куратор", "дорожная_карта", "положение", "программа", "завершение", "ходатайство", "справка")
TEACHER_DOC_KINDS = ("согласия", "соглашения", "доплата", "персональные")  # ТК РФ ст. 351.8, personal programs
ROOT = Path(__file__).resolve().parent.parent
GENERATED = {"Статус программы.xlsx", "Мониторинг.xlsx"}  # made anew by each run, nobody types into them
MEN = [("Соколов", "Артём", "Игоревич"), ("Зайцев", "Фёдор", "Олегович"), ("Кудрявцев", "Лев", ""),
       ("Ёлкин", "Матвей", "Сергеевич"), ("Белов", "Тимофей", "")]
WOMEN = [("Соколова", "Алёна", "Игоревна"), ("Зайцева", "Ульяна", ""), ("Кудрявцева", "Ярослава", "Олеговна"),
         ("Ёлкина", "Вера", ""), ("Белова", "Серафима", "Андреевна")]
WORDS = ["проект", "олимпиада", "дроби", "чтение вслух", "робототехника", "эссе", "«Кванториум»", "ГТО",
         "ёлочная игрушка", "план на неделю", "A&B <тег>", "=СУММ(A1:A3)", "+7 идей", "@класс", "50% успеха",
         "-не звонить-", '=HYPERLINK("http://example.com";"жми")', "../../Рабочий стол", "CON"]




# --------------------------------------------------------------------------- the person


@dataclass
class Typed:
    book: str  # the key of the program workbook the values must be found in
    sheet: str
    marker_key: str | None  # None for a form sheet
    marker: Any
    values: dict[str, Any]  # column key → value as the toolkit reads it (valid: normalised)


class Person:
    """Types into workbooks as Excel would save them and remembers every row typed, by its marker."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.count = 0
        self.typed: list[Typed] = []
        self.pending: list[Typed] = []  # typed into pairs' files: in «05_Работа пар» once collected

    def marker(self, what: str) -> str:
        self.count += 1
        return f"{what} {self.rng.choice(WORDS)} №{self.seed}-{self.count}"

    def words(self, n: int = 4) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(n)).capitalize()

    def phone(self) -> str:
        return f"+7 914 {self.rng.randint(100, 999)}-{self.rng.randint(10, 99)}-{self.rng.randint(10, 99)}"

    def some(self, choices: list[str], low: int = 1, high: int = 3) -> str:
        return ", ".join(self.rng.sample(choices, self.rng.randint(low, min(high, len(choices)))))

    def date(self, low: dt.date, high: dt.date) -> dt.date:
        return low + dt.timedelta(days=self.rng.randint(0, max(0, (high - low).days)))

    def type_rows(self, path: Path, book: BookData, sheet_key: str, rows: list[tuple[int | None, dict[str, Any]]],
                  marker_key: str, target: str | None = None) -> None:
        """Type ``rows`` ({column key: value}) into the sheet: at the given row number, or (None) into the
        next row nobody has typed in. ``marker_key`` names the column whose value identifies the row."""
        table = book.tables[sheet_key]
        wb = openpyxl.load_workbook(path)
        ws = wb[table.name]
        header = {str(c.value).strip(): c.column for c in ws[table.header_row] if c.value is not None}
        columns = {c.key: header[c.header] for c in table.sheet.columns if c.header in header}
        inputs = [columns[c.key] for c in table.sheet.columns if c.key in columns and not c.locked and c.type != "id"]
        used = {r.number for r in table.rows}
        free = table.header_row + 1
        numbers = []
        for number, values in rows:
            if number is None:
                while free in used or any(ws.cell(row=free, column=col).value not in (None, "") for col in inputs):
                    free += 1
                number = free
                used.add(number)
            numbers.append(number)
            for key, value in values.items():
                text(ws.cell(row=number, column=columns[key]), value)
        wb.save(path)
        self._remember(path, book.spec, target, sheet_key, marker_key, rows, numbers)

    def type_form(self, path: Path, book: BookData, sheet_key: str, values: dict[str, Any]) -> None:
        form = book.forms[sheet_key]
        wb = openpyxl.load_workbook(path)
        for key, value in values.items():
            text(wb[form_sheet_name(book, sheet_key)][form.cells[key]], value)
        wb.save(path)
        read = read_book(path, book.spec)
        kept = read.forms[sheet_key].values
        self.typed.append(Typed(book.spec.key, sheet_key, None, None, {k: kept[k] for k in values}))

    def _remember(self, path: Path, wb_spec: spec.WorkbookSpec, target: str | None, sheet_key: str,
                  marker_key: str, rows: list[tuple[int | None, dict[str, Any]]], numbers: list[int]) -> None:
        read = read_book(path, wb_spec)
        by_number = {r.number: r for r in read.tables[sheet_key].rows}
        for number, (_, values) in zip(numbers, rows, strict=True):
            row = by_number[number]
            bad = sorted(set(values) & set(row.bad))
            assert not bad, f"{path.name}/{sheet_key}: строка {number}, недопустимые значения в тесте: {bad}"
            kept = row.kept_values()
            typed = Typed(target or wb_spec.key, sheet_key, marker_key, kept[marker_key], {k: kept[k] for k in values})
            (self.pending if target else self.typed).append(typed)

    def collected(self) -> None:
        self.typed += self.pending
        self.pending = []


def text(cell: Any, value: Any) -> None:
    """Type a value; text stays text even when it begins with «=», as in a cell formatted as text."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def form_sheet_name(book: BookData, sheet_key: str) -> str:
    return next(s.name for s in book.spec.sheets if s.key == sheet_key)


def read_book(path: Path, wb_spec: spec.WorkbookSpec) -> BookData:
    """One workbook as the toolkit reads it."""
    from toolkit.books.reader import open_book, read_workbook

    report = Report()
    book = open_book(path, report, path.name)
    assert book is not None, report.problems
    return read_workbook(book, wb_spec, report, path.name)


def prefilled(path: Path, book: BookData, sheet_key: str, key: str) -> list[tuple[int, Any]]:
    """Rows the toolkit filled in advance (only locked cells: the reader does not count them as typed)."""
    table = book.tables[sheet_key]
    header = next(c.header for c in table.sheet.columns if c.key == key)
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb[table.name].iter_rows(min_row=table.header_row, values_only=True))
    wb.close()
    col = [str(v).strip() if v is not None else "" for v in rows[0]].index(header)
    return [(table.header_row + n, r[col]) for n, r in enumerate(rows) if n and col < len(r) and r[col] not in (None, "")]


def row_with(rows: Iterable[Row], key: str, marker: Any) -> list[Row]:
    return [r for r in rows if r.kept_values().get(key) == marker]


def assert_kept(root: Path, person: Person, after: str) -> None:
    data = load_program(Program.open(root), Report())
    lost = []
    for t in person.typed:
        book = data.books.get(t.book)
        if book is None:
            lost.append(f"{t.book}: книга не прочитана")
            continue
        if t.marker_key is None:
            values = book.forms[t.sheet].values
            found = {k: values.get(k) for k in t.values}
        else:
            rows = row_with(book.tables[t.sheet].rows, t.marker_key, t.marker)
            if len(rows) != 1:
                lost.append(f"{book.label}/{t.sheet}: строк с «{t.marker}» — {len(rows)}")
                continue
            kept = rows[0].kept_values()
            found = {k: kept.get(k) for k in t.values}
        if found != t.values:
            changed = {k: (t.values[k], found[k]) for k in t.values if found[k] != t.values[k]}
            lost.append(f"{book.label}/{t.sheet} «{t.marker}»: {changed}")
    assert not lost, f"после «{after}» потеряно или изменено введённое:\n" + "\n".join(lost)


def docx_text(path: Path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def formula_parts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        return [n for n in sheets if re.search(rb"<f[ >/]", z.read(n))]


def every_row(root: Path, keys: Iterable[str]) -> Counter[str]:
    """Every row of the given workbooks, whoever typed it (the demo's sample people too), as text."""
    books = load_program(Program.open(root), Report()).books
    return Counter(f"{key}/{sheet}: {sorted(row.kept_values().items(), key=lambda kv: kv[0])!r}"
                   for key in keys for sheet, table in books[key].tables.items() for row in table.rows)


# --------------------------------------------------------------------------- the curator's commands


class Curator:
    def __init__(self, root: Path, person: Person, capsys: pytest.CaptureFixture[str]) -> None:
        self.root, self.person, self.capsys = root, person, capsys
        self.commands: list[str] = []
        self.returned: dict[Path, str] = {}  # the pairs' returned files and their digests

    def workbooks(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(self.root.glob("*.xlsx")) if p.name not in GENERATED}

    def backups(self) -> list[bytes]:
        folder = self.root / files.BACKUP_DIR
        return [p.read_bytes() for p in folder.rglob("*") if p.is_file()] if folder.exists() else []

    def __call__(self, *args: str, codes: tuple[int, ...] = (0,)) -> str:
        before = self.workbooks()
        code, output = run(list(args), self.capsys)
        name = " ".join(args[:1] + tuple(a for a in args[2:] if a.startswith("--")))
        self.commands.append(name)
        assert "Traceback" not in output, output
        assert code in codes, f"{name}: код {code}\n{output}"
        after = self.workbooks()
        assert set(before) <= set(after), f"{name}: пропали книги {set(before) - set(after)}"
        saved = self.backups()
        for file, content in before.items():
            if after[file] != content:
                assert content in saved, f"{name} переписала «{file}» без резервной копии"
        for path, digest in self.returned.items():
            assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, f"{name} изменила «{path.name}»"
        assert_kept(self.root, self.person, name)
        return output


def load(root: Path) -> tuple[Program, dict[str, BookData]]:
    program = Program.open(root)
    return program, load_program(program, Report()).books


def import_applications(path: Path, person: Person, program: Program) -> Path:
    """A forms export with two new mentors, its questions named like the registry's columns."""
    sheet = next(s for w in program.specs if w.key == "applications" for s in w.sheets if s.key == "mentors")
    columns = [c for c in sheet.columns if c.type != "id" and c.key != "note"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Роль", *(c.header for c in columns)])
    for last, first, middle in (("Новикова", "Вера", "Петровна"), ("Орехова", "Дарья", "")):
        values = participant(person, program.profile, "mentor") | {
            "last_name": last, "first_name": first, "middle_name": middle, "gender": "ж"}
        writer.writerow(["Наставник", *(f"{v:%d.%m.%Y}" if isinstance(v, dt.date) else v
                                        for v in (values.get(c.key, "") for c in columns))])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- stages 1–3: what people type


def participant(p: Person, profile: spec.Profile, role: str) -> dict[str, Any]:
    """A complete, valid application of either form (a student's class, a teacher's subject and category)."""
    lists = profile.lists
    gender = p.rng.choice(["м", "ж"])
    last, first, middle = p.rng.choice(MEN if gender == "м" else WOMEN)
    values: dict[str, Any] = {
        "last_name": last, "first_name": first, "middle_name": middle or None, "gender": gender,
        "contact": p.phone(), "applied_on": p.date(D(2026, 9, 2), D(2026, 9, 8)),
        "areas": p.some(lists["areas"]), "days": p.some(lists["days"], 2, 4),
        "times": p.some(lists["times"], 1, 2), "consent_participation": "да", "consent_pd": "да",
        "consent_pd_by": lists["consent_by"][-1] if profile.form == "student" else lists["consent_by"][0],
        "consent_date": D(2026, 9, 9),
    }
    if profile.form == "student":
        values["class"] = f"{p.rng.randint(9, 11) if role == 'mentor' else p.rng.randint(5, 8)}{p.rng.choice('АБВ')}"
    else:
        values |= {"subject": p.rng.choice(lists["subjects"]), "category": p.rng.choice(lists["categories"][2:]),
                   "experience": p.rng.randint(12, 30) if role == "mentor" else p.rng.randint(0, 2)}
    if role == "mentor":
        values |= {"motivation": p.words(6), "skills": p.words(5),
                   "frequency": p.rng.choice(lists["frequencies"]), "capacity": p.rng.randint(1, 3)}
    else:
        values |= {"request": p.words(6), "request_kind": p.rng.choice(lists["request_kinds"])}
    return values


def type_stages_1_3(root: Path, p: Person) -> list[str]:
    program, books = load(root)
    lists = program.profile.lists
    reg = books["applications"]
    new_mentors: list[str] = []
    for role, sheet, count in (("mentor", "mentors", 2), ("mentee", "mentees", 3)):
        rows: list[tuple[int | None, dict[str, Any]]] = []
        for _ in range(count):
            rows.append((None, participant(p, program.profile, role) | {"note": p.marker("Заметка куратора")}))
        # the curator also edits rows typed before: a note, another phone, other times
        for row in p.rng.sample(reg.tables[sheet].rows, 3):
            rows.append((row.number, {"note": p.marker("Позвонить"), "contact": p.phone(),
                                      "times": p.some(lists["times"], 1, 2)}))
        p.type_rows(reg.path, reg, sheet, rows, "note")
    _, books = load(root)
    taken = {r.values["id"] for r in books["applications"].tables["mentors"].rows}
    before = {r.values["id"] for r in reg.tables["mentors"].rows}
    new_mentors = sorted(taken - before)
    assert len(new_mentors) == 2
    names = {r.values["id"]: f"{r.values['last_name']} {r.values['first_name']}"
             for r in books["applications"].tables["mentors"].rows}

    testing = books.get("testing")  # teachers take no test
    if testing is not None:
        items = [c.key for c in testing.tables["answers"].sheet.columns if c.key.startswith("q")]
        p.type_rows(testing.path, testing, "answers", [
            (None, {"id": pid, "name": names[pid], "date": p.date(D(2026, 9, 10), D(2026, 9, 12)),
                    **{q: p.rng.randint(1, 5) for q in items}}) for pid in new_mentors], "id")

    training = books["training"]
    meetings = [c.key for c in training.tables["attendance"].sheet.columns if c.key.startswith("m")]
    p.type_rows(training.path, training, "attendance", [
        (None, {"id": pid, "name": names[pid], **{m: "да" for m in meetings}}) for pid in new_mentors], "id")
    if "reflection" in training.tables:
        p.type_rows(training.path, training, "reflection", [
            (None, {"id": pid, "meeting": p.rng.randint(1, len(meetings)), "text": p.marker("Понял, что")})
            for pid in new_mentors], "text")
    else:  # teachers: the strategy of each mentor
        choices = {c.key: c.choices for c in training.tables["strategy"].sheet.columns}
        p.type_rows(training.path, training, "strategy", [
            (None, {"id": pid, "strategy": p.marker("Стратегия"), "frequency": p.rng.choice(choices["frequency"]),
                    "format": p.rng.choice(choices["format"]), "plan": p.words(6), "deadline": D(2027, 5, 15)})
            for pid in new_mentors], "strategy")

    meeting = books["meeting"]
    if "invited" in meeting.tables:
        p.type_rows(meeting.path, meeting, "invited", [
            (None, {"last_name": last, "first_name": first, "gender": "м", "class": "10Б", "attended": "да",
                    "interest": p.rng.choice(lists["interest"]), "comment": p.marker("Пришёл с другом")})
            for last, first, _ in p.rng.sample(MEN, 2)], "comment")
    else:
        p.type_rows(meeting.path, meeting, "candidates", [
            (None, {"last_name": last, "first_name": first, "gender": "м", "subject": p.rng.choice(lists["subjects"]),
                    "experience": p.rng.randint(1, 30), "category": p.rng.choice(lists["categories"]),
                    "discussed": "да", "consent": "да", "consent_date": D(2026, 9, 3),
                    "comment": p.marker("Готов помочь")}) for last, first, _ in p.rng.sample(MEN, 2)], "comment")
    p.type_form(meeting.path, meeting, "event", {"notes": p.marker("Итоги встречи")})
    return new_mentors


# --------------------------------------------------------------------------- stage 4: the curator's consents


def type_consents(root: Path, p: Person) -> int:
    program, books = load(root)
    pairs = books["pairs"]
    met = {"meeting_date": D(2026, 9, 28)} if program.profile.form == "teacher" else {}  # teachers meet first
    rows = [(r.number, {"consent_mentor": "да", "consent_mentee": "да", **met,
                        "note": p.marker("Обе стороны согласны")})
            for r in pairs.tables["questionnaire"].rows if r.values.get("consent_mentor") is None]
    assert rows, "подбор по анкетам не предложил ни одной пары"
    p.type_rows(pairs.path, pairs, "questionnaire", rows, "note")
    return len({r.values["mentor_id"] for r in pairs.tables["questionnaire"].rows})  # pairs and groups


# --------------------------------------------------------------------------- stages 5–6: what pairs type


def type_pair_workbook(sent: Path, returned: Path, root: Path, p: Person) -> None:
    shutil.copyfile(sent, returned)
    program = Program.open(root)
    lists = program.profile.lists
    book = read_book(returned, pair_spec(program.profile))
    start = book.forms["pair"].values["start"]
    assert isinstance(start, dt.date)
    members = prefilled(returned, book, "members", "member_id")
    mentee = members[-1][1]
    p.type_rows(returned, book, "members", [
        (n, {"sphere": p.rng.choice(lists["spheres"]), "sphere_note": p.marker("Хочет попробовать")})
        for n, _ in members], "sphere_note", target="work")
    p.type_rows(returned, book, "competencies", [
        (n, {"self_start": p.rng.randint(1, 4), "joint_start": p.rng.randint(1, 4), "now": p.rng.randint(3, 5),
             "note": p.marker("Видно по")}) for n, _ in prefilled(returned, book, "competencies", "competency")],
        "note", target="work")
    p.type_rows(returned, book, "goals", [
        (n, {"goal": p.marker("Цель"), "horizon": p.rng.choice(lists["horizons"]),
             "deadline": start + dt.timedelta(days=60 + 30 * i), "status": "В работе"})
        for i, (n, _) in enumerate(prefilled(returned, book, "goals", "goal_no")[:2])], "goal", target="work")
    p.type_rows(returned, book, "sprints", [
        (None, {"goal_no": 1, "sprint_no": n + 1, "task": p.marker("Задача"),
                "start": start + dt.timedelta(days=14 * n), "end": start + dt.timedelta(days=14 * n + 13),
                "status": "Завершён"}) for n in range(2)], "task", target="work")
    meetings = prefilled(returned, book, "meetings", "number")[:p.rng.randint(2, 4)]
    p.type_rows(returned, book, "meetings", [
        (r, {"date": start + dt.timedelta(days=7 * n + 1), "format": p.rng.choice(["Очно", "Онлайн"]),
                    "topic": p.marker("Тема"), "minutes": p.rng.choice([30, 45, 60]), "done": p.words(5),
                    "mentor_score": p.rng.randint(3, 5), "mentee_score": p.rng.randint(3, 5)})
        for n, (r, _) in enumerate(meetings)], "topic", target="work")
    p.type_rows(returned, book, "diary", [
        (None, {"date": start + dt.timedelta(days=9), "member_id": mentee, "entry": p.marker("Получилось"),
                "difficulties": p.words(2), "progress": p.rng.randint(2, 5)})], "entry", target="work")
    if "adaptation" in book.tables:  # teachers: the adaptation programme and the intermediate results
        p.type_rows(returned, book, "adaptation", [
            (None, {"member_id": mentee, "problem": p.marker("Трудно"), "skill": p.words(2), "actions": p.words(6),
                    "deadline": start + dt.timedelta(days=30 + 10 * n), "status": "В работе"}) for n in range(2)],
            "problem", target="work")
        p.type_rows(returned, book, "results", [
            (n, {"topic": p.marker("Открытый урок"), "date": start + dt.timedelta(days=20), "evaluation": 4,
                 "evaluated_by": "Методист"}) for n, _ in prefilled(returned, book, "results", "kind")[:2]],
            "topic", target="work")


# --------------------------------------------------------------------------- stage 7: the curator's results


def type_results(root: Path, p: Person) -> None:
    _, books = load(root)
    res = books["results"]
    p.type_rows(res.path, res, "results", [
        (r.number, {"presented_on": D(2027, 5, 20), "project": p.words(5), "other": p.words(3),
                    "note": p.marker("Представили")}) for r in res.tables["results"].rows], "note")
    if "mutual" in res.tables:
        p.type_rows(res.path, res, "mutual", [
            (r.number, {"date": D(2027, 5, 18), **{f"m{i}": p.rng.randint(3, 5) for i in range(1, 6)},
                        **{f"y{i}": p.rng.randint(3, 5) for i in range(1, 5)}, "comment": p.marker("Взаимно")})
            for r in res.tables["mutual"].rows], "comment")
    p.type_rows(res.path, res, "competencies", [
        (r.number, {"end": p.rng.randint(3, 5), "comment": p.marker("Вырос в")})
        for r in res.tables["competencies"].rows[:12]], "comment")
    p.type_rows(res.path, res, "feedback", [
        (r.number, {"mentee_score": p.rng.randint(3, 5), "curator_score": p.rng.randint(3, 5),
                    "curator_comment": p.marker("Отзыв куратора")}) for r in res.tables["feedback"].rows], "curator_comment")
    ranking = res.tables["ranking"].rows
    assert ranking, "рейтинг пуст"
    awards = next(c for c in res.tables["ranking"].sheet.columns if c.key == "award").choices
    assert isinstance(awards, list)
    p.type_rows(res.path, res, "ranking", [
        (r.number, {"award": awards[n % len(awards)], "reason": p.marker("За помощь")}
         | ({"points": p.rng.randint(1, 10)} if awards[n % len(awards)].startswith("Баллы") else {}))
        for n, r in enumerate(ranking[:3])], "reason")
    mentor = ranking[0].values["mentor_id"]
    p.type_rows(res.path, res, "practices", [
        (None, {"title": p.marker("Практика"), "mentor_id": mentor, "description": p.words(8),
                "level": "Городской", "publish": "да"})], "title")
    p.type_rows(res.path, res, "partners", [
        (None, {"organization": p.marker("Библиотека"), "person": "Орлова Анна Петровна", "gender": "ж",
                "contact": "orlova@example.ru", "invited": "нет"})], "organization")
    p.type_form(res.path, res, "event", {"title": p.marker("Праздник наставничества"), "date": D(2027, 5, 25),
                                         "time": "15:00", "place": "Актовый зал"})


# --------------------------------------------------------------------------- the test


@pytest.mark.parametrize(("form", "seed"), [("ученик-ученик", 1), ("ученик-ученик", 2), ("педагог-педагог", 3)])
def test_every_command_keeps_what_people_typed(form: str, seed: int, demos: Demos, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = demos.copy("student" if form == "ученик-ученик" else "teacher", tmp_path / "Наставничество 2026", "written")
    person = Person(seed)
    new_mentors = type_stages_1_3(root, person)
    run_ = Curator(root, person, capsys)
    program = Program.open(root)
    stages_1_3 = [k for k in ("settings", "meeting", "applications", "testing", "training")
                  if k in {w.key for w in program.specs}]
    typed_before = every_row(root, stages_1_3)

    run_("init", str(root), "--form", form)
    run_("check", str(root), codes=(0, 1))
    run_("status", str(root), "--date", "01.10.2026")
    output = run_("import", str(root), str(import_applications(tmp_path / "ответы формы.csv", person, program)))
    assert "Добавлено: наставники — 2" in output, output
    run_("import", str(root), str(tmp_path / "ответы формы.csv"))  # the same export again: nothing doubled
    output = run_("status", str(root), "--json", "--no-workbook")
    assert all(pid in output for pid in new_mentors)

    run_("match", str(root), "--scheme", "анкеты", "--start", "01.10.2026")
    consents = type_consents(root, person)
    output = run_("match", str(root), "--scheme", "анкеты", "--start", "01.10.2026")
    run_("order", str(root), "--number", "12-о", "--date", "02.10.2026")
    run_("check", str(root), codes=(0, 1))

    out, inbox = tmp_path / "Книги пар", tmp_path / "Входящие"
    output = run_("distribute", str(root), "--out", str(out))
    sent = sorted(out.glob("*.xlsx"))
    assert len(sent) == consents, output
    inbox.mkdir()
    for n, path in enumerate(sent):
        returned = inbox / f"Работа пары {n + 1} (заполнено).xlsx"
        type_pair_workbook(path, returned, root, person)
        run_.returned[returned] = hashlib.sha256(returned.read_bytes()).hexdigest()
    output = run_("collect", str(root), str(inbox))
    assert output.count("Принято:") == len(sent), output
    person.collected()
    assert_kept(root, person, "collect")
    output = run_("collect", str(root), str(inbox))
    assert "Принято:" not in output and output.count("Без изменений:") == len(sent), output
    run_("distribute", str(root), "--out", str(out))  # again: what was collected goes into the new books
    run_("collect", str(root), str(inbox))
    run_("status", str(root))
    run_("monitor", str(root), "--date", "15.11.2026")

    run_("results", str(root), "--date", "15.11.2026")
    type_results(root, person)
    run_("results", str(root), "--date", "15.11.2026")
    for kind in DOC_KINDS + (TEACHER_DOC_KINDS if form == "педагог-педагог" else ()):
        run_("docs", str(root), "--kind", kind, "--date", "20.05.2027", codes=(0, 1))
    run_("docs", str(root), "--kind", "письма", "--single", "--date", "20.05.2027", codes=(0, 1))
    reasons = [t.values["reason"] for t in person.typed if t.sheet == "ranking" and "points" not in t.values]
    letters = "\n".join(docx_text(p) for p in (root / "Документы").rglob("*.docx"))
    assert reasons and all(r in letters for r in reasons), reasons  # what the curator typed, the letters say
    run_("export", str(root), "--anonymize", "--out", str(tmp_path / "Для муниципалитета.xlsx"))
    run_("merge", str(ROOT / "doc_templates" / "благодарственное_письмо.docx"),
         str(ROOT / "doc_templates" / "пример_данных_для_писем.xlsx"), "--out", str(tmp_path / "Письма"))
    run_("init", str(root), "--form", form)
    run_("check", str(root), codes=(0, 1))
    run_("status", str(root))

    # every command again with nothing new: not one file rewritten, not one more backup
    stable = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and p.name not in GENERATED}
    run_("match", str(root), "--scheme", "анкеты", "--start", "01.10.2026")
    run_("order", str(root), "--number", "12-о", "--date", "02.10.2026")
    run_("distribute", str(root), "--out", str(out))
    run_("collect", str(root), str(inbox))
    run_("results", str(root), "--date", "15.11.2026")
    for kind in DOC_KINDS + (TEACHER_DOC_KINDS if form == "педагог-педагог" else ()):
        run_("docs", str(root), "--kind", kind, "--date", "20.05.2027", codes=(0, 1))
    run_("import", str(root), str(tmp_path / "ответы формы.csv"))
    now = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and p.name not in GENERATED}
    assert sorted(map(str, set(now) ^ set(stable))) == [] and [p for p in now if now[p] != stable[p]] == []

    made = [p for p in tmp_path.rglob("*") if p.suffix in (".xlsx", ".docx", ".html")]
    docs = root / "Документы"  # names made of typed text («../../Рабочий стол», «CON») stay inside the folder
    assert all(p.parent == docs for p in docs.rglob("*") if p.is_file())
    assert not [p for p in tmp_path.parent.rglob("*Рабочий стол*")]
    assert not [p for p in tmp_path.rglob("*") if p.stem.upper() == "CON"]
    formulas = [f"{p.name}: {m}" for p in made if p.suffix == ".xlsx" for m in formula_parts(p)]
    assert not formulas, formulas  # «=…», «+…», «-…», «@…» typed by people are text in every workbook written
    missing = typed_before - every_row(root, stages_1_3)
    assert not missing, f"строки этапов 1–3 изменились или пропали: {list(missing)[:5]}"
    assert len(person.typed) > 150 and not person.pending
    assert {t.book for t in person.typed} == set(stages_1_3 + ["pairs", "work", "results"]) - {"settings"}
    assert {(t.book, t.sheet) for t in person.typed} >= ({("work", "adaptation"), ("results", "mutual")}
                                                          if form == "педагог-педагог" else {("testing", "answers")})
