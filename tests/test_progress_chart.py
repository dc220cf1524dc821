"""The competency chart of the progress report: a PNG drawn by matplotlib, deterministic, inserted into the .docx
as the only picture of the ratings (no table repeats it); a group's mentees side by side under their names; no
name cut at the edge of the image; a pair without ratings gets a sentence instead."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from demo_helpers import Demos
from docx import Document

from toolkit.base.problems import Report
from toolkit.documents.charts import PANELS, competency_chart, group_chart
from toolkit.documents.kinds import DocsOptions, make_documents, parse_kind
from toolkit.model.program import Program

PNG = b"\x89PNG\r\n\x1a\n"
RATINGS = [("Коммуникация", 2.0, 4.0), ("Работа в команде", 3.0, None), ("Ёмкое название компетенции, длинное "
                                                                       "настолько, что его надо переносить", 1.0, 5.0)]


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG) and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def text_of(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [" | ".join(c.text for c in row.cells) for table in doc.tables for row in table.rows]
    return "\n".join(parts)


def progress(folder: Path, out: Path, **options: object) -> list[Path]:
    return make_documents(Program.open(folder), DocsOptions(parse_kind("прогресс"), out=out, **options),  # type: ignore[arg-type]
                          Report()).documents


@pytest.fixture(scope="module")
def student(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demos.copy("student", tmp_path_factory.mktemp("chart") / "p")


def test_chart_is_a_png_for_an_a4_page_and_deterministic() -> None:
    first, second = competency_chart(RATINGS), competency_chart(RATINGS)
    assert first is not None and first == second
    width, height = png_size(first)
    assert 900 <= width <= 1000  # 16 cm at 150 dpi ≈ 945 px
    assert 150 <= height <= 1200
    assert b"tIME" not in first and b"Software" not in first and b"matplotlib" not in first
    assert competency_chart(RATINGS[:1]) != first


def test_matplotlib_is_loaded_only_to_draw() -> None:
    code = "import sys, toolkit.cli, toolkit.documents.kinds, toolkit.documents.charts; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"


def test_no_ratings_no_chart() -> None:
    assert competency_chart([]) is None
    assert competency_chart([("Коммуникация", None, None)]) is None


def test_progress_report_contains_the_chart_image(student: Path, tmp_path: Path) -> None:
    paths = progress(student, tmp_path)
    path = next(p for p in paths if " П-001 " in p.name)
    with zipfile.ZipFile(path) as z:
        media = [n for n in z.namelist() if re.fullmatch(r"word/media/[^/]+\.png", n)]
        assert media, z.namelist()
        for name in media:
            width, height = png_size(z.read(name))
            assert 900 <= width <= 1000 and 200 <= height <= 1500
        xml = z.read("word/document.xml").decode("utf-8")
        rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
    assert "<w:drawing>" in xml and "media/" in rels
    # the chart or the table, not both: no table of shaded cells repeats the chart's figures
    assert 'w:fill="1F4E79"' not in xml and 'w:fill="A6A6A6"' not in xml
    text = text_of(path)
    assert "Коммуникация | в начале |" not in text and "| в конце |" not in text
    # П-001 is a group: one chart shows its two mentees side by side, the words say what changed for each
    assert len(media) == 1
    assert "Фёдоров Андрей: В конце выше, чем в начале," in text and "Волков Павел: " in text
    assert "{{" not in text and "{%" not in text and "{{" not in xml


def test_single_file_carries_every_chart(student: Path, tmp_path: Path) -> None:
    (path,) = progress(student, tmp_path, single=True)
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
        rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    embeds = re.findall(r'r:embed="([^"]+)"', xml)
    assert len(embeds) == len(media) > 1
    assert all(f'Id="{rid}"' in rels for rid in embeds)
    ids = re.findall(r'<wp:docPr id="(\d+)"', xml)
    assert len(ids) == len(set(ids)) == len(embeds)


def test_pair_without_ratings_gets_a_sentence(student: Path, tmp_path: Path) -> None:
    folder = tmp_path / "p"
    shutil.copytree(student, folder)
    book = folder / "06_Итоги.xlsx"
    wb = openpyxl.load_workbook(book)
    ws = wb["Компетенции"]
    ws.delete_rows(2, ws.max_row)
    wb.save(book)
    path = next(p for p in progress(folder, tmp_path / "out") if " П-001 " in p.name)
    with zipfile.ZipFile(path) as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/")]
    text = text_of(path)
    assert "Оценки компетенций ещё не внесены." in text and "{{" not in text


def _drawn_whole(members: list[list[tuple[str, float | None, float | None]]], titles: tuple[str, ...]) -> object:
    """The pixels of a new figure for ``members``: the bars, values and titles set, then one full draw."""
    import matplotlib
    import numpy as np

    from toolkit.documents import charts

    names = [n for n, _, _ in members[0]]
    whole = charts._Layout(names, len(members))
    whole.prepare(members, titles)
    with matplotlib.rc_context(charts.RC):
        whole.canvas.draw()
    return np.asarray(whole.canvas.buffer_rgba())


def test_charts_put_together_from_bands_are_the_charts_drawn_whole() -> None:
    """Hundreds of charts are put together from bands drawn before: every pixel as a figure drawn whole, for a
    pair's mentee and for a group's mentees side by side."""
    import io
    import random

    import numpy as np
    from PIL import Image

    rng = random.Random(4)
    names = ["Коммуникация", "Работа в команде", "Ёмкое название компетенции, длинное настолько, что его надо "
             "переносить", "Целеполагание"]

    def ratings() -> list[tuple[str, float | None, float | None]]:
        return [(n, rng.choice([None, 1.0, 2.0, 3.0, 4.0, 5.0]), rng.choice([None, 2.0, 3.0, 5.0])) for n in names]

    sets = [s for s in (ratings() for _ in range(40)) if any(a is not None or b is not None for _, a, b in s)]
    made = [competency_chart(s) for s in sets]
    assert made == [competency_chart(s) for s in sets]  # the same bytes from the kept bands
    for rows, png in list(zip(sets, made, strict=True))[::7] + [(sets[-1], made[-1])]:
        kept = [r for r in rows if r[1] is not None or r[2] is not None]
        expected = _drawn_whole([kept], ())
        assert png is not None
        got = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
        assert got.shape == expected.shape and (got == expected).all()  # type: ignore[attr-defined]
    full = [(n, float(rng.randint(1, 5)), float(rng.randint(1, 5))) for n in names]
    groups = [[("А. Фёдоров", full), ("Л. Иванов", ratings()), ("М. В. Виноградова", full)] for _ in range(6)]
    made = [group_chart(g) for g in groups]
    assert made == [group_chart(g) for g in groups]
    for group, png in zip(groups, made, strict=True):
        members = [[(n, *{x: (a, b) for x, a, b in r}.get(n, (None, None))) for n in names] for _, r in group]
        expected = _drawn_whole(members, tuple(t for t, _ in group))  # type: ignore[arg-type]
        assert png is not None
        got = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
        assert got.shape == expected.shape and (got == expected).all()  # type: ignore[attr-defined]


TEACHER_COMPETENCIES = ["Коммуникация", "Эмоциональная устойчивость", "Планирование и организация урока",
                        "Работа с детьми с ОВЗ", "Цифровые образовательные ресурсы", "Предметные знания и методика"]


@pytest.mark.parametrize("panels", [1, 2, 3])
def test_no_name_is_cut_at_the_edge_of_the_chart(panels: int) -> None:
    """«Предметные знания и методика» was drawn as «редметные знания…»: the column of names was narrower than
    the names as drawn. Every name now lies inside the image, and the image's left edge is blank."""
    import io

    import numpy as np
    from PIL import Image

    from toolkit.documents import charts

    rows = [(name, 2.0, 4.0) for name in TEACHER_COMPETENCIES]
    png = group_chart([(f"М. В. Виноградова {n}", rows) for n in range(panels)])
    assert png is not None
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert (pixels[:, :6] >= 250).all(), "something is drawn at the left edge of the image: a cut name"
    layout = charts._Layout(TEACHER_COMPETENCIES, panels)
    renderer = layout.canvas.get_renderer()
    for label in layout.panels[0].get_yticklabels():
        box = label.get_window_extent(renderer)
        assert box.x0 >= 6 and box.x1 <= layout.width, (label.get_text(), box)


def test_a_group_chart_has_a_panel_for_each_mentee() -> None:
    rows = [("Коммуникация", 2.0, 4.0), ("Рефлексия", 3.0, 3.0)]
    one, two = competency_chart(rows), group_chart([("А. Фёдоров", rows), ("Л. Иванов", rows[:1])])
    assert one is not None and two is not None
    assert png_size(one)[0] == png_size(two)[0]  # the width of the page's text either way
    assert group_chart([("А. Фёдоров", [("Коммуникация", None, None)])]) is None
    with pytest.raises(ValueError):
        group_chart([(str(n), rows) for n in range(PANELS + 1)])
