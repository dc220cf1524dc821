"""Writing workbooks from a resolved spec with xlsxwriter.

The workbook is the curator's user interface: an «Инструкция» sheet, frozen wrapped headers, widths,
dropdowns (long lists through a hidden sheet and defined names), input hints, date and number
validations, missing required cells highlighted, A4 print setup, sheet protection without a password
that keeps headers and IDs safe while input cells stay editable, and a very hidden «_meta» sheet that
identifies the program and the workbook whatever the file is called.

Values from users are always written as typed values or plain strings, never as formulas.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.base.files import write_atomic
from toolkit.base.values import format_number
from toolkit.books.printing import apply_print_layout
from toolkit.spec import Column, Profile, Sheet, WorkbookSpec, instructions_text

META_SHEET = "_meta"
LISTS_SHEET = "_lists"
INSTRUCTION_SHEET = "Инструкция"
SPEC_VERSION = "1"
INLINE_LIST_LIMIT = 255
VALIDATION_ROWS = 5000  # validations and formats reach this far below the header
EXTRA_ROWS = 30  # empty rows with IDs prepared below the filled ones

HEADER_BG = "#DDEBF7"
LOCKED_BG = "#EDEDED"
MISSING_BG = "#FFC7CE"


def col_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """Zero-based row/column → «C5»."""
    return f"{col_letter(col)}{row + 1}"


def format_id(prefix: str, number: int) -> str:
    return f"{prefix}{number:03d}"


def id_number(value: str, prefix: str) -> int | None:
    if value.startswith(prefix) and value[len(prefix):].isdigit():
        return int(value[len(prefix):])
    return None


def display_value(column: Column, value: Any) -> Any:
    """A Python value as it is stored in a cell (lists joined, booleans as да/нет)."""
    if value is None:
        return None
    if column.type == "multichoice" and isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if column.type == "bool" and isinstance(value, bool):
        return "да" if value else "нет"
    return value



LINE_HEIGHT = 15  # points per line of 11 pt text
INSTRUCTION_TEXT_WIDTH = 84  # the «Инструкция» sheet's text column: with the first, one A4 page wide at 8 pt+
MAX_LINES = 12


def wrapped_lines(text: object, width: float, bold: bool = False) -> int:
    """How many lines ``text`` takes in a column ``width`` characters wide when the office suite wraps it at
    spaces (LibreOffice and Excel do not grow row heights of a written file on load: the writer sets them)."""
    room = max(int(width * (0.9 if bold else 1.0)), 1)  # wide letters: rather a line too many than overlap
    lines = 0
    for paragraph in str(text or "").split("\n"):
        used, count = 0, 1
        for word in paragraph.split():
            need = len(word) if used == 0 else used + 1 + len(word)
            if need <= room:
                used = need
                continue
            count += (len(word) - 1) // room + (1 if used else 0)
            used = len(word) % room or room
        lines += count
    return max(lines, 1)


def fitted_height(texts: Iterable[tuple[object, float]], bold: bool = False) -> float | None:
    """The row height that shows every (text, column width) of a row, or None when one line is enough."""
    lines = max((wrapped_lines(t, w, bold) for t, w in texts), default=1)
    return LINE_HEIGHT * min(lines, MAX_LINES) + 2 if lines > 1 else None


def header_width(header: str, width: float) -> float:
    """A column at least as wide as the longest word of its header (bold): headers never break inside a word
    («Код наставляемог / о»)."""
    longest = max((len(w) for w in header.split()), default=0)
    return max(width, round(longest * 1.15 + 2, 1))


_PREPARED: dict[tuple[str, bool, bool], str] = {}  # formula → as xlsxwriter writes it (the same every time)


def _worksheet_class() -> Any:
    """xlsxwriter's worksheet whose formula preparation (about 200 regular expressions per conditional format's
    formula, the same formulas in every book) is remembered: the text written is the same."""
    from xlsxwriter.worksheet import Worksheet

    class CachedWorksheet(Worksheet):  # type: ignore[misc]
        def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
            key = (formula, bool(self.use_future_functions), bool(expand_future_functions))
            found = _PREPARED.get(key)
            if found is None:
                found = super()._prepare_formula(formula, expand_future_functions)
                if len(_PREPARED) < 10_000:
                    _PREPARED[key] = found
            return found

    return CachedWorksheet


class _Writer:
    _worksheet: Any = None

    def __init__(self, path: Path, spec: WorkbookSpec, profile: Profile, program_id: str,
                 book_lists: dict[str, list[str]] | None = None) -> None:
        import xlsxwriter

        self.spec = spec
        self.book_lists = book_lists or {}
        self.profile = profile
        self.program_id = program_id
        self.wb = xlsxwriter.Workbook(
            str(path),
            {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
             "in_memory": True},  # no temporary file per part: several times faster on slow disks
        )
        if _Writer._worksheet is None:
            _Writer._worksheet = _worksheet_class()
        self.wb.worksheet_class = _Writer._worksheet
        self.wb.set_properties({"title": spec.title, "author": "Наставник", "comments": "Создано программой «Наставник»"})
        self.lists_sheet: Any = None
        self.list_names: dict[tuple[str, ...], str] = {}
        self.fmt = self._formats()

    def _formats(self) -> dict[str, Any]:
        wb = self.wb
        base = {"font_name": "Calibri", "font_size": 11, "valign": "top"}
        return {
            "header": wb.add_format({**base, "bold": True, "text_wrap": True, "border": 1, "bg_color": HEADER_BG,
                                     "locked": True, "valign": "vcenter", "align": "center"}),
            "header_req": wb.add_format({**base, "bold": True, "text_wrap": True, "border": 1, "bg_color": HEADER_BG,
                                         "locked": True, "valign": "vcenter", "align": "center",
                                         "font_color": "#9C0006"}),
            "input": wb.add_format({**base, "locked": False, "text_wrap": True}),
            "input_text": wb.add_format({**base, "locked": False, "text_wrap": True, "num_format": "@"}),
            "input_date": wb.add_format({**base, "locked": False, "num_format": "dd.mm.yyyy", "align": "left"}),
            "input_num": wb.add_format({**base, "locked": False, "align": "center"}),
            "locked": wb.add_format({**base, "locked": True, "bg_color": LOCKED_BG, "text_wrap": True}),
            "locked_date": wb.add_format({**base, "locked": True, "bg_color": LOCKED_BG, "num_format": "dd.mm.yyyy"}),
            "missing": wb.add_format({"bg_color": MISSING_BG}),
            "title": wb.add_format({**base, "bold": True, "font_size": 16}),
            "subtitle": wb.add_format({**base, "bold": True, "font_size": 12}),
            "wrap": wb.add_format({**base, "text_wrap": True}),
            "date": wb.add_format({**base, "num_format": "dd.mm.yyyy", "align": "left"}),
            "datetime": wb.add_format({**base, "num_format": "dd.mm.yyyy hh:mm", "align": "left"}),
            "time": wb.add_format({**base, "num_format": "hh:mm", "align": "left"}),
            "param": wb.add_format({**base, "bold": True, "text_wrap": True, "locked": True, "bg_color": LOCKED_BG,
                                    "border": 1}),
            "param_req": wb.add_format({**base, "bold": True, "text_wrap": True, "locked": True, "bg_color": LOCKED_BG,
                                        "border": 1, "font_color": "#9C0006"}),
            "hint": wb.add_format({**base, "italic": True, "text_wrap": True, "font_color": "#595959", "locked": True}),
        }

    # ------------------------------------------------------------------ helpers

    def _check(self, code: int, what: str) -> None:
        if code not in (0, None):
            raise RuntimeError(f"xlsxwriter refused {what}: code {code}")

    def _list_source(self, values: Sequence[str]) -> str | list[str]:
        # Excel's limit counts UTF-16 code units (an emoji is two): longer lists go to the hidden sheet
        inline = len(",".join(values).encode("utf-16-le")) // 2
        if inline <= INLINE_LIST_LIMIT and not any("," in v for v in values):
            return list(values)
        key = tuple(values)
        if key not in self.list_names:
            if self.lists_sheet is None:
                self.lists_sheet = self.wb.add_worksheet(LISTS_SHEET)
                self.lists_sheet.hide()
            col = len(self.list_names)
            for r, value in enumerate(values):
                self._check(self.lists_sheet.write_string(r, col, value), "list value")
            name = f"Список_{col + 1}"
            letter = col_letter(col)
            self.wb.define_name(name, f"='{LISTS_SHEET}'!${letter}$1:${letter}${len(values)}")
            self.list_names[key] = name
        return "=" + self.list_names[key]

    def _validation(self, ws: Any, first_row: int, last_row: int, col: int, column: Column) -> None:
        options: dict[str, Any] = {}
        title = column.header[:32]
        error_title = "Недопустимое значение"
        if column.type in ("choice", "bool"):
            values = ["да", "нет"] if column.type == "bool" else list(column.choices or [])
            options = {"validate": "list", "source": self._list_source(values),
                       "error_message": "Выберите значение из выпадающего списка."}
        elif column.type == "date":
            options = {"validate": "date", "criteria": "between", "minimum": dt.date(1990, 1, 1),
                       "maximum": dt.date(2100, 12, 31),
                       "error_message": "Введите дату в виде ДД.ММ.ГГГГ, например 01.09.2026."}
        elif column.type == "int" and column.number_list and column.min is not None and column.max is not None:
            numbers = [str(n) for n in range(int(column.min), int(column.max) + 1)]
            # an inline list of numbers: a picked value is a number, as if typed
            options = {"validate": "list", "source": numbers,
                       "error_message": f"Выберите число от {numbers[0]} до {numbers[-1]} из выпадающего списка."}
        elif column.type in ("int", "likert"):
            low = int(column.min) if column.min is not None else -1_000_000
            high = int(column.max) if column.max is not None else 1_000_000
            options = {"validate": "integer", "criteria": "between", "minimum": low, "maximum": high,
                       "error_message": f"Введите целое число от {low} до {high}."}
        elif column.type == "number":
            low_f = column.min if column.min is not None else -1e9
            high_f = column.max if column.max is not None else 1e9
            options = {"validate": "decimal", "criteria": "between", "minimum": low_f, "maximum": high_f,
                       "error_message": f"Введите число от {format_number(low_f)} до {format_number(high_f)}."}
        elif column.dropdown and self.book_lists.get(column.dropdown):
            # a list to choose from that refuses nothing: whatever is typed is checked when the book is read
            values = list(dict.fromkeys(v for v in self.book_lists[column.dropdown] if v))
            options = {"validate": "list", "source": self._list_source(values), "show_error": False}
        elif column.hint:
            options = {"validate": "any"}
        if not options:
            return
        if "error_message" in options:
            options["error_title"] = error_title
            options["error_type"] = "stop"
        if column.hint:
            options["input_title"] = title
            options["input_message"] = column.hint[:255]
        self._check(ws.data_validation(first_row, col, last_row, col, options), f"validation of {column.key}")

    def _write_value(self, ws: Any, row: int, col: int, column: Column, value: Any, locked: bool = False) -> None:
        f = self.fmt
        if value.__class__ is str and value:  # the common case, as below: a plain string, never a formula
            self._check(ws.write_string(row, col, value, f["locked"] if locked else f["input"]), "string")
            return
        value = display_value(column, value)
        if value is None or value == "":
            fmt = f["locked"] if locked else (f["input_date"] if column.type == "date" else f["input"])
            self._check(ws.write_blank(row, col, None, fmt), "blank")
            return
        if isinstance(value, dt.date):  # a datetime keeps its time: an invalid value is written back as read
            fmt = f["locked_date"] if locked else f["input_date"]
            moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
            self._check(ws.write_datetime(row, col, moment, fmt), "date")
        elif isinstance(value, dt.time) and column.type == "date":  # 0 typed in a date cell reads as 00:00
            fraction = (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
            self._check(ws.write_number(row, col, fraction, f["locked_date"] if locked else f["input_date"]), "time")
        elif isinstance(value, bool):
            self._check(ws.write_string(row, col, "да" if value else "нет", f["locked"] if locked else f["input"]), "bool")
        elif isinstance(value, (int, float)):
            self._check(ws.write_number(row, col, value, f["locked"] if locked else f["input_num"]), "number")
        else:
            # A plain string: never a formula, whatever it starts with.
            self._check(ws.write_string(row, col, str(value), f["locked"] if locked else f["input"]), "string")

    def _print_setup(self, ws: Any, sheet_title: str, widths: Sequence[float], *, landscape: bool = True,
                     key_columns: int = 0, last_row: int | None = None) -> None:
        """The print rule of every sheet (toolkit.books.printing): nothing below 8 pt on paper."""
        apply_print_layout(ws, widths, landscape=landscape, key_columns=key_columns, last_row=last_row,
                           header=(self.spec.title, sheet_title))

    def _protect(self, ws: Any) -> None:
        ws.protect("", {
            "format_cells": True, "format_columns": True, "format_rows": True, "insert_rows": True,
            "delete_rows": True, "sort": True, "autofilter": True, "select_locked_cells": True,
            "select_unlocked_cells": True, "insert_hyperlinks": True,
        })

    # ------------------------------------------------------------------ sheets

    def instruction_sheet(self) -> None:
        ws = self.wb.add_worksheet(INSTRUCTION_SHEET)
        ws.set_column(0, 0, 30)
        ws.set_column(1, 1, INSTRUCTION_TEXT_WIDTH)
        ws.write_string(0, 0, self.spec.title, self.fmt["title"])
        ws.write_string(1, 0, f"Форма наставничества: «{self.profile.name}»", self.fmt["subtitle"])
        ws.set_row(0, 24)  # 16 pt and 12 pt titles: rows of their size, not over the next one
        ws.set_row(1, 18)
        row = 3
        for paragraph in _paragraphs(instructions_text(self.spec, self.profile)):
            ws.merge_range(row, 0, row, 1, paragraph, self.fmt["wrap"])
            # merged cells do not grow by themselves
            ws.set_row(row, 15 * wrapped_lines(paragraph, 30 + INSTRUCTION_TEXT_WIDTH))
            row += 1
        row += 1
        ws.write_string(row, 0, "Листы и столбцы книги", self.fmt["subtitle"])
        row += 1
        for sheet in self.spec.sheets:
            label = f"Лист «{sheet.name}»"
            ws.write_string(row, 0, label, self.fmt["subtitle"])
            if sheet.description and len(label) * 1.2 > 30:  # a long name runs into column B: the text below it
                row += 1
            if sheet.description:
                ws.write_string(row, 1, sheet.description, self.fmt["wrap"])
                if wrapped_lines(sheet.description, INSTRUCTION_TEXT_WIDTH) > 1:
                    ws.set_row(row, 18 + 15 * (wrapped_lines(sheet.description, INSTRUCTION_TEXT_WIDTH) - 1))
            row += 1
            if sheet.kind == "reference":
                ws.write_string(row, 1, "Справочный лист: только для чтения и печати.", self.fmt["hint"])
                row += 1
                continue
            for column in sheet.columns:
                if column.repeat is None and column.key.startswith("q") and column.type == "likert":
                    continue
                mark = " (обязательно)" if column.required else ""
                left, right = column.header + mark, column.hint or _type_hint(column)
                ws.write_string(row, 0, left, self.fmt["wrap"])
                ws.write_string(row, 1, right, self.fmt["hint"])
                lines = max(wrapped_lines(left, 30), wrapped_lines(right, INSTRUCTION_TEXT_WIDTH))
                if lines > 1:
                    ws.set_row(row, 15 * lines)
                row += 1
            if sheet.columns and sheet.columns[0].type == "likert":
                pass
        ws.activate()
        self._print_setup(ws, INSTRUCTION_SHEET, (30, INSTRUCTION_TEXT_WIDTH), landscape=False)

    def form_sheet(self, sheet: Sheet, values: dict[str, Any]) -> None:
        ws = self.wb.add_worksheet(sheet.name)
        ws.set_column(0, 0, 45)
        ws.set_column(1, 1, 50)
        ws.set_column(2, 2, 60)
        for c, header in enumerate(("Параметр", "Значение", "Подсказка")):
            ws.write_string(0, c, header, self.fmt["header"])
        for r, column in enumerate(sheet.columns, start=1):
            ws.write_string(r, 0, column.header, self.fmt["param_req" if column.required else "param"])
            value = values.get(column.key, column.default)
            self._write_value(ws, r, 1, column, value, locked=column.locked)
            hint = column.hint or _type_hint(column)
            ws.write_string(r, 2, hint, self.fmt["hint"])
            shown = display_value(column, value) if isinstance(value, str) else ""
            height = fitted_height([(column.header, 45), (shown, 50), (hint, 60)], bold=True)
            if height:
                ws.set_row(r, height)  # the first book a curator opens: nothing overlaps
            if not column.locked:
                self._validation(ws, r, r, 1, column)
            if column.required:
                ws.conditional_format(r, 1, r, 1, {"type": "blanks", "format": self.fmt["missing"]})
        ws.freeze_panes(1, 1)
        self._print_setup(ws, sheet.name, (45, 50, 60), landscape=False, key_columns=1)
        self._protect(ws)

    def reference_sheet(self, sheet: Sheet) -> None:
        ws = self.wb.add_worksheet(sheet.name)
        for c, column in enumerate(sheet.columns):
            ws.set_column(c, c, column.width)
            ws.write_string(0, c, column.header, self.fmt["header"])
        rows: list[list[Any]] = []
        if sheet.prefill == "test_items" and self.profile.testing:
            testing = self.profile.testing
            n = 0
            for dim in testing.dimensions:
                for text, _reverse in dim.items:
                    n += 1
                    rows.append([n, dim.name, text, ""])
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values):
                if isinstance(value, (int, float)):
                    ws.write_number(r, c, value, self.fmt["wrap"])
                else:
                    ws.write_string(r, c, str(value), self.fmt["wrap"])
        if self.profile.testing and sheet.prefill == "test_items":
            r = len(rows) + 2
            ws.write_string(r, 2, "Шкала ответов:", self.fmt["subtitle"])
            for i, label in enumerate(self.profile.testing.scale_labels, start=1):
                ws.write_string(r + i, 2, label, self.fmt["wrap"])
        ws.freeze_panes(1, 0)
        self._print_setup(ws, sheet.name, [c.width for c in sheet.columns], landscape=sheet.landscape)
        self._protect(ws)

    def table_sheet(self, sheet: Sheet, rows: list[dict[str, Any]]) -> None:
        ws = self.wb.add_worksheet(sheet.name)
        columns = list(sheet.columns)
        extras: list[str] = []
        for row in rows:
            for header in row.get("__extra__", {}):
                if header not in extras:
                    extras.append(header)
        ncols = len(columns) + len(extras)
        rows = self._prefilled(sheet, rows)
        nrows = len(rows)
        last_data_row = max(nrows, VALIDATION_ROWS)
        ws.set_row(0, max(45, fitted_height([(c.header, header_width(c.header, c.width)) for c in columns],
                                             bold=True) or 0))
        for c, column in enumerate(columns):
            fmt = self.fmt["locked"] if column.locked else (
                self.fmt["input_date"] if column.type == "date" else self.fmt["input"])
            ws.set_column(c, c, header_width(column.header, column.width), fmt)
            ws.write_string(0, c, column.header, self.fmt["header_req" if column.required else "header"])
            if not column.locked:
                self._validation(ws, 1, last_data_row, c, column)
        for i, header in enumerate(extras):
            c = len(columns) + i
            ws.set_column(c, c, 18, self.fmt["input"])
            ws.write_string(0, c, header, self.fmt["header"])
        for r, row in enumerate(rows, start=1):
            lines = 1
            for c, column in enumerate(columns):
                value = row.get(column.key)
                self._write_value(ws, r, c, column, value, locked=column.locked)
                if isinstance(value, (str, list)) and value:
                    text = str(display_value(column, value))
                    lines = max(lines, wrapped_lines(text, header_width(column.header, column.width)))
            if lines > 1:
                ws.set_row(r, 15 * min(lines, MAX_LINES))  # office suites do not grow wrapped rows on load
            for i, header in enumerate(extras):
                value = row.get("__extra__", {}).get(header)
                c = len(columns) + i
                if value not in (None, ""):
                    if isinstance(value, (int, float)) and not isinstance(value, bool):
                        self._check(ws.write_number(r, c, value, self.fmt["input"]), "extra")
                    elif isinstance(value, (dt.date, dt.datetime)):
                        self._write_value(ws, r, c, Column(key="x", header="x", type="date"), value)
                    else:
                        self._check(ws.write_string(r, c, str(value), self.fmt["input"]), "extra")
        # Missing required cells of a started row turn red (the row is started when any input cell is filled).
        input_cols = [c for c, col in enumerate(columns) if not col.locked]
        if input_cols:
            first, last = col_letter(input_cols[0]), col_letter(input_cols[-1])
            for c, column in enumerate(columns):
                if column.required and not column.locked:
                    letter = col_letter(c)
                    ws.conditional_format(1, c, last_data_row, c, {
                        "type": "formula",
                        "criteria": f"=AND(COUNTA(${first}2:${last}2)>0,LEN(TRIM({letter}2))=0)",
                        "format": self.fmt["missing"],
                    })
        ws.freeze_panes(1, sheet.freeze_columns)
        ws.autofilter(0, 0, max(nrows, 1), max(ncols - 1, 0))
        # On paper: the rows that hold data (rows prepared for input, with only a code, stay off), the frozen
        # columns (code, name) repeated on every page of a sheet too wide for one.
        filled = [r for r, row in enumerate(rows, start=1)
                  if any(v not in (None, "", []) for k, v in row.items() if k != "id")]
        widths = [header_width(c.header, c.width) for c in columns] + [18.0] * len(extras)
        self._print_setup(ws, sheet.name, widths, landscape=sheet.landscape, key_columns=sheet.freeze_columns,
                          last_row=max(filled, default=1))
        self._protect(ws)

    def _prefilled(self, sheet: Sheet, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows = [dict(r) for r in rows]
        if sheet.prefill == "training_plan":
            by_number = {r.get("number"): r for r in rows}
            out = []
            for n, meeting in enumerate(self.profile.training.plan, start=1):
                base = {"number": n, "topic": meeting.topic, "format": meeting.format}
                base.update({k: v for k, v in by_number.pop(n, {}).items() if v not in (None, "")})
                out.append(base)
            out.extend(r for k, r in by_number.items() if k is not None)
            return out
        if sheet.prefill == "road_map" and not rows:  # once: then the rows are the curator's
            return [{"number": n, "stage": r.stage, "event": r.event, "responsible": r.responsible,
                     "result": r.result} for n, r in enumerate(self.profile.road_map, start=1)]
        if sheet.role and sheet.id_prefix:
            prefix = sheet.id_prefix
            numbers = [id_number(str(r.get("id") or ""), prefix) for r in rows]
            next_number = max([n for n in numbers if n is not None], default=0) + 1
            for r in rows:
                if not r.get("id"):
                    r["id"] = format_id(prefix, next_number)
                    next_number += 1
            target = max(sheet.rows, len(rows) + EXTRA_ROWS)
            while len(rows) < target:
                rows.append({"id": format_id(prefix, next_number)})
                next_number += 1
            return rows
        return rows

    def foreign_sheet(self, sheet: ForeignSheet) -> None:
        """A sheet of the person's own, back as it was read: values only (text stays text), not protected."""
        ws = self.wb.add_worksheet(sheet.name)
        f = self.fmt
        width = max((len(r) for r in sheet.rows), default=0)
        if width:
            ws.set_column(0, width - 1, 16)
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, bool):
                    self._check(ws.write_boolean(r, c, value, f["wrap"]), "foreign bool")
                elif isinstance(value, (int, float)) and math.isfinite(value):
                    self._check(ws.write_number(r, c, value, f["wrap"]), "foreign number")
                elif isinstance(value, dt.datetime):
                    self._check(ws.write_datetime(r, c, value, f["datetime"]), "foreign datetime")
                elif isinstance(value, dt.date):
                    moment = dt.datetime(value.year, value.month, value.day)
                    self._check(ws.write_datetime(r, c, moment, f["date"]), "foreign date")
                elif isinstance(value, dt.time):
                    self._check(ws.write_datetime(r, c, value, f["time"]), "foreign time")
                else:
                    self._check(ws.write_string(r, c, str(value), f["wrap"]), "foreign text")
        if sheet.hidden:
            ws.hide()

    def meta_sheet(self, extra: dict[str, str] | None = None) -> None:
        ws = self.wb.add_worksheet(META_SHEET)
        items = [("program_id", self.program_id), ("workbook", self.spec.key), ("form", self.profile.form),
                 ("spec_version", SPEC_VERSION), ("title", self.spec.title)]
        items += [(k, v) for k, v in (extra or {}).items() if k not in dict(items)]  # e.g. a pair's code
        for r, (key, value) in enumerate(items):
            ws.write_string(r, 0, key)
            ws.write_string(r, 1, value)
        ws.very_hidden()
        self._protect(ws)

    def close(self) -> None:
        self.wb.close()


def _paragraphs(text: str) -> list[str]:
    """Lines of a YAML block joined into paragraphs; a numbered line starts a new one."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if out and not re.match(r"^(\d+\.|[-•])\s", line) and not out[-1].endswith((".", ":", "!")):
            out[-1] += " " + line
        else:
            out.append(line)
    return out


def _type_hint(column: Column) -> str:
    return {
        "date": "Дата: ДД.ММ.ГГГГ.",
        "int": "Целое число.",
        "number": "Число.",
        "bool": "да или нет.",
        "choice": "Значение из списка.",
        "multichoice": "Несколько значений из списка через запятую.",
        "class": "Номер класса и буква: 9Б.",
        "contact": "Телефон или e-mail.",
        "ref": "Код участника из книги «02_Заявки».",
        "likert": "Число по шкале.",
        "id": "Заполняется автоматически.",
    }.get(column.type, "Текст.")


_BAD_SHEET_CHARS = set("[]:*?/\\")
MAX_SHEET_NAME = 31  # characters of a sheet name in .xlsx (LibreOffice allows longer ones in .ods)


def sheet_name_problem(name: str) -> str:
    """Why ``name`` cannot be a sheet's name in an .xlsx workbook, in Russian; "" when it can."""
    if len(name) > MAX_SHEET_NAME:
        return f"знаков в имени: {len(name)}, а в формате .xlsx их не больше {MAX_SHEET_NAME}"
    bad = sorted(_BAD_SHEET_CHARS & set(name))
    if bad:
        return "в имени знаки «" + " ".join(bad) + "», которых в формате .xlsx не бывает"
    if name.startswith("'") or name.endswith("'"):
        return "имя начинается или кончается апострофом, так в формате .xlsx нельзя"
    return ""


FOREIGN_SHEETS = "__sheets__"  # a key of ``data``: sheets of a person's own, carried over as values
BOOK_LISTS = "__lists__"  # a key of ``data``: {name: values} for the columns with ``dropdown: name``


@dataclass
class ForeignSheet:
    """A sheet a person added to a workbook the toolkit rewrites: its values, kept as they are."""

    name: str
    rows: list[list[Any]]
    hidden: bool = False


def write_workbook(
    path: Path,
    spec: WorkbookSpec,
    profile: Profile,
    program_id: str,
    data: dict[str, Any] | None = None,
    meta: dict[str, str] | None = None,
) -> None:
    """Write a workbook atomically. ``data`` maps sheet keys to rows (tables) or to a dict (forms);
    ``meta`` adds items to the very hidden «_meta» sheet (the standard ones cannot be overridden)."""
    data = data or {}

    def produce(tmp: Path) -> None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            writer = _Writer(tmp, spec, profile, program_id, data.get(BOOK_LISTS) or {})
            writer.instruction_sheet()
            for sheet in spec.sheets:
                if sheet.kind == "form":
                    writer.form_sheet(sheet, data.get(sheet.key) or {})
                elif sheet.kind == "reference":
                    writer.reference_sheet(sheet)
                else:
                    writer.table_sheet(sheet, list(data.get(sheet.key) or []))
            for foreign in data.get(FOREIGN_SHEETS) or []:
                writer.foreign_sheet(foreign)
            writer.meta_sheet(meta)
            writer.close()
        if caught:
            raise RuntimeError("xlsxwriter warnings: " + "; ".join(str(w.message) for w in caught))

    write_atomic(path, produce)


def rewrite_workbook(
    target: Path,
    previous: Path | None,
    spec: WorkbookSpec,
    profile: Profile,
    program_id: str,
    data: dict[str, Any],
    *,
    backup_root: Path | None,
    meta: dict[str, str] | None = None,
) -> tuple[bool, Path | None]:
    """Rewrite a workbook a person edits: if the new version holds exactly what the file holds, nothing is
    written and nothing backed up (running a command again changes nothing); otherwise ``previous`` (the file
    read, perhaps an .ods) goes to «Резервные копии» under ``backup_root`` and ``target`` is written
    atomically. Returns (written, backup)."""
    import shutil
    import tempfile

    from toolkit.base import files

    files.ensure_not_locked(target)
    files.ensure_writable(target)
    if previous is None and not target.exists():  # nothing to compare with or to back up: written in place
        write_workbook(target, spec, profile, program_id, data, meta)
        return True, None
    with tempfile.TemporaryDirectory(prefix="nastavnik-") as scratch:
        draft = Path(scratch) / target.name
        write_workbook(draft, spec, profile, program_id, data, meta)
        if previous is not None and previous == target and files.same_package(draft, target):
            return False, None
        saved = files.backup(previous, backup_root) if previous is not None and backup_root is not None else None
        try:
            with files.atomic_path(target) as tmp:
                shutil.copyfile(draft, tmp)
        except BaseException:
            files.discard_backup(saved)  # nothing was written: no backup of an unchanged book either
            raise
    return True, saved
