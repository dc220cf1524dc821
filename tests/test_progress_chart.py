"""The competency chart of the progress report (issue 5): a PNG drawn by matplotlib, deterministic, inserted
into the .docx as an image above the shaded table; a pair without ratings gets a sentence instead."""

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
from toolkit.documents.charts import competency_chart
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
    assert 200 <= height <= 1200
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
    assert 'w:fill="1F4E79"' in xml  # the accessible table stays under the chart
    text = text_of(path)
    assert "Фёдоров Андрей" in text and "Коммуникация | в начале |" in text
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
    assert "Оценок компетенций пока нет" in text and "{{" not in text


def test_charts_put_together_from_bands_are_the_charts_drawn_whole() -> None:
    """Hundreds of charts are put together from bands drawn before: every pixel as a figure drawn whole."""
    import io
    import random

    import numpy as np
    from PIL import Image

    from toolkit.documents import charts

    rng = random.Random(4)
    names = ["Коммуникация", "Работа в команде", "Ёмкое название компетенции, длинное настолько, что его надо "
             "переносить", "Целеполагание"]
    sets = [[(n, rng.choice([None, 1.0, 2.0, 3.0, 4.0, 5.0]), rng.choice([None, 2.0, 3.0, 5.0])) for n in names]
            for _ in range(40)]
    sets = [s for s in sets if any(a is not None or b is not None for _, a, b in s)]
    made = [charts.competency_chart(s) for s in sets]
    assert made == [charts.competency_chart(s) for s in sets]  # the same bytes from the kept bands
    for ratings, png in list(zip(sets, made, strict=True))[::7] + [(sets[-1], made[-1])]:
        rows = [r for r in ratings if r[1] is not None or r[2] is not None]
        whole = charts._Layout([n for n, _, _ in rows])  # a new figure: the bars and values, then one full draw
        for bars, column in zip(whole.bars, (1, 2), strict=True):
            values = [float(r[column]) if r[column] is not None else 0.0 for r in rows]  # type: ignore[arg-type]
            for patch, value in zip(bars.patches, values, strict=True):
                patch.set_width(value)
            whole.axes.bar_label(bars, labels=[charts._label(v) if r[column] is not None else "—"
                                               for v, r in zip(values, rows, strict=True)], padding=3, fontsize=8)
        import matplotlib

        with matplotlib.rc_context(charts.RC):
            whole.canvas.draw()
        expected = np.asarray(whole.canvas.buffer_rgba())
        assert png is not None
        got = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
        assert got.shape == expected.shape and (got == expected).all()
