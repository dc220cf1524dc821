"""Chart images for the documents (matplotlib, imported only when a chart is drawn).

:func:`competency_chart` draws the competencies of a pair's mentee, :func:`group_chart` those of up to
:data:`PANELS` mentees of a group side by side (one panel each, under the mentee's name, the names of the
competencies once on the left), in the beginning and in the end of the program, as horizontal bars on the
1–5 scale: a PNG sized for the text width of an A4 page (16 cm), with the DejaVu Sans font that matplotlib
ships (Cyrillic without system fonts), and byte-for-byte the same for the same ratings (no timestamp or
software name in the PNG). The column of names is as wide as the widest name as drawn, so no name is cut at
the edge of the image; a competency takes under 6 mm, so that the report of a pair keeps to one or two pages.

Hundreds of charts share their competencies and differ only in the ratings, so a chart is not drawn from
scratch each time: one figure per list of competencies (and number of panels) is kept with its static parts
(axes, ticks, names, legend) drawn once; the bars, their values and the panels' titles are drawn over it. The
image is cut into horizontal bands — the top one (legend, titles), one per competency (its bars and their
values never leave the band), the bottom one (the scale) — and every band is kept compressed under its key
(the competency row and the ratings of every panel in it; the titles for the top one): a chart whose bands
were all seen before is only put together from them. The pixels are exactly those of a chart drawn alone
(``tests/test_progress_chart.py`` compares them).
"""

from __future__ import annotations

import struct
import textwrap
import zlib
from collections.abc import Sequence
from typing import Any

CHART_WIDTH_MM = 160
DPI = 150
START_COLOR, END_COLOR = "#A6A6A6", "#1F4E79"  # grey — in the beginning, dark blue — in the end
RC: Any = {"font.family": "DejaVu Sans", "font.size": 9, "svg.hashsalt": "nastavnik"}
PANELS = 3  # mentees side by side in one chart at most
WRAP, TITLE_WRAP = 34, 16  # characters of a competency's name, of a panel's title on a line
TOP_IN, TITLE_IN, BOTTOM_IN = 0.1, 0.34, 0.45  # above a chart, above panels (two lines of titles), the scale (in)
ROW_IN, LINE_IN = 0.23, 0.15  # the height of a competency (its two bars) and of a line of its name
MARGIN_PX = 24  # between the left edge of the image and the longest name, ticks included

Rating = tuple[str, float | None, float | None]  # competency, in the beginning, in the end
Member = tuple[str, Sequence[Rating]]  # a panel: its title (the mentee's name; "" for a pair), her ratings
_Segment = tuple[bytes, int, int]  # compressed scanlines (a deflate run ending at a full flush), adler32, length


def _label(value: float) -> str:
    return (f"{value:g}").replace(".", ",")


def _segment(pixels: Any) -> _Segment:
    """PNG scanlines of ``pixels`` (h × w × 4, uint8) with the filter «Sub», compressed on their own."""
    import numpy as np

    lines = pixels.reshape(pixels.shape[0], -1)
    filtered = lines.copy()
    filtered[:, 4:] -= lines[:, :-4]  # uint8 arithmetic wraps, as the filter wants
    raw = np.concatenate([np.ones((lines.shape[0], 1), dtype=np.uint8), filtered], axis=1).tobytes()
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(raw) + packer.flush(zlib.Z_FULL_FLUSH), zlib.adler32(raw), len(raw)


def _adler_combine(first: int, second: int, length: int) -> int:
    """adler32 of two byte strings joined, from their adler32s (zlib's adler32_combine)."""
    base = 65521
    rem = length % base
    sum1 = first & 0xFFFF
    sum2 = (rem * sum1) % base
    sum1 += (second & 0xFFFF) + base - 1
    sum2 += ((first >> 16) & 0xFFFF) + ((second >> 16) & 0xFFFF) + base - rem
    sum1 %= base
    sum2 %= base
    return sum1 | (sum2 << 16)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(width: int, height: int, segments: Sequence[_Segment]) -> bytes:
    checksum = 1
    for _, adler, length in segments:
        checksum = _adler_combine(checksum, adler, length)
    stream = b"\x78\x9c" + b"".join(s[0] for s in segments) + b"\x03\x00" + struct.pack(">I", checksum)
    per_metre = int(DPI / 0.0254 + 0.5)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)) + _chunk(b"IDAT", stream)
            + _chunk(b"IEND", b""))


class _Layout:
    """The figure of one list of competencies in ``panels`` panels: static parts drawn once, bands known."""

    def __init__(self, names: Sequence[str], panels: int = 1) -> None:
        import matplotlib
        import numpy as np

        matplotlib.use("Agg")
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        wrapped = ["\n".join(textwrap.wrap(str(name), WRAP)) or "—" for name in names]
        lines = max(name.count("\n") + 1 for name in wrapped)  # of the longest name
        rows = len(wrapped)
        width_in = CHART_WIDTH_MM / 25.4
        top_in = TITLE_IN if panels > 1 else TOP_IN
        height_in = top_in + BOTTOM_IN + rows * max(ROW_IN, LINE_IN * lines + 0.05)  # a name never meets the next
        with matplotlib.rc_context(RC):
            figure = Figure(figsize=(width_in, height_in), dpi=DPI)
            self.canvas = FigureCanvasAgg(figure)
            self.panels = list(figure.subplots(1, panels, sharey=True, squeeze=False)[0])
            bar = 0.4
            positions = range(rows)
            self.bars = []
            for n, axes in enumerate(self.panels):
                self.bars.append([axes.barh([p + shift for p in positions], [0.0] * rows, height=bar, color=color,
                                            label=label)
                                  for shift, label, color in ((-bar / 2, "В начале", START_COLOR),
                                                              (bar / 2, "В конце", END_COLOR))])
                axes.set_xlim(0, 5.6)
                axes.set_xticks([1, 2, 3, 4, 5])
                axes.set_xlabel("Оценка (1–5)")
                axes.grid(axis="x", color="#D9D9D9", linewidth=0.6)
                axes.set_axisbelow(True)
                for side in ("top", "right"):
                    axes.spines[side].set_visible(False)
                if n:
                    axes.tick_params(axis="y", length=0)
            first = self.panels[0]
            first.set_yticks(list(positions), wrapped)
            first.invert_yaxis()  # the first competency on top (the axes share it)
            # the legend under the names, beside the scale (one entry a line): no row of its own
            legend = figure.legend(handles=self.bars[0], loc="lower left", bbox_to_anchor=(0.0, 0.0), ncols=1,
                                   frameon=False, borderaxespad=0.2, labelspacing=0.2)
            # the names' column is as wide as the widest name as drawn (plus the ticks and a margin) and the legend:
            # a name is never cut at the left edge of the image, whatever its letters
            renderer = self.canvas.get_renderer()
            widest = max([label.get_window_extent(renderer).width for label in first.get_yticklabels()]
                         + [legend.get_window_extent(renderer).width])
            left = min(0.6, (widest + MARGIN_PX) / (width_in * DPI))
            figure.subplots_adjust(left=left, right=0.97, top=1 - top_in / height_in, bottom=BOTTOM_IN / height_in,
                                   wspace=0.12)
            # the values beside the bars, as ``bar_label`` puts them, made once and moved for each chart
            self.labels = [[[axes.annotate("", (0.0, float(p.get_y() + p.get_height() / 2)), (0.0, 0.0),
                                           textcoords="offset points", ha="left", va="center", fontsize=8)
                             for p in container.patches] for container in bars]
                           for axes, bars in zip(self.panels, self.bars, strict=True)]
            # the static parts: everything but the bars and the two spines drawn over them, values and titles
            self.moving = [[*(p for b in bars for p in b.patches), axes.spines["left"], axes.spines["bottom"]]
                           for axes, bars in zip(self.panels, self.bars, strict=True)]
            for artist in (a for panel in self.moving for a in panel):
                artist.set_visible(False)
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(figure.bbox)
            for axes in self.panels:  # what no chart changes, the spines included (drawn over the bars in tiles)
                for side in ("left", "bottom"):
                    axes.spines[side].set_visible(True)
                    axes.draw_artist(axes.spines[side])
            self.static = np.asarray(self.canvas.buffer_rgba()).copy()
            for artist in (a for panel in self.moving for a in panel):
                artist.set_visible(True)
        self.figure = figure
        self.width, self.height = (int(x) for x in self.canvas.get_width_height())
        # band k of the image (from the top): half-way between rows k − 1 and k to half-way between k and k + 1
        ys = first.transData.transform([(0.0, k - 0.5) for k in range(rows + 1)])[:, 1]
        self.cuts = [0, *(min(max(int(round(self.height - y)), 0), self.height) for y in ys), self.height]
        # the columns of the panels (their bars, values and left spine); between them the image is static
        self.columns = []
        for axes in self.panels:
            box = axes.get_window_extent()
            self.columns.append((max(int(box.x0) - 3, 0), min(int(box.x1) + 4, self.width)))
        self.tiles: dict[tuple[int, int, float | None, float | None], Any] = {}  # (panel, row, start, end) → pixels

    def _set(self, panel: int, row: int, rating: Rating) -> list[Any]:
        """Set the two bars of ``row`` in ``panel`` and their values; the two bars, then the two values."""
        artists = []
        for n, (container, value) in enumerate(zip(self.bars[panel], rating[1:], strict=True)):
            patch, label = container.patches[row], self.labels[panel][n][row]
            width = float(value) if value is not None else 0.0
            patch.set_width(width)
            label.xy = (width, label.xy[1])
            label.xyann = (3.0 if width > 0 else 0.0, 0.0)  # as bar_label: no padding beside a bar of zero
            label.set_text(_label(width) if value is not None else "—")
            artists.append((patch, label))
        return [a for pair in zip(*artists, strict=True) for a in pair]

    def prepare(self, members: Sequence[Sequence[Rating]], titles: Sequence[str] = ()) -> None:
        """Set every bar, value and title for ``members`` (a full ``canvas.draw()`` then draws the chart)."""
        for panel, rows in enumerate(members):
            for row, rating in enumerate(rows):
                self._set(panel, row, rating)
            if panel < len(titles):
                self._title(panel, titles[panel])

    def _title(self, panel: int, title: str) -> Any:
        return self.panels[panel].set_title("\n".join(textwrap.wrap(title, TITLE_WRAP)), fontsize=9,
                                            fontweight="bold", pad=4)

    def band(self, row: int, members: Sequence[Sequence[Rating]]) -> Any:
        """The pixels of band ``row`` + 1 (a competency) for ``members``: the static image with each panel's
        tile, the tiles drawn only when not seen before (bars, the spines over them, values: a full draw's order)."""
        import matplotlib
        import numpy as np

        keys = [(panel, row, rows[row][1], rows[row][2]) for panel, rows in enumerate(members)]
        missing = [(panel, key) for panel, key in enumerate(keys) if key not in self.tiles]
        a, b = self.cuts[row + 1], self.cuts[row + 2]
        if missing:
            with matplotlib.rc_context(RC):
                self.canvas.restore_region(self.background)
                for panel, _ in missing:
                    bar_start, bar_end, label_start, label_end = self._set(panel, row, members[panel][row])
                    axes = self.panels[panel]
                    for artist in (bar_start, bar_end, axes.spines["left"], axes.spines["bottom"], label_start,
                                   label_end):
                        axes.draw_artist(artist)
                pixels = np.asarray(self.canvas.buffer_rgba())
                for panel, key in missing:
                    c0, c1 = self.columns[panel]
                    self.tiles[key] = pixels[a:b, c0:c1].copy()
        out = self.static[a:b].copy()
        for panel, key in enumerate(keys):
            c0, c1 = self.columns[panel]
            out[:, c0:c1] = self.tiles[key]
        return out

    def top(self, titles: Sequence[str]) -> Any:
        """The pixels of the top band: the static image with the panels' titles."""
        import matplotlib
        import numpy as np

        if not titles:
            return self.static[: self.cuts[1]]
        with matplotlib.rc_context(RC):
            self.canvas.restore_region(self.background)
            for axes in self.panels:  # the spines reach into the top band: drawn as in a full draw, then titles
                axes.draw_artist(axes.spines["left"])
                axes.draw_artist(axes.spines["bottom"])
            texts = [self._title(panel, title) for panel, title in enumerate(titles)]
            for text in texts:
                text.axes.draw_artist(text)
            pixels = np.asarray(self.canvas.buffer_rgba())[: self.cuts[1]].copy()
            for text in texts:
                text.set_text("")
        return pixels


_layouts: dict[tuple[Any, ...], _Layout] = {}
_segments: dict[tuple[Any, ...], _Segment] = {}


def competency_chart(ratings: Sequence[Rating]) -> bytes | None:
    """PNG bytes of the chart «В начале» / «В конце» for ``(competency, start, end)`` of one mentee; ``None``
    when nothing is rated."""
    return group_chart([("", ratings)])


def group_chart(members: Sequence[Member]) -> bytes | None:
    """PNG bytes of the chart of up to :data:`PANELS` mentees side by side, each panel under its title; the
    competencies are those rated for any of them, in the order first met. ``None`` when nothing is rated."""
    if not 1 <= len(members) <= PANELS:
        raise ValueError(f"{len(members)} panels")
    names: list[str] = []
    for _, ratings in members:
        for name, start, end in ratings:
            if (start is not None or end is not None) and str(name) not in names:
                names.append(str(name))
    if not names:
        return None
    rows = []
    for _, ratings in members:
        known = {str(name): (start, end) for name, start, end in ratings if start is not None or end is not None}
        rows.append([(name, *known.get(name, (None, None))) for name in names])
    titles = tuple(title for title, _ in members) if len(members) > 1 else ()
    shape = (tuple(names), len(members))
    layout = _layouts.get(shape)
    if layout is None:
        if len(_layouts) >= 32:  # a bound on memory when every chart has its own competencies
            _layouts.clear()
            _segments.clear()
        layout = _layouts[shape] = _Layout(names, len(members))
    keys: list[tuple[Any, ...]] = [(shape, "top", titles)]
    keys += [(shape, n, tuple((r[n][1], r[n][2]) for r in rows)) for n in range(len(names))]
    keys.append((shape, "bottom"))
    for band, (key, a, b) in enumerate(zip(keys, layout.cuts[:-1], layout.cuts[1:], strict=True)):
        if key in _segments or b <= a:
            continue
        if band == 0:
            _segments[key] = _segment(layout.top(titles))
        elif band == len(keys) - 1:
            _segments[key] = _segment(layout.static[a:b])
        else:
            _segments[key] = _segment(layout.band(band - 1, rows))  # type: ignore[arg-type]
    return _png(layout.width, layout.height, [_segments[k] for k in keys if k in _segments])
