"""The fast render path of a docxtpl template: :class:`PreparedTemplate`, loaded once (:func:`prepare` keeps it
while the file does not change). docxtpl's own ``render()`` re-reads the package, re-patches and re-compiles the
XML for each recipient, and python-docx re-serialises every part on save. Here every templated XML part (the body,
headers, footers, notes with fields) is patched by docxtpl's own ``patch_xml`` and compiled by Jinja once; a
recipient then costs one Jinja render of the XML and one zip write in which the untouched parts are copied as
bytes. :meth:`PreparedTemplate.render_single` renders the body once per row and joins the bodies with page breaks
into one document (the row stays a top-level Jinja context, so filters see the row's «Пол»); headers and footers
of that single file are filled from the first row."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import docx
import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import parse_xml
from jinja2 import meta, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from lxml import etree

from toolkit.base.messages import template_detail
from toolkit.base.problems import NastavnikError
from toolkit.documents.context import FIRST_DATA_ROW, row_context
from toolkit.documents.docxtpl_xml import DOCXTPL, LISTING_CHARS, P_MARK, TAG, fix_tables, resolve_listing
from toolkit.documents.errors import (
    DocumentError,
    near,
    render_detail,
    scan_source,
    syntax_detail,
    unreadable_detail,
)
from toolkit.documents.package import PackedEntry, zip_bytes
from toolkit.documents.sandbox import (
    FieldTooBig,
    TemplateLimit,
    check_template_archive,
    shared_env,
    template_stat,
)

_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
_NOTES_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
}
_BODY_OPEN = re.compile(r"^<w:body\b[^>]*>")
_BODY_IN_ROOT = re.compile(r"<w:body\b[^>]*>")
_SECT_PR = re.compile(r"<w:sectPr[ >/]")
_DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\sid=")\d+(")')
_UNDEFINED_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")


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
    _packed: list[PackedEntry] | None = None

    @classmethod
    def load(cls, path: str | os.PathLike[str], env: SandboxedEnvironment | None = None) -> PreparedTemplate:
        env = env or shared_env()
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

        root_xml = DOCXTPL.xml_to_string(document.element)
        body_xml = DOCXTPL.xml_to_string(document.element.body)
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
            xml = DOCXTPL.xml_to_string(parse_xml(part.blob))
            if TAG.search(DOCXTPL.patch_xml(xml)):
                others.append(_compile_part(env, name, xml, trees))
        return cls(path=path, entries=entries, main=main, head=head, tail=tail, others=others, ast=trees)

    # -- analysis --

    def fields(self, env: SandboxedEnvironment | None = None) -> set[str]:
        env = env or shared_env()
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
            raise DocumentError("doc-render-failed", at_row=row, detail=render_detail(exc)) from exc
        out = out.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # the marks P_MARK put
        out = out.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if any(ch in out for ch in LISTING_CHARS):
            out = resolve_listing(out)
        return out

    def render_body(self, context: Mapping[str, object], row: int | None) -> str:
        """The rendered ``<w:body>…</w:body>`` (without namespace declarations)."""
        body = self.render_part(self.main, context, row)
        if self.main.table_tags:
            body = etree.tostring(fix_tables(body), encoding="unicode")
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
            self._packed = [PackedEntry.pack(info, data) for info, data in self.entries]
        entries = [
            PackedEntry.pack(p.info, replaced[p.info.filename]) if p.info.filename in replaced else p
            for p in self._packed
        ]
        for name, data in added:
            entries.append(PackedEntry.pack(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data))
        data = zip_bytes(entries)
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


# «{{ ФИО|уважаемый }}!»: the salutation ends with its own «!» — the template's one (maybe in the next run of
# text) is dropped, so that no letter says «Уважаемый Иван Иванович!!»
_OWN_EXCLAMATION = re.compile(r"(\{\{[^{}]*\|\s*уважаемый\b[^{}]*\}\})((?:\s*<[^<>]*>)*)!")


def _compile_part(env: SandboxedEnvironment, name: str, xml: str, trees: list[nodes.Template]) -> _Part:
    source = P_MARK.sub(r"\n<w:p\1", DOCXTPL.patch_xml(xml))
    source = _OWN_EXCLAMATION.sub(r"\1\2", source)
    tree, problems = scan_source(env, source)
    if problems:
        code, params = problems[0]
        raise DocumentError(code, **params)
    assert tree is not None
    trees.append(tree)
    try:
        template = env.from_string(source)
    except jinja2.TemplateSyntaxError as exc:
        raise DocumentError("doc-template-syntax", detail=syntax_detail(exc), near=near(source, exc.lineno)) from exc
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


def prepare(template_path: str | os.PathLike[str]) -> PreparedTemplate:
    """A loaded and compiled template, cached while the file does not change."""
    path = Path(template_path)
    stat = template_stat(path)
    return _prepared(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
