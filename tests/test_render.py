"""Sandboxed docx rendering, mail merge and PDF (toolkit.documents: sandbox, rendering, mergefields, preflight, pdf).

Templates are built with python-docx at test time; no binary fixtures.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docxtpl import DocxTemplate

from toolkit.base.files import MAX_NAME_LENGTH, inside, safe_filename
from toolkit.base.problems import NastavnikError
from toolkit.documents import pdf as office
from toolkit.documents.context import row_context
from toolkit.documents.mergefields import computed_fields, is_mergefield_template, merge_values
from toolkit.documents.preflight import check_merge
from toolkit.documents.prepared import prepare
from toolkit.documents.rendering import render_many_separate, render_many_single, render_one, template_fields
from toolkit.documents.sandbox import make_env

TRICKY = 'ООО «Ромашка» & Co <b>жирный</b> "кавычки" \'апостроф\''


# --- template builders -------------------------------------------------------------------------


def make_letter(path: Path) -> Path:
    """A letter as a teacher would type it in Word, with one field split over two runs."""
    document = Document()
    document.sections[0].header.paragraphs[0].text = "Школа: {{ Школа }}"
    document.add_paragraph("{{ ФИО|уважаемый }}")
    paragraph = document.add_paragraph("Направляем ")
    paragraph.add_run("{{ ФИО|").bold = True  # Word often splits a field into runs like this
    paragraph.add_run("дательный }}")
    paragraph.add_run(" приглашение на встречу {{ Дата|дата }}")  # «г.» ends the sentence
    document.add_paragraph("Организация: {{ Организация }}")
    document.add_paragraph("Благодарим за работу с {{ ФИО|творительный }}.")
    document.add_paragraph("Исп.: {{ ФИО_наставника|инициалы }}")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Класс"
    table.cell(0, 1).text = "{{ Класс }}"
    document.save(str(path))
    return path


def make_jinja_template(path: Path, *paragraphs: str) -> Path:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def _simple_field(paragraph, name: str) -> None:
    paragraph._p.append(parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=" MERGEFIELD {name} \\* MERGEFORMAT ">'
        f"<w:r><w:t>«{name}»</w:t></w:r></w:fldSimple>"
    ))


def _complex_field(paragraph, name: str) -> None:
    w = nsdecls("w")
    for xml in (
        f'<w:r {w}><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r {w}><w:instrText xml:space="preserve"> MERGEFIELD  {name} </w:instrText></w:r>',
        f'<w:r {w}><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r {w}><w:t>«{name}»</w:t></w:r>",
        f'<w:r {w}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        paragraph._p.append(parse_xml(xml))


def make_mergefield_letter(path: Path) -> Path:
    """A template made with Word's «Рассылки»: simple and complex MERGEFIELD fields."""
    document = Document()
    _simple_field(document.add_paragraph(), "ФИО_уважаемый")
    paragraph = document.add_paragraph("Направляем ")
    _complex_field(paragraph, "ФИО_дательный")
    paragraph.add_run(" письмо. Организация: ")
    _simple_field(paragraph, "Организация")
    paragraph = document.add_paragraph("Подпись: ")
    _simple_field(paragraph, "ФИО_инициалы")
    paragraph.add_run(", класс ")
    _complex_field(paragraph, "Класс")
    document.save(str(path))
    return path


ROWS: list[dict[str, object]] = [
    {"ФИО": "Шмидт Анна", "Пол": "ж", "Школа": "№ 1", "Дата": dt.datetime(2026, 9, 1), "Организация": TRICKY,
     "ФИО наставника": "Петров Пётр Петрович", "Класс": "9Б"},
    {"ФИО": "Шмидт Карл", "Пол": "м", "Школа": "№ 1", "Дата": "22.11.2026", "Организация": "ИП",
     "ФИО наставника": "Иванова Анна Сергеевна", "Класс": "10А"},
    {"ФИО": "Мамедов Эльдар Рашид оглы", "Пол": "", "Школа": "№ 1", "Дата": dt.date(2026, 5, 9),
     "Организация": "МБОУ", "ФИО наставника": "Сидоров Илья", "Класс": "7В"},
]


def texts(path: Path) -> list[str]:
    document = Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return paragraphs + cells


def all_text(path: Path) -> str:
    return "\n".join(texts(path))


def page_breaks(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode().count('w:type="page"')


@pytest.fixture
def letter(tmp_path: Path) -> Path:
    return make_letter(tmp_path / "письмо.docx")


@pytest.fixture
def merge_letter(tmp_path: Path) -> Path:
    return make_mergefield_letter(tmp_path / "рассылка.docx")


# --- fields and environment --------------------------------------------------------------------


def test_template_fields_with_cyrillic_names(letter: Path) -> None:
    expected = {"ФИО", "Школа", "Дата", "Организация", "ФИО_наставника", "Класс"}
    assert template_fields(letter) == expected
    # docxtpl's own analysis agrees (Cyrillic identifiers and filter names work)
    assert DocxTemplate(str(letter)).get_undeclared_template_variables(make_env()) == expected


def test_make_env_is_sandboxed_autoescaped_and_strict() -> None:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = make_env()
    assert isinstance(env, SandboxedEnvironment)
    assert env.autoescape is True
    assert env.undefined is StrictUndefined
    assert "дательный" in env.filters


def test_row_context_values() -> None:
    context = row_context({"Балл": 9.0, "Средний": 4.5, "Дата": dt.datetime(2026, 9, 1), "Пусто": None,
                                  "ФИО наставника": "x", "Да": True})
    assert str(context["Балл"]) == "9"
    assert str(context["Средний"]) == "4,5"
    assert str(context["Дата"]) == "01.09.2026"
    assert context["Пусто"] == ""
    assert context["ФИО_наставника"] == "x"
    assert context["Да"] == "да"


# --- rendering ---------------------------------------------------------------------------------


def test_render_one_declines_escapes_and_leaves_no_tags(letter: Path, tmp_path: Path) -> None:
    out = render_one(letter, ROWS[0], tmp_path / "out" / "one.docx")
    lines = texts(out)
    assert lines[0] == "Дорогая Анна!"
    assert lines[1] == "Направляем Шмидт Анне приглашение на встречу 1 сентября 2026 г."
    assert lines[2] == "Организация: " + TRICKY  # & < > " ' «» come out exactly
    assert lines[3] == "Благодарим за работу с Шмидт Анной."
    assert lines[4] == "Исп.: П.\u00a0П.\u00a0Петров"  # initials never split across lines
    assert "9Б" in lines
    assert Document(str(out)).sections[0].header.paragraphs[0].text == "Школа: №\u00a01"
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            if name.endswith(".xml"):
                xml = archive.read(name).decode()
                assert "{{" not in xml and "{%" not in xml


def test_fast_path_matches_docxtpl(letter: Path, tmp_path: Path) -> None:
    """The prepared-template path gives the same text as docxtpl's own render()."""
    for i, row in enumerate(ROWS):
        naive = DocxTemplate(str(letter))
        naive.render(row_context(row), make_env())
        naive.save(tmp_path / f"naive{i}.docx")
        fast = render_one(letter, row, tmp_path / f"fast{i}.docx")
        assert texts(fast) == texts(tmp_path / f"naive{i}.docx")


def test_newlines_in_values_become_line_breaks(tmp_path: Path) -> None:
    template = make_jinja_template(tmp_path / "t.docx", "Адрес: {{ Адрес }}")
    out = render_one(template, {"Адрес": "ул. Ленина, 1\nкв. 2"}, tmp_path / "o.docx")
    assert texts(out) == ["Адрес: ул. Ленина, 1\nкв. 2"]


def test_single_file_has_page_breaks_between_recipients(letter: Path, tmp_path: Path) -> None:
    out = render_many_single(letter, ROWS, tmp_path / "все.docx")
    text = all_text(out)
    assert page_breaks(out) == len(ROWS) - 1
    assert text.count("Направляем ") == len(ROWS)
    assert "Направляем Шмидт Анне " in text
    assert "Направляем Шмидту Карлу " in text
    assert "Направляем Мамедову Эльдару Рашид оглы " in text
    assert "Уважаемый Эльдар Рашид оглы!" in text
    assert "Благодарим за работу с Шмидтом Карлом." in text
    assert "Исп.: А.\u00a0С.\u00a0Иванова" in text
    assert "Организация: " + TRICKY in text
    assert "{{" not in text
    # one section, the page setup of the template kept
    assert len(Document(str(out)).sections) == 1


def test_single_file_of_many_rows_is_fast(letter: Path, tmp_path: Path) -> None:
    import time

    rows = [ROWS[i % 3] | {"ФИО": f"Иванов{i} Иван Иванович", "Пол": "м"} for i in range(300)]
    prepare(letter)  # warm the cache, as the second command of a session would
    start = time.perf_counter()
    out = render_many_single(letter, rows, tmp_path / "много.docx")
    assert time.perf_counter() - start < 2.0  # ~0.1 s on a laptop; generous for slow CI
    assert page_breaks(out) == 299


def test_separate_files_count_and_safe_names(letter: Path, tmp_path: Path) -> None:
    rows = [*ROWS, ROWS[0] | {"ФИО": "шмидт анна"}, ROWS[1] | {"ФИО": "../../Сидоров: Иван?"}]
    paths = render_many_separate(letter, rows, tmp_path / "письма", "ФИО")
    names = [p.name for p in paths]
    assert names == [
        "Шмидт Анна.docx",
        "Шмидт Карл.docx",
        "Мамедов Эльдар Рашид оглы.docx",
        "шмидт анна (2).docx",
        "Сидоров Иван.docx",
    ]
    assert sorted(p.name for p in (tmp_path / "письма").iterdir()) == sorted(names)
    assert all(p.parent == (tmp_path / "письма").resolve() for p in paths)
    assert "Направляем Шмидту Карлу приглашение" in all_text(paths[1])
    assert "Организация: " + TRICKY in all_text(paths[0])


def test_an_error_in_any_row_writes_nothing(letter: Path, tmp_path: Path) -> None:
    rows = [ROWS[0], ROWS[1] | {"Дата": "когда-нибудь"}]
    with pytest.raises(NastavnikError, match=r"^Строка 3: .*не дата"):
        render_many_separate(letter, rows, tmp_path / "out", "ФИО")
    assert not (tmp_path / "out").exists()
    with pytest.raises(NastavnikError, match="Строка 3"):
        render_many_single(letter, rows, tmp_path / "single.docx")
    assert not (tmp_path / "single.docx").exists()


def test_missing_field_is_an_error_not_a_gap(letter: Path, tmp_path: Path) -> None:
    row = {k: v for k, v in ROWS[0].items() if k != "Организация"}
    with pytest.raises(NastavnikError, match="«Организация»"):
        render_one(letter, row, tmp_path / "o.docx")


def test_empty_name_stops_separate_files(letter: Path, tmp_path: Path) -> None:
    with pytest.raises(NastavnikError, match="Строка 3: не заполнен столбец «ФИО»"):
        render_many_separate(letter, [ROWS[0], ROWS[1] | {"ФИО": " "}], tmp_path / "o", "ФИО")


# --- sandbox -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ lipsum['__globals__'] }}",
        "{{ cycler|attr('__init__') }}",  # only the sandbox itself can see this one
    ],
)
def test_template_running_code_is_refused(tmp_path: Path, field: str) -> None:
    template = make_jinja_template(tmp_path / "evil.docx", "Привет, " + field)
    with pytest.raises(NastavnikError, match="программный код") as info:
        render_one(template, {"ФИО": "x"}, tmp_path / "o.docx")
    assert info.value.exit_code == 2
    assert not (tmp_path / "o.docx").exists()


def test_check_merge_reports_unsafe_template(tmp_path: Path) -> None:
    template = make_jinja_template(tmp_path / "evil.docx", "{{ ''.__class__.__mro__ }}")
    report = check_merge(template, [{"ФИО": "x"}], "данные.xlsx")
    assert [p.code for p in report.errors] == ["doc-template-unsafe"]


# --- pre-flight check --------------------------------------------------------------------------


def test_check_merge_clean(letter: Path) -> None:
    report = check_merge(letter, ROWS, "данные.xlsx")
    assert report.problems == []


def test_check_merge_missing_fields_empty_names_and_row_numbers(letter: Path) -> None:
    rows = [
        {"ФИО": "Шмидт Анна", "Пол": "ж", "Школа": "1", "Дата": "01.09.2026", "Класс": "9Б"},
        {"ФИО": "", "Пол": "м", "Школа": "1", "Дата": "01.09.2026", "Класс": "9Б"},
        {"ФИО": "Ким Саша", "Пол": "", "Школа": "1", "Дата": "01.09.2026", "Класс": ""},
        {"ФИО": "Ли Саша", "Пол": "?", "Школа": "1", "Дата": "01.09.2026", "Класс": "9Б"},
    ]
    report = check_merge(letter, rows, "данные.xlsx")
    assert [(p.cell, p.code, p.field) for p in report.problems] == [
        ("", "doc-field-missing", "Организация"),
        ("", "doc-field-missing", "ФИО_наставника"),
        ("A3", "doc-name-empty", "ФИО"),
        ("E4", "doc-value-empty", "Класс"),
        ("A4", "doc-gender-unknown", "ФИО"),
        ("B5", "doc-gender-bad", "Пол"),
        ("A5", "doc-gender-unknown", "ФИО"),
    ]
    assert all(p.file == "данные.xlsx" for p in report.problems)
    messages = [p.message for p in report.problems]
    assert "«Организация»" in messages[0]
    assert messages[2].startswith("Строка 3: ")
    assert messages[3].startswith("Строка 4: ")
    assert len(report.errors) == 3


def test_check_merge_unknown_filters_all_reported(tmp_path: Path) -> None:
    template = make_jinja_template(
        tmp_path / "t.docx", "{{ ФИО|склонить }}", "{{ ФИО|дательный }}", "{{ Дата|датa }}"
    )
    report = check_merge(template, [{"ФИО": "Иванов Иван", "Дата": "01.09.2026"}], "д.xlsx")
    assert [(p.code, p.message.split("»")[0]) for p in report.problems] == [
        ("doc-filter-unknown", "В шаблоне неизвестный фильтр «склонить"),
        ("doc-filter-unknown", "В шаблоне неизвестный фильтр «датa"),  # a Latin «a» at the end
    ]
    assert "дательный" in report.problems[0].message
    with pytest.raises(NastavnikError, match="неизвестный фильтр «склонить»"):
        render_one(template, {"ФИО": "Иванов Иван", "Дата": "01.09.2026"}, tmp_path / "o.docx")


def test_check_merge_syntax_error(tmp_path: Path) -> None:
    template = make_jinja_template(tmp_path / "t.docx", "{% if Пол == 'ж' %}Уважаемая", "Конец")
    report = check_merge(template, [{"Пол": "ж"}], "д.xlsx")
    assert [p.code for p in report.problems] == ["doc-template-syntax"]
    assert "не закрыт блок" in report.problems[0].message


def test_check_merge_duplicates_and_no_rows(letter: Path) -> None:
    report = check_merge(letter, [ROWS[0], ROWS[0]], "д.xlsx", name_column="ФИО")
    assert [(p.cell, p.code) for p in report.problems] == [("A3", "doc-name-duplicate")]
    assert "«Шмидт Анна (2)»" in report.problems[0].message
    assert [p.code for p in check_merge(letter, [], "д.xlsx")] == ["doc-no-rows"]


def test_check_merge_unreadable_template(tmp_path: Path) -> None:
    bad = tmp_path / "не шаблон.docx"
    bad.write_text("просто текст")
    assert [p.code for p in check_merge(bad, ROWS, "д.xlsx")] == ["doc-template-unreadable"]
    with pytest.raises(NastavnikError, match="не открывается"):
        render_one(bad, ROWS[0], tmp_path / "o.docx")


# --- MERGEFIELD templates ----------------------------------------------------------------------


def test_mergefield_template_is_detected(merge_letter: Path, letter: Path) -> None:
    assert is_mergefield_template(merge_letter)
    assert not is_mergefield_template(letter)
    assert template_fields(merge_letter) == {
        "ФИО_уважаемый", "ФИО_дательный", "Организация", "ФИО_инициалы", "Класс"
    }


def test_mergefield_fill_with_declined_fields(merge_letter: Path, tmp_path: Path) -> None:
    out = render_one(merge_letter, ROWS[1], tmp_path / "o.docx")
    assert texts(out) == ["Дорогой Карл!",  # no patronymic: a student
                          "Направляем Шмидту Карлу письмо. Организация: ИП",
                          "Подпись: К. Шмидт, класс 10А"]
    out = render_one(merge_letter, ROWS[0], tmp_path / "o2.docx")
    assert texts(out)[1] == "Направляем Шмидт Анне письмо. Организация: " + TRICKY


def test_mergefield_single_and_separate(merge_letter: Path, tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [*ROWS, {"ФИО": "Толстая Софья Андреевна", "Пол": "ж", "Организация": "—", "Класс": "11А"}]
    out = render_many_single(merge_letter, rows, tmp_path / "все.docx")
    text = all_text(out)
    assert page_breaks(out) == len(rows) - 1
    assert "Уважаемая Софья Андреевна!" in text
    assert "Направляем Толстой Софье Андреевне письмо." in text
    assert "Направляем Мамедову Эльдару Рашид оглы письмо." in text
    assert "«" + "ФИО" not in text
    paths = render_many_separate(merge_letter, rows, tmp_path / "письма", "ФИО")
    assert len(paths) == 4
    assert "Подпись: С. А. Толстая, класс 11А" in all_text(paths[3])


def test_mergefield_check_merge(merge_letter: Path) -> None:
    rows = [{"ФИО": "Петров Иван", "Пол": "м", "Класс": "9Б"}, {"ФИО": "", "Пол": "м", "Класс": "9Б"}]
    report = check_merge(merge_letter, rows, "д.xlsx")
    assert [(p.cell, p.code, p.field) for p in report.problems] == [
        ("", "doc-field-missing", "Организация"),
        ("A3", "doc-name-empty", "ФИО"),
    ]


def test_computed_fields_for_name_like_columns() -> None:
    assert computed_fields(["ФИО", "Класс", "ФИО наставника"]) == [
        "ФИО_дательный", "ФИО_родительный", "ФИО_творительный", "ФИО_уважаемый", "ФИО_инициалы",
        "ФИО_наставника_дательный", "ФИО_наставника_родительный", "ФИО_наставника_творительный",
        "ФИО_наставника_уважаемый", "ФИО_наставника_инициалы",
    ]
    values = merge_values({"ФИО наставника": "Иванова Анна Сергеевна", "Пол": "ж"})
    assert values["ФИО_наставника_дательный"] == "Ивановой Анне Сергеевне"
    assert values["ФИО_наставника_уважаемый"] == "Уважаемая Анна Сергеевна!"


# --- file names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Иванов Иван", "Иванов Иван"),
        ("../../etc/passwd", "etc passwd"),
        ("..\\..\\Windows\\system32", "Windows system32"),
        ("C:\\Users\\x", "C Users x"),
        ('a*b?c"d<e>f|g', "a b c d e f g"),
        ("имя.  ", "имя"),
        ("...", "документ"),
        ("", "документ"),
        (None, "документ"),
        ("   ", "документ"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("Lpt9", "_Lpt9"),
        ("COM1.docx", "_COM1.docx"),
        ("CONSOLE", "CONSOLE"),
        ("Петров\tПётр\x00\x1f", "Петров Пётр"),
        ("Ёлкина\u202eАнна", "ЁлкинаАнна"),
    ],
)
def test_safe_filename(value: object, expected: str) -> None:
    assert safe_filename(value, set()) == expected


def test_safe_filename_length_and_duplicates() -> None:
    used: set[str] = set()
    long = safe_filename("Я" * 300, used)
    from toolkit.base.files import MAX_NAME_BYTES

    # at most MAX_NAME_LENGTH characters and MAX_NAME_BYTES bytes (a Cyrillic letter is two bytes in UTF-8)
    assert long == "Я" * min(MAX_NAME_LENGTH, MAX_NAME_BYTES // 2)
    assert safe_filename("Петров", used) == "Петров"
    assert safe_filename("ПЕТРОВ", used) == "ПЕТРОВ (2)"  # case-insensitive like Windows
    assert safe_filename("петров", used) == "петров (3)"
    assert safe_filename("Петров (2)", used) == "Петров (2) (2)"


def test_output_path_stays_inside(tmp_path: Path) -> None:
    assert inside(tmp_path, "a.docx") == (tmp_path / "a.docx").resolve()
    with pytest.raises(NastavnikError):
        inside(tmp_path, "../a.docx")
    with pytest.raises(NastavnikError):
        inside(tmp_path, "sub/a.docx")


# --- PDF ---------------------------------------------------------------------------------------


def test_pdf_without_libreoffice_is_a_russian_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    doc = make_jinja_template(tmp_path / "a.docx", "текст")
    with pytest.raises(NastavnikError, match="LibreOffice"):
        office.convert_to_pdf([doc], tmp_path / "pdf")


def test_pdf_same_names_from_two_folders_refused(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    a = make_jinja_template(tmp_path / "x" / "a.docx", "1")
    b = make_jinja_template(tmp_path / "y" / "a.docx", "2")
    with pytest.raises(NastavnikError, match="одинаковым именем"):
        office.convert_to_pdf([a, b], tmp_path / "pdf")


@pytest.mark.libreoffice
@pytest.mark.skipif(office.find_soffice() is None or shutil.which("pdftotext") is None,
                    reason="нужны LibreOffice и pdftotext")
def test_pdf_batch_of_three(letter: Path, tmp_path: Path) -> None:
    paths = render_many_separate(letter, ROWS, tmp_path / "письма", "ФИО")
    pdfs = office.convert_to_pdf(paths, tmp_path / "pdf")
    assert [p.name for p in pdfs] == [p.with_suffix(".pdf").name for p in paths]
    expected = ["Шмидт Анне", "Шмидту Карлу", "Мамедову Эльдару Рашид оглы"]
    for pdf, name in zip(pdfs, expected, strict=True):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
        assert name in " ".join(text.split())
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == sorted(p.name for p in pdfs)


def test_table_column_loop_matches_docxtpl(tmp_path: Path) -> None:
    """docxtpl's {%tc %} column loops still get their table grid fixed on the fast path."""
    document = Document()
    document.add_paragraph("Ученик: {{ ФИО }}")
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).text = "{%tc for предмет in Предметы.split(', ') %}"
    table.cell(0, 1).text = "{{ предмет }}"
    table.cell(0, 2).text = "{%tc endfor %}"
    template = tmp_path / "таблица.docx"
    document.save(str(template))
    row = {"ФИО": "Иванов Иван", "Предметы": "математика, физика, химия, «литература»"}
    out = render_one(template, row, tmp_path / "fast.docx")
    naive = DocxTemplate(str(template))
    naive.render(row_context(row), make_env())
    naive.save(tmp_path / "naive.docx")
    assert texts(out) == texts(tmp_path / "naive.docx")
    assert texts(out)[-4:] == ["математика", "физика", "химия", "«литература»"]
    with zipfile.ZipFile(out) as archive:
        assert archive.read("word/document.xml").decode().count("<w:gridCol") == 4
