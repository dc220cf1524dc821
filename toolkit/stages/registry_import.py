"""Import of applications exported from Yandex Forms or Google Forms (CSV or XLSX) into the registry.

Question headers are matched to registry columns by their header, aliases or form question text.
A person already in the registry is never added again. A person who sent the form several times is added
once, from the latest answer (by the export's time of answer, else the lowest row), and the curator is told
(:func:`latest_answer` is the rule, shared with the monitoring questionnaires). The registry is backed up, then
rewritten atomically with every value people typed kept (invalid ones as typed, unknown columns too).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.base import files
from toolkit.base.grammar import gendered, person_gender, plural
from toolkit.base.lock import locks_program
from toolkit.base.messages import latest_reason, render
from toolkit.base.problems import NastavnikError, Report
from toolkit.base.values import clean_text, fold, format_timestamp, is_blank, parse_timestamp, person_key
from toolkit.books.reader import SheetTooLarge, open_book, parse_cell
from toolkit.books.rewrite import MAX_CELL_CHARS, ensure_rewritable, rewrite_stage_book
from toolkit.books.writer import FOREIGN_SHEETS
from toolkit.checks.program import load_program
from toolkit.spec import Column, Sheet

if TYPE_CHECKING:
    from toolkit.model.program import Program

ROLE_HEADERS = {fold(h) for h in ("Роль", "Кем вы хотите быть в программе?", "Кем вы хотите быть", "Я хочу")}
FULL_NAME_HEADERS = {fold(h) for h in ("ФИО", "Фамилия, имя, отчество", "Фамилия Имя Отчество", "Ваше ФИО",
                                        "Фамилия и имя")}
IGNORED_HEADERS = {fold(h) for h in ("ID", "Номер ответа", "Время изменения", "Адрес электронной почты пользователя",
                                      "Время прохождения")}
# the column in which a forms export gives the moment each answer was sent (Google Forms, Yandex Forms)
TIMESTAMP_HEADERS = {fold(h) for h in ("Отметка времени", "Время создания", "Timestamp")}
ROLE_WORDS = {"mentor": ("наставник", "наставником", "mentor", "хочу стать наставником", "хочу помогать"),
              "mentee": ("наставляемый", "наставляемым", "молодой педагог", "mentee", "нужен наставник",
                         "хочу найти наставника", "мне нужен наставник", "ученик")}


@dataclass
class ImportResult:
    added: dict[str, int] = field(default_factory=lambda: {"mentor": 0, "mentee": 0})
    skipped: int = 0
    unmapped: list[str] = field(default_factory=list)
    backup: Path | None = None
    registry: Path | None = None


def read_export(path: Path) -> list[list[Any]]:
    """Rows of a forms export: CSV (UTF-8 with or without BOM, or cp1251; «,» or «;») or a spreadsheet."""
    if not path.exists():
        raise NastavnikError(f"Файл «{path.name}» не найден.")
    size = path.stat().st_size
    if size == 0:
        raise NastavnikError(f"{path.name}: файл пустой (0 байт). Скачайте выгрузку из формы заново.")
    if size > files.MAX_INPUT_BYTES:
        raise NastavnikError(f"{path.name}: файл слишком большой ({files.human_size(size)} при пределе "
                             f"{files.human_size(files.MAX_INPUT_BYTES)}): выгрузка анкет весит килобайты, а файл "
                             "читается в память целиком. Проверьте, тот ли это файл.")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise NastavnikError(f"{path.name}: файл не удаётся прочитать (нет прав на чтение или это папка).") from exc
        # Excel's «Текст Юникод» is UTF-16 with a byte order mark; forms give UTF-8 (with or without BOM) or cp1251
        encodings = ("utf-16",) if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "cp1251")
        for encoding in encodings:
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise NastavnikError(f"{path.name}: " + render("import-encoding"))
        if "\x00" in text:
            raise NastavnikError(f"{path.name}: это не текстовая выгрузка CSV. Скачайте выгрузку из формы в CSV или XLSX.")
        first = text.split("\n", 1)[0]
        delimiter = max((";", ",", "\t"), key=first.count)
        return _limited(path, csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    report = Report()
    book = open_book(path, report, path.name)
    if book is None:
        raise NastavnikError(f"{path.name}: {report.problems[0].message}")
    name = next((n for n in book.sheet_names if n not in book.hidden), book.sheet_names[0])
    try:
        rows, _ = book.rows(name)
    except SheetTooLarge as exc:
        report = Report()
        exc.report(report, path.name)
        raise NastavnikError(f"{path.name}: {report.problems[0].message}") from exc
    return rows


def numbered_rows(path: Path) -> list[tuple[int, list[Any]]]:
    """The rows of a forms export that hold anything, each with its number as the curator sees it in the file
    (blank rows are skipped, not renumbered): the first is the header."""
    return [(n, row) for n, row in enumerate(read_export(path), start=1) if any(not is_blank(c) for c in row)]


def timestamp_column(header: list[str]) -> int | None:
    """The export's column of the time each answer was sent, when it has one."""
    return next((i for i, h in enumerate(header) if fold(h) in TIMESTAMP_HEADERS), None)


@dataclass(frozen=True)
class Latest:
    """Which of one person's answers in an export is used, and the words saying why."""

    row: int
    rows: list[int]
    reason: str

    def params(self) -> dict[str, Any]:
        """The parameters of a «sent twice» warning: the rows («2 и 5»), how many times, the row kept and why,
        and what to delete from the export to use another answer."""
        shown = [str(n) for n in self.rows]
        n = len(self.rows)
        return {"rows": ", ".join(shown[:-1]) + " и " + shown[-1], "kept": self.row, "reason": self.reason,
                "times": "дважды" if n == 2 else f"{n} {plural(n, 'раз', 'раза', 'раз')}",
                "drop": f"строку {self.row}" if n == 2 else f"строку {self.row} и другие ненужные (оставьте одну нужную)"}


def latest_answer(rows: list[int], cells: dict[int, list[Any]], time_col: int | None, header: list[str]) -> Latest:
    """The answer used among one person's ``rows`` of an export: the latest by the export's time of answer
    when every one of them gives it (the lower row among equal times), else the lowest row."""
    times = {r: parse_timestamp(cells[r][time_col]) if time_col is not None and time_col < len(cells[r]) else None
             for r in rows}
    if time_col is not None and all(t is not None for t in times.values()):
        kept = max(rows, key=lambda r: (times[r], r))
        moment = times[kept]
        assert moment is not None
        return Latest(kept, sorted(rows), latest_reason("time", header=header[time_col],
                                                        when=format_timestamp(moment)))
    reason = latest_reason("row") if time_col is None else latest_reason("row-partly", header=header[time_col])
    return Latest(max(rows), sorted(rows), reason)


def _limited(path: Path, reader: Iterator[list[str]]) -> list[list[Any]]:
    """Rows of a CSV within the limits a sheet has (rows, columns): a bigger file is no forms export."""
    rows: list[list[Any]] = []
    try:
        for row in reader:
            if len(row) > files.MAX_COLUMNS:
                raise NastavnikError(
                    f"{path.name}: в строке {len(rows) + 1} столбцов {len(row)}, допускается не более "
                    f"{files.MAX_COLUMNS} — это не выгрузка анкеты. Проверьте файл и разделитель столбцов.")
            if len(rows) >= files.MAX_ROWS + 1:  # the header and MAX_ROWS answers
                raise NastavnikError(
                    f"{path.name}: в файле больше {files.MAX_ROWS} строк ответов — столько заявок в одной школе "
                    "не бывает. Проверьте, тот ли это файл, или разделите выгрузку на части.")
            rows.append(row)
    except csv.Error as exc:
        raise NastavnikError(f"{path.name}: файл не разбирается как CSV (строка {len(rows) + 1}). "
                             "Скачайте выгрузку из формы заново.") from exc
    return rows


def _split_full_name(text: str) -> tuple[str, str, str]:
    parts = clean_text(text).split(" ")
    parts += ["", "", ""]
    middle = " ".join(p for p in parts[2:] if p)
    return parts[0], parts[1], middle


def _role_of(value: object) -> str | None:
    text = fold(value)
    for role in ("mentee", "mentor"):  # «наставляемый» contains «наставник»? no, but check the longer first
        if any(text.startswith(fold(w)) or text == fold(w) for w in ROLE_WORDS[role]):
            return role
    if "наставляем" in text or "нуженнаставник" in text:
        return "mentee"
    if "наставник" in text:
        return "mentor"
    return None


def _column_lookup(sheet: Sheet) -> dict[str, Column]:
    out: dict[str, Column] = {}
    for column in sheet.columns:
        if column.type == "id":
            continue
        for key in [column.header, column.question or "", *column.aliases]:
            if key:
                out.setdefault(fold(key), column)
    return out


@locks_program("nastavnik import")
def import_applications(program: Program, export: Path, role: str | None, report: Report) -> ImportResult:
    from toolkit.model.program import Program as _Program  # noqa: F401  (typing only)

    rows = numbered_rows(export)
    if not rows:
        raise NastavnikError(f"{export.name}: в файле нет ни одной строки. Скачайте выгрузку из формы заново.")
    header = [clean_text(h) for h in rows[0][1]]
    label = export.name
    registry_spec = next(s for s in program.specs if s.key == "applications")
    sheets: dict[str, Sheet] = {str(s.role): s for s in registry_spec.sheets if s.role}

    # ---- read the current registry (it must be usable: we will rewrite it)
    found = program.find_files(registry_spec)
    if len(found) > 1:
        raise NastavnikError(f"В папке несколько версий реестра: {', '.join(p.name for p in found)}. Оставьте одну.")
    target = program.root / (registry_spec.file + ".xlsx")
    current: dict[str, Any] = {"mentors": [], "mentees": []}
    existing_keys: dict[str, dict[str, int]] = {"mentor": {}, "mentee": {}}
    pre = Report()
    if found:
        files.ensure_not_locked(found[0])
        files.ensure_writable(found[0])
        data = load_program(program, pre)
        if "applications" not in data.books:
            first = next((p for p in pre.problems if p.file == found[0].name and p.severity == "error"), None)
            place = ", ".join(x for x in (first and first.sheet and f"лист «{first.sheet}»",
                                          first and first.cell and f"ячейка {first.cell}") if x)
            text = (f"{place}: " if place else "") + (first.message if first else "книга не прочитана.")
            raise NastavnikError(f"{found[0].name}: {text} Исправьте реестр, затем повторите загрузку.")
        book = data.books["applications"]
        current[FOREIGN_SHEETS] = ensure_rewritable(pre, book, registry_spec)
        for role_key, sheet in sheets.items():
            table = book.tables[sheet.key]
            for row in table.rows:
                current[sheet.key].append(row.kept_values())
                v = row.values
                existing_keys[role_key][person_key(v.get("last_name"), v.get("first_name"), v.get("middle_name"))] = row.number

    # ---- map headers
    role_col = next((i for i, h in enumerate(header) if fold(h) in ROLE_HEADERS), None)
    name_col = next((i for i, h in enumerate(header) if fold(h) in FULL_NAME_HEADERS), None)
    if role_col is None and role is None:
        raise NastavnikError(
            f"{label}: не понятно, чьи это заявки — в выгрузке нет вопроса «Роль». "
            "Укажите роль при загрузке: --role наставник или --role наставляемый."
        )
    mapping: dict[str, dict[int, Column]] = {}
    unmapped: set[int] = set(range(len(header))) - {c for c in (role_col, name_col) if c is not None}
    for role_key, sheet in sheets.items():
        lookup = _column_lookup(sheet)
        mapping[role_key] = {}
        for i, h in enumerate(header):
            column = lookup.get(fold(h))
            if column is not None and i not in (role_col, name_col) and column.key not in {
                c.key for c in mapping[role_key].values()
            }:
                mapping[role_key][i] = column
                unmapped.discard(i)
    result = ImportResult(registry=target)
    for i in sorted(unmapped):
        if header[i] and fold(header[i]) not in IGNORED_HEADERS:
            report.add("import-unmapped", file=label, cell=_cell(0, i), field=header[i], header=header[i])
            result.unmapped.append(header[i])
    roles_present = {role} if role else {"mentor", "mentee"}
    for role_key in roles_present:
        mapped = {c.key for c in mapping[role_key].values()} | (
            {"last_name", "first_name", "middle_name"} if name_col is not None else set())
        for column in sheets[role_key].columns:
            if column.required and column.key not in mapped and column.type != "id" and column.key != "applied_on":
                report.add("import-missing", file=label, field=column.header, header=column.header,
                           sheet=sheets[role_key].name)

    # ---- rows
    time_col = timestamp_column(header)
    answers: dict[tuple[str, str], list[int]] = {}  # (role, person) → the rows of the file, in order
    parsed: dict[int, dict[str, Any]] = {}
    cells_of: dict[int, list[Any]] = {}
    bad: dict[int, list[dict[str, str]]] = {}  # values kept as typed, said only for the rows added
    for r, cells in rows[1:]:
        row_role = role
        if role_col is not None and role_col < len(cells) and not is_blank(cells[role_col]):
            row_role = _role_of(cells[role_col])
            if row_role is None:
                report.add("import-role-unknown", file=label, cell=_cell(r - 1, role_col), row=r,
                           value=clean_text(cells[role_col]))
                continue
        if row_role is None:
            report.add("import-role-unknown", file=label, row=r, value="")
            continue
        values: dict[str, Any] = {}
        if name_col is not None and name_col < len(cells):
            values["last_name"], values["first_name"], values["middle_name"] = _split_full_name(str(cells[name_col]))
        too_long = next(((i, c) for i, c in mapping[row_role].items()
                         if i < len(cells) and isinstance(cells[i], str) and len(cells[i]) > MAX_CELL_CHARS), None)
        if too_long is not None:
            report.add("import-too-long", file=label, cell=_cell(r - 1, too_long[0]), field=too_long[1].header, row=r,
                       length=len(cells[too_long[0]]))
            continue
        for i, column in mapping[row_role].items():
            raw = cells[i] if i < len(cells) else ""
            if is_blank(raw):
                continue
            value, problem = parse_cell(column, raw)
            if problem is not None:
                bad.setdefault(r, []).append({"cell": _cell(r - 1, i), "field": column.header,
                                              "detail": render(problem.code, **problem.params)})
                value = clean_text(raw)
            values[column.key] = value
        if not values.get("last_name") or not values.get("first_name"):
            report.add("import-no-name", file=label, row=r)
            continue
        key = person_key(values.get("last_name"), values.get("first_name"), values.get("middle_name"))
        if key in existing_keys[row_role]:
            name = " ".join(str(values.get(k) or "") for k in ("last_name", "first_name", "middle_name")).strip()
            report.add("import-duplicate", file=label, row=r, name=name,
                       where=f"лист «{sheets[row_role].name}», строка {existing_keys[row_role][key]}")
            result.skipped += 1
            continue
        answers.setdefault((row_role, key), []).append(r)
        parsed[r] = values
        cells_of[r] = cells
    # one application per person: the latest answer of the file (the others are said, not silently lost)
    timed = {mapping[k][time_col].key for k in mapping if time_col in mapping[k]} if time_col is not None else set()
    chosen: list[tuple[int, str]] = []
    for (row_role, _key), numbers in answers.items():
        latest = latest_answer(numbers, cells_of, time_col, header)
        chosen.append((latest.row, row_role))
        result.skipped += len(numbers) - 1
        kept = parsed[latest.row]
        distinct = {tuple(sorted((k, str(v)) for k, v in parsed[n].items() if k not in timed)) for n in numbers}
        if len(distinct) > 1:  # the same answers sent twice leave nothing to choose
            name = " ".join(str(kept.get(k) or "") for k in ("last_name", "first_name", "middle_name")).strip()
            gender = person_gender(name, kept.get("gender"))
            who = name_col if name_col is not None else next(
                (i for i, c in mapping[row_role].items() if c.key == "last_name"), None)
            report.add("import-duplicate-answer", file=label, cell=_cell(latest.row - 1, who) if who is not None else "",
                       name=name, sent=gendered(gender, "подал", "подала"), sheet=sheets[row_role].name,
                       **latest.params())
    for r, row_role in sorted(chosen):
        current[sheets[row_role].key].append(parsed[r])
        result.added[row_role] += 1
        for where in bad.get(r, []):
            report.add("import-bad-value", file=label, row=r, **where)

    if sum(result.added.values()) == 0:
        return result
    # ---- write the registry back: backup first, atomic replace, an older .ods/.xls version removed
    from toolkit.books.annotations import comments

    notes = comments(found[0]) if found else {}
    done = rewrite_stage_book(target, found, registry_spec, program.profile, program.program_id,
                              {k: v for k, v in current.items() if k != FOREIGN_SHEETS},
                              current.get(FOREIGN_SHEETS, []), backup_root=program.root)
    result.backup = done.backup
    if done.written and notes:  # the rewritten registry holds values only: the notes stay in the backup, said so
        shown = ", ".join(f"«{sheet}» {', '.join(cells[:5])}" + (" …" if len(cells) > 5 else "")
                          for sheet, cells in notes.items())
        report.add("import-comments-not-carried", file=found[0].name, cells=shown,
                   backup=done.backup.name if done.backup else "")
    formulas = [p for p in pre.problems if p.code == "formula-in-input" and p.file == found[0].name] if found else []
    if done.written and formulas:  # said, not silent: the rewritten registry holds their values
        shown = ", ".join(f"«{p.sheet}» {p.cell}" for p in formulas[:10]) + (" …" if len(formulas) > 10 else "")
        report.add("import-formulas-replaced", file=found[0].name, cells=shown)
    return result


def _cell(row: int, col: int) -> str:
    from toolkit.books.writer import cell_name

    return cell_name(row, col)


def applications_summary(program: Program, result: ImportResult) -> str:
    """The sentence that tells the curator what an application import did."""
    roles = program.profile.roles_plural
    return (f"Добавлено: {roles['mentor'].lower()} — {result.added['mentor']}, {roles['mentee'].lower()} — "
            f"{result.added['mentee']}; пропущено повторов: {result.skipped}.")

