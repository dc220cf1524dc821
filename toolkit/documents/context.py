"""Values of one data row as a template sees them: every column by its header and by an alias that a Jinja name
can hold (:func:`field_alias`), no «None» or «9.0», dates printed the Russian way (:class:`DocDate`), fractions
with a decimal comma (:class:`DocNumber`). Row numbers in problems and errors are spreadsheet rows:
:data:`FIRST_DATA_ROW` is the first data row under the header."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from toolkit.base.values import clean_text, format_number

FIRST_DATA_ROW = 2


class DocDate(dt.date):
    """A date that prints the Russian way («01.09.2026») and still works with the «дата» filter."""

    def __str__(self) -> str:
        return self.strftime("%d.%m.%Y")


class DocNumber(float):
    """A fractional number that prints with a decimal comma («4,5») and still compares as a number."""

    def __str__(self) -> str:
        return format_number(float(self))


def field_alias(column: str) -> str:
    """The name under which a column is reachable in a template: «ФИО наставника» → «ФИО_наставника»."""
    return re.sub(r"\W+", "_", str(column).strip()).strip("_")


def context_value(value: object) -> object:
    """A cell value as a template shows it: no «None», no «9.0», dates as 01.09.2026."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return DocDate(value.year, value.month, value.day)
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return DocDate(value.year, value.month, value.day)
    if isinstance(value, float):
        return int(value) if value.is_integer() else DocNumber(value)
    return value


def row_context(row: Mapping[str, object]) -> dict[str, object]:
    """Template variables of one data row: every column by its header and by :func:`field_alias`."""
    context: dict[str, object] = {}
    for key, value in row.items():
        context[str(key)] = context_value(value)
    for key in list(context):
        alias = field_alias(key)
        if alias and alias not in context:
            context[alias] = context[key]
    return context


def is_empty(value: object) -> bool:
    """No value: none at all, or a text of spaces only."""
    return value is None or (isinstance(value, str) and not clean_text(value))
