"""`nastavnik docs`: the text of every kind of document (names in the right case, salutations by «Пол»,
escaping, no template tags left), the self-contained web page, one printable file, PDF text, templates."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from cli_helpers import run_cli as run
from demo_helpers import Demos
from docx import Document
from results_helpers import edit_rows, sheet_rows

from toolkit.base.problems import NastavnikError, Report
from toolkit.checks.program import load_program
from toolkit.documents import pdf as office
from toolkit.documents.kinds import KINDS, DocsOptions, make_documents, parse_kind
from toolkit.logic.evaluation import class_words
from toolkit.model.pairs import result_pairs
from toolkit.model.program import Program

ROOT = Path(__file__).resolve().parent.parent
DOCS = "Документы"
REGISTRY = "02_Заявки.xlsx"
RESULTS = "06_Итоги.xlsx"




def text_of(path: Path, *, typeset: bool = False) -> str:
    """The document's paragraphs and table rows. Placed text has non-breaking spaces after «№», in initials and
    before a dash (tests/test_words.py): read as plain spaces unless ``typeset``."""
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    text = "\n".join(parts)
    return text if typeset else text.replace("\u00a0", " ")


def awarded(folder: Path, word: str) -> list[dict]:
    return [r for r in sheet_rows(folder / RESULTS, "Рейтинг наставников") if word in (r["Поощрение"] or "")]


def rename(folder: Path, pid: str, last: str, first: str, middle: str | None, gender: str,
           klass: str | None = None) -> None:
    updates: dict[str, object] = {"Фамилия": last, "Имя": first, "Отчество": middle, "Пол": gender}
    if klass:
        updates["Класс"] = klass
    edit_rows(folder / REGISTRY, "Наставники", {("Код", pid): updates})


def make(folder: Path, kind: str, out: Path | None = None, **options: object) -> list[Path]:
    outcome = make_documents(Program.open(folder), DocsOptions(parse_kind(kind), out=out, **options),  # type: ignore[arg-type]
                             Report())
    return outcome.documents


@pytest.fixture(scope="module")
def ivanov(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The student demo where the first mentor with a letter is «Иванов Иван Иванович», 9 «Б»."""
    folder = demos.copy("student", tmp_path_factory.mktemp("docs") / "p")
    pid = awarded(folder, "Благодарственное письмо")[0]["Код наставника"]
    rename(folder, pid, "Иванов", "Иван", "Иванович", "м", "9Б")
    return folder


def test_letter_declines_the_name_and_is_signed_by_the_settings(ivanov: Path, tmp_path: Path) -> None:
    paths = make(ivanov, "письма", tmp_path)
    path = tmp_path / "Благодарственное письмо — Иванов Иван Иванович.docx"
    assert path in paths and len(paths) == len(awarded(ivanov, "Благодарственное письмо"))
    text = text_of(path)
    assert "Дорогой Иван!" in text and "Уважаемый" not in text  # a pupil: by the first name, patronymic or not
    assert ("Администрация Железнодорожного округа города Хабаровска выражает благодарность Иванову Ивану "
            "Ивановичу, ученику 9 «Б» класса МАОУ СШ № 17, за ") in text
    assert text.startswith("АДМИНИСТРАЦИЯ ЖЕЛЕЗНОДОРОЖНОГО ОКРУГА ГОРОДА ХАБАРОВСКА")  # not the school
    assert "Глава администрации Железнодорожного округа | _____________ | О. Н. Андреев" in text
    assert "27 мая 2027 г." in text  # the day of the final celebration
    assert "{{" not in text and "{%" not in text


def test_salutation_follows_the_gender_column(ivanov: Path, tmp_path: Path) -> None:
    folder = tmp_path / "p"
    shutil.copytree(ivanov, folder)
    pid = awarded(folder, "Благодарственное письмо")[-1]["Код наставника"]
    for gender, hello, word in (("ж", "Дорогая Саша!", "ученице"), ("м", "Дорогой Саша!", "ученику")):
        rename(folder, pid, "Шевченко", "Саша", None, gender, "10А")
        make(folder, "letters", tmp_path / gender)
        text = text_of(tmp_path / gender / "Благодарственное письмо — Шевченко Саша.docx")
        assert hello in text
        assert f"выражает благодарность Шевченко Саше, {word} 10 «А» класса" in text


def test_one_way_of_addressing_pupils_is_a_setting(ivanov: Path, tmp_path: Path) -> None:
    folder = Path(shutil.copytree(ivanov, tmp_path / "p"))
    wb = openpyxl.load_workbook(folder / "00_Настройки.xlsx")
    ws = wb["Настройки"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Обращение к ученику в письмах")
    ws.cell(row, 2).value = "По имени и отчеству: «Уважаемый Иван Петрович!»"
    wb.save(folder / "00_Настройки.xlsx")
    make(folder, "letters", tmp_path / "out")
    assert "Уважаемый Иван Иванович!" in text_of(tmp_path / "out" / "Благодарственное письмо — Иванов Иван Иванович.docx")


def test_certificate_is_the_schools_in_the_nominative(ivanov: Path, tmp_path: Path) -> None:
    make(ivanov, "certificates", tmp_path)
    names = [r["ФИО наставника"] for r in awarded(ivanov, "Грамота школы")]
    for path in sorted(tmp_path.glob("Грамота — *.docx")):
        text = text_of(path)
        assert text.startswith("МУНИЦИПАЛЬНОЕ АВТОНОМНОЕ ОБЩЕОБРАЗОВАТЕЛЬНОЕ УЧРЕЖДЕНИЕ «СРЕДНЯЯ ШКОЛА № 17»")
        assert "ГРАМОТА" in text and "награждается" in text
        assert re.search(r"\nучени(к|ца) \d+ «[А-Я]» класса\n", text)
        assert "Директор | _____________ | Е. В. Гончарова" in text
    assert len(list(tmp_path.glob("Грамота — *.docx"))) == len(names)


def test_values_are_escaped_exactly(ivanov: Path, tmp_path: Path) -> None:
    folder = tmp_path / "p"
    shutil.copytree(ivanov, folder)
    pid = awarded(folder, "Благодарственное письмо")[0]["Код наставника"]
    reason = 'за проект «Дроби & проценты» <5–6 классы> и "честную" работу'
    edit_rows(folder / RESULTS, "Рейтинг наставников", {("Код наставника", pid): {"За что (в письме и грамоте)": reason}})
    make(folder, "letters", tmp_path / "out")
    path = tmp_path / "out" / "Благодарственное письмо — Иванов Иван Иванович.docx"
    assert f"Ивановичу, ученику 9 «Б» класса МАОУ СШ № 17, {reason}." in text_of(path)
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "Дроби &amp; проценты» &lt;5–6 классы&gt;" in xml and "&amp;amp;" not in xml


@pytest.mark.parametrize("form", ["student", "teacher"])
def test_demo_makes_every_kind_and_no_tags_are_left(form: str, demos: Demos, tmp_path: Path) -> None:
    folder = demos.copy(form, tmp_path / "p") / DOCS
    prefixes = {kind.key: kind.prefix for kind in KINDS.values() if form in kind.forms}
    for key, prefix in prefixes.items():
        assert any(p.name.startswith(prefix) for p in folder.iterdir()), key
    for path in sorted(folder.glob("*.docx")):
        text = text_of(path)
        for tag in ("{{", "}}", "{%", "%}", "None", "nan"):
            assert tag not in text, (path.name, tag)
    html = next(folder.glob("*.html")).read_text(encoding="utf-8")
    assert "{{" not in html and "{%" not in html


def test_progress_report_shows_competencies_as_a_chart(ivanov: Path, tmp_path: Path) -> None:
    data = load_program(Program.open(ivanov), Report())
    paths = make(ivanov, "прогресс", tmp_path, today=None)
    pairs = {p.name.split(" — ")[1].split()[0] for p in paths}
    assert len(paths) == len(pairs) and "П-001" in pairs
    path = next(p for p in paths if " П-001 " in p.name)
    text = text_of(path)
    assert "ОТЧЁТ О ПРОГРЕССЕ" in text and "П-001" in text
    for heading in ("1. Цели и спринты", "2. Встречи и оценки", "3. Результаты",
                    "4. Компетенции: в начале и в конце программы", "5. Обратная связь"):
        assert heading in text
    assert "Проведено встреч:" in text and "Совместный проект" in text and "Куратор (" in text, text[:3000]
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
        assert [n for n in z.namelist() if n.startswith("word/media/")]  # the chart is a picture…
    assert 'w:fill="A6A6A6"' not in xml and 'w:fill="1F4E79"' not in xml  # …and no shaded table repeats it
    assert data.program.profile.competencies["meta"][0] in text  # named in the words of what changed


def test_program_report_for_the_director(ivanov: Path, tmp_path: Path) -> None:
    (path,) = make(ivanov, "отчёт", tmp_path)
    assert path.name == "Отчёт о реализации программы наставничества.docx"
    text = text_of(path)
    for expected in ("о реализации программы наставничества «Ученик – ученик»", "за 2026/2027 учебный год",
                     "для директора и педагогического совета", "1. Участники по этапам программы",
                     "Этап | Наставников | Наставляемых", "1. Мотивационная встреча |", "3. Обучение наставников |",
                     "7. Итоги и поощрение |", "2. Работа пар и мониторинг",
                     "Проведено встреч:", "3. Лучшие наставники", "оценка наставляемых — 40 %",
                     "Иванов Иван Иванович", "4. Лучшие наставнические практики", "Городской",
                     "в 2027/2028 учебном году", "Куратор программы\t_______________\tИ. С. Виноградова"):
        assert expected in text, expected


def test_practice_and_invitation(ivanov: Path, tmp_path: Path) -> None:
    practices = make(ivanov, "практика", tmp_path / "p")
    assert len(practices) == 2
    text = text_of(next(p for p in practices if "ролевая" in p.name))
    assert "ОПИСАНИЕ НАСТАВНИЧЕСКОЙ ПРАКТИКИ" in text and "«Наставник-предметник: ролевая подготовка" in text
    assert "Конкурс: Городской конкурс наставнических практик «Шаг навстречу» (городской уровень)" in text
    assert "Уровень конкурса" not in text and "1. Актуальность" in text  # the level once, in the line above
    invitations = make(ivanov, "приглашения", tmp_path / "i")
    text = text_of(next(p for p in invitations if "Лисицына" in p.name))
    assert "Директору Центра детского творчества «Радуга»\nМ. О. Лисицыной" in text
    assert "Уважаемая Марина Олеговна!" in text
    assert ("приглашает Вас на Праздник наставничества «Вместе к успеху» 27 мая 2027 г. в 15:00 "
            "(актовый зал школы).") in text
    assert "Просим подтвердить участие до 21 мая 2027 г. (+7 4212 55-17-17)." in text
    assert text.count("награждение лучших наставников") == 1 and "будут награждены" not in text  # said once
    text = text_of(next(p for p in invitations if "Гордеев" in p.name))
    assert "Уважаемый Виктор Павлович!" in text and "В. П. Гордееву" in text
    path = next(p for p in invitations if "Гордеев" in p.name)  # never broken at a line's end:
    assert "Генеральному директору ООО\u00a0«ДальТехСервис»" in Document(str(path)).tables[0].rows[0].cells[1].text
    # dated before the reply deadline (21 May), with a place for the outgoing number
    for when in (None, dt.date(2027, 5, 27)):
        (path,) = [p for p in make(ivanov, "приглашения", tmp_path / f"d{when}", **({"date": when} if when else {}))
                   if "Гордеев" in p.name]
        head = Document(str(path)).tables[0].rows[0].cells[0].text
        found = re.fullmatch(r"(\d+) (\w+) (\d{4}) г\. №\u00a0_+", head)
        assert found, head
        months = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
                  "ноября", "декабря"]
        sent = dt.date(int(found.group(3)), months.index(found.group(2)) + 1, int(found.group(1)))
        assert sent < dt.date(2027, 5, 21), head


@pytest.mark.parametrize("form", ["student", "teacher"])
def test_site_page_is_self_contained_and_escaped(form: str, demos: Demos, tmp_path: Path) -> None:
    program = demos.copy(form, tmp_path / "p")
    hostile = {"student": 'Клуб «Дроби & уравнения <5–6 классы>»', "teacher": "Школа «Трудный урок» & разбор кейсов"}[form]
    practices = sheet_rows(program / RESULTS, "Лучшие практики")
    edit_rows(program / RESULTS, "Лучшие практики", {("Название практики", practices[-1]["Название практики"]): {
        "Название практики": hostile, "Описание практики": 'Задача дня; "кавычки" в названиях задач — как в жизни.'}})
    make(program, "сайт")
    html = next((program / DOCS).glob("*.html")).read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="ru">' in html and "<style>" in html
    assert "&#34;кавычки&#34;" in html and '"кавычки"' not in html
    for external in ("<script", "<link", "src=", "http://", "https://", "@import", "url("):
        assert external not in html, external
    if form == "student":
        assert "Клуб «Дроби &amp; уравнения &lt;5–6 классы&gt;»" in html and "<5–6" not in html
        data = load_program(Program.open(program), Report())
        for p in data.participants.values():  # no student's name on a public page unless the curator typed it
            assert p.name not in html
    else:
        assert "Школа «Трудный урок» &amp; разбор кейсов" in html and "» & " not in html
        assert "Лучшие наставники года" in html and "Баллы за общественную работу" not in html  # no points


def test_single_printable_file(ivanov: Path, tmp_path: Path) -> None:
    (path,) = make(ivanov, "progress", tmp_path, single=True)
    assert path.name == "Отчёты о прогрессе пар (для печати).docx"
    data = load_program(Program.open(ivanov), Report())
    pairs = {p.pair_id for p in result_pairs(data)}
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert xml.count('<w:br w:type="page"/>') == len(pairs) - 1
    text = text_of(path)
    assert all(f"наставнической пары {p}" in text or f"наставнической группы {p}" in text for p in pairs)


def test_cli_docs_results_and_errors(demos: Demos, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = demos.copy("teacher", tmp_path / "p")
    code, out, err = run(["docs", str(folder), "--kind", "certificates", "--out", str(tmp_path / "g")], capsys)
    assert code == 0, err
    assert out.splitlines()[:2] == ["Грамоты: документов 2.", f"Готово: файлов 2 в папке «{tmp_path / 'g'}»."]
    code, _, err = run(["docs", str(folder), "--kind", "дипломы"], capsys)
    assert code == 2 and err.startswith("Ошибка: Неизвестный вид документов «дипломы». Возможные: письма|грамоты|")
    code, out, _ = run(["results", str(folder), "--date", "20.05.2027"], capsys)
    assert code == 0 and "Рейтинг наставников: с местом 4, без места 1." in out
    assert any(line.startswith("  Без места: ") and "нет данных" in line for line in out.splitlines())
    blank = tmp_path / "blank"
    run(["init", str(blank), "--form", "педагог-педагог"], capsys)
    code, _, err = run(["docs", str(blank), "--kind", "письма"], capsys)
    assert code == 2 and err.startswith("Ошибка: Для документов «благодарственные письма» в книге «00_Настройки» не "
                                        "заполнено: «Подписывает благодарственные письма (ФИО)»")
    code, _, err = run(["docs", str(blank), "--kind", "грамоты"], capsys)
    assert code == 2 and "«Полное наименование образовательной организации», «Директор (ФИО)»" in err
    code, _, err = run(["docs", str(blank), "--kind", "сайт"], capsys)
    assert code == 2 and "Нет практик для сайта" in err


def test_every_kind_has_a_russian_and_a_latin_name() -> None:
    for kind in KINDS.values():
        assert parse_kind(kind.name) is kind and parse_kind(kind.key) is kind
    assert parse_kind("Отчет").key == "report" and parse_kind(" ПИСЬМА ").key == "letters"
    with pytest.raises(NastavnikError):
        parse_kind("письмо директору")


def test_class_words() -> None:
    assert class_words("11А") == "11 «А» класса"


@pytest.mark.libreoffice
@pytest.mark.skipif(office.find_soffice() is None or shutil.which("pdftotext") is None,
                    reason="нужны LibreOffice и pdftotext")
def test_pdf_contains_the_declined_name(ivanov: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["docs", str(ivanov), "--kind", "письма", "--single", "--pdf", "--out", str(tmp_path)], capsys)
    assert code == 0, err
    pdf = tmp_path / "Благодарственные письма (для печати).pdf"
    assert pdf.is_file() and "PDF: 1." in out
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    flat = re.sub(r"\s+", " ", text)
    assert "выражает благодарность Иванову Ивану Ивановичу, ученику 9 «Б» класса" in flat
    assert "Дорогой Иван!" in flat
    assert text.count("\f") == len(awarded(ivanov, "Благодарственное письмо"))  # one page per letter


def test_report_templates_are_reproducible(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_report_templates.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(["прогресс_пары.docx", "отчет_о_программе.docx", "лучшая_практика.docx",
                           "приглашение.docx", "лучшие_практики_сайт.html"])
    for name in made:
        assert (tmp_path / name).read_bytes() == (ROOT / "doc_templates" / name).read_bytes(), name


def test_letters_and_certificates_have_a_place_for_the_seal(ivanov: Path, tmp_path: Path) -> None:
    for kind in ("письма", "грамоты"):
        paths = make(ivanov, kind, tmp_path / kind)
        assert paths
        for path in paths:
            doc = Document(str(path))
            body = [p.text for p in doc.paragraphs]
            assert "М.\u00a0П." in body, path.name  # under the signature, before the date
            assert body.index("М.\u00a0П.") == len(body) - 2 and re.fullmatch(r"\d+ \w+ \d{4} г\.", body[-1])
