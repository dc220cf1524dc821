"""The print layout of every sheet a workbook writer prints: nothing on paper is smaller than 8 pt.

The rule, for a sheet of columns (widths in characters, as xlsxwriter takes them):
- A4, landscape unless the sheet asks for portrait and fits one portrait page wide; the header rows repeated
  on every page;
- fitted to the page width when the scale stays at :data:`MIN_SCALE` or more;
- a wider sheet is split across as many pages as it needs at that scale, its key columns (the code and the
  name: the columns frozen on screen) repeated on each page, pages numbered across then down, so that one
  row is read on consecutive pages;
- the print area ends at the last row that holds data (rows prepared for input, with only a code, stay off
  the paper);
- the page header and footer are set at :data:`PAGE_TEXT_PT`, which prints at 8 pt or more at the smallest
  scale (an office suite scales them with the sheet).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

MIN_PT = 8.0
MIN_SCALE = 0.85  # 11 pt text prints at 9.35 pt
PAGE_TEXT_PT = 10  # the page header and footer: 8.5 pt at the smallest scale
A4_POINTS = (595.3, 841.9)  # portrait width, height
MARGIN_IN = 0.4  # left and right margins, inches


def column_points(width: float) -> float:
    """A column ``width`` characters wide (Calibri 11, the workbook's default font) in points."""
    pixels = int(width * 7 + 0.5) + 5 if width > 1 else int(width * 12 + 0.5)
    return pixels * 0.75


def printable_points(landscape: bool) -> float:
    """The width a page of A4 has for the sheet between its margins, in points."""
    width = A4_POINTS[1] if landscape else A4_POINTS[0]
    return width - 2 * MARGIN_IN * 72


def pages_across(widths: Sequence[float], key_columns: int = 0, landscape: bool = True) -> int:
    """How many pages wide the sheet prints at :data:`MIN_SCALE` when the columns are laid out as the office
    suite does (a column never split, the key columns repeated on every page after the first)."""
    room = printable_points(landscape) / MIN_SCALE
    points = [column_points(w) for w in widths]
    if sum(points) <= room:
        return 1
    keys = sum(points[:key_columns]) if sum(points[:key_columns]) < room / 2 else 0.0
    pages, used = 1, 0.0
    for p in points:
        if used and used + p > room:
            pages, used = pages + 1, keys
        used += p
    return pages


def apply_print_layout(ws: Any, widths: Sequence[float], *, landscape: bool = True, title_rows: int = 1,
                       key_columns: int = 0, last_row: int | None = None, header: tuple[str, str] = ("", ""),
                       first_row: int = 0) -> int:
    """Set the page of ``ws`` by the rule above; ``widths`` are the widths of its printed columns (from the
    first), ``title_rows`` the rows of headers from ``first_row``, ``last_row`` the last zero-based row printed
    (None: the whole used range). Returns the number of pages across."""
    if not landscape and pages_across(widths, key_columns, landscape=False) > 1:
        landscape = True  # portrait only where it keeps the sheet one page wide at 8 pt or more
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(9)  # A4
    ws.set_margins(left=MARGIN_IN, right=MARGIN_IN, top=0.75, bottom=0.75)
    left, right = (_escape(header[0]), _escape(header[1]))
    if left or right:
        ws.set_header(f"&L&{PAGE_TEXT_PT}{left}&R&{PAGE_TEXT_PT}{right}")
    ws.set_footer(f"&C&{PAGE_TEXT_PT}Страница &P из &N")
    across = pages_across(widths, key_columns, landscape)
    if title_rows:
        ws.repeat_rows(first_row, first_row + title_rows - 1)
    if across > 1:
        if key_columns:
            ws.repeat_columns(0, key_columns - 1)
        ws.print_across()  # a row's parts on consecutive pages
    if last_row is not None and widths:
        ws.print_area(0, 0, max(last_row, first_row + title_rows), len(widths) - 1)
    ws.fit_to_pages(across, 0)
    return across


def _escape(text: str) -> str:
    return text.replace("&", "&&")
