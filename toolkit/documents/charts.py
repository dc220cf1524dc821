"""Chart images for the documents (matplotlib, imported only when a chart is drawn).

:func:`competency_chart` draws the competencies of a mentee at the start and now as a horizontal grouped bar
chart on the 1–5 scale: a PNG sized for the text width of an A4 page (16 cm), with the DejaVu Sans font that
matplotlib ships (Cyrillic without system fonts), and byte-for-byte the same for the same ratings (no
timestamp or software name in the PNG).

Hundreds of charts share their competencies and differ only in the ratings, so a chart is not drawn from
scratch each time: one figure per list of competencies is kept with its static parts (axes, ticks, names,
legend) drawn once; the bars and their values are drawn over it. The image is cut into horizontal bands, one
per competency (its two bars and their values never leave the band), and every band is kept compressed under
its (competency row, start, now) key: a chart whose bands were all seen before is only put together from
them. The pixels are exactly those of a chart drawn alone (``tests/test_progress_chart.py`` compares them).
"""

from __future__ import annotations

import struct
import textwrap
import zlib
from collections.abc import Sequence
from typing import Any

CHART_WIDTH_MM = 160
DPI = 150
START_COLOR, END_COLOR = "#A6A6A6", "#1F4E79"  # the colours of the table in the report: grey, dark blue
RC: Any = {"font.family": "DejaVu Sans", "font.size": 9, "svg.hashsalt": "nastavnik"}

Rating = tuple[str, float | None, float | None]  # competency, at the start, now
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
    """The figure of one list of competencies: static parts drawn once, bands of the rows known."""

    def __init__(self, names: Sequence[str]) -> None:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        wrapped = ["\n".join(textwrap.wrap(str(name), 28)) or "—" for name in names]
        lines = sum(name.count("\n") + 1 for name in wrapped)
        rows = len(wrapped)
        width_in = CHART_WIDTH_MM / 25.4
        height_in = 0.9 + 0.28 * max(lines, 2 * rows)
        with matplotlib.rc_context(RC):
            figure = Figure(figsize=(width_in, height_in), dpi=DPI)
            self.canvas = FigureCanvasAgg(figure)
            axes = figure.add_subplot()
            bar = 0.38
            positions = range(rows)
            self.bars = [axes.barh([p + shift for p in positions], [0.0] * rows, height=bar, color=color, label=label)
                         for shift, label, color in ((-bar / 2, "Начало", START_COLOR), (bar / 2, "Сейчас", END_COLOR))]
            axes.set_yticks(list(positions), wrapped)
            axes.invert_yaxis()  # the first competency on top, as in the table
            axes.set_xlim(0, 5.6)
            axes.set_xticks([1, 2, 3, 4, 5])
            axes.set_xlabel("Оценка (1–5)")
            axes.grid(axis="x", color="#D9D9D9", linewidth=0.6)
            axes.set_axisbelow(True)
            for side in ("top", "right"):
                axes.spines[side].set_visible(False)
            axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False)
            # fixed margins (names are wrapped to 28 characters): as good as tight_layout here, and faster
            figure.subplots_adjust(left=0.34, right=0.97, top=1 - 0.4 / height_in, bottom=0.5 / height_in)
            # the static parts: everything but the bars and the two spines drawn over them
            self.moving = [p for bars in self.bars for p in bars.patches] + [axes.spines["left"], axes.spines["bottom"]]
            for artist in self.moving:
                artist.set_visible(False)
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(figure.bbox)
            for artist in self.moving:
                artist.set_visible(True)
        self.figure, self.axes = figure, axes
        self.width, self.height = (int(x) for x in self.canvas.get_width_height())
        # band k of the image (from the top): half-way between rows k − 1 and k to half-way between k and k + 1
        ys = axes.transData.transform([(0.0, k - 0.5) for k in range(rows + 1)])[:, 1]
        self.cuts = [0, *(min(max(int(round(self.height - y)), 0), self.height) for y in ys), self.height]

    def draw(self, rows: Sequence[Rating]) -> Any:
        """The pixels (h × w × 4) of the chart of ``rows``, the same as a figure drawn for them alone."""
        import matplotlib
        import numpy as np

        with matplotlib.rc_context(RC):
            self.canvas.restore_region(self.background)
            labels = []
            for bars, column in zip(self.bars, (1, 2), strict=True):
                values = [float(r[column]) if r[column] is not None else 0.0 for r in rows]  # type: ignore[arg-type]
                for patch, value in zip(bars.patches, values, strict=True):
                    patch.set_width(value)
                texts = [_label(v) if r[column] is not None else "—" for v, r in zip(values, rows, strict=True)]
                labels += self.axes.bar_label(bars, labels=texts, padding=3, fontsize=8)
            for artist in [*self.moving, *labels]:  # the order of a full draw: bars, spines, values
                self.axes.draw_artist(artist)
            pixels = np.asarray(self.canvas.buffer_rgba()).copy()
            for text in labels:
                text.remove()
        return pixels


_layouts: dict[tuple[str, ...], _Layout] = {}
_segments: dict[tuple[Any, ...], _Segment] = {}


def competency_chart(ratings: Sequence[Rating]) -> bytes | None:
    """PNG bytes of the chart «Начало» / «Сейчас» for ``(competency, start, end)``; ``None`` when nothing is rated."""
    rows = [(name, start, end) for name, start, end in ratings if start is not None or end is not None]
    if not rows:
        return None
    names = tuple(str(name) for name, _, _ in rows)
    layout = _layouts.get(names)
    if layout is None:
        if len(_layouts) >= 32:  # a bound on memory when every chart has its own competencies
            _layouts.clear()
            _segments.clear()
        layout = _layouts[names] = _Layout(names)
    keys: list[tuple[Any, ...]] = [(names, "top")]
    keys += [(names, n, start, end) for n, (_, start, end) in enumerate(rows)]
    keys.append((names, "bottom"))
    if any(key not in _segments for key in keys):
        pixels = layout.draw(rows)
        for key, a, b in zip(keys, layout.cuts[:-1], layout.cuts[1:], strict=True):
            if key not in _segments and b > a:
                _segments[key] = _segment(pixels[a:b])
    return _png(layout.width, layout.height, [_segments[k] for k in keys if k in _segments])
