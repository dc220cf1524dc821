"""The program report and the progress reports as a director signs them: named as a school names things (no
command, workbook or sheet of the toolkit), the pedagogical council petitioning for the letters another
organisation gives, a figure shown once (a chart or a table), requests and results said of each mentee, an
intermediate result listed once; as printed (PDF): one to three pages a pair, no text under 8 pt, no heading or
name last on a page, no page holding only the signatures."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from demo_helpers import Demos
from test_docs import text_of
from test_paperwork import assert_printable

from toolkit.base.grammar import initials
from toolkit.base.problems import Report
from toolkit.checks.program import load_program
from toolkit.documents import pdf as office
from toolkit.documents.kinds import DocsOptions, make_documents, parse_kind
from toolkit.logic.evaluation import award_kind, chosen_awards, work_of
from toolkit.model.pairs import result_pairs
from toolkit.model.program import Program

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2027, 2, 15)
# words of the toolkit a school would not print: commands, workbooks, sheets, «the form's profile»
TOOL_WORDS = re.compile(r"nastavnik|\bкниг[аиуе]? «|\bлист[аеу]? «|0\d_[А-ЯЁ]|профиль формы", re.IGNORECASE)
CURATOR = {"student": "И. С. Виноградова", "teacher": "Н. П. Орлова"}


def make(folder: Path, kind: str, out: Path, **options: object) -> list[Path]:
    outcome = make_documents(Program.open(folder), DocsOptions(parse_kind(kind), out=out, date=DAY, today=DAY,  # type: ignore[arg-type]
                                                               **options), Report())
    return outcome.documents


@pytest.fixture(scope="module")
def student(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demos.copy("student", tmp_path_factory.mktemp("director") / "s")


@pytest.fixture(scope="module")
def teacher(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demos.copy("teacher", tmp_path_factory.mktemp("director") / "t")


@pytest.mark.parametrize("name", ["отчет_о_программе.docx", "прогресс_пары.docx"])
def test_templates_name_things_as_a_school_does(name: str) -> None:
    """Every sentence of the templates, the ones for missing data included («Рейтинг ещё не составлен…»)."""
    with zipfile.ZipFile(ROOT / "doc_templates" / name) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    words = re.sub(r"<[^>]+>", "", xml)
    assert not TOOL_WORDS.search(words), TOOL_WORDS.search(words)
    assert "{% cellbg" not in words  # no chart of shaded cells beside a table of the same figures


@pytest.mark.parametrize("form", ["student", "teacher"])
def test_program_report_proposes_what_the_council_may_decide(form: str, student: Path, teacher: Path,
                                                            tmp_path: Path) -> None:
    folder = student if form == "student" else teacher
    [path] = make(folder, "отчёт", tmp_path)
    text = text_of(path)
    assert not TOOL_WORDS.search(text), TOOL_WORDS.search(text)
    data = load_program(Program.open(folder), Report())
    profile = data.program.profile
    awards = [a for a in chosen_awards(data) if a.awards]
    letters = [a for a in awards if any(award_kind(profile, x) == "letter" for x in a.awards)]
    own = [a for a in awards if any(award_kind(profile, x) != "letter" for x in a.awards)]
    assert letters and own
    proposals = text[text.index("5. Предложения педагогическому совету"):]
    # the letters are another organisation's to give: the council petitions for them, naming whose they are
    [petition] = [line for line in proposals.splitlines() if "Ходатайствовать о награждении наставников" in line]
    assert "главы администрации Железнодорожного округа" in petition
    assert all(initials(a.name) in petition for a in letters)
    assert not any(initials(a.name) in petition for a in awards if a not in letters)
    # the school's own awards are the director's: the council recommends them
    [recommend] = [line for line in proposals.splitlines() if "Рекомендовать директору поощрить" in line]
    assert all(initials(a.name) in recommend for a in own)
    assert "наградить благодарственн" not in text.lower() and "поощрить их:" not in text
    # the ranking is a table once, not a table and a chart of the same points
    headers = [line for line in text.splitlines() if "Наставник |" in line or line.startswith("Наставник |")]
    assert headers == ["Место | Наставник | Балл (0–100) | Поощрение"], headers
    # people by role, never added up
    assert "Этап | Наставников | Наставляемых" in text and " чел." not in text


def test_progress_report_says_each_mentee_s_request_and_results(student: Path, teacher: Path, tmp_path: Path) -> None:
    paths = make(student, "прогресс", tmp_path / "s")
    data = load_program(Program.open(student), Report())
    groups = [p for p in result_pairs(data) if len(p.mentees) > 1]
    assert groups
    for pair in groups:
        path = next(p for p in paths if f" {pair.pair_id} " in p.name)
        text = text_of(path)
        assert not TOOL_WORDS.search(text), (path.name, TOOL_WORDS.search(text))
        assert "Запросы наставляемых | " in text
        for mentee in pair.mentees:
            request = data.participants[mentee].values.get("request")
            if request:  # her own request, in a paragraph of its own under her initials
                said = re.escape(f"{initials(data.participants[mentee].name)}: {request}")
                assert re.search(r"(\n|\| )" + said + r"(\n| \|)", text), request
        for mentee in pair.mentees:  # her results under her name, once
            assert text.count("\n" + data.participants[mentee].name + "\n") == 1
        # one vocabulary: «в начале / в конце», never «сейчас» or «начало»
        assert "ейчас" not in text and "Начало" not in text
        assert "Рост:" not in text


def test_intermediate_results_are_listed_once(teacher: Path, tmp_path: Path) -> None:
    data = load_program(Program.open(teacher), Report())
    work = work_of(data)
    assert work is not None
    pair = next(p for p in result_pairs(data) if len(p.mentees) > 1 and work[p.pair_id].intermediate)
    rows = [r for r in work[pair.pair_id].intermediate if r["date"] <= DAY]  # the report tells its day
    topics = {r["topic"] for r in rows}
    assert len(rows) > len(topics) > 0  # the group's joint results, one row per mentee
    path = next(p for p in make(teacher, "прогресс", tmp_path) if f" {pair.pair_id} " in p.name)
    text = text_of(path)
    for topic in topics:
        [line] = [line for line in text.splitlines() if f"«{topic}»" in line]
        mentees = [initials(data.participants[m].name) for m in pair.mentees
                   if any(r["topic"] == topic and r["member_id"] == m for r in rows)]
        assert f"({', '.join(mentees)}): " in line, line  # whose result it is


# --------------------------------------------------------------------------- as printed


def _pages(pdf: Path) -> list[list[str]]:
    """Per page: its non-empty lines as laid out."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in out.split("\f") if page.strip()]


@pytest.mark.libreoffice
@pytest.mark.skipif(office.find_soffice() is None or shutil.which("pdftotext") is None,
                    reason="нужны LibreOffice и pdftotext")
@pytest.mark.parametrize("form", ["student", "teacher"])
def test_reports_as_printed(form: str, student: Path, teacher: Path, tmp_path: Path) -> None:
    folder = student if form == "student" else teacher
    data = load_program(Program.open(folder), Report())
    made = make(folder, "прогресс", tmp_path) + make(folder, "отчёт", tmp_path)
    pdfs = office.convert_to_pdf(made, tmp_path)
    assert len(pdfs) == len(made) == len(result_pairs(data)) + 1
    heads = {"1. Цели и спринты", "Спринты", "2. Встречи и оценки", "3. Результаты", "Вся группа",
             "Промежуточные итоги", "4. Компетенции: в начале и в конце программы", "5. Обратная связь",
             "1. Участники по этапам программы", "2. Работа пар и мониторинг", "3. Лучшие наставники",
             "4. Лучшие наставнические практики", "5. Предложения педагогическому совету"}
    heads |= {data.participants[m].name for p in result_pairs(data) for m in p.mentees}
    pages = {}
    for pdf in pdfs:
        # no text under 8 pt; the page of the curator's signature holds more than the signatures
        assert_printable(pdf, CURATOR[form])
        laid = _pages(pdf)
        for page in laid[:-1]:  # a heading (or a mentee's name over her results) is never last on a page
            assert page[-1] not in heads, (pdf.name, page[-1])
        pages[pdf.stem] = len(laid)
    report = pages.pop("Отчёт о реализации программы наставничества")
    assert report <= 2, report
    # one to three pages a pair (3–7 before the chart replaced the table); most fit on two
    assert all(1 <= n <= 3 for n in pages.values()), pages
    assert sum(n <= 2 for n in pages.values()) * 2 >= len(pages), pages
