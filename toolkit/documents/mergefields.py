"""MERGEFIELD templates, made with Word's own «Рассылки» (mail merge) and filled with docx-mailmerge2: telling
such a template from a docxtpl one (:func:`is_mergefield_template`), its field names and their switches (a date
picture, a «!» after a salutation), and the values of a row for it (:func:`merge_values`): for every name-like
column extra computed fields are offered — ``<столбец>_дательный``, ``_родительный``, ``_творительный``,
``_уважаемый``, ``_инициалы``."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from mailmerge import MailMerge

from toolkit.base import grammar
from toolkit.base.messages import template_detail
from toolkit.documents.context import field_alias, row_context
from toolkit.documents.docxtpl_xml import DOCXTPL, TAG
from toolkit.documents.errors import DocumentError, unreadable_detail
from toolkit.documents.sandbox import template_stat


def mergefields(template_path: str | os.PathLike[str]) -> set[str]:
    """Names of Word MERGEFIELD fields in a template (empty for a docxtpl template)."""
    try:
        with MailMerge(str(template_path)) as merge:
            return set(merge.get_merge_fields())
    except FileNotFoundError as exc:
        raise DocumentError("doc-template-unreadable",
                            detail=template_detail("not-found", name=Path(template_path).name)) from exc
    except Exception as exc:  # not a zip, no [Content_Types].xml …
        raise DocumentError("doc-template-unreadable", detail=unreadable_detail(Path(template_path))) from exc


def _has_jinja_tags(template_path: str | os.PathLike[str]) -> bool:
    with zipfile.ZipFile(template_path) as archive:
        for name in archive.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                text = archive.read(name).decode("utf-8", "replace")
                if TAG.search(DOCXTPL.patch_xml(text)):
                    return True
    return False


def is_mergefield_template(template_path: str | os.PathLike[str]) -> bool:
    """A template made with Word's mail merge: MERGEFIELD fields and no ``{{ }}`` tags."""
    path = Path(template_path)
    stat = template_stat(path)
    return _is_mergefield(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _is_mergefield(path: str, mtime_ns: int, size: int) -> bool:
    return bool(mergefields(path)) and not _has_jinja_tags(path)


def computed_fields(columns: Iterable[str]) -> list[str]:
    """Extra MERGEFIELD names offered for name-like columns: «ФИО_дательный», «ФИО_уважаемый» …"""
    return [
        f"{alias}_{suffix}"
        for column in columns
        if grammar.is_name_like(str(column)) and (alias := field_alias(str(column)))
        for suffix in grammar.COMPUTED_SUFFIXES
    ] + [  # «Должность» → «Должность_дательный»: staff type the position once
        f"{alias}_дательный"
        for column in columns
        if grammar.is_position_like(str(column)) and (alias := field_alias(str(column)))
    ]


def split_computed(name: str, columns: Mapping[str, object]) -> tuple[str, str] | None:
    """(column, case) of a computed field of one of ``columns``: «ФИО_дательный» → («ФИО», «дательный»)."""
    for suffix in grammar.COMPUTED_SUFFIXES:
        if name.endswith("_" + suffix):
            base = name[: -len(suffix) - 1]
            if base in columns:
                return base, suffix
    return None


@dataclass(frozen=True)
class FieldSwitches:
    """What a MERGEFIELD of a template says beside its name: a date picture (``\\@ "d MMMM yyyy"``), and
    whether the template writes «!» right after the field."""

    picture: str = ""
    exclamation_after: bool = False


_MERGEFIELD = re.compile(r'MERGEFIELD\s+"?([^\s"\\]+)"?((?:\s*\\[^\\«]*)*)')
_PICTURE = re.compile(r'\\@\s*"([^"]*)"|\\@\s*(\S+)')


def field_switches(template_path: str | os.PathLike[str]) -> dict[str, FieldSwitches]:
    """The switches of every MERGEFIELD of a template, by field name (the text of the parts, tags removed)."""
    path = Path(template_path)
    try:
        stat = path.stat()
    except OSError:
        return {}
    return _field_switches(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _field_switches(template_path: str, mtime_ns: int, size: int) -> dict[str, FieldSwitches]:
    out: dict[str, FieldSwitches] = {}
    try:
        with zipfile.ZipFile(template_path) as archive:
            texts = [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                     if n.startswith("word/") and n.endswith(".xml")]
    except (OSError, zipfile.BadZipFile):
        return out
    for xml in texts:
        # a simple field keeps its instruction in an attribute: made text, like that of a complex field
        xml = re.sub(r'<w:fldSimple\b[^>]*?w:instr="([^"]*)"[^>]*>', lambda m: " " + m.group(1) + " ", xml)
        text = html.unescape(re.sub(r"<[^>]+>", "", xml))
        for m in _MERGEFIELD.finditer(text):
            picture = _PICTURE.search(m.group(2) or "")
            tail = text[m.end():m.end() + 200]
            shown = re.match(r"\s*«[^»]*»\s*!", tail)  # the field's result as Word shows it, then «!»
            out[m.group(1)] = FieldSwitches((picture.group(1) or picture.group(2)) if picture else "",
                                            bool(shown))
    return out


_MONTHS_NOMINATIVE = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
                      "октябрь", "ноябрь", "декабрь")
_MONTHS_SHORT = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")


def word_date(day: dt.date, picture: str) -> str:
    """A date by a Word date picture: ``d MMMM yyyy`` → «1 сентября 2026», ``dd.MM.yy`` → «01.09.26»,
    ``MMMM yyyy`` → «сентябрь 2026» (the genitive month only after a day); text in 'quotes' as is."""
    with_day = "d" in picture.replace("'", "")
    out: list[str] = []
    for token in re.findall(r"'[^']*'|d+|M+|y+|[^dMy']+", picture):
        if token.startswith("'"):
            out.append(token.strip("'"))
        elif token[0] == "d":
            out.append(f"{day.day:02d}" if len(token) >= 2 else str(day.day))
        elif token[0] == "M":
            if len(token) >= 4:
                out.append((grammar.MONTHS_GENITIVE if with_day else _MONTHS_NOMINATIVE)[day.month - 1])
            elif len(token) == 3:
                out.append(_MONTHS_SHORT[day.month - 1])
            else:
                out.append(f"{day.month:02d}" if len(token) == 2 else str(day.month))
        elif token[0] == "y":
            out.append(f"{day.year % 100:02d}" if len(token) <= 2 else str(day.year))
        else:
            out.append(token)
    return "".join(out)


def merge_values(row: Mapping[str, object], wanted: Iterable[str] = (),
                 template: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Text values of a row for a MERGEFIELD template, with computed fields for name-like columns
    and for every ``<column>_<падеж>`` field the template asks for; with the ``template``, its date pictures
    are honoured and a salutation followed by the template's own «!» loses its own."""
    context = row_context(row)
    values = {key: str(value) for key, value in context.items()}
    gender = grammar.context_gender(context)
    names = set(computed_fields(row.keys()))
    names |= {w for w in wanted if w not in values}
    for name in names:
        split = split_computed(name, values)
        if split:
            base, suffix = split
            values[name] = grammar.COMPUTED_SUFFIXES[suffix](values[base], gender)
    if template is not None:
        for name, switches in field_switches(template).items():
            value = context.get(name)
            if switches.picture and isinstance(value, dt.date):
                values[name] = word_date(value, switches.picture)
            if switches.exclamation_after and values.get(name, "").endswith("!"):
                values[name] = values[name][:-1]
    return values


def merge_one(template_path: Path, row: Mapping[str, object], out: Path | Any) -> None:
    """One document for one row by Word's own mail merge, written to a path or a file object."""
    with MailMerge(str(template_path)) as merge:
        merge.merge(**merge_values(row, merge.get_merge_fields(), template_path))
        merge.write(out)


def merge_single(template_path: str | os.PathLike[str], rows: Sequence[Mapping[str, object]], out: Path) -> None:
    """All rows in one document by Word's own mail merge, a page break between recipients."""
    with MailMerge(str(template_path)) as merge:
        wanted = merge.get_merge_fields()
        merge.merge_templates([merge_values(row, wanted, template_path) for row in rows],
                              separator="page_break")
        out.parent.mkdir(parents=True, exist_ok=True)
        merge.write(out)
