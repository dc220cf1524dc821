"""Errors of documents as data, and their Russian details: :class:`DocumentError` (a problem code of
:mod:`toolkit.base.messages` and its parameters), every problem of a Jinja source that would stop rendering, found
all at once (:func:`scan_source`), why Jinja could not read a field or fill it, why a file is not a Word document."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from toolkit.base import grammar, messages
from toolkit.base.messages import template_detail
from toolkit.base.problems import NastavnikError
from toolkit.base.values import clean_text


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


def near(source: str, lineno: int | None) -> str:
    """The text of the source's line ``lineno`` without its XML tags (what the user sees near a broken field)."""
    lines = source.splitlines()
    if not lineno or lineno > len(lines):
        return ""
    text = re.sub(r"<[^>]+>", "", lines[lineno - 1])
    return clean_text(text)[:60]


def scan_source(env: SandboxedEnvironment, source: str) -> tuple[nodes.Template | None, list[tuple[str, dict[str, Any]]]]:
    """Parse a Jinja source and list every problem that would stop rendering (all of them, not the first)."""
    problems: list[tuple[str, dict[str, Any]]] = []
    try:
        ast = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        return None, [("doc-template-syntax", {"detail": syntax_detail(exc), "near": near(source, exc.lineno)})]
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


def syntax_detail(exc: jinja2.TemplateSyntaxError) -> str:
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


def render_detail(exc: BaseException) -> str:
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
