"""The best-practice description is a competition entry: актуальность, цель и задачи, участники, содержание,
результаты с цифрами (the pair's work up to the date), ресурсы, тиражируемость; the level stated once, no appendix
named that is not there; printed, nothing under 8 pt and no heading last on a page. The site page publishes no
teacher's points and its headings go h1 → h2 → h3 without a skipped level."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from demo_helpers import Demos
from results_helpers import sheet_rows
from test_docs import DOCS, RESULTS, make, text_of

from toolkit.base.problems import Report
from toolkit.checks.program import load_program
from toolkit.documents import pdf as office
from toolkit.logic.evaluation import method_of
from toolkit.model.pairs import result_pairs
from toolkit.model.program import Program

SECTIONS = ["1. Актуальность", "2. Цель и задачи", "3. Участники", "4. Содержание практики", "5. Результаты",
            "6. Ресурсы", "7. Тиражируемость"]
DAY = dt.date(2027, 5, 27)


@pytest.fixture(scope="module")
def teacher(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demos.copy("teacher", tmp_path_factory.mktemp("practice") / "t")


def test_description_has_the_sections_of_a_competition_entry(teacher: Path, tmp_path: Path) -> None:
    practices = make(teacher, "практика", tmp_path / "p", date=DAY)
    assert len(practices) == 2
    data = load_program(Program.open(teacher), Report())
    rows = {r["Название практики"]: r for r in sheet_rows(teacher / RESULTS, "Лучшие практики")}
    for path in practices:
        text = text_of(path)
        lines = text.splitlines()
        assert [line for line in lines if line in SECTIONS] == SECTIONS, path.name
        assert text.lower().count("уровень") == 1  # «(городской уровень)» beside the competition, nowhere else
        assert "приложени" not in text.lower()  # no appendix is attached: none is named
        title = next(t for t in rows if t.replace(":", "") in path.stem)
        pair = next(p for p in result_pairs(data) if p.mentor == rows[title]["Код наставника"])
        # participants: the mentor and every mentee of the pair, by name
        block = text.split("3. Участники")[1].split("4. Содержание")[0]
        for pid in (pair.mentor, *pair.mentees):
            assert data.participants[pid].name in block, (pid, block)
        # results with figures: the meetings the pair held up to the date, read from «05_Работа пар»
        held = [r for r in sheet_rows(teacher / "05_Работа пар.xlsx", "Встречи")
                if r.get("Пара / группа") == pair.pair_id and isinstance(r.get("Дата"), dt.datetime)
                and r["Дата"].date() <= DAY]
        results = text.split("5. Результаты")[1].split("6. Ресурсы")[0]
        assert f"Встреч проведено: {len(held)} (" in results and held
        assert re.search(r"на старте \d,\d, в конце \d,\d", results), results  # decimal commas
        for section, following in zip(SECTIONS, SECTIONS[1:], strict=False):
            body = text.split(section)[1].split(following)[0].strip()
            assert body and body != "—", (path.name, section)


def test_figures_follow_the_date(teacher: Path, tmp_path: Path) -> None:
    early = text_of(make(teacher, "практика", tmp_path / "e", date=dt.date(2026, 10, 1))[0])
    late = text_of(make(teacher, "практика", tmp_path / "l", date=DAY)[0])
    count = [int(re.search(r"Встреч проведено: (\d+)", t).group(1)) for t in (early, late)]  # type: ignore[union-attr]
    assert 0 < count[0] < count[1]


@pytest.mark.libreoffice
@pytest.mark.skipif(office.find_soffice() is None or shutil.which("pdftotext") is None,
                    reason="нужны LibreOffice и pdftotext")
def test_description_as_printed(teacher: Path, tmp_path: Path) -> None:
    from test_paperwork import assert_printable

    practices = make(teacher, "практика", tmp_path / "p", date=DAY)
    for pdf in office.convert_to_pdf(practices, tmp_path / "pdf"):
        assert_printable(pdf, "Н. П. Орлова")


@pytest.mark.parametrize("form", ["student", "teacher"])
def test_site_page_headings_and_no_points(form: str, demos: Demos, tmp_path: Path) -> None:
    program = demos.copy(form, tmp_path / "p")
    make(program, "сайт", date=DAY)
    html = next((program / DOCS).glob("*.html")).read_text(encoding="utf-8")
    levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels  # no level skipped
    assert levels.count(2) >= 2 and 3 in levels  # each practice h2, its parts h3 (the mentors: h2)
    data = load_program(Program.open(program), Report())
    points = method_of(data.program.profile).points_award
    if points:
        assert points not in html and "Баллы" not in html
    if form == "teacher":  # the awards stay, without the points
        assert "Лучшие наставники года" in html and re.search(r"<td>(Благодарность|Грамота)", html)
    assert "Актуальность" in html and "Цель и задачи" in html
