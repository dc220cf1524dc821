"""Write → read round trip of every workbook of every form, and the structure people see in Excel.

For each workbook spec of each form, hypothesis generates valid values per column type (Cyrillic text
with ё, quotes and «ёлочки», text that looks like a formula, dates, integers in range, booleans,
choices, multichoice subsets, classes, contacts, Likert answers, participant codes in the ways people
type them), writes them with ``writer.write_workbook`` and reads them back with the reader: the
normalised values must be exactly the expected ones and the report must be empty.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit import spec
from toolkit.base.problems import Report
from toolkit.base.values import clean_multiline, clean_text, is_error_value
from toolkit.books.reader import BookData, open_book, read_workbook
from toolkit.books.writer import (
    INSTRUCTION_SHEET,
    LISTS_SHEET,
    META_SHEET,
    SPEC_VERSION,
    cell_name,
    col_letter,
    format_id,
    write_workbook,
)
from toolkit.spec import Column, Profile, Sheet, WorkbookSpec

PROGRAM_ID = "roundtrip-1"
BOOKS = [
    pytest.param(form, wb.key, id=f"{profile.folder}-{wb.file}")
    for form, profile in spec.profiles().items()
    for wb in spec.program_workbooks(profile)
]
ROUNDTRIP = settings(
    max_examples=15, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def book_spec(form: str, key: str) -> tuple[Profile, WorkbookSpec]:
    profile = spec.profiles()[form]
    return profile, next(wb for wb in spec.program_workbooks(profile) if wb.key == key)


# --------------------------------------------------------------------------- value strategies

CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
OTHER = "abcxyzABCXYZ0123456789 .,;:!?-–—\"'«»„“()[]/\\№%&*_=+@#\u00a0"
# Text a person may really type; the ones starting with = + - @ must stay text, never a formula.
SPECIAL_TEXTS = [
    "=1+1", "=СУММ(A1:A3)", '=HYPERLINK("http://example.com";"клик")', "+7 914 123-45-67", "+", "-",
    "-5", "--", "@упоминание", "@", "=", "'апостроф", "«ёлочки» и „лапки“", 'Он сказал: "да"',
    "Ёлкина Алёна Семёновна", "ЁЛКИН", "0042", "1e5", "01.09.2026", "TRUE", "ЛОЖЬ", "да", "#хэштег",
    "_x0041_", "  пробелы   по\u00a0краям  ", "Школа № 17, каб. 214",
]
TEXT_PREFIXES = ["", "", "", "=", "+", "-", "@", "«", '"', "'"]
SPACES = st.sampled_from([" ", "  ", "\u00a0", "\t", ""])
CLASS_LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ"

plain_text = st.text(alphabet=CYRILLIC + OTHER, min_size=1, max_size=40)
any_text = st.one_of(
    st.sampled_from(SPECIAL_TEXTS),
    plain_text,
    st.tuples(st.sampled_from(TEXT_PREFIXES), plain_text).map("".join),
).filter(lambda s: clean_text(s) != "" and not is_error_value(s))
long_text = st.lists(any_text, min_size=1, max_size=4).map("\n".join)


def _case_variants(value: str) -> st.SearchStrategy[str]:
    """How people type a list value: as listed, in other case, with stray spaces."""
    return st.sampled_from([value, value.upper(), value.lower(), f" {value} "])


def _ref_variants(number: int, prefix: str) -> st.SearchStrategy[tuple[Any, str]]:
    """A participant code as typed: «НК-001», «нк 1», «HK-001» with Latin letters, «НК001»."""
    canonical = format_id(prefix + "-", number)
    letters = prefix
    latin = letters.translate(str.maketrans("НКАЕОРСТХМВ", "HKAEOPCTXMB"))
    typed = [canonical, f"{letters.lower()} {number}", f"{latin}-{number:03d}", f"{letters}{number:03d}",
             f"{letters} - {number}"]
    return st.sampled_from(typed).map(lambda t: (t, canonical))


phones = st.tuples(
    st.sampled_from(["+7 ", "8 ", "+7", "8"]),
    st.integers(900, 999), st.integers(0, 999), st.integers(0, 99), st.integers(0, 99),
    st.sampled_from(["{a} {b:03d}-{c:02d}-{d:02d}", "({a}) {b:03d}-{c:02d}-{d:02d}", "{a}{b:03d}{c:02d}{d:02d}"]),
).map(lambda t: t[0] + t[5].format(a=t[1], b=t[2], c=t[3], d=t[4]))
emails = st.tuples(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=12).filter(
        lambda s: s[0].isalnum()),
    st.sampled_from(["school17.ru", "mail.ru", "yandex.ru", "edu.khv.ru"]),
).map(lambda t: f"{t[0]}@{t[1]}")


def pair(strategy: st.SearchStrategy[Any], expect: Any = None) -> st.SearchStrategy[tuple[Any, Any]]:
    """(value written, value expected back); ``expect`` maps the written value to the expected one."""
    return strategy.map(lambda v: (v, expect(v) if expect else v))


def value_strategy(column: Column, ref_pool: dict[str, list[int]]) -> st.SearchStrategy[tuple[Any, Any]]:
    """A valid value of a column: (written, expected normalised)."""
    t = column.type
    if t in ("text", "id"):
        return pair(any_text, clean_text)
    if t == "longtext":
        return pair(long_text, clean_multiline)
    if t in ("int", "likert"):
        low = int(column.min) if column.min is not None else -1_000_000
        high = int(column.max) if column.max is not None else 1_000_000
        ints = st.integers(low, high)
        return st.one_of(pair(ints), pair(ints.map(str), int), pair(ints.map(float), int))
    if t == "number":
        low = int((column.min if column.min is not None else -1e6) * 100)
        high = int((column.max if column.max is not None else 1e6) * 100)
        numbers = st.integers(low, high).map(lambda n: n / 100)
        as_comma = numbers.map(lambda x: f"{x:.2f}".replace(".", ","))
        return st.one_of(pair(numbers), pair(as_comma, lambda s: float(s.replace(",", "."))))
    if t == "date":
        dates = st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))
        return st.one_of(
            pair(dates),
            pair(dates.map(lambda d: dt.datetime(d.year, d.month, d.day)), lambda d: d.date()),
            pair(dates.map(lambda d: d.strftime("%d.%m.%Y")), lambda s: dt.datetime.strptime(s, "%d.%m.%Y").date()),
        )
    if t == "bool":
        return st.one_of(
            pair(st.booleans()),
            st.sampled_from([("да", True), ("нет", False), ("Да", True), ("НЕТ", False), ("да.", True)]),
        )
    if t == "choice":
        choices = list(column.choices or [])
        return st.sampled_from(choices).flatmap(lambda c: _case_variants(c).map(lambda typed: (typed, c)))
    if t == "multichoice":
        choices = list(column.choices or [])
        bad = [c for c in choices if re.search(r"[,;\n]", c)]
        assert not bad, f"{column.header}: значения списка с запятой нельзя выбрать несколько: {bad}"
        subsets = st.lists(st.sampled_from(choices), min_size=1, max_size=len(choices), unique=True)
        return st.one_of(
            pair(subsets),  # a list: the writer joins it with ", "
            pair(subsets.map(lambda xs: "; ".join(x.lower() for x in xs)),
                 lambda s: [next(c for c in choices if c.lower() == p) for p in s.split("; ")]),
        )
    if t == "class":
        low, high = int(column.min or 1), int(column.max or 11)
        numbers = st.integers(low, high)
        letters = st.sampled_from(["", *CLASS_LETTERS])
        canonical = st.tuples(numbers, letters)
        return st.one_of(
            canonical.map(lambda nl: (f"{nl[0]}{nl[1]}", f"{nl[0]}{nl[1]}")),
            canonical.map(lambda nl: (f"{nl[0]} {nl[1].lower()}", f"{nl[0]}{nl[1]}")),
            canonical.map(lambda nl: (f"{nl[0]}-{nl[1]}", f"{nl[0]}{nl[1]}")),
            canonical.filter(lambda nl: nl[1] != "").map(
                lambda nl: (f"{nl[0]} «{nl[1]}» класс", f"{nl[0]}{nl[1]}")),
            numbers.map(lambda n: (n, str(n))),  # a bare number typed into the cell
        )
    if t == "contact":
        return st.one_of(pair(phones), pair(emails)).map(lambda p: (p[0], clean_text(p[1])))
    if t == "ref":
        prefix = {"mentor": "НК", "mentee": "НЯ"}.get(column.role or "", "НК")
        return st.sampled_from(ref_pool[prefix]).flatmap(lambda n: _ref_variants(n, prefix))
    raise AssertionError(f"нет стратегии для типа {t}")  # pragma: no cover


BLANKS = st.sampled_from([None, "", "   ", "\u00a0"])


def optional(column: Column, strategy: st.SearchStrategy[tuple[Any, Any]]) -> st.SearchStrategy[tuple[Any, Any]]:
    """Required columns always get a value; optional ones are sometimes left blank (or hold only spaces)."""
    if column.required:
        return strategy
    blanks = BLANKS.map(lambda b: (b, None))
    if column.type == "multichoice":
        blanks = st.one_of(blanks, st.just(([], None)))
    return st.one_of(strategy, blanks)


REF_POOL = {"НК": list(range(1, 41)), "НЯ": list(range(1, 61))}


@st.composite
def sheet_rows(draw: st.DrawFn, sheet: Sheet, profile: Profile) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows to write and rows expected back (all columns, None for blanks)."""
    written: list[dict[str, Any]] = []
    expected: list[dict[str, Any]] = []
    if sheet.prefill == "training_plan":
        # one row per meeting of the profile's plan; a blank keeps the prefilled topic and format
        for n, meeting in enumerate(profile.training.plan, start=1):
            prefilled = {"topic": meeting.topic, "format": meeting.format or None}
            row: dict[str, Any] = {"number": n}
            exp: dict[str, Any] = {"number": n}
            for column in sheet.columns:
                if column.key == "number":
                    continue
                w, e = draw(st.one_of(value_strategy(column, REF_POOL), st.sampled_from([(None, None), ("", None)])))
                row[column.key] = w
                exp[column.key] = e if w not in (None, "") else prefilled.get(column.key)
            written.append(row)
            expected.append(exp)
        return written, expected
    count = draw(st.integers(0, 4))
    ids: list[int] = []
    if sheet.id_prefix:
        ids = sorted(draw(st.lists(st.integers(1, 120), min_size=count, max_size=count, unique=True)))
    ref_keys = [c.key for c in sheet.columns if c.type == "ref"]
    used_refs: set[Any] = set()
    for i in range(count):
        row = {}
        exp = {}
        for column in sheet.columns:
            if column.type == "id" and sheet.id_prefix:
                w = e = format_id(sheet.id_prefix, ids[i])
            else:
                w, e = draw(optional(column, value_strategy(column, REF_POOL)))
            row[column.key] = w
            exp[column.key] = e
        key = tuple(exp[k] for k in ref_keys)
        if ref_keys and key in used_refs:
            continue  # one row per participant, as the sheets ask (not checked by the reader anyway)
        used_refs.add(key)
        written.append(row)
        expected.append(exp)
    if sheet.prefill == "road_map" and not written:  # an empty road map is written as the profile's rows
        expected = [{**{c.key: None for c in sheet.columns}, "number": n, "stage": r.stage, "event": r.event,
                     "responsible": r.responsible, "result": r.result} for n, r in enumerate(profile.road_map, start=1)]
    return written, expected


@st.composite
def workbook_data(draw: st.DrawFn, wb: WorkbookSpec, profile: Profile) -> tuple[dict[str, Any], dict[str, Any]]:
    data: dict[str, Any] = {}
    expected: dict[str, Any] = {}
    for sheet in wb.sheets:
        if sheet.kind == "reference":
            continue
        if sheet.kind == "form":
            values: dict[str, Any] = {}
            exp: dict[str, Any] = {}
            for column in sheet.columns:
                w, e = draw(optional(column, value_strategy(column, REF_POOL)))
                values[column.key] = w
                exp[column.key] = e
            data[sheet.key], expected[sheet.key] = values, exp
        else:
            data[sheet.key], expected[sheet.key] = draw(sheet_rows(sheet, profile))
    return data, expected


def read_back(path: Path, wb: WorkbookSpec) -> tuple[BookData, Report]:
    report = Report()
    book = open_book(path, report, path.name)
    assert book is not None, report.problems
    return read_workbook(book, wb, report, path.name), report


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize(("form", "key"), BOOKS)
def test_round_trip_every_workbook(form: str, key: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    profile, wb = book_spec(form, key)
    folder = tmp_path_factory.mktemp(f"rt-{form}-{key}")

    @ROUNDTRIP
    @given(workbook_data(wb, profile))
    def check(generated: tuple[dict[str, Any], dict[str, Any]]) -> None:
        data, expected = generated
        path = folder / (wb.file + ".xlsx")
        write_workbook(path, wb, profile, PROGRAM_ID, data)
        book, report = read_back(path, wb)
        assert [(p.sheet, p.cell, p.code, p.message) for p in report] == []
        assert book.meta == {"program_id": PROGRAM_ID, "workbook": wb.key, "form": profile.form,
                             "spec_version": SPEC_VERSION, "title": wb.title}
        for sheet in wb.sheets:
            if sheet.kind == "form":
                assert book.forms[sheet.key].values == expected[sheet.key], sheet.name
            elif sheet.kind == "table":
                table = book.tables[sheet.key]
                got = [(r.number, r.values, r.extra) for r in table.rows]
                want: list[tuple[int, dict[str, Any], dict[str, Any]]] = [
                    (n, e, {}) for n, e in enumerate(expected[sheet.key], start=2)]
                assert got == want, sheet.name

    check()


def test_formula_like_text_is_stored_as_text(tmp_path: Path) -> None:
    """«=1+1» typed into a text column is a string cell in the file, not a formula."""
    profile, wb = book_spec("student", "applications")
    dangerous = ["=1+1", "+7 914", "-минус", "@кто-то", '=HYPERLINK("http://x")']
    mentors = [{"id": format_id("НК-", i), "last_name": text, "first_name": "Анна", "note": text,
                "motivation": text + "\n" + text}
               for i, text in enumerate(dangerous, start=1)]
    path = tmp_path / "02_Заявки.xlsx"
    write_workbook(path, wb, profile, PROGRAM_ID, {"applications": {}, "mentors": mentors})
    ws = openpyxl.load_workbook(path)["Наставники"]
    headers = {c.value: c.column_letter for c in ws[1]}
    for r, text in enumerate(dangerous, start=2):
        for header in ("Фамилия", "Примечание куратора"):
            cell = ws[f"{headers[header]}{r}"]
            assert (cell.data_type, cell.value) == ("s", text)
    book, _ = read_back(path, wb)
    got = [(r.values["last_name"], r.values["note"], r.values["motivation"]) for r in book.tables["mentors"].rows]
    assert got == [(t, t, t + "\n" + t) for t in dangerous]


# --------------------------------------------------------------------------- what a person sees in Excel


def _validations(ws: Any) -> dict[str, Any]:
    """The data validation of each column letter that covers row 2 (the first data row)."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            if rng.min_row <= 2 <= rng.max_row:
                for c in range(rng.min_col, rng.max_col + 1):
                    out[col_letter(c - 1)] = dv
    return out


def _list_items(wb_xl: Any, dv: Any) -> list[str]:
    """The values a dropdown offers: inline «"a,b"» or a defined name on the hidden «_lists» sheet."""
    formula = dv.formula1
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    name = wb_xl.defined_names[formula.lstrip("=")]
    m = re.fullmatch(r"'?(.+?)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", name.attr_text)
    assert m, name.attr_text
    sheet, c1, r1, c2, r2 = m.groups()
    assert sheet == LISTS_SHEET and c1 == c2
    assert wb_xl[LISTS_SHEET].sheet_state == "hidden"
    return [wb_xl[LISTS_SHEET][f"{c1}{r}"].value for r in range(int(r1), int(r2) + 1)]


def _sample_value(column: Column) -> Any:
    return {
        "text": "Текст", "longtext": "Длинный\nтекст", "int": int(column.min or 1), "number": column.min or 1.0,
        "date": dt.date(2026, 9, 1), "bool": True, "choice": (column.choices or [""])[0],
        "multichoice": list(column.choices or [])[:2], "class": "9Б", "contact": "+7 914 123-45-67",
        "likert": int(column.min or 1), "ref": "НК-001", "id": "НК-001",
    }[column.type]


@pytest.mark.parametrize(("form", "key"), BOOKS)
def test_workbook_structure_in_excel(form: str, key: str, tmp_path: Path) -> None:
    profile, wb = book_spec(form, key)
    data: dict[str, Any] = {}
    for sheet in wb.sheets:
        row = {c.key: _sample_value(c) for c in sheet.columns if not (c.type == "id" or sheet.prefill)}
        data[sheet.key] = row if sheet.kind == "form" else [row]
    path = tmp_path / (wb.file + ".xlsx")
    write_workbook(path, wb, profile, PROGRAM_ID, data)
    xl = openpyxl.load_workbook(path)

    expected_sheets = [INSTRUCTION_SHEET, *(s.name for s in wb.sheets), META_SHEET]
    assert [n for n in xl.sheetnames if n != LISTS_SHEET] == expected_sheets
    assert xl[INSTRUCTION_SHEET].sheet_state == "visible"
    meta = xl[META_SHEET]
    assert meta.sheet_state == "veryHidden"
    assert {r[0]: r[1] for r in meta.iter_rows(values_only=True)} == {
        "program_id": PROGRAM_ID, "workbook": wb.key, "form": profile.form, "spec_version": SPEC_VERSION,
        "title": wb.title}

    for sheet in wb.sheets:
        ws = xl[sheet.name]
        assert ws.sheet_state == "visible"
        assert ws.protection.sheet is True, f"{sheet.name}: лист не защищён"
        assert ws.protection.password is None, f"{sheet.name}: у защиты не должно быть пароля"
        if sheet.kind == "reference":
            assert ws.freeze_panes == "A2"
            continue
        if sheet.kind == "form":
            assert ws.freeze_panes == "B2"
            assert [c.value for c in ws[1]][:3] == ["Параметр", "Значение", "Подсказка"]
            cells = {c.key: (f"B{r}", c) for r, c in enumerate(sheet.columns, start=2)}
            for r, column in enumerate(sheet.columns, start=2):
                assert ws[f"A{r}"].value == column.header
                assert ws[f"A{r}"].protection.locked is True
        else:
            assert ws.freeze_panes == cell_name(1, sheet.freeze_columns)
            cells = {c.key: (f"{col_letter(i)}2", c) for i, c in enumerate(sheet.columns)}
            for i, column in enumerate(sheet.columns):
                assert ws[f"{col_letter(i)}1"].value == column.header
                assert ws[f"{col_letter(i)}1"].protection.locked is True
        validations = _validations(ws)
        for ref, column in cells.values():
            letter = re.match(r"[A-Z]+", ref).group(0)  # type: ignore[union-attr]
            where = f"{sheet.name}!{ref} «{column.header}»"
            # input cells are editable on the protected sheet; IDs and prefilled numbers are not
            assert ws[ref].protection.locked is column.locked, where
            if sheet.kind == "form":
                dv = next((dv for dv in ws.data_validations.dataValidation if ref in dv.sqref), None)
            else:
                dv = validations.get(letter)
                if dv is not None and not column.locked:
                    assert any(rng.max_row >= 5001 for rng in dv.sqref.ranges), where
            if column.locked:
                assert dv is None, where
            elif column.type in ("choice", "bool"):
                assert dv is not None and dv.type == "list", where
                assert dv.showDropDown in (None, False), where  # False means the arrow IS shown
                want = ["да", "нет"] if column.type == "bool" else list(column.choices or [])
                assert _list_items(xl, dv) == want, where
                assert dv.errorStyle in (None, "stop") and dv.showErrorMessage, where
            elif column.type == "date":
                assert dv is not None and dv.type == "date", where
            elif column.number_list:  # a short scale (1–10): a dropdown of its numbers, a picked one is a number
                assert dv is not None and dv.type == "list" and dv.showDropDown in (None, False), where
                numbers = list(range(int(column.min or 0), int(column.max or 0) + 1))
                assert dv.formula1 == '"' + ",".join(map(str, numbers)) + '"', where
                assert dv.errorStyle in (None, "stop") and dv.showErrorMessage, where
            elif column.type in ("int", "likert"):
                assert dv is not None and dv.type == "whole", where
                assert (int(dv.formula1), int(dv.formula2)) == (
                    int(column.min) if column.min is not None else -1_000_000,
                    int(column.max) if column.max is not None else 1_000_000), where
            elif column.type == "number":
                assert dv is not None and dv.type == "decimal", where
            else:
                assert dv is None or dv.type in (None, "none"), where
            if dv is not None and column.hint:
                assert dv.prompt == column.hint[:255], where


def test_long_list_goes_through_hidden_lists_sheet(tmp_path: Path) -> None:
    """The subjects of teachers do not fit the 255 characters of an inline list: a defined name is used."""
    profile, wb = book_spec("teacher", "applications")
    subjects = profile.lists["subjects"]
    assert len(",".join(subjects)) > 255
    path = tmp_path / "02_Заявки.xlsx"
    write_workbook(path, wb, profile, PROGRAM_ID, {})
    xl = openpyxl.load_workbook(path)
    assert xl[LISTS_SHEET].sheet_state == "hidden"
    for name in ("Наставники", "Наставляемые"):
        ws = xl[name]
        letter = next(c.column_letter for c in ws[1] if c.value == "Предмет / должность")
        dv = _validations(ws)[letter]
        assert not dv.formula1.startswith('"')
        assert dv.formula1 in xl.defined_names
        assert _list_items(xl, dv) == subjects


def test_invisible_characters_are_dropped(tmp_path: Path) -> None:
    """Zero-width spaces, soft hyphens and control characters pasted from elsewhere: invisible, so dropped
    (they would make equal names differ and break the XML of documents)."""
    profile, wb = book_spec("student", "applications")
    typed = ["Ива\u200bнова", "Ив\x01анова", "Ива\u00adнова", "\ufeffИванова", "Иван\x7fова", "Иванова\x1b"]
    mentors = [{"id": format_id("НК-", i), "last_name": t, "first_name": f"Анна{t[-1]}", "note": t}
               for i, t in enumerate(typed, start=1)]
    path = tmp_path / "02_Заявки.xlsx"
    write_workbook(path, wb, profile, PROGRAM_ID, {"mentors": mentors})
    book, _ = read_back(path, wb)
    assert [(r.values["last_name"], r.values["note"]) for r in book.tables["mentors"].rows] == [
        ("Иванова", "Иванова")] * len(typed)


def test_kept_values_write_back_loses_nothing(tmp_path: Path) -> None:
    """Read → write the kept values → read: the same values, and invalid cells still hold what was typed."""
    profile, wb = book_spec("student", "applications")
    path = tmp_path / "02_Заявки.xlsx"
    mentors = [
        {"id": "НК-001", "last_name": "Ёлкина", "first_name": "Алёна", "gender": "ж", "class": "10 а",
         "applied_on": "31.02.2026", "capacity": "два", "areas": "Математика; физика", "days": "пн, вс",
         "frequency": "раз в НЕДЕЛЮ", "note": "=1+1", "motivation": "Хочу\nпомогать"},
        {"id": "НК-002", "last_name": "Петров", "first_name": "Пётр", "class": 9, "capacity": 9},
    ]
    write_workbook(path, wb, profile, PROGRAM_ID, {"mentors": mentors})
    first, report1 = read_back(path, wb)
    rows = {key: [r.kept_values() for r in t.rows] for key, t in first.tables.items()}
    write_workbook(path, wb, profile, PROGRAM_ID, rows)
    second, report2 = read_back(path, wb)
    assert [(p.sheet, p.cell, p.code) for p in report2] == [(p.sheet, p.cell, p.code) for p in report1]
    assert [(p.cell, p.code) for p in report1 if p.code != "required-missing"] == [
        ("H2", "bad-date"), ("M2", "bad-integer"), ("N2", "bad-multichoice"), ("M3", "number-out-of-range")]
    for a, b in zip(first.tables["mentors"].rows, second.tables["mentors"].rows, strict=True):
        assert (a.values, a.bad) == (b.values, b.bad)
        assert {k: a.raw[k] for k in a.bad} == {k: b.raw[k] for k in b.bad}  # invalid: exactly as typed
    row = second.tables["mentors"].rows[0]
    assert row.values["class"] == "10А" and row.values["frequency"] == "Раз в неделю"
    assert row.values["areas"] == ["Математика", "Физика"] and row.values["note"] == "=1+1"
    assert (row.raw["applied_on"], row.raw["capacity"], row.raw["days"]) == ("31.02.2026", "два", "пн, вс")
