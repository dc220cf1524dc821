"""Documents from Word templates, one for a row or one file for all rows: the entry points that take either kind
of template. A docxtpl template (fields typed in Word as ``{{ ФИО|дательный }}``, ``{% if … %}``) is rendered in
the sandbox (:mod:`toolkit.documents.sandbox`) by the fast path of :mod:`toolkit.documents.prepared`; a MERGEFIELD
template (Word's «Рассылки») is filled as :mod:`toolkit.documents.mergefields` says. Every document is rendered in
memory first: an error in any row leaves no file behind. PDF copies: :mod:`toolkit.documents.pdf`; the check
before a mail merge: :mod:`toolkit.documents.preflight`."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from toolkit.base.files import inside, safe_filename
from toolkit.documents.context import FIRST_DATA_ROW, context_value, is_empty, row_context
from toolkit.documents.errors import DocumentError
from toolkit.documents.mergefields import is_mergefield_template, merge_one, merge_single, mergefields
from toolkit.documents.prepared import prepare


def template_fields(template_path: str | os.PathLike[str]) -> set[str]:
    """The data fields a template uses: Jinja variables of a docxtpl template or MERGEFIELD names."""
    if is_mergefield_template(template_path):
        return mergefields(template_path)
    return prepare(template_path).fields()


def render_bytes(template_path: str | os.PathLike[str], context: Mapping[str, object]) -> bytes:
    """One document for one data row, in memory: a broken template fails before any file is touched."""
    buffer = io.BytesIO()
    if is_mergefield_template(template_path):
        merge_one(Path(template_path), context, buffer)
    else:
        prepared = prepare(template_path)
        prepared.write(buffer, prepared.render_parts(row_context(context), None))
    return buffer.getvalue()


def render_one(template_path: str | os.PathLike[str], context: Mapping[str, object],
               out_path: str | os.PathLike[str]) -> Path:
    """One document for one data row."""
    data = render_bytes(template_path, context)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def render_many_single(template_path: str | os.PathLike[str], rows: Sequence[Mapping[str, object]],
                       out_path: str | os.PathLike[str], *, first_row: int = FIRST_DATA_ROW) -> Path:
    """ONE printable document for all rows, a page break between recipients.

    Everything is rendered in memory first: an error in any row leaves no file behind.
    """
    if not rows:
        raise DocumentError("doc-no-rows", data="")
    out = Path(out_path)
    if is_mergefield_template(template_path):
        merge_single(template_path, rows, out)
        return out
    prepared = prepare(template_path)
    replaced = prepared.render_single(rows, first_row)
    out.parent.mkdir(parents=True, exist_ok=True)
    prepared.write(out, replaced)
    return out


def render_many_separate(template_path: str | os.PathLike[str], rows: Sequence[Mapping[str, object]],
                         out_dir: str | os.PathLike[str], name_column: str, *,
                         first_row: int = FIRST_DATA_ROW) -> list[Path]:
    """One document per row, named by ``name_column`` (made safe for Windows, duplicates get « (2)»).

    All documents are rendered in memory before the first file is written.
    """
    directory = Path(out_dir)
    used: set[str] = set()
    names: list[str] = []
    for index, row in enumerate(rows):
        value = row.get(name_column)
        if is_empty(value):
            raise DocumentError("doc-name-empty", column=name_column, row=first_row + index)
        names.append(safe_filename(context_value(value), used))
    targets = [inside(directory, name + ".docx") for name in names]

    if is_mergefield_template(template_path):
        documents = []
        for row in rows:
            buffer = io.BytesIO()
            merge_one(Path(template_path), row, buffer)
            documents.append(buffer.getvalue())
        directory.mkdir(parents=True, exist_ok=True)
        for data, target in zip(documents, targets, strict=True):
            target.write_bytes(data)
        return targets

    prepared = prepare(template_path)
    rendered = [prepared.render_parts(row_context(row), first_row + i) for i, row in enumerate(rows)]
    directory.mkdir(parents=True, exist_ok=True)
    for replaced, target in zip(rendered, targets, strict=True):
        prepared.write(target, replaced)
    return targets
