"""The Jinja environment documents are rendered in, and its limits. A :class:`jinja2.sandbox.SandboxedEnvironment`
with autoescaping (values with ``& < >`` come out exactly) and :class:`~jinja2.StrictUndefined` (a field with no
column is an error, never a silent gap), the grammar filters of :mod:`toolkit.base.grammar`, and every text placed
into a document typeset (non-breaking spaces). Limits: no field makes a value too big (repetition, powers, widths:
:class:`FieldTooBig`); one document has a budget of loop steps, output size and time (:class:`TemplateLimit`);
a template's .docx archive that would unpack to far more than a document is refused before it is opened
(:func:`check_template_archive`)."""

from __future__ import annotations

import contextlib
import functools
import math
import os
import re
import threading
import time
import zipfile
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import StrictUndefined, nodes
from jinja2.sandbox import SandboxedEnvironment

from toolkit.base import files, grammar
from toolkit.base.messages import template_detail
from toolkit.base.problems import NastavnikError
from toolkit.base.values import format_number
from toolkit.documents.errors import DocumentError

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
def shared_env() -> SandboxedEnvironment:
    """The environment templates are compiled in when none is given, made once."""
    return make_env()


def template_stat(path: Path) -> os.stat_result:
    """A template file's size and time (what its caches are keyed by), once its archive passed the check."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise DocumentError("doc-template-unreadable", detail=template_detail("not-found", name=path.name)) from exc
    check_template_archive(path)
    return stat
