"""Documents from Word templates: sandboxed docxtpl rendering and mail merge (PDF copies: :mod:`toolkit.documents.pdf`).

Two kinds of templates are understood:

* **docxtpl templates** — fields typed in Word as ``{{ ФИО|дательный }}``, ``{% if … %}``.  They are
  rendered by a :class:`jinja2.sandbox.SandboxedEnvironment` with autoescaping (values with ``& < >``
  come out exactly) and :class:`~jinja2.StrictUndefined` (a field with no column is an error, never a
  silent gap).  The grammar filters of :mod:`toolkit.base.grammar` are registered.
* **MERGEFIELD templates** — made with Word's own «Рассылки» (mail merge).  They are filled with
  docx-mailmerge2; for every name-like column extra computed fields are offered:
  ``<столбец>_дательный``, ``_родительный``, ``_творительный``, ``_уважаемый``, ``_инициалы``.

Speed.  docxtpl's own ``render()`` re-reads the package, re-patches and re-compiles the XML for each
recipient, and python-docx re-serialises every part on save.  Here a template is loaded once
(:class:`PreparedTemplate`): every templated XML part is patched by docxtpl's own ``patch_xml`` and
compiled by Jinja once; a recipient then costs one Jinja render of the XML and one zip write in which
the untouched parts are copied as bytes.  ``render_many_single`` renders the body once per row and joins
the bodies with page breaks into one document (the row stays a top-level Jinja context, so filters see
the row's «Пол»); headers and footers of that single file are filled from the first row.

Row numbers in problems and errors are spreadsheet rows: row 2 is the first data row under the header.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import html
import io
import math
import os
import re
import struct
import threading
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import docx
import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, meta, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from lxml import etree
from mailmerge import MailMerge

from toolkit.base import files, grammar, messages
from toolkit.base.files import DEFAULT_FILE_NAME, MAX_NAME_LENGTH, inside, safe_filename  # noqa: F401
from toolkit.base.messages import template_detail
from toolkit.base.problems import NastavnikError, Report
from toolkit.base.values import clean_text, format_number
from toolkit.books.writer import col_letter

FIRST_DATA_ROW = 2

_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
_NOTES_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
}
_P_MARK = re.compile(r"<w:p([ >])")
_TAG = re.compile(r"\{[{%#]")
_BODY_OPEN = re.compile(r"^<w:body\b[^>]*>")
_BODY_IN_ROOT = re.compile(r"<w:body\b[^>]*>")
_SECT_PR = re.compile(r"<w:sectPr[ >/]")
_DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\sid=")\d+(")')
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")
_LISTING_CHARS = ("\t", "\n", "\a", "\f")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # as docxtpl's resolve_listing finds them


def _fix_tables(xml: str) -> Any:
    """docxtpl's ``fix_tables``, which changes only a table whose rows hold more or fewer cells than its grid has
    columns ({%tc %} loops): the body is parsed as it parses it, and handed to it only when such a table (or
    anything unusual: merged cells, a table without a grid) is there; otherwise the tree is the same."""
    try:
        tree = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
        ns = "{" + tree.nsmap["w"] + "}"
        for table in tree.iter(ns + "tbl"):
            grid = table.find(ns + "tblGrid")
            if grid is None or table.find(".//" + ns + "gridSpan") is not None:
                return _DOCXTPL.fix_tables(xml)
            widest = max((len(row.findall(ns + "tc")) for row in table.iter(ns + "tr")), default=0)
            if widest != len(grid.findall(ns + "gridCol")):
                return _DOCXTPL.fix_tables(xml)
    except Exception:  # whatever docxtpl makes of it, as before
        return _DOCXTPL.fix_tables(xml)
    return tree


def _resolve_listing(xml: str) -> str:
    """docxtpl's ``resolve_listing`` (line breaks, tabs and page breaks in values become Word's elements),
    paragraph by paragraph and only where a paragraph holds such a character: the others it leaves as they are,
    at the cost of three regular expressions per run of text."""

    def paragraph(m: re.Match[str]) -> str:
        text = m.group(0)
        return _DOCXTPL.resolve_listing(text) if any(ch in text for ch in _LISTING_CHARS) else text

    return _PARAGRAPH.sub(paragraph, xml)


# docxtpl's XML helpers (patch_xml, resolve_listing, fix_tables) use no instance state.
_DOCXTPL = DocxTemplate(os.devnull)


# --- environment and context -----------------------------------------------------------------


# What a field may compute: a document holds pages of text, not gigabytes. Jinja's sandbox stops code from
# running but not a field like {{ 'а' * 10000000000 }} from eating the memory (a MemoryError, or the
# system killing the process): repetition, powers, padding widths and size arguments are limited.
MAX_FIELD_SIZE = 1_000_000  # characters or items a field may make by repetition or padding
MAX_POWER_BITS = 100_000  # bits of an integer power (about 30 000 digits)
_SIZED_FILTERS = ("center", "indent", "truncate", "wordwrap", "batch", "slice")
_PADDING_METHODS = ("center", "ljust", "rjust", "zfill", "expandtabs")
_HUGE_WIDTH = re.compile(r"%[-+ #0]*(?:\d{7,}|\d*\.\d{7,})|\{[^{}]*:[^{}]*?\d{7,}[^{}]*\}")


class FieldTooBig(Exception):
    """A field would make a value too big for a document (the detail is in Russian)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _check_size(value: object) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_FIELD_SIZE:
        if abs(value) < 10**30:
            raise FieldTooBig(template_detail("big-argument", value=value))
        raise FieldTooBig(template_detail("big-number", digits=int(abs(value).bit_length() * math.log10(2)) + 1))


def _check_format(text: object) -> None:
    if isinstance(text, str):
        found = _HUGE_WIDTH.search(text)
        if found:
            raise FieldTooBig(template_detail("big-width", digits=max(len(d) for d in re.findall(r"\d+", found.group()))))


def _sized(func: Any) -> Any:
    """A builtin filter whose size arguments (a width, a count) are limited; Jinja's markers are kept."""

    skip = 2 if getattr(func, "jinja_pass_arg", None) is not None else 1  # (environment,) value: not sizes

    @functools.wraps(func)
    def limited(*args: Any, **kwargs: Any) -> Any:
        for value in (*args[skip:], *kwargs.values()):
            _check_size(value)
        return func(*args, **kwargs)

    return limited


def _formatted(func: Any) -> Any:
    @functools.wraps(func)
    def limited(value: Any, *args: Any, **kwargs: Any) -> Any:
        _check_format(value)
        return func(value, *args, **kwargs)

    return limited


# What rendering one document may take: a template is a program of its own (loops, namespaces), and a
# document holds pages, not millions of loop steps or gigabytes. Every {% for %} counts its steps, text built
# with «~» or «+» is measured, the rendered text is counted as it is made, and a wall clock runs.
MAX_LOOP_STEPS = 2_000_000  # loop steps of one document (all loops together)
MAX_RENDER_SECONDS = 30.0  # rendering one document
MAX_OUTPUT_CHARS = 50_000_000  # characters of one rendered part (the XML of a few thousand pages)
MAX_GROWN_TEXT = 10_000_000  # characters of one value built with «~» or «+»
MAX_TEMPLATE_UNPACKED = 200 * 1024 * 1024  # unpacked size of a template's .docx archive
_COUNTED = "nastavnik_counted_loop"
_MEASURED = "nastavnik_measured_value"


class TemplateLimit(NastavnikError):
    """Rendering went past a limit (the detail, in Russian, names the limit)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class _Budget(threading.local):
    def __init__(self) -> None:
        self.depth = 0
        self.steps = 0
        self.deadline = 0.0


_budget = _Budget()


@contextlib.contextmanager
def _budget_scope() -> Iterator[None]:
    """One budget per document: the outermost render starts it, nested renders share it."""
    if _budget.depth == 0:
        _budget.steps = 0
        _budget.deadline = time.monotonic() + MAX_RENDER_SECONDS
    _budget.depth += 1
    try:
        yield
    finally:
        _budget.depth -= 1


def _check_clock() -> None:
    if _budget.depth and time.monotonic() > _budget.deadline:
        raise TemplateLimit(template_detail("limit-time", seconds=f"{MAX_RENDER_SECONDS:g}"))


def _counted_loop(iterable: Any) -> Iterator[Any]:
    """The items of a {% for %}, each step counted against the document's budget."""
    for item in iterable:
        _budget.steps += 1
        if _budget.steps > MAX_LOOP_STEPS:
            raise TemplateLimit(template_detail("limit-steps", limit=format_number(MAX_LOOP_STEPS)))
        if not _budget.steps & 1023:
            _check_clock()
        yield item


def _measured_value(value: Any) -> Any:
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_GROWN_TEXT:
        raise TemplateLimit(template_detail("limit-text", length=format_number(len(value))))
    return value


def _limited_output(chunks: Iterable[str]) -> Iterator[str]:
    total = 0
    for n, chunk in enumerate(chunks):
        total += len(chunk)
        if total > MAX_OUTPUT_CHARS:
            raise TemplateLimit(template_detail("limit-output", limit=format_number(MAX_OUTPUT_CHARS)))
        if not n & 1023:
            _check_clock()
        yield chunk


class BudgetedTemplate(jinja2.Template):
    """A template rendered under the document's budget: loop steps, wall clock and output size."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        ctx = self.new_context(dict(*args, **kwargs))
        with _budget_scope():
            try:
                return self.environment.concat(_limited_output(self.root_render_func(ctx)))  # type: ignore[attr-defined]
            except Exception:
                self.environment.handle_exception()
        return ""  # not reached: handle_exception raises


def _budgeted_tree(tree: nodes.Template) -> nodes.Template:
    """Every {% for %} iterates through the step counter; every «~» and «+» result is measured."""
    for loop in tree.find_all(nodes.For):
        loop.iter = nodes.Call(nodes.Name(_COUNTED, "load"), [loop.iter], [], None, None)
    for node in list(tree.find_all(nodes.Node)):
        for name in node.fields:
            value = getattr(node, name, None)
            if isinstance(value, (nodes.Concat, nodes.Add)):
                setattr(node, name, nodes.Call(nodes.Name(_MEASURED, "load"), [value], [], None, None))
            elif isinstance(value, list):
                setattr(node, name, [nodes.Call(nodes.Name(_MEASURED, "load"), [v], [], None, None)
                                     if isinstance(v, (nodes.Concat, nodes.Add)) else v for v in value])
    return tree


def check_template_archive(path: Path) -> None:
    """A template's .docx is a zip archive: refused before it is opened when it unpacks to far more than a
    document does (a «zip bomb») or its stated sizes are false."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return  # not a zip: the loaders say what it is
    total = sum(i.file_size for i in infos)
    lying = any(i.compress_size > i.file_size * 1.01 + 1024 for i in infos)
    if total > MAX_TEMPLATE_UNPACKED or lying:
        raise DocumentError("doc-template-unreadable", detail=template_detail(
            "bomb", size=files.human_size(total), limit=files.human_size(MAX_TEMPLATE_UNPACKED)))


class DocumentSandbox(SandboxedEnvironment):
    """Jinja's sandbox, and no field that makes a value too big: ``*`` of a text or a list, ``**`` of
    integers, ``%`` and ``str.format`` with huge widths, padding methods and sized filters."""

    intercepted_binops = frozenset({"*", "**", "%"})
    template_class = BudgetedTemplate

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return _budgeted_tree(super()._parse(source, name, filename))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for items, times in ((left, right), (right, left)):
                if isinstance(items, (str, bytes, list, tuple)) and isinstance(times, int) \
                        and len(items) * times > MAX_FIELD_SIZE:
                    raise FieldTooBig(template_detail("long-text", length=len(items) * times))
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1 \
                    and abs(left).bit_length() * right > MAX_POWER_BITS:
                raise FieldTooBig(template_detail("big-number", digits=int(right * math.log10(abs(left))) + 1))
        elif operator == "%":
            _check_format(left)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's names)
        if isinstance(getattr(__obj, "__self__", None), str) and getattr(__obj, "__name__", "") in _PADDING_METHODS:
            for value in (*args, *kwargs.values()):
                _check_size(value)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Any:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(value.__self__)
        return wrapped


def make_env() -> SandboxedEnvironment:
    """The Jinja environment for document templates: sandboxed, autoescaped, strict, Russian filters."""
    env = DocumentSandbox(autoescape=True, undefined=StrictUndefined)
    env.globals[_COUNTED] = _counted_loop
    env.globals[_MEASURED] = _measured_value
    for name in _SIZED_FILTERS:
        env.filters[name] = _sized(env.filters[name])
    env.filters["format"] = _formatted(env.filters["format"])
    env.filters.update(grammar.jinja_filters())
    env.finalize = _typeset
    return env


def _typeset(value: object) -> object:
    """Every text placed into a document gets non-breaking spaces after «№», inside initials and before a
    dash (escaped text stays escaped: its spaces are the same)."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return Markup(_typeset_text(str(value)))
    if isinstance(value, str):
        return _typeset_text(value)
    return value


def _typeset_text(text: str) -> str:
    return _typeset_short(text) if len(text) <= 1000 else grammar.typeset(text)


@lru_cache(maxsize=1 << 14)
def _typeset_short(text: str) -> str:
    """:func:`grammar.typeset` of a short text, remembered: names, dates and labels repeat in every document."""
    return grammar.typeset(text)


@lru_cache(maxsize=1)
def _env() -> SandboxedEnvironment:
    return make_env()


class DocDate(dt.date):
    """A date that prints the Russian way («01.09.2026») and still works with the «дата» filter."""

    def __str__(self) -> str:
        return self.strftime("%d.%m.%Y")


class DocNumber(float):
    """A fractional number that prints with a decimal comma («4,5») and still compares as a number."""

    def __str__(self) -> str:
        return format_number(float(self))


def field_alias(column: str) -> str:
    """The name under which a column is reachable in a template: «ФИО наставника» → «ФИО_наставника»."""
    return re.sub(r"\W+", "_", str(column).strip()).strip("_")


def context_value(value: object) -> object:
    """A cell value as a template shows it: no «None», no «9.0», dates as 01.09.2026."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return DocDate(value.year, value.month, value.day)
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return DocDate(value.year, value.month, value.day)
    if isinstance(value, float):
        return int(value) if value.is_integer() else DocNumber(value)
    return value


def row_context(row: Mapping[str, object]) -> dict[str, object]:
    """Template variables of one data row: every column by its header and by :func:`field_alias`."""
    context: dict[str, object] = {}
    for key, value in row.items():
        context[str(key)] = context_value(value)
    for key in list(context):
        alias = field_alias(key)
        if alias and alias not in context:
            context[alias] = context[key]
    return context


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not clean_text(value))


def _columns(rows: Sequence[Mapping[str, object]]) -> list[str]:
    """Column headers in order of appearance (row dicts are in header order, as every reader gives them)."""
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(str(key), None)
    return list(seen)


# --- errors ------------------------------------------------------------------------------------


class DocumentError(NastavnikError):
    """A :class:`NastavnikError` that also carries its problem code and parameters."""

    def __init__(self, code: str, at_row: int | None = None, **params: object) -> None:
        text = messages.render(code, **params)
        if at_row is not None:
            text = f"Строка {at_row}: {text[:1].lower()}{text[1:]}"
        super().__init__(text)
        self.code = code
        self.row = at_row
        self.params: dict[str, Any] = dict(params)


def _near(source: str, lineno: int | None) -> str:
    lines = source.splitlines()
    if not lineno or lineno > len(lines):
        return ""
    text = re.sub(r"<[^>]+>", "", lines[lineno - 1])
    return clean_text(text)[:60]


def _scan_source(env: SandboxedEnvironment, source: str) -> tuple[nodes.Template | None, list[tuple[str, dict[str, Any]]]]:
    """Parse a Jinja source and list every problem that would stop rendering (all of them, not the first)."""
    problems: list[tuple[str, dict[str, Any]]] = []
    try:
        ast = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        return None, [("doc-template-syntax", {"detail": _syntax_detail(exc), "near": _near(source, exc.lineno)})]
    hidden: list[str] = []
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        attr = node.attr if isinstance(node, nodes.Getattr) else getattr(getattr(node, "arg", None), "value", None)
        if isinstance(attr, str) and attr.startswith("_") and attr not in hidden:
            hidden.append(attr)
    if hidden:
        problems.append(("doc-template-unsafe", {"detail": "обращение к " + ", ".join(f"«{a}»" for a in hidden)}))
    tags: list[str] = []
    for statement in ast.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        tag = _FILE_TAGS[type(statement)]
        if tag not in tags:
            tags.append(tag)
            problems.append(("doc-template-include", {"tag": tag}))
    known_filters = sorted(f for f in grammar.jinja_filters())
    seen: set[str] = set()
    for filt in ast.find_all(nodes.Filter):
        if filt.name not in env.filters and filt.name not in seen:
            seen.add(filt.name)
            problems.append(("doc-filter-unknown", {"name": filt.name, "known": ", ".join(known_filters)}))
    for test in ast.find_all(nodes.Test):
        if test.name not in env.tests and test.name not in seen:
            seen.add(test.name)
            problems.append(("doc-template-syntax", {"detail": template_detail("unknown-test", name=test.name),
                                                     "near": ""}))
    return ast, problems


_FILE_TAGS: dict[type, str] = {nodes.Include: "include", nodes.Import: "import", nodes.FromImport: "from … import",
                               nodes.Extends: "extends"}


def _syntax_detail(exc: jinja2.TemplateSyntaxError) -> str:
    """Why Jinja could not read a field, in Russian (Jinja's own messages are English)."""
    text = str(exc.message or exc)
    low = text.lower()
    tag = re.search(r"unknown tag '([^']+)'", text)
    if tag:
        name = tag.group(1)
        if name.startswith("end") and len(name) > 3:
            return template_detail("stray-end", tag=name, opening=name[3:])
        return template_detail("unknown-tag", tag=name)
    if "missing end of comment" in low:
        return template_detail("unclosed-comment")
    if "unexpected end of template" in low:
        if "expected 'end of print statement'" in low or "expected 'end of statement block'" in low:
            return template_detail("unclosed-field")
        return template_detail("unclosed-block")
    if "expected an expression" in low:
        return template_detail("no-expression")
    if "tag name expected" in low:
        return template_detail("empty-tag")
    char = re.match(r"unexpected (?:char )?'(.+?)'", text)
    if char:
        # after an unclosed field Jinja meets the document's own markup: «<», «/», «>» were not typed
        if char.group(1) in ("<", "/", ">", "end of template"):
            return template_detail("unclosed-field")
        return template_detail("stray-char", char=char.group(1))
    if "expected token" in low:
        return template_detail("bad-bracket")
    return template_detail("unparsed")


def _render_detail(exc: BaseException) -> str:
    """Why a field could not be filled, in Russian."""
    text = str(exc).lower()
    if isinstance(exc, ZeroDivisionError):
        return template_detail("zero-division")
    if isinstance(exc, OverflowError) or "range too big" in text or "exceeds the limit" in text:
        return template_detail("range")
    if isinstance(exc, TypeError):
        return template_detail("arguments" if "argument" in text else "types")
    return template_detail("render")


def unreadable_detail(path: Path) -> str:
    """Why a template is not a Word document, in Russian (looked at in the file itself)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
    except OSError:
        return template_detail("not-found", name=path.name)
    if size == 0:
        return template_detail("empty")
    if head.startswith(b"%PDF"):
        return template_detail("pdf")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return template_detail("ole")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return template_detail("not-zip")
    if any(n.startswith("xl/") for n in names):
        return template_detail("excel")
    if "word/document.xml" not in names:
        return template_detail("not-docx")
    return template_detail("broken-docx")


# --- prepared docxtpl template -----------------------------------------------------------------


@dataclass
class _Part:
    name: str  # zip entry name, e.g. word/document.xml
    source: str  # patched Jinja source
    template: jinja2.Template
    table_tags: bool = False  # {%tc %}, colspan, hm, vm: docxtpl's fix_tables is needed after rendering


@dataclass
class PreparedTemplate:
    """A docxtpl template loaded, patched and compiled once; renders many rows quickly."""

    path: Path
    entries: list[tuple[zipfile.ZipInfo, bytes]]
    main: _Part
    head: str  # document.xml text before <w:body>
    tail: str  # document.xml text after </w:body>
    others: list[_Part] = field(default_factory=list)  # headers, footers, notes with fields
    ast: list[nodes.Template] = field(default_factory=list)
    _packed: list[_PackedEntry] | None = None

    @classmethod
    def load(cls, path: str | os.PathLike[str], env: SandboxedEnvironment | None = None) -> PreparedTemplate:
        env = env or _env()
        path = Path(path)
        check_template_archive(path)
        try:
            document = docx.Document(str(path))
            with zipfile.ZipFile(path) as archive:
                entries = [(info, archive.read(info.filename)) for info in archive.infolist()]
        except FileNotFoundError as exc:
            raise DocumentError("doc-template-unreadable", detail=template_detail("not-found", name=path.name)) from exc
        except Exception as exc:  # python-docx/zipfile raise many kinds for a broken or foreign file
            raise DocumentError("doc-template-unreadable", detail=unreadable_detail(path)) from exc

        root_xml = _DOCXTPL.xml_to_string(document.element)
        body_xml = _DOCXTPL.xml_to_string(document.element.body)
        opening = _BODY_IN_ROOT.search(root_xml)
        closing = root_xml.rfind("</w:body>")
        if opening is None or closing < 0:
            raise DocumentError("doc-template-unreadable", detail=template_detail("no-body"))
        head, tail = root_xml[: opening.start()], root_xml[closing + len("</w:body>") :]
        trees: list[nodes.Template] = []
        main = _compile_part(env, document.part.partname.lstrip("/"), body_xml, trees)

        others: list[_Part] = []
        parts: list[Any] = [
            rel.target_part
            for rel in document.part.rels.values()
            if not rel.is_external and rel.reltype in (RT.HEADER, RT.FOOTER)
        ]
        parts += [p for p in document.part.package.iter_parts() if p.content_type in _NOTES_TYPES]
        seen: set[str] = set()
        for part in parts:
            name = str(part.partname).lstrip("/")
            if name in seen or not part.blob:
                continue
            seen.add(name)
            xml = _DOCXTPL.xml_to_string(parse_xml(part.blob))
            if _TAG.search(_DOCXTPL.patch_xml(xml)):
                others.append(_compile_part(env, name, xml, trees))
        return cls(path=path, entries=entries, main=main, head=head, tail=tail, others=others, ast=trees)

    # -- analysis --

    def fields(self, env: SandboxedEnvironment | None = None) -> set[str]:
        env = env or _env()
        names: set[str] = set()
        for tree in self.ast:
            names |= meta.find_undeclared_variables(tree)
        return names - set(env.globals)

    # -- rendering --

    def render_part(self, part: _Part, context: Mapping[str, object], row: int | None) -> str:
        try:
            out = part.template.render(context)
        except TemplateLimit as exc:
            raise DocumentError("doc-template-limit", template=self.path.name, detail=exc.detail) from exc
        except SecurityError as exc:
            raise DocumentError("doc-template-unsafe", detail=str(exc)) from exc
        except FieldTooBig as exc:
            raise DocumentError("doc-template-too-big", detail=exc.detail) from exc
        except MemoryError as exc:
            raise DocumentError("doc-template-too-big", detail=template_detail("memory")) from exc
        except RecursionError as exc:
            raise DocumentError("doc-template-recursion") from exc
        except jinja2.UndefinedError as exc:
            found = _UNDEFINED_NAME.search(str(exc.message or ""))
            name = (found.group(1) or found.group(2)) if found else str(exc.message)
            raise DocumentError("doc-undefined", at_row=row, name=name) from exc
        except NastavnikError as exc:
            raise NastavnikError(f"Строка {row}: {exc.message}" if row else exc.message) from exc
        except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError) as exc:
            raise DocumentError("doc-render-failed", at_row=row, detail=_render_detail(exc)) from exc
        out = out.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # the marks _P_MARK put
        out = out.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if any(ch in out for ch in _LISTING_CHARS):
            out = _resolve_listing(out)
        return out

    def render_body(self, context: Mapping[str, object], row: int | None) -> str:
        """The rendered ``<w:body>…</w:body>`` (without namespace declarations)."""
        body = self.render_part(self.main, context, row)
        if self.main.table_tags:
            body = etree.tostring(_fix_tables(body), encoding="unicode")
        return _BODY_OPEN.sub("<w:body>", body, count=1)

    def document_xml(self, body: str, row: int | None) -> bytes:
        xml = _XML_DECL + self.head + body + self.tail
        if "docPr" in body:
            xml = _renumber_docpr(xml)
        data = xml.encode("utf-8")
        try:
            etree.fromstring(data)
        except etree.XMLSyntaxError as exc:
            raise DocumentError("doc-broken-xml", at_row=row, detail=str(exc)) from exc
        return data

    def render_parts(self, context: Mapping[str, object], row: int | None) -> dict[str, bytes]:
        """Every changed part of the package for one row: zip entry name → bytes."""
        replaced = {self.main.name: self.document_xml(self.render_body(context, row), row)}
        for part in self.others:
            replaced[part.name] = (_XML_DECL + self.render_part(part, context, row)).encode("utf-8")
        return replaced

    def write(self, out: str | os.PathLike[str] | Any, replaced: Mapping[str, bytes],
              added: Sequence[tuple[str, bytes]] = ()) -> None:
        """Write the package with ``replaced`` parts and ``added`` new ones (stored as they are, e.g. images);
        untouched parts are copied already compressed."""
        if self._packed is None:
            self._packed = [_PackedEntry.pack(info, data) for info, data in self.entries]
        entries = [
            _PackedEntry.pack(p.info, replaced[p.info.filename]) if p.info.filename in replaced else p
            for p in self._packed
        ]
        for name, data in added:
            entries.append(_PackedEntry.pack(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data))
        data = _zip_bytes(entries)
        if hasattr(out, "write"):
            out.write(data)
        else:
            Path(out).write_bytes(data)

    def render_single(self, rows: Sequence[Mapping[str, object]], first_row: int = FIRST_DATA_ROW) -> dict[str, bytes]:
        """All rows in one document, a page break between recipients."""
        bodies: list[str] = []
        final_sect = ""
        for index, row in enumerate(rows):
            body = self.render_body(row_context(row), first_row + index)
            inner, sect = _split_body(body)
            final_sect = final_sect or sect
            bodies.append(inner)
        body = "<w:body>" + _PAGE_BREAK.join(bodies) + final_sect + "</w:body>"
        replaced = {self.main.name: self.document_xml(body, None)}
        first = row_context(rows[0]) if rows else {}
        for part in self.others:
            replaced[part.name] = (_XML_DECL + self.render_part(part, first, first_row)).encode("utf-8")
        return replaced


@dataclass(frozen=True)
class _PackedEntry:
    """One zip member, compressed once: a docx written for every recipient copies these bytes."""

    info: zipfile.ZipInfo
    name: bytes
    flags: int
    method: int
    dos_time: int
    dos_date: int
    crc: int
    size: int
    payload: bytes

    @classmethod
    def pack(cls, info: zipfile.ZipInfo, data: bytes) -> _PackedEntry:
        name = info.filename.encode("utf-8")
        flags = 0x800 if not info.filename.isascii() else 0
        if info.compress_type == zipfile.ZIP_STORED:
            method, payload = zipfile.ZIP_STORED, data
        else:
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            method, payload = zipfile.ZIP_DEFLATED, packer.compress(data) + packer.flush()
        year, month, day, hour, minute, second = info.date_time
        dos_time = (hour << 11) | (minute << 5) | (second // 2)
        dos_date = (max(year, 1980) - 1980) << 9 | (month << 5) | day
        return cls(info, name, flags, method, dos_time, dos_date, zlib.crc32(data), len(data), payload)


def _zip_bytes(entries: Sequence[_PackedEntry]) -> bytes:
    """A plain (non-ZIP64) zip archive of already compressed members."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for e in entries:
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, e.flags, e.method, e.dos_time, e.dos_date,
                            e.crc, len(e.payload), e.size, len(e.name), 0) + e.name
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, e.flags, e.method, e.dos_time,
                                   e.dos_date, e.crc, len(e.payload), e.size, len(e.name), 0, 0, 0, 0, 0,
                                   offset) + e.name)
        chunks += (local, e.payload)
        offset += len(local) + len(e.payload)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(chunks) + directory + end


# «{{ ФИО|уважаемый }}!»: the salutation ends with its own «!» — the template's one (maybe in the next run of
# text) is dropped, so that no letter says «Уважаемый Иван Иванович!!»
_OWN_EXCLAMATION = re.compile(r"(\{\{[^{}]*\|\s*уважаемый\b[^{}]*\}\})((?:\s*<[^<>]*>)*)!")


def _compile_part(env: SandboxedEnvironment, name: str, xml: str, trees: list[nodes.Template]) -> _Part:
    source = _P_MARK.sub(r"\n<w:p\1", _DOCXTPL.patch_xml(xml))
    source = _OWN_EXCLAMATION.sub(r"\1\2", source)
    tree, problems = _scan_source(env, source)
    if problems:
        code, params = problems[0]
        raise DocumentError(code, **params)
    assert tree is not None
    trees.append(tree)
    try:
        template = env.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise DocumentError("doc-template-syntax", detail=_syntax_detail(exc), near=_near(source, exc.lineno)) from exc
    text = re.sub(r"<[^>]+>", "", xml)
    table_tags = bool(re.search(r"\{%-?\s*(?:tc|colspan|cellbg|hm|vm)\b", text))
    return _Part(name=name, source=source, template=template, table_tags=table_tags)


def _split_body(body: str) -> tuple[str, str]:
    """(content, final sectPr) of ``<w:body>…</w:body>``."""
    inner = body[len("<w:body>") : -len("</w:body>")]
    matches = list(_SECT_PR.finditer(inner))
    if matches:
        last = matches[-1]
        sect = inner[last.start() :]
        # the body-level sectPr is the last child: nothing after it may close a paragraph or a table
        if "</w:p>" not in sect and "</w:tbl>" not in sect:
            return inner[: last.start()], sect
    return inner, ""


def _renumber_docpr(xml: str) -> str:
    counter = iter(range(1001, 10**9))
    return _DOCPR_ID.sub(lambda m: f"{m.group(1)}{next(counter)}{m.group(2)}", xml)


@lru_cache(maxsize=16)
def _prepared(path: str, mtime_ns: int, size: int) -> PreparedTemplate:
    return PreparedTemplate.load(path)


def _stat(path: Path) -> os.stat_result:
    try:
        stat = path.stat()
    except OSError as exc:
        raise DocumentError("doc-template-unreadable", detail=template_detail("not-found", name=path.name)) from exc
    check_template_archive(path)
    return stat


def prepare(template_path: str | os.PathLike[str]) -> PreparedTemplate:
    """A loaded and compiled template, cached while the file does not change."""
    path = Path(template_path)
    stat = _stat(path)
    return _prepared(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


# --- MERGEFIELD templates ----------------------------------------------------------------------


def mergefields(template_path: str | os.PathLike[str]) -> set[str]:
    """Names of Word MERGEFIELD fields in a template (empty for a docxtpl template)."""
    try:
        with MailMerge(str(template_path)) as merge:
            return set(merge.get_merge_fields())
    except FileNotFoundError as exc:
        raise DocumentError("doc-template-unreadable",
                            detail=template_detail("not-found", name=Path(template_path).name)) from exc
    except Exception as exc:  # not a zip, no [Content_Types].xml …
        raise DocumentError("doc-template-unreadable", detail=unreadable_detail(Path(template_path))) from exc


def _has_jinja_tags(template_path: str | os.PathLike[str]) -> bool:
    with zipfile.ZipFile(template_path) as archive:
        for name in archive.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                text = archive.read(name).decode("utf-8", "replace")
                if _TAG.search(_DOCXTPL.patch_xml(text)):
                    return True
    return False


def is_mergefield_template(template_path: str | os.PathLike[str]) -> bool:
    """A template made with Word's mail merge: MERGEFIELD fields and no ``{{ }}`` tags."""
    path = Path(template_path)
    stat = _stat(path)
    return _is_mergefield(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _is_mergefield(path: str, mtime_ns: int, size: int) -> bool:
    return bool(mergefields(path)) and not _has_jinja_tags(path)


def computed_fields(columns: Iterable[str]) -> list[str]:
    """Extra MERGEFIELD names offered for name-like columns: «ФИО_дательный», «ФИО_уважаемый» …"""
    return [
        f"{alias}_{suffix}"
        for column in columns
        if grammar.is_name_like(str(column)) and (alias := field_alias(str(column)))
        for suffix in grammar.COMPUTED_SUFFIXES
    ] + [  # «Должность» → «Должность_дательный»: staff type the position once
        f"{alias}_дательный"
        for column in columns
        if grammar.is_position_like(str(column)) and (alias := field_alias(str(column)))
    ]


def _split_computed(name: str, columns: Mapping[str, object]) -> tuple[str, str] | None:
    for suffix in grammar.COMPUTED_SUFFIXES:
        if name.endswith("_" + suffix):
            base = name[: -len(suffix) - 1]
            if base in columns:
                return base, suffix
    return None


@dataclass(frozen=True)
class FieldSwitches:
    """What a MERGEFIELD of a template says beside its name: a date picture (``\\@ "d MMMM yyyy"``), and
    whether the template writes «!» right after the field."""

    picture: str = ""
    exclamation_after: bool = False


_MERGEFIELD = re.compile(r'MERGEFIELD\s+"?([^\s"\\]+)"?((?:\s*\\[^\\«]*)*)')
_PICTURE = re.compile(r'\\@\s*"([^"]*)"|\\@\s*(\S+)')


def field_switches(template_path: str | os.PathLike[str]) -> dict[str, FieldSwitches]:
    """The switches of every MERGEFIELD of a template, by field name (the text of the parts, tags removed)."""
    path = Path(template_path)
    try:
        stat = path.stat()
    except OSError:
        return {}
    return _field_switches(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _field_switches(template_path: str, mtime_ns: int, size: int) -> dict[str, FieldSwitches]:
    out: dict[str, FieldSwitches] = {}
    try:
        with zipfile.ZipFile(template_path) as archive:
            texts = [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                     if n.startswith("word/") and n.endswith(".xml")]
    except (OSError, zipfile.BadZipFile):
        return out
    for xml in texts:
        # a simple field keeps its instruction in an attribute: made text, like that of a complex field
        xml = re.sub(r'<w:fldSimple\b[^>]*?w:instr="([^"]*)"[^>]*>', lambda m: " " + m.group(1) + " ", xml)
        text = html.unescape(re.sub(r"<[^>]+>", "", xml))
        for m in _MERGEFIELD.finditer(text):
            picture = _PICTURE.search(m.group(2) or "")
            tail = text[m.end():m.end() + 200]
            shown = re.match(r"\s*«[^»]*»\s*!", tail)  # the field's result as Word shows it, then «!»
            out[m.group(1)] = FieldSwitches((picture.group(1) or picture.group(2)) if picture else "",
                                            bool(shown))
    return out


_MONTHS_NOMINATIVE = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
                      "октябрь", "ноябрь", "декабрь")
_MONTHS_SHORT = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")


def word_date(day: dt.date, picture: str) -> str:
    """A date by a Word date picture: ``d MMMM yyyy`` → «1 сентября 2026», ``dd.MM.yy`` → «01.09.26»,
    ``MMMM yyyy`` → «сентябрь 2026» (the genitive month only after a day); text in 'quotes' as is."""
    with_day = "d" in picture.replace("'", "")
    out: list[str] = []
    for token in re.findall(r"'[^']*'|d+|M+|y+|[^dMy']+", picture):
        if token.startswith("'"):
            out.append(token.strip("'"))
        elif token[0] == "d":
            out.append(f"{day.day:02d}" if len(token) >= 2 else str(day.day))
        elif token[0] == "M":
            if len(token) >= 4:
                out.append((grammar.MONTHS_GENITIVE if with_day else _MONTHS_NOMINATIVE)[day.month - 1])
            elif len(token) == 3:
                out.append(_MONTHS_SHORT[day.month - 1])
            else:
                out.append(f"{day.month:02d}" if len(token) == 2 else str(day.month))
        elif token[0] == "y":
            out.append(f"{day.year % 100:02d}" if len(token) <= 2 else str(day.year))
        else:
            out.append(token)
    return "".join(out)


def merge_values(row: Mapping[str, object], wanted: Iterable[str] = (),
                 template: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Text values of a row for a MERGEFIELD template, with computed fields for name-like columns
    and for every ``<column>_<падеж>`` field the template asks for; with the ``template``, its date pictures
    are honoured and a salutation followed by the template's own «!» loses its own."""
    context = row_context(row)
    values = {key: str(value) for key, value in context.items()}
    gender = grammar.context_gender(context)
    names = set(computed_fields(row.keys()))
    names |= {w for w in wanted if w not in values}
    for name in names:
        split = _split_computed(name, values)
        if split:
            base, suffix = split
            values[name] = grammar.COMPUTED_SUFFIXES[suffix](values[base], gender)
    if template is not None:
        for name, switches in field_switches(template).items():
            value = context.get(name)
            if switches.picture and isinstance(value, dt.date):
                values[name] = word_date(value, switches.picture)
            if switches.exclamation_after and values.get(name, "").endswith("!"):
                values[name] = values[name][:-1]
    return values


def _merge_one(template_path: Path, row: Mapping[str, object], out: Path | Any) -> None:
    with MailMerge(str(template_path)) as merge:
        merge.merge(**merge_values(row, merge.get_merge_fields(), template_path))
        merge.write(out)


# --- public API --------------------------------------------------------------------------------


def template_fields(template_path: str | os.PathLike[str]) -> set[str]:
    """The data fields a template uses: Jinja variables of a docxtpl template or MERGEFIELD names."""
    if is_mergefield_template(template_path):
        return mergefields(template_path)
    return prepare(template_path).fields()


def render_bytes(template_path: str | os.PathLike[str], context: Mapping[str, object]) -> bytes:
    """One document for one data row, in memory: a broken template fails before any file is touched."""
    buffer = io.BytesIO()
    if is_mergefield_template(template_path):
        _merge_one(Path(template_path), context, buffer)
    else:
        prepared = prepare(template_path)
        prepared.write(buffer, prepared.render_parts(row_context(context), None))
    return buffer.getvalue()


def render_one(template_path: str | os.PathLike[str], context: Mapping[str, object],
               out_path: str | os.PathLike[str]) -> Path:
    """One document for one data row."""
    data = render_bytes(template_path, context)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def render_many_single(template_path: str | os.PathLike[str], rows: Sequence[Mapping[str, object]],
                       out_path: str | os.PathLike[str], *, first_row: int = FIRST_DATA_ROW) -> Path:
    """ONE printable document for all rows, a page break between recipients.

    Everything is rendered in memory first: an error in any row leaves no file behind.
    """
    if not rows:
        raise DocumentError("doc-no-rows", data="")
    out = Path(out_path)
    if is_mergefield_template(template_path):
        with MailMerge(str(template_path)) as merge:
            wanted = merge.get_merge_fields()
            merge.merge_templates([merge_values(row, wanted, template_path) for row in rows],
                                  separator="page_break")
            out.parent.mkdir(parents=True, exist_ok=True)
            merge.write(out)
        return out
    prepared = prepare(template_path)
    replaced = prepared.render_single(rows, first_row)
    out.parent.mkdir(parents=True, exist_ok=True)
    prepared.write(out, replaced)
    return out


def render_many_separate(template_path: str | os.PathLike[str], rows: Sequence[Mapping[str, object]],
                         out_dir: str | os.PathLike[str], name_column: str, *,
                         first_row: int = FIRST_DATA_ROW) -> list[Path]:
    """One document per row, named by ``name_column`` (made safe for Windows, duplicates get « (2)»).

    All documents are rendered in memory before the first file is written.
    """
    directory = Path(out_dir)
    used: set[str] = set()
    names: list[str] = []
    for index, row in enumerate(rows):
        value = row.get(name_column)
        if _is_empty(value):
            raise DocumentError("doc-name-empty", column=name_column, row=first_row + index)
        names.append(safe_filename(context_value(value), used))
    targets = [inside(directory, name + ".docx") for name in names]

    if is_mergefield_template(template_path):
        documents = []
        for row in rows:
            buffer = io.BytesIO()
            _merge_one(Path(template_path), row, buffer)
            documents.append(buffer.getvalue())
        directory.mkdir(parents=True, exist_ok=True)
        for data, target in zip(documents, targets, strict=True):
            target.write_bytes(data)
        return targets

    prepared = prepare(template_path)
    rendered = [prepared.render_parts(row_context(row), first_row + i) for i, row in enumerate(rows)]
    directory.mkdir(parents=True, exist_ok=True)
    for replaced, target in zip(rendered, targets, strict=True):
        prepared.write(target, replaced)
    return targets


# --- pre-flight check --------------------------------------------------------------------------


def _gender_filters(trees: Iterable[nodes.Template]) -> list[tuple[str, nodes.Expr | None]]:
    """(column, explicit gender expression or None) for every name filter applied to a plain column."""
    found: list[tuple[str, nodes.Expr | None]] = []
    gendered = {"дательный", "родительный", "творительный", "винительный", "предложный", "уважаемый"}
    for tree in trees:
        for filt in tree.find_all(nodes.Filter):
            if filt.name in gendered and isinstance(filt.node, nodes.Name):
                found.append((filt.node.name, filt.args[0] if filt.args else None))
    return found


def _explicit_gender(expr: nodes.Expr | None, context: Mapping[str, object]) -> object:
    if isinstance(expr, nodes.Const):
        return expr.value
    if isinstance(expr, nodes.Name):
        return context.get(expr.name)
    return None


def check_merge(template_path: str | os.PathLike[str], rows: Sequence[Mapping[str, object]], data_file_name: str,
                *, name_column: str | None = None, first_row: int = FIRST_DATA_ROW) -> Report:
    """Everything that would spoil a mail merge, found before anything is written.

    Errors: an unreadable or unsafe template, a syntax error, an unknown filter, a field with no column
    in the data, no rows, an empty name.  Warnings: an empty value of a used field, a gender that is
    neither given nor recognisable (the salutation would be «Уважаемый(ая)»), a duplicate file name.
    Row-level problems carry the spreadsheet cell (``B5``; row 2 is the first data row) and the column.
    """
    report = Report()
    file = data_file_name
    template = Path(template_path)
    try:
        is_merge = is_mergefield_template(template)
        merge_fields = mergefields(template) if is_merge else set()
    except DocumentError as exc:
        report.add(exc.code, file=template.name, **exc.params)
        return report

    trees: list[nodes.Template] = []
    if is_merge:
        fields = merge_fields
    else:
        try:
            prepared = prepare(template)
        except DocumentError as exc:
            _report_template_problems(report, template)
            if not report.errors:
                report.add(exc.code, file=template.name, **exc.params)
            return report
        fields = prepared.fields()
        trees = prepared.ast

    if not rows:
        report.add("doc-no-rows", file=file, data=file)
        return report

    columns = _columns(rows)
    letters = {column: col_letter(i) for i, column in enumerate(columns)}
    available = set(row_context(dict.fromkeys(columns, "")))
    if is_merge:
        available |= {f for f in fields if _split_computed(f, dict.fromkeys(available)) is not None}
    for name in sorted(fields - available):
        report.add("doc-field-missing", file=file, field=name, name=name, data=file)

    alias_to_column = {field_alias(c): c for c in columns} | {c: c for c in columns}
    gendered = _gender_filters(trees)
    used_columns: dict[str, None] = {}  # columns the template uses, directly or through computed fields
    for name in sorted(fields):
        column = alias_to_column.get(name)
        split = _split_computed(name, alias_to_column) if is_merge and column is None else None
        if split:
            column = alias_to_column[split[0]]
            if split[1] != "инициалы":
                gendered.append((split[0], None))
        if column is not None:
            used_columns[column] = None
    used_columns = dict.fromkeys(c for c in columns if c in used_columns)  # in column order
    if name_column is None:
        name_column = next((c for c in used_columns if grammar.is_name_like(c)), None)
    gender_column = next((c for c in columns if c in grammar.GENDER_CONTEXT_KEYS), None)

    first_use: dict[str, int] = {}
    used: set[str] = set()
    for index, row in enumerate(rows):
        number = first_row + index
        context = row_context(row)

        def cell(column: str | None, number: int = number) -> str:
            return f"{letters[column]}{number}" if column in letters else str(number)

        if name_column is not None:
            value = row.get(name_column)
            if _is_empty(value):
                report.add("doc-name-empty", file=file, cell=cell(name_column), field=name_column,
                           row=number, column=name_column)
            else:
                plain = safe_filename(context_value(value), set())
                name = safe_filename(context_value(value), used)
                if name != plain:
                    report.add("doc-name-duplicate", file=file, cell=cell(name_column), field=name_column,
                               row=number, name=plain, first=first_use.get(plain.casefold(), "?"), new=name)
                first_use.setdefault(name.casefold(), number)

        for column in used_columns:
            if column != name_column and _is_empty(row.get(column)):
                report.add("doc-value-empty", file=file, cell=cell(column), field=column, row=number, name=column)

        raw_gender = grammar.context_gender(context)
        if gendered and not _is_empty(raw_gender) and grammar.parse_gender(raw_gender) is None:
            report.add("doc-gender-bad", file=file, cell=cell(gender_column), field=gender_column or "Пол",
                       row=number, value=raw_gender)
        reported: set[str] = set()
        for column_name, expr in gendered:
            value = context.get(column_name)
            if _is_empty(value) or column_name in reported:
                continue
            explicit = _explicit_gender(expr, context) if expr is not None else raw_gender
            if grammar.parse_gender(explicit) is None and grammar.PersonName.parse(value).gender() is None:
                reported.add(column_name)
                column = alias_to_column.get(column_name, column_name)
                report.add("doc-gender-unknown", file=file, cell=cell(column), field=column, row=number,
                           value=clean_text(value))
    return report


def _report_template_problems(report: Report, template: Path) -> None:
    """All template problems (every unknown filter, not only the first) of every templated part."""
    env = _env()
    try:
        document = docx.Document(str(template))
    except Exception:  # reported by the caller from the original error
        return
    sources = [_DOCXTPL.xml_to_string(document.element.body)]
    for rel in document.part.rels.values():
        if not rel.is_external and rel.reltype in (RT.HEADER, RT.FOOTER) and rel.target_part.blob:
            sources.append(_DOCXTPL.xml_to_string(parse_xml(rel.target_part.blob)))
    seen: set[tuple[str, str]] = set()
    for xml in sources:
        source = _P_MARK.sub(r"\n<w:p\1", _DOCXTPL.patch_xml(xml))
        _, problems = _scan_source(env, source)
        for code, params in problems:
            key = (code, str(sorted(params.items())))
            if key not in seen:
                seen.add(key)
                report.add(code, file=template.name, **params)


# --- file names --------------------------------------------------------------------------------

__all__ = [
    "DocDate",
    "DocNumber",
    "DocumentError",
    "PreparedTemplate",
    "check_merge",
    "computed_fields",
    "context_value",
    "field_alias",
    "inside",
    "is_mergefield_template",
    "make_env",
    "merge_values",
    "mergefields",
    "prepare",
    "render_many_separate",
    "render_many_single",
    "render_one",
    "row_context",
    "safe_filename",
    "template_fields",
]
