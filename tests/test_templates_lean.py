"""Shipped Word templates are lean: LibreOffice parses every style definition and every part of a document it
converts, so a template keeps only the styles something in it refers to, and no Word 2010 «styles with
effects» copy or preview picture (python-docx's default document carries 164 styles, 790 KB of them).

The needed styles are found here on their own, not by the scripts' function: named outside the styles part
(w:pStyle, w:rStyle, w:tblStyle, numbering style links, settings), defaults, and, followed to the end, what
these are based on (w:basedOn), linked to (w:link) and followed by (w:next)."""

from __future__ import annotations

import importlib.util
import io
import posixpath
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.table import WD_TABLE_ALIGNMENT
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "doc_templates").glob("*.docx"))
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REFERENCES = ("pStyle", "rStyle", "tblStyle", "numStyleLink", "styleLink", "clickAndTypeStyle", "defaultTableStyle")
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
OVERRIDE = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"


def _parts(path: Path | bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(path) if isinstance(path, bytes) else path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _defined(parts: dict[str, bytes]) -> dict[str, Any]:
    root = etree.fromstring(parts["word/styles.xml"])
    return {style.get(W + "styleId"): style for style in root.findall(W + "style")}


def _referenced(parts: dict[str, bytes]) -> set[str]:
    """Style ids named by the parts of the document other than the styles part."""
    named = set()
    for name, content in parts.items():
        if name.startswith("word/") and name.endswith(".xml") and name != "word/styles.xml":
            for tag in REFERENCES:
                named |= {el.get(W + "val") for el in etree.fromstring(content).iter(W + tag)}
    return named


def _needed(parts: dict[str, bytes]) -> set[str]:
    styles = _defined(parts)
    needed: set[str] = set()
    todo = _referenced(parts) | {sid for sid, s in styles.items() if s.get(W + "default") == "1"}
    while todo:
        sid = todo.pop()
        needed.add(sid)
        if sid in styles:
            for tag in ("basedOn", "link", "next"):
                todo |= {el.get(W + "val") for el in styles[sid].findall(W + tag)} - needed
    return needed


def _package_problems(parts: dict[str, bytes]) -> list[str]:
    """Relationships to parts that are not there, content types of parts that are not there."""
    problems = []
    for name, content in parts.items():
        if name.endswith(".rels"):
            folder = posixpath.dirname(posixpath.dirname(name))
            for rel in etree.fromstring(content).findall(RELS):
                target = posixpath.normpath(posixpath.join(folder, rel.get("Target"))).lstrip("/")
                if rel.get("TargetMode") != "External" and target not in parts:
                    problems.append(f"{name} → {target}")
    for override in etree.fromstring(parts["[Content_Types].xml"]).findall(OVERRIDE):
        if override.get("PartName").lstrip("/") not in parts:
            problems.append(f"[Content_Types].xml: {override.get('PartName')}")
    return problems


def _docx_parts() -> Any:
    spec = importlib.util.spec_from_file_location("docx_parts_lean", ROOT / "scripts" / "docx_parts.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_docx_template_is_made_by_a_script() -> None:
    made = set()
    for script in ("make_doc_templates", "make_award_templates", "make_report_templates",
                   "make_paperwork_templates"):
        text = (ROOT / "scripts" / f"{script}.py").read_text(encoding="utf-8")
        made |= {path.name for path in TEMPLATES if f'"{path.name}"' in text}
    assert made == {path.name for path in TEMPLATES}
    assert len(TEMPLATES) >= 19


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_shipped_template_is_lean(path: Path) -> None:
    parts = _parts(path)
    assert "word/stylesWithEffects.xml" not in parts and "docProps/thumbnail.jpeg" not in parts
    assert _package_problems(parts) == []
    defined, needed = set(_defined(parts)), _needed(parts)
    assert defined - needed == set(), "style definitions nothing refers to"
    assert _referenced(parts) - defined == set(), "styles named but not defined"
    assert {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"} <= defined
    styles = etree.fromstring(parts["word/styles.xml"])
    assert styles.find(W + "docDefaults") is not None
    assert len(styles.find(W + "latentStyles")) > 100  # Word's style gallery
    document = docx.Document(str(path))
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert "{{" in "".join(p.text for p in document.paragraphs) + "".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells)


def test_slimming_keeps_styles_of_headers_footers_tables_and_their_links(tmp_path: Path) -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].style = document.styles["Header"]
    document.sections[0].footer.paragraphs[0].style = document.styles["Footer"]
    document.add_heading("Заголовок", 1)  # Heading1: based on Normal, next Normal, linked to Heading1Char
    document.add_paragraph().add_run("выделено").style = document.styles["Emphasis"]
    table = document.add_table(rows=1, cols=2, style="Light Grid Accent 1")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    buffer = io.BytesIO()
    document.save(buffer)
    full = _parts(buffer.getvalue())
    assert len(_defined(full)) > 150 and "word/stylesWithEffects.xml" in full

    _docx_parts().rezip(buffer.getvalue(), tmp_path / "lean.docx")
    lean = _parts(tmp_path / "lean.docx")
    defined = set(_defined(lean))
    assert {"Header", "Footer", "Heading1", "Heading1Char", "Emphasis", "LightGrid-Accent1", "Normal",
            "TableNormal", "ListBullet", "ListNumber3"} <= defined
    assert not {"Title", "IntenseQuote", "Heading2", "LightGrid-Accent2"} & defined
    assert defined == _needed(lean) and _referenced(lean) <= defined
    assert "word/stylesWithEffects.xml" not in lean and "docProps/thumbnail.jpeg" not in lean
    assert _package_problems(lean) == []
    assert {name: full[name] for name in ("word/document.xml", "word/numbering.xml", "word/settings.xml")} == \
        {name: lean[name] for name in ("word/document.xml", "word/numbering.xml", "word/settings.xml")}
    reopened = docx.Document(str(tmp_path / "lean.docx"))
    assert reopened.paragraphs[0].style.name == "Heading 1" and reopened.tables[0].style.name == "Light Grid Accent 1"
    assert reopened.sections[0].header.paragraphs[0].style.name == "Header"


def test_workbooks_pass_through_unchanged(tmp_path: Path) -> None:
    shipped = ROOT / "doc_templates" / "пример_данных_для_писем.xlsx"
    _docx_parts().rezip(shipped.read_bytes(), tmp_path / "same.xlsx")
    assert _parts(tmp_path / "same.xlsx") == _parts(shipped)
