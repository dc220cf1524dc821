"""Import of applications exported from Yandex Forms or Google Forms (CSV or XLSX) into the registry.

Question headers are matched to registry columns by their header, aliases or form question text.
A person already in the registry is never added again. The registry is backed up, then rewritten
atomically with every value people typed kept (invalid ones as typed, unknown columns too).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.base import files
from toolkit.base.messages import render
from toolkit.base.problems import NastavnikError, Report
from toolkit.base.values import clean_text, fold, is_blank, person_key
from toolkit.books.reader import BookData, SheetTooLarge, open_book, parse_cell
from toolkit.books.writer import FOREIGN_SHEETS, LISTS_SHEET, META_SHEET, ForeignSheet, write_workbook
from toolkit.spec import Column, Sheet, WorkbookSpec

if TYPE_CHECKING:
    from toolkit.model.program import Program

MAX_CELL_CHARS = 32_767  # what one cell of a workbook holds (Excel's limit, xlsxwriter refuses more)
# problems in the registry after which rewriting it would lose what people typed
REWRITE_BLOCKERS = {"sheet-too-large", "sheet-too-many-cells", "sheet-unreadable", "too-many-rows", "column-duplicate"}
ROLE_HEADERS = {fold(h) for h in ("Роль", "Кем вы хотите быть в программе?", "Кем вы хотите быть", "Я хочу")}
FULL_NAME_HEADERS = {fold(h) for h in ("ФИО", "Фамилия, имя, отчество", "Фамилия Имя Отчество", "Ваше ФИО",
                                        "Фамилия и имя")}
IGNORED_HEADERS = {fold(h) for h in ("ID", "Номер ответа", "Время изменения", "Адрес электронной почты пользователя",
                                      "Время прохождения")}
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


def questions_text(program: Program) -> str:
    """The questions to paste into a Yandex / Google form, one list per role."""
    profile = program.profile
    registry = next(s for s in program.specs if s.key == "applications")
    lines = [
        f"Вопросы для анкеты участников программы наставничества (форма «{profile.name}»).",
        "Создайте в Яндекс Формах или Google Формах вопросы с такими же названиями: тогда команда",
        "«nastavnik import ПАПКА ВЫГРУЗКА.csv» сама разнесёт ответы по реестру заявок.",
        "Можно сделать одну форму для всех с вопросом «Роль» (варианты: Наставник, Наставляемый)",
        "или две отдельные формы и указывать роль при загрузке: --role наставник / --role наставляемый.",
        "",
    ]
    for sheet in registry.sheets:
        if not sheet.role:
            continue
        lines.append(f"=== {profile.roles_plural[sheet.role]} ===")
        n = 0
        for column in sheet.columns:
            if column.question is None:
                continue
            n += 1
            mark = " (обязательный вопрос)" if column.required else ""
            lines.append(f"{n}. {column.question}{mark}")
            if column.type == "choice" and column.choices:
                lines.append("   Один вариант: " + "; ".join(column.choices))
            elif column.type == "multichoice" and column.choices:
                lines.append("   Несколько вариантов: " + "; ".join(column.choices))
            elif column.type == "bool":
                lines.append("   Варианты: Да; Нет")
            elif column.type in ("int", "class"):
                lines.append("   Короткий ответ: " + ("число" if column.type == "int" else "класс, например 9Б"))
        lines.append("")
    return "\n".join(lines)


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


def import_export(program: Program, export: Path, role: str | None, report: Report) -> ImportResult:
    from toolkit.model.program import Program as _Program  # noqa: F401  (typing only)

    rows = read_export(export)
    rows = [r for r in rows if any(not is_blank(c) for c in r)]
    if not rows:
        raise NastavnikError(f"{export.name}: в файле нет ни одной строки. Скачайте выгрузку из формы заново.")
    header = [clean_text(h) for h in rows[0]]
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
    if found:
        files.ensure_not_locked(found[0])
        files.ensure_writable(found[0])
        pre = Report()
        data = program.load(pre)
        fatal = [p for p in pre.problems if p.file == found[0].name and (
            p.code.startswith(("file-", "sheet-missing", "column-missing")) or p.code in REWRITE_BLOCKERS)
            and p.code != "file-open-elsewhere"]
        if fatal or "applications" not in data.books:
            first = fatal[0] if fatal else None
            place = ", ".join(x for x in (first and first.sheet and f"лист «{first.sheet}»",
                                          first and first.cell and f"ячейка {first.cell}") if x)
            text = (f"{place}: " if place else "") + (first.message if first else "книга не прочитана.")
            raise NastavnikError(f"{found[0].name}: {text} Исправьте реестр, затем повторите загрузку.")
        book = data.books["applications"]
        current[FOREIGN_SHEETS] = ensure_nothing_lost(book, registry_spec)
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
    seen_in_file: dict[str, int] = {}
    for r, cells in enumerate(rows[1:], start=2):
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
                from toolkit.base.messages import render

                detail = render(problem.code, **problem.params)
                report.add("import-bad-value", file=label, cell=_cell(r - 1, i), field=column.header, row=r,
                           detail=detail)
                value = clean_text(raw)
            values[column.key] = value
        if not values.get("last_name") or not values.get("first_name"):
            report.add("import-no-name", file=label, row=r)
            continue
        key = person_key(values.get("last_name"), values.get("first_name"), values.get("middle_name"))
        where: str | None = None
        if key in existing_keys[row_role]:
            where = f"лист «{sheets[row_role].name}», строка {existing_keys[row_role][key]}"
        elif (row_role + key) in seen_in_file:
            where = f"строка {seen_in_file[row_role + key]} этого файла"
        if where:
            name = " ".join(str(values.get(k) or "") for k in ("last_name", "first_name", "middle_name")).strip()
            report.add("import-duplicate", file=label, row=r, name=name, where=where)
            result.skipped += 1
            continue
        seen_in_file[row_role + key] = r
        current[sheets[row_role].key].append(values)
        result.added[row_role] += 1

    if sum(result.added.values()) == 0:
        return result
    # ---- write the registry back: backup first, atomic replace
    if found:
        files.ensure_not_locked(found[0])
        result.backup = files.backup(found[0], program.root)
    write_workbook(target, registry_spec, program.profile, program.program_id, current)
    if found and found[0] != target:
        found[0].unlink()  # an .ods the curator re-saved: it is in the backups, the registry is .xlsx again
    return result


# Also refused before a command rewrites a book from what it read: a sheet or a column it could not find
# (renamed, deleted) would be written anew and empty, and what the book says would be counted without it.
MISSING_BLOCKERS = {"sheet-missing", "column-missing"}


def ensure_rewritable(report: Report, book: BookData, spec: WorkbookSpec) -> list[ForeignSheet]:
    """Refuse to rewrite ``book`` when reading it found a problem a rewrite would make worse (a repeated or
    missing header, a missing sheet, a sheet too large) or something typed would not survive; return the
    sheets of the person's own to carry over."""
    blocker = next((p for p in report if p.file == book.label and p.code in REWRITE_BLOCKERS | MISSING_BLOCKERS),
                   None)
    if blocker is not None:
        sheet = blocker.sheet if blocker.code != "sheet-missing" else ""  # «Нет листа …» names it
        place = ", ".join(x for x in (sheet and f"лист «{sheet}»", blocker.cell and f"ячейка {blocker.cell}") if x)
        raise NastavnikError(render("rewrite-refused", book=book.label, place=f"{place}: " if place else "",
                                    detail=blocker.message))
    return ensure_nothing_lost(book, spec)


def ensure_nothing_lost(book: BookData, spec: WorkbookSpec) -> list[ForeignSheet]:
    """A workbook is rewritten from what was read: refuse when something typed in it would not survive (a
    note above the headers, a text longer than a cell holds, a formula on a sheet of the person's own).
    Sheets of the person's own are returned, read, to be written back as they are (values).
    Any command that rewrites a workbook people edit calls it on the :class:`BookData` it read and passes
    the result to the writer under :data:`~toolkit.books.writer.FOREIGN_SHEETS`."""
    known = {fold(s.name) for s in spec.sheets} | {fold(n) for n in ("Инструкция", META_SHEET, LISTS_SHEET)}
    other = [n for n in book.sheet_names if fold(n) not in known]
    for table in book.tables.values():
        if table.preamble:
            cell, value = table.preamble[0]
            raise NastavnikError(
                f"{book.label}: лист «{table.name}», ячейка {cell}: над строкой заголовков есть запись "
                f"«{clean_text(value)[:60]}»: при перезаписи она бы пропала. Перенесите её ниже или в другую книгу "
                "и повторите команду.")
        for row in table.rows:
            for key, value in {**row.raw, **row.extra}.items():
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    cell = row.cell(key) or f"строка {row.number}"
                    raise NastavnikError(f"{book.label}: лист «{table.name}», ячейка {cell}: "
                                         + render("cell-too-long", length=len(value)))
    return _foreign_sheets(book, other) if other else []


def _foreign_sheets(book: BookData, names: list[str]) -> list[ForeignSheet]:
    """The sheets of the person's own, read again with their values, to be carried over by a rewrite."""
    from toolkit.books.writer import cell_name

    report = Report()
    opened = open_book(book.path, report, book.label)
    if opened is None:
        raise NastavnikError(f"{book.label}: книгу не удалось прочитать ещё раз, чтобы перенести листы «"
                             + "», «".join(names) + "». Она не перезаписана: повторите команду.")
    out = []
    for name in names:
        why = ""
        try:
            rows, _ = opened.rows(name)
        except SheetTooLarge:
            rows, why = [], "он слишком велик"
        special = sorted({*opened.formulas(name), *opened.errors(name)})
        if special:
            why = f"в нём формулы (ячейка {cell_name(*special[0])}), а программа переносит только значения"
        if not why and any(isinstance(v, str) and len(v) > MAX_CELL_CHARS for r in rows for v in r):
            why = "в нём текст длиннее, чем вмещает ячейка"
        if why:
            raise NastavnikError(
                f"{book.label}: в книге есть свой лист «{name}», и его нельзя перенести при перезаписи: {why}. "
                "Книга не перезаписана, чтобы ничего не пропало: перенесите лист в другую книгу и повторите "
                "команду.")
        out.append(ForeignSheet(name, [list(r) for r in rows], hidden=name in opened.hidden))
    return out


def _cell(row: int, col: int) -> str:
    from toolkit.books.writer import cell_name

    return cell_name(row, col)


