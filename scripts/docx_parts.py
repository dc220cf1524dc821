"""The python-docx parts shared by the template scripts (make_doc_templates.py, make_award_templates.py,
make_report_templates.py): the page and the Normal style, paragraphs and runs, tables, signature lines,
reproducible saving and the command line.

Not part of the installed package: the scripts import it as a sibling module (each puts its own folder on
``sys.path``), so that they run both as ``python scripts/….py`` and when a test loads them from their file.

The page is the usual one of Russian school documents: Times New Roman, A4, margins 30/15/20/20 mm, no
spacing between paragraphs unless asked. Saved files are byte-for-byte reproducible: fixed document
properties and zip timestamps. They are lean: only the styles something refers to, no Word 2010 copy of the
styles and no preview picture (LibreOffice parses all of that for every document it converts to PDF).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import posixpath
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
FONT = "Times New Roman"
FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CENTER, JUSTIFY, LEFT, RIGHT = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT,
                                WD_ALIGN_PARAGRAPH.RIGHT)
MARKER_SIZE = 11  # the docxtpl rows {%tr … %}: they vanish on rendering

# Elements that follow a given one in the OOXML schema sequences (Word rejects children out of order).
RPR_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
                     "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
                     "w:specVanish", "w:oMath")
RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
PPR_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
                    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                    "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                       "w:tblPrChange")
TCPR_AFTER_SHD = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
                  "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")


# --------------------------------------------------------------------------- document and paragraphs


def base_document(title: str, *, comments: str, size: float = 14) -> Any:
    """An empty A4 document: margins 30/15/20/20 mm, Normal in Times New Roman of ``size`` pt, Russian,
    single-spaced without spacing; fixed properties (``comments`` tells the editor who fills the fields)."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(size)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "ru-RU")
    lang.set(qn("w:eastAsia"), "ru-RU")
    rpr.insert_element_before(lang, *RPR_AFTER_LANG)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    fmt.line_spacing = 1.0
    props = doc.core_properties
    props.title = title
    props.author = props.last_modified_by = "Наставник"
    props.language = "ru-RU"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    props.comments = comments
    return doc


def para(doc: Any, text: str = "", *, bold: bool = False, italic: bool = False, align: Any = None,
         size: float | None = None, indent: bool = False, after: float = 0, before: float = 0,
         spacing: float | None = None, color: RGBColor | None = None, line: float | None = None) -> Paragraph:
    """A paragraph (with one run of ``text`` if any): ``after``/``before`` in points, ``indent`` — the
    1.25 cm first-line indent, ``line`` — line spacing as a multiple."""
    p: Paragraph = doc.add_paragraph()
    if text:
        add_run(p, text, bold=bold, italic=italic, size=size, spacing=spacing, color=color)
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    if indent:
        fmt.first_line_indent = Cm(1.25)
    fmt.space_after, fmt.space_before = Pt(after), Pt(before)
    if line is not None:
        fmt.line_spacing = line
    return p


def add_run(p: Paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
            spacing: float | None = None, color: RGBColor | None = None) -> None:
    """A run of ``text``; ``spacing`` is the letter spacing in points («П Р И К А З»)."""
    run = p.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    if spacing:
        sp = OxmlElement("w:spacing")
        sp.set(qn("w:val"), str(int(spacing * 20)))  # letter spacing in twentieths of a point
        run._r.get_or_add_rPr().insert_element_before(sp, *RPR_AFTER_SPACING)


def rule(doc: Any, *, after: float, double: bool = False, height: float | None = 6) -> None:
    """An empty paragraph with a bottom border: the line under the organisation's name. ``height`` is the
    exact height of the paragraph in points (None: a line of the Normal font)."""
    p = para(doc, after=after)
    if height is not None:
        p.paragraph_format.line_spacing = Pt(height)
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "thinThickSmallGap" if double else "single"), ("w:sz", "12" if double else "8"),
                       ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    bdr.append(bottom)
    p._p.get_or_add_pPr().insert_element_before(bdr, *PPR_AFTER_BORDER)


# --------------------------------------------------------------------------- tables


def cell_text(cell: Any, text: str, *, bold: bool = False, italic: bool = False, size: float | None = 11,
              align: Any = LEFT) -> None:
    """Write ``text`` into the first paragraph of a cell (nothing for ""; ``size`` None: the Normal size)."""
    p = cell.paragraphs[0]
    p.alignment = align
    if text:
        run = p.add_run(text)
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        if size:
            run.font.size = Pt(size)


def set_borders(table: Any, *, color: str = "000000", inside: bool = True) -> None:
    """Single thin borders of ``color`` round and inside the cells; ``inside=False``: no borders at all,
    written out, so that the table stays borderless whatever the default table style."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    edges = ("top", "left", "bottom", "right", "insideH", "insideV") if inside else ()
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if edge in edges else "nil")
        if edge in edges:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), color)
        borders.append(el)
    tbl_pr.insert_element_before(borders, *TBLPR_AFTER_BORDERS)


def shade(cell: Any, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.insert_element_before(shd, *TCPR_AFTER_SHD)


def set_widths(table: Any, widths_cm: Sequence[float]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)  # the grid: LibreOffice lays the table out by it
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def repeat_header(row: Any) -> None:
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def cant_split(row: Any) -> None:
    """The row is never torn between two pages."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def loop_table(doc: Any, headers: list[str], fields: list[str], loop: str, widths_cm: list[float],
               aligns: list[Any] | None = None, *, size: float = 11, color: str = "000000",
               head_fill: str | None = None, marker_size: float = MARKER_SIZE) -> Any:
    """Header row (repeated on every page), then a body row repeated by docxtpl's ``{%tr for … %}`` (the
    loop rows vanish on rendering). ``fields`` are the texts of the body cells (``"{{ p.имя }}"``, or "").
    ``head_fill``: the shading of the header, whose cells are then also centred vertically; ``marker_size``:
    the size of the loop rows."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_borders(table, color=color)
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell_text(cell, header, bold=True, size=size, align=CENTER)
        if head_fill is not None:
            shade(cell, head_fill)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    repeat_header(table.rows[0])
    cell_text(table.rows[1].cells[0], "{%tr " + loop + " %}", size=marker_size)
    aligns = aligns or [LEFT] * len(fields)
    for cell, field, align in zip(table.rows[2].cells, fields, aligns, strict=True):
        cell_text(cell, field, size=size, align=align)
    cant_split(table.rows[2])
    cell_text(table.rows[3].cells[0], "{%tr endfor %}", size=marker_size)
    set_widths(table, widths_cm)
    return table


def signatures(doc: Any, rows: list[tuple[str, str]], *, before: float = 24, size: float | None = None,
               blank: str = "_" * 15, height: float | None = None) -> Any:
    """«Должность ____________ И. О. Фамилия» lines as a borderless table (position left, the line to sign on
    in the middle, initials right) after ``before`` points of space; ``height``: of each row, in cm."""
    para(doc, after=before)
    table = doc.add_table(rows=len(rows), cols=3)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_borders(table, inside=False)
    for row, (position, name) in zip(table.rows, rows, strict=True):
        cell_text(row.cells[0], position, size=size)
        cell_text(row.cells[1], blank, size=size, align=CENTER)
        cell_text(row.cells[2], name, size=size, align=RIGHT)
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
        if height is not None:
            row.height = Cm(height)
    set_widths(table, [8.0, 4.0, 4.5])
    return table


# --------------------------------------------------------------------------- saving and the command line


def save_reproducibly(doc: Any, path: Path) -> None:
    """Save with fixed zip timestamps, so that running the script twice gives identical files."""
    buffer = io.BytesIO()
    doc.save(buffer)
    rezip(buffer.getvalue(), path)


def rezip(data: bytes, path: Path) -> None:
    """Write the zip ``data`` (a .docx or .xlsx) to ``path`` with fixed timestamps and permissions; a Word
    document is made lean first (:func:`slim_docx_parts`)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    if STYLES_PART in parts:
        parts = slim_docx_parts(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            fixed = zipfile.ZipInfo(name, ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, content)
    path.write_bytes(out.getvalue())


# --------------------------------------------------------------------------- a lean package

STYLES_PART = "word/styles.xml"
# Parts python-docx's default document carries that nothing of ours needs: Word 2010's copy of the styles
# with effects (~440 KB; Word rebuilds it) and the preview picture of the empty default document.
UNNEEDED_PARTS = ("word/stylesWithEffects.xml", "docProps/thumbnail.jpeg")
# Elements whose w:val names a style, outside the styles part: paragraph, run and table styles (also in
# numbering levels), the numbering style links of abstract numberings, and two settings.
STYLE_REFERENCES = ("w:pStyle", "w:rStyle", "w:tblStyle", "w:numStyleLink", "w:styleLink", "w:clickAndTypeStyle",
                    "w:defaultTableStyle")
# Inside a style definition: the styles it needs to mean the same (its parent, its linked paragraph/character
# twin, the style of the next paragraph).
STYLE_LINKS = ("w:basedOn", "w:link", "w:next")
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OVERRIDE = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"


def slim_docx_parts(parts: dict[str, bytes]) -> dict[str, bytes]:
    """The parts of a .docx (name → bytes, in archive order) without what LibreOffice would parse for
    nothing on every conversion: style definitions nothing refers to, and :data:`UNNEEDED_PARTS` with their
    relationships and content types. A style is kept when a part other than the styles parts names it
    (:data:`STYLE_REFERENCES`: body, headers, footers, notes, numbering, settings), when it is a default
    (``w:default="1"``), or when a kept style needs it (:data:`STYLE_LINKS`, followed to the end). The
    document defaults and the latent styles (Word's style gallery) stay as they are. The same input gives
    the same bytes."""
    dropped = {name for name in UNNEEDED_PARTS if name in parts}
    out = {name: content for name, content in parts.items() if name not in dropped}
    if STYLES_PART in out:
        out[STYLES_PART] = _slim_styles(out)
    for name, content in out.items():
        if name.endswith(".rels"):
            out[name] = _without_relationships_to(name, content, dropped)
    if dropped and "[Content_Types].xml" in out:
        types = _parse(out["[Content_Types].xml"])
        for override in types.findall(_OVERRIDE):
            if override.get("PartName", "").lstrip("/") in dropped:
                types.remove(override)
        out["[Content_Types].xml"] = _serialize(types)
    return out


def used_style_ids(parts: dict[str, bytes]) -> set[str]:
    """The ids of the styles a .docx needs (see :func:`slim_docx_parts`): named outside the styles parts,
    defaults, and what these are based on, linked to or followed by."""
    named: set[str] = set()
    for name, content in parts.items():
        if name.startswith("word/") and name.endswith(".xml") and name != STYLES_PART \
                and name not in UNNEEDED_PARTS:
            for element in _parse(content).iter(*(qn(tag) for tag in STYLE_REFERENCES)):
                named.add(element.get(qn("w:val"), ""))
    styles = {style.get(qn("w:styleId")): style for style in _parse(parts[STYLES_PART]).iter(qn("w:style"))}
    todo = [sid for sid, style in styles.items() if style.get(qn("w:default")) in ("1", "true", "on")]
    todo += sorted(named)
    used: set[str] = set()
    while todo:
        sid = todo.pop()
        if sid in used:
            continue
        used.add(sid)
        style = styles.get(sid)
        if style is not None:
            todo += [link.get(qn("w:val"), "") for tag in STYLE_LINKS for link in style.findall(qn(tag))]
    return used


def _slim_styles(parts: dict[str, bytes]) -> bytes:
    used = used_style_ids(parts)
    root = _parse(parts[STYLES_PART])
    for style in root.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in used:
            root.remove(style)
    return _serialize(root)


def _without_relationships_to(rels_name: str, content: bytes, dropped: set[str]) -> bytes:
    """A relationships part without the relationships whose target is a dropped part (targets are relative
    to the folder of the part the relationships belong to: ``word/_rels/document.xml.rels`` → ``word/``)."""
    source_folder = posixpath.dirname(posixpath.dirname(rels_name))
    root = _parse(content)
    gone = [rel for rel in root.findall(_REL) if rel.get("TargetMode") != "External"
            and _resolve(source_folder, rel.get("Target", "")) in dropped]
    if not gone:
        return content
    for rel in gone:
        root.remove(rel)
    return _serialize(root)


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target)).lstrip("/")


def _parse(content: bytes) -> Any:
    return etree.fromstring(content, _XML_PARSER)


def _serialize(root: Any) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def make_templates(doc: str | None, templates: dict[str, Callable[[Path], None]],
                   argv: list[str] | None = None) -> int:
    """The command line of a script, ``[--out ПАПКА] [ИМЯ ...]``: build the named files of ``templates``
    (file name → builder; all by default) into doc_templates/ or ``--out``. ``doc``: the script's docstring."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "doc_templates", help="папка для шаблонов")
    parser.add_argument("names", nargs="*", help="какие файлы сделать (по умолчанию все)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, build in templates.items():
        if args.names and name not in args.names:
            continue
        build(args.out / name)
        print(args.out / name)
    return 0
