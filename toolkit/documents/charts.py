"""Chart images for the documents (matplotlib, imported only when a chart is drawn).

:func:`competency_chart` draws the competencies of a mentee at the start and now as a horizontal grouped bar
chart on the 1–5 scale: a PNG sized for the text width of an A4 page (16 cm), with the DejaVu Sans font that
matplotlib ships (Cyrillic without system fonts), and byte-for-byte the same for the same ratings (no
timestamp or software name in the PNG).
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

CHART_WIDTH_MM = 160
DPI = 150
START_COLOR, END_COLOR = "#A6A6A6", "#1F4E79"  # the colours of the table in the report: grey, dark blue

Rating = tuple[str, float | None, float | None]  # competency, at the start, now


def _label(value: float) -> str:
    return (f"{value:g}").replace(".", ",")


def competency_chart(ratings: Sequence[Rating]) -> bytes | None:
    """PNG bytes of the chart «Начало» / «Сейчас» for ``(competency, start, end)``; ``None`` when nothing is rated."""
    rows = [(name, start, end) for name, start, end in ratings if start is not None or end is not None]
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    names = ["\n".join(textwrap.wrap(str(name), 28)) or "—" for name, _, _ in rows]
    lines = sum(name.count("\n") + 1 for name in names)
    width_in = CHART_WIDTH_MM / 25.4
    height_in = 0.9 + 0.28 * max(lines, 2 * len(rows))
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "font.size": 9, "svg.hashsalt": "nastavnik"}):
        figure = Figure(figsize=(width_in, height_in), dpi=DPI)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        bar = 0.38
        positions = range(len(rows))
        for shift, label, color, column in ((-bar / 2, "Начало", START_COLOR, 1), (bar / 2, "Сейчас", END_COLOR, 2)):
            values = [float(r[column]) if r[column] is not None else 0.0 for r in rows]  # type: ignore[arg-type]
            bars = axes.barh([p + shift for p in positions], values, height=bar, color=color, label=label)
            texts = [_label(v) if r[column] is not None else "—" for v, r in zip(values, rows, strict=True)]
            axes.bar_label(bars, labels=texts, padding=3, fontsize=8)
        axes.set_yticks(list(positions), names)
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
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()
