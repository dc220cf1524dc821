"""The check before a mail merge: everything that would spoil it, found before anything is written — every problem
of the template (all unknown filters of all its parts, not only the first), fields with no column in the data,
empty values and names, genders neither given nor recognisable, duplicate file names — each problem naming the
spreadsheet cell."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import parse_xml
from jinja2 import nodes

from toolkit.base import grammar
from toolkit.base.files import safe_filename
from toolkit.base.problems import Report
from toolkit.base.values import clean_text
from toolkit.books.writer import col_letter
from toolkit.documents.context import FIRST_DATA_ROW, context_value, field_alias, is_empty, row_context
from toolkit.documents.docxtpl_xml import DOCXTPL, P_MARK
from toolkit.documents.errors import DocumentError, scan_source
from toolkit.documents.mergefields import is_mergefield_template, mergefields, split_computed
from toolkit.documents.prepared import prepare
from toolkit.documents.sandbox import shared_env


def _columns(rows: Sequence[Mapping[str, object]]) -> list[str]:
    """Column headers in order of appearance (row dicts are in header order, as every reader gives them)."""
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(str(key), None)
    return list(seen)


def _gender_filters(trees: Iterable[nodes.Template]) -> list[tuple[str, nodes.Expr | None]]:
    """(column, explicit gender expression or None) for every name filter applied to a plain column."""
    found: list[tuple[str, nodes.Expr | None]] = []
    gendered = {"дательный", "родительный", "творительный", "винительный", "предложный", "уважаемый"}
    for tree in trees:
        for filt in tree.find_all(nodes.Filter):
            if filt.name in gendered and isinstance(filt.node, nodes.Name):
                found.append((filt.node.name, filt.args[0] if filt.args else None))
    return found


def _explicit_gender(expr: nodes.Expr | None, context: Mapping[str, object]) -> object:
    if isinstance(expr, nodes.Const):
        return expr.value
    if isinstance(expr, nodes.Name):
        return context.get(expr.name)
    return None


def check_merge(template_path: str | os.PathLike[str], rows: Sequence[Mapping[str, object]], data_file_name: str,
                *, name_column: str | None = None, first_row: int = FIRST_DATA_ROW) -> Report:
    """Everything that would spoil a mail merge, found before anything is written.

    Errors: an unreadable or unsafe template, a syntax error, an unknown filter, a field with no column
    in the data, no rows, an empty name.  Warnings: an empty value of a used field, a gender that is
    neither given nor recognisable (the salutation would be «Уважаемый(ая)»), a duplicate file name.
    Row-level problems carry the spreadsheet cell (``B5``; row 2 is the first data row) and the column.
    """
    report = Report()
    file = data_file_name
    template = Path(template_path)
    try:
        is_merge = is_mergefield_template(template)
        merge_fields = mergefields(template) if is_merge else set()
    except DocumentError as exc:
        report.add(exc.code, file=template.name, **exc.params)
        return report

    trees: list[nodes.Template] = []
    if is_merge:
        fields = merge_fields
    else:
        try:
            prepared = prepare(template)
        except DocumentError as exc:
            _report_template_problems(report, template)
            if not report.errors:
                report.add(exc.code, file=template.name, **exc.params)
            return report
        fields = prepared.fields()
        trees = prepared.ast

    if not rows:
        report.add("doc-no-rows", file=file, data=file)
        return report

    columns = _columns(rows)
    letters = {column: col_letter(i) for i, column in enumerate(columns)}
    available = set(row_context(dict.fromkeys(columns, "")))
    if is_merge:
        available |= {f for f in fields if split_computed(f, dict.fromkeys(available)) is not None}
    for name in sorted(fields - available):
        report.add("doc-field-missing", file=file, field=name, name=name, data=file)

    alias_to_column = {field_alias(c): c for c in columns} | {c: c for c in columns}
    gendered = _gender_filters(trees)
    used_columns: dict[str, None] = {}  # columns the template uses, directly or through computed fields
    for name in sorted(fields):
        column = alias_to_column.get(name)
        split = split_computed(name, alias_to_column) if is_merge and column is None else None
        if split:
            column = alias_to_column[split[0]]
            if split[1] != "инициалы":
                gendered.append((split[0], None))
        if column is not None:
            used_columns[column] = None
    used_columns = dict.fromkeys(c for c in columns if c in used_columns)  # in column order
    if name_column is None:
        name_column = next((c for c in used_columns if grammar.is_name_like(c)), None)
    gender_column = next((c for c in columns if c in grammar.GENDER_CONTEXT_KEYS), None)

    first_use: dict[str, int] = {}
    used: set[str] = set()
    for index, row in enumerate(rows):
        number = first_row + index
        context = row_context(row)

        def cell(column: str | None, number: int = number) -> str:
            return f"{letters[column]}{number}" if column in letters else str(number)

        if name_column is not None:
            value = row.get(name_column)
            if is_empty(value):
                report.add("doc-name-empty", file=file, cell=cell(name_column), field=name_column,
                           row=number, column=name_column)
            else:
                plain = safe_filename(context_value(value), set())
                name = safe_filename(context_value(value), used)
                if name != plain:
                    report.add("doc-name-duplicate", file=file, cell=cell(name_column), field=name_column,
                               row=number, name=plain, first=first_use.get(plain.casefold(), "?"), new=name)
                first_use.setdefault(name.casefold(), number)

        for column in used_columns:
            if column != name_column and is_empty(row.get(column)):
                report.add("doc-value-empty", file=file, cell=cell(column), field=column, row=number, name=column)

        raw_gender = grammar.context_gender(context)
        if gendered and not is_empty(raw_gender) and grammar.parse_gender(raw_gender) is None:
            report.add("doc-gender-bad", file=file, cell=cell(gender_column), field=gender_column or "Пол",
                       row=number, value=raw_gender)
        reported: set[str] = set()
        for column_name, expr in gendered:
            value = context.get(column_name)
            if is_empty(value) or column_name in reported:
                continue
            explicit = _explicit_gender(expr, context) if expr is not None else raw_gender
            if grammar.parse_gender(explicit) is None and grammar.PersonName.parse(value).gender() is None:
                reported.add(column_name)
                column = alias_to_column.get(column_name, column_name)
                report.add("doc-gender-unknown", file=file, cell=cell(column), field=column, row=number,
                           value=clean_text(value))
    return report


def _report_template_problems(report: Report, template: Path) -> None:
    """All template problems (every unknown filter, not only the first) of every templated part."""
    env = shared_env()
    try:
        document = docx.Document(str(template))
    except Exception:  # reported by the caller from the original error
        return
    sources = [DOCXTPL.xml_to_string(document.element.body)]
    for rel in document.part.rels.values():
        if not rel.is_external and rel.reltype in (RT.HEADER, RT.FOOTER) and rel.target_part.blob:
            sources.append(DOCXTPL.xml_to_string(parse_xml(rel.target_part.blob)))
    seen: set[tuple[str, str]] = set()
    for xml in sources:
        source = P_MARK.sub(r"\n<w:p\1", DOCXTPL.patch_xml(xml))
        _, problems = scan_source(env, source)
        for code, params in problems:
            key = (code, str(sorted(params.items())))
            if key not in seen:
                seen.add(key)
                report.add(code, file=template.name, **params)
