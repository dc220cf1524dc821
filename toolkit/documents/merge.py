"""Mail merge for admin staff: a Word template and a table (xlsx, xlsm, ods or CSV) → documents.

Independent of any program folder: the template's fields are the table's column headers (``{{ ФИО }}``,
``{{ ФИО|дательный }}`` …, or Word MERGEFIELD fields with the extra declined ``ФИО_дательный`` …).
The rendering engine is :mod:`toolkit.documents.rendering`; this module reads the table, runs the pre-flight check,
renders every document in memory, and only then writes the files (each atomically) and, when asked,
converts them to PDF in one LibreOffice run (per :data:`PDF_BATCH` documents).

The flow, as the command line uses it::

    plan = plan_merge(template, data, name_column=None)   # read + check; plan.report lists every problem
    if not plan.report.errors:
        result = run_merge(plan, out_dir, single=False, pdf=False, progress=None)

Row numbers are the spreadsheet's (the header is the first non-empty row; in a CSV the first record).
No click here: the CLI prints the reports and chooses the exit code (:func:`is_unusable`).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.base import files
from toolkit.base.messages import FATAL_CODES
from toolkit.base.problems import NastavnikError, Problem, Report
from toolkit.base.values import clean_text, fold, is_blank
from toolkit.books.outputs import ensure_output, ensure_output_folder, output_lock, program_folder_of
from toolkit.books.writer import col_letter

if TYPE_CHECKING:
    from jinja2 import nodes

# Columns a file is named after when --name-column is not given (the first one present wins).
DEFAULT_NAME_COLUMNS = ("ФИО", "Фамилия Имя Отчество", "Получатель")
TEMPLATE_SUFFIXES = (".docx",)
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
DATA_SUFFIXES = (*files.SPREADSHEET_SUFFIXES, *CSV_SUFFIXES)
# Documents per LibreOffice run. One run converts many files, but LibreOffice 7.x silently stops after
# about 250 command-line arguments (the rest are not converted): 300 letters are two runs, not 300.
PDF_BATCH = 200
# Problems after which the inputs cannot be used at all (exit code 2), not merely corrected.
UNUSABLE_CODES = FATAL_CODES | {"doc-template-unreadable"}

Progress = Callable[[str, int, "int | None"], None]
"""``progress(stage, done, total)``: called while documents are rendered, written and converted."""

# The key of a column with no header is «·<number>·»: its field name would start with a digit, so no
# template field can name it.
_UNNAMED = "·"
_CELL_ROW = re.compile(r"(\d+)$")
_UNSAFE_ATTRIBUTE = re.compile(r"attribute '([^']+)'")
_TEMPLATED_PART = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
# Template problems after which render.check_merge stops before looking at the data.
_BLOCKING_CODES = {"doc-filter-unknown", "doc-template-unsafe", "doc-template-syntax", "doc-template-include"}
# Rendering errors that are the template's, whatever the row: reported once, on the template.
_TEMPLATE_CODES = {"doc-template-recursion", "doc-template-too-big", "doc-template-limit"}


@dataclass
class MergeData:
    """A table read for a mail merge: headers and the rows under them, blank rows included."""

    name: str  # the file name, as problems show it
    columns: list[str]  # the headers, in sheet order
    rows: list[dict[str, object]]  # the rows from ``first_row`` to the last non-blank one, header → value
    first_row: int  # spreadsheet number of ``rows[0]``
    blank: set[int] = field(default_factory=set)  # numbers of blank rows (skipped, never an error)
    letters: dict[str, str] = field(default_factory=dict)  # column → its letter in the sheet
    header_problems: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def records(self) -> list[tuple[int, dict[str, object]]]:
        """(row number, row) of every non-blank row: the recipients."""
        numbered = ((self.first_row + i, row) for i, row in enumerate(self.rows))
        return [(n, row) for n, row in numbered if n not in self.blank]


@dataclass
class MergePlan:
    """Everything known before a single file is written."""

    template: Path
    data: MergeData
    name_column: str | None  # None: files are named by the row number
    mergefield: bool  # a Word MERGEFIELD template rather than a {{ }} one
    report: Report


@dataclass
class MergeResult:
    documents: list[Path] = field(default_factory=list)  # .docx written (one with --single)
    pdfs: list[Path] = field(default_factory=list)
    recipients: int = 0
    report: Report = field(default_factory=Report)  # rendering errors: then nothing was written


# --- reading the table ---------------------------------------------------------------------------


def _cell_value(value: object) -> object:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value  # dates stay dates, numbers stay numbers: the renderer prints them the Russian way


def read_data(path: Path) -> MergeData:
    """Read the first visible sheet of a spreadsheet, or a CSV (UTF-8 or Windows-1251, «,» or «;»).

    The header row is the first non-empty row.  Raises :class:`NastavnikError` (exit code 2) for a
    file that is missing, not a table or has nothing in it.
    """
    from toolkit.stages.registry_import import read_export

    suffix = path.suffix.lower()
    if suffix == ".docx" and path.exists():
        raise NastavnikError(f"«{path.name}» — документ Word, а не таблица. Порядок аргументов: сначала шаблон "
                             ".docx, затем данные .xlsx или .csv.")
    if suffix not in DATA_SUFFIXES and path.exists():
        raise NastavnikError(f"Формат данных «{path.suffix or 'без расширения'}» ({path.name}) не поддерживается. "
                             "Сохраните таблицу как .xlsx (Excel), .ods (LibreOffice) или .csv.")
    raw = read_export(path)
    header_index = next((i for i, row in enumerate(raw) if any(not is_blank(v) for v in row)), None)
    if header_index is None:
        raise NastavnikError(f"{path.name}: таблица пустая — нет ни заголовков, ни данных. В первой заполненной "
                             "строке должны быть названия столбцов (ФИО, Пол …), под ней — по строке на человека.")
    # Every column from A to the last header gets a key, so that the renderer's cell addresses (it counts
    # keys) are the sheet's; a column without a header (or a repeated one) gets a key no template can use.
    header = list(raw[header_index])
    while header and is_blank(header[-1]):
        header.pop()
    keys: list[str] = []
    letters: dict[str, str] = {}
    problems: list[tuple[str, dict[str, Any]]] = []
    header_number = header_index + 1
    for j, value in enumerate(header):
        name = clean_text(value)
        cell = f"{col_letter(j)}{header_number}"
        if name in letters:
            first = f"{letters[name]}{header_number}"
            problems.append(("doc-merge-header-duplicate", {"name": name, "first": first, "cell": cell}))
            name = ""
        if not name:
            keys.append(f"{_UNNAMED}{j + 1}{_UNNAMED}")
            continue
        letters[name] = col_letter(j)
        keys.append(name)

    rows: list[dict[str, object]] = []
    blank: set[int] = set()
    first_row = header_number + 1
    for offset, line in enumerate(raw[header_index + 1 :]):
        row = {key: _cell_value(line[j]) if j < len(line) else None for j, key in enumerate(keys)}
        if all(is_blank(row[name]) for name in letters):
            blank.add(first_row + offset)
        rows.append(row)
    while rows and (first_row + len(rows) - 1) in blank:  # trailing blank rows are no rows at all
        blank.discard(first_row + len(rows) - 1)
        rows.pop()
    return MergeData(name=path.name, columns=list(letters), rows=rows, first_row=first_row, blank=blank,
                     letters=letters, header_problems=problems)


def find_name_column(columns: Sequence[str], wanted: str | None = None) -> str | None:
    """The column files are named after: ``wanted`` (by header or by its ``_`` alias, case and ё/е
    ignored), else the first of «ФИО», «Фамилия Имя Отчество», «Получатель»; None if there is none."""
    from toolkit.documents.context import field_alias

    keys = [wanted] if wanted else list(DEFAULT_NAME_COLUMNS)
    for key in keys:
        for column in columns:
            if fold(column) == fold(key) or fold(field_alias(column)) == fold(key):
                return column
    return None


# --- pre-flight ----------------------------------------------------------------------------------


def _problem_row(problem: Problem) -> int | None:
    found = _CELL_ROW.search(problem.cell)
    return int(found.group(1)) if found else None


def _loose_trees(template: Path) -> list[nodes.Template]:
    """Jinja trees of the templated parts, parsed but not compiled: an unknown filter does not stop
    the search for the fields (a part with a syntax error is left out)."""
    import jinja2
    from docxtpl import DocxTemplate

    from toolkit.documents.sandbox import make_env

    env = make_env()
    helper = DocxTemplate(os.devnull)  # only its XML patching is used
    trees = []
    try:
        with zipfile.ZipFile(template) as archive:
            for name in archive.namelist():
                if _TEMPLATED_PART.fullmatch(name):
                    xml = archive.read(name).decode("utf-8", "replace")
                    try:
                        trees.append(env.parse(helper.patch_xml(xml)))
                    except jinja2.TemplateSyntaxError:
                        continue
    except (OSError, zipfile.BadZipFile):
        return []
    # stand-ins for unknown filters and tests, so that the fields can be listed (nothing is rendered)
    for tree in trees:
        for node in tree.find_all(jinja2.nodes.Filter):
            env.filters.setdefault(node.name, _stand_in)
        for test in tree.find_all(jinja2.nodes.Test):
            env.tests.setdefault(test.name, _stand_in)
    return trees


def _stand_in(value: object, *args: object, **kwargs: object) -> object:
    return value


def _fields_of(trees: Sequence[nodes.Template]) -> set[str]:
    from jinja2 import TemplateError, meta

    from toolkit.documents.sandbox import make_env

    names: set[str] = set()
    for tree in trees:
        try:
            names |= meta.find_undeclared_variables(tree)
        except TemplateError:
            continue
    return names - set(make_env().globals)


def _date_problems(report: Report, data: MergeData, trees: Sequence[nodes.Template]) -> None:
    """Values the «дата» filter cannot read, found before rendering (with their cells)."""
    from jinja2 import nodes

    from toolkit.base.grammar import format_date
    from toolkit.documents.context import field_alias

    by_alias = {field_alias(c): c for c in data.columns} | {c: c for c in data.columns}
    dated: dict[str, None] = {}
    for tree in trees:
        for filt in tree.find_all(nodes.Filter):
            if filt.name == "дата" and isinstance(filt.node, nodes.Name) and filt.node.name in by_alias:
                dated[by_alias[filt.node.name]] = None
    for column in dated:
        letter = data.letters.get(column, "")
        for number, row in data.records():
            value = row.get(column)
            if is_blank(value) or isinstance(value, dt.date):
                continue
            try:
                format_date(value)
            except NastavnikError:
                report.add("doc-merge-date-bad", file=data.name, cell=f"{letter}{number}", field=column,
                           row=number, column=column, value=clean_text(value))


def plan_merge(template: Path, data_path: Path, *, name_column: str | None = None) -> MergePlan:
    """Read the table and check the template against it: every problem at once, nothing written.

    Raises :class:`NastavnikError` for inputs that cannot be used at all (a missing file, a table with
    nothing in it, a template that is not .docx).  Problems a person can correct — fields with no
    column, unknown filters, empty names, a template that tries to run code — are in ``plan.report``.
    """
    from toolkit.documents.mergefields import is_mergefield_template
    from toolkit.documents.preflight import check_merge
    from toolkit.documents.prepared import prepare

    template = Path(template)
    if not template.is_file():
        raise NastavnikError(f"Шаблон «{template}» не найден.")
    if template.suffix.lower() not in TEMPLATE_SUFFIXES:
        hint = " (старый формат Word)" if template.suffix.lower() == ".doc" else ""
        if template.suffix.lower() in DATA_SUFFIXES:
            raise NastavnikError(f"«{template.name}» — таблица, а не шаблон Word. Порядок аргументов: сначала "
                                 "шаблон .docx, затем данные .xlsx или .csv.")
        raise NastavnikError(f"Шаблон «{template.name}» — не документ .docx{hint}. Откройте его в Word или "
                             "LibreOffice Writer и сохраните как «Документ Word (.docx)».")
    data = read_data(Path(data_path))

    report = Report()
    for code, params in data.header_problems:
        extra = {k: v for k, v in params.items() if k != "cell"}
        report.add(code, file=data.name, cell=params["cell"], field=params["name"], **extra)
    column = find_name_column(data.columns, name_column)
    if name_column and column is None:
        report.add("doc-merge-name-column-missing", file=data.name, column=name_column, data=data.name,
                   columns=", ".join(f"«{c}»" for c in data.columns) or "нет")

    checked = check_merge(template, data.rows, data.name, name_column=column, first_row=data.first_row)
    numbered = column is None
    for problem in checked:
        number = _problem_row(problem)
        if number is not None and number in data.blank and problem.code != "doc-template-unreadable":
            continue  # a blank line between recipients is not a recipient
        if numbered and problem.code == "doc-name-duplicate":
            continue  # files are named by row numbers: no clashes
        if numbered and problem.code == "doc-name-empty" and number is not None:
            report.add("doc-merge-person-empty", file=problem.file, cell=problem.cell, field=problem.field,
                       row=number, column=problem.field)
            continue
        report.problems.append(problem)
    if not data.records() and not any(p.code == "doc-no-rows" for p in report):
        report.add("doc-no-rows", file=data.name, data=data.name)
    if is_unusable(report) or not data.records():
        return MergePlan(template=template, data=data, name_column=column, mergefield=False, report=report)

    mergefield = is_mergefield_template(template)
    if any(p.code in _BLOCKING_CODES for p in checked):
        # check_merge stopped at the template: still list the fields with no column and the empty names
        trees = _loose_trees(template)
        _data_problems_after_template(report, data, column, trees)
    elif not mergefield:
        trees = prepare(template).ast
    else:
        trees = []
    _date_problems(report, data, trees)
    report.problems.sort(key=lambda p: _problem_row(p) or 0)  # the template first, then row by row
    return MergePlan(template=template, data=data, name_column=column, mergefield=mergefield, report=report)


def _data_problems_after_template(report: Report, data: MergeData, column: str | None,
                                  trees: Sequence[nodes.Template]) -> None:
    from toolkit.documents.context import row_context

    available = set(row_context(dict.fromkeys(data.rows[0], "")))
    for name in sorted(_fields_of(trees) - available):
        report.add("doc-field-missing", file=data.name, field=name, name=name, data=data.name)
    if column is None:
        return
    for number, row in data.records():
        if is_blank(row.get(column)):
            report.add("doc-name-empty", file=data.name, cell=f"{data.letters[column]}{number}", field=column,
                       row=number, column=column)


def is_unusable(report: Report) -> bool:
    """Whether a problem makes an input unusable (exit code 2) rather than fixable data (exit code 1)."""
    return any(p.code in UNUSABLE_CODES for p in report)


# --- rendering and writing -----------------------------------------------------------------------


def _file_names(plan: MergePlan, out_dir: Path) -> list[str]:
    from toolkit.base.files import safe_filename
    from toolkit.documents.context import context_value

    used: set[str] = set()
    if out_dir.resolve() == plan.template.resolve().parent:
        used.add(plan.template.stem.casefold())  # never overwrite the template itself
    names = []
    for number, row in plan.data.records():
        value = row.get(plan.name_column) if plan.name_column else f"Строка {number}"
        names.append(safe_filename(context_value(value), used))
    return names


def _tick(progress: Progress | None, stage: str, done: int, total: int | None) -> None:
    if progress is not None:
        progress(stage, done, total)


def _row_error(report: Report, plan: MergePlan, number: int, exc: NastavnikError) -> bool:
    """Report a rendering error; True when it is the template's, not the row's (then once is enough)."""
    if getattr(exc, "code", None) == "doc-template-unsafe":
        found = _UNSAFE_ATTRIBUTE.search(str(getattr(exc, "params", {}).get("detail", "")))
        detail = f"обращение к «{found.group(1)}»" if found else "обращение к скрытым данным программы"
        report.add("doc-template-unsafe", file=plan.template.name, detail=detail)
        return True
    code = getattr(exc, "code", None)
    if code in _TEMPLATE_CODES:
        report.add(str(code), file=plan.template.name, **getattr(exc, "params", {}))
        return True
    message = exc.message if exc.message.startswith("Строка ") else f"Строка {number}: {exc.message}"
    report.add("doc-merge-row-failed", file=plan.data.name, detail=message)
    return False


def _render_separate(plan: MergePlan, report: Report, progress: Progress | None) -> list[bytes]:
    """Every document in memory; rendering errors of all rows go to ``report``."""
    from mailmerge import MailMerge

    from toolkit.documents.context import row_context
    from toolkit.documents.mergefields import merge_values
    from toolkit.documents.prepared import prepare

    records = plan.data.records()
    documents: list[bytes] = []
    prepared = None if plan.mergefield else prepare(plan.template)
    for done, (number, row) in enumerate(records, start=1):
        buffer = io.BytesIO()
        try:
            if prepared is None:
                with MailMerge(str(plan.template)) as merge:
                    merge.merge(**merge_values(row, merge.get_merge_fields(), plan.template))
                    merge.write(buffer)
            else:
                prepared.write(buffer, prepared.render_parts(row_context(row), number))
        except NastavnikError as exc:
            if _row_error(report, plan, number, exc):
                break
        documents.append(buffer.getvalue())
        _tick(progress, "Заполнение", done, len(records))
    return documents


def _render_single(plan: MergePlan, report: Report, progress: Progress | None) -> bytes:
    from toolkit.documents.context import row_context
    from toolkit.documents.prepared import prepare
    from toolkit.documents.rendering import render_many_single

    records = plan.data.records()
    rows = [row for _, row in records]
    _tick(progress, "Заполнение", 0, len(records))
    buffer = io.BytesIO()
    if plan.mergefield:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="nastavnik-merge-") as tmp:
            out = render_many_single(plan.template, rows, Path(tmp) / "merged.docx")
            data = out.read_bytes()
        _tick(progress, "Заполнение", len(records), len(records))
        return data
    prepared = prepare(plan.template)
    try:
        replaced = prepared.render_single(rows, plan.data.first_row)
    except NastavnikError as first_error:
        # find every failing row with its own spreadsheet number (blank rows shift the numbering)
        for number, row in records:
            try:
                prepared.render_body(row_context(row), number)
            except NastavnikError as exc:
                if _row_error(report, plan, number, exc):
                    break
        if not report.errors:
            _row_error(report, plan, records[0][0], first_error)
        return b""
    prepared.write(buffer, replaced)
    _tick(progress, "Заполнение", len(records), len(records))
    return buffer.getvalue()


def _write(target: Path, data: bytes, root: Path) -> None:
    """A document replaces a file of the same name only after that file went to «Резервные копии»."""
    files.replace_if_changed(target, data, root)


def run_merge(plan: MergePlan, out_dir: Path, *, single: bool = False, pdf: bool = False,
              progress: Progress | None = None) -> MergeResult:
    """Render every document in memory, then write them (atomically) into ``out_dir`` and, with ``pdf``,
    convert them in one LibreOffice run per :data:`PDF_BATCH` documents (never one run per file).

    A rendering error in any row (for example a date the «дата» filter cannot read) is reported for
    every failing row in ``result.report`` and nothing is written. Written inside a program folder, it holds
    the program's lock; every target is checked as every output is (never a person's book).
    """
    if plan.report.errors:
        raise NastavnikError("Данные или шаблон содержат ошибки: документы не созданы.", exit_code=1)
    out_dir = Path(out_dir)
    with output_lock(out_dir, "nastavnik merge"):
        return _run_merge(plan, out_dir, single=single, pdf=pdf, progress=progress)


def _run_merge(plan: MergePlan, out_dir: Path, *, single: bool, pdf: bool, progress: Progress | None) -> MergeResult:
    from toolkit.base.files import inside, safe_filename
    from toolkit.documents.pdf import convert_to_pdf

    if out_dir.exists() and not out_dir.is_dir():
        raise NastavnikError(f"«{out_dir}» — это файл, а не папка. Укажите в --out папку для документов.")
    result = MergeResult(recipients=len(plan.data.records()))
    report = result.report

    if single:
        used: set[str] = set()
        if out_dir.resolve() == plan.template.resolve().parent:
            used.add(plan.template.stem.casefold())
        targets = [inside(out_dir, safe_filename(plan.template.stem, used) + ".docx")]
        documents = [_render_single(plan, report, progress)]
    else:
        targets = [inside(out_dir, name + ".docx") for name in _file_names(plan, out_dir)]
        documents = _render_separate(plan, report, progress)
    if report.errors:
        return result

    for target in targets:  # a document open in Word stops the run before the first file is written
        files.ensure_not_locked(target)
        ensure_output(target)
    ensure_output_folder(out_dir)
    root = program_folder_of(out_dir, levels=1) or out_dir
    for done, (target, data) in enumerate(zip(targets, documents, strict=True), start=1):
        _write(target, data, root)
        _tick(progress, "Запись", done, len(targets))
    result.documents = targets
    if pdf:
        _tick(progress, "PDF (LibreOffice)", 0, len(targets))
        for start in range(0, len(targets), PDF_BATCH):
            result.pdfs += convert_to_pdf(targets[start : start + PDF_BATCH], out_dir)
            _tick(progress, "PDF (LibreOffice)", len(result.pdfs), len(targets))
    return result


__all__ = [
    "DEFAULT_NAME_COLUMNS",
    "MergeData",
    "MergePlan",
    "MergeResult",
    "find_name_column",
    "is_unusable",
    "plan_merge",
    "read_data",
    "run_merge",
]
