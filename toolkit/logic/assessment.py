"""Scoring the candidates' test (stage 2, students): dimensions, each candidate's gaps, the group's focus.

Testing never screens anyone out: a low score is a gap to fill in training, not a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from toolkit.spec import Testing

if TYPE_CHECKING:
    from toolkit.model.program import ProgramData


@dataclass
class TestResult:
    id: str
    answered: int
    total: int
    scores: dict[str, float | None] = field(default_factory=dict)  # dimension key → mean on the scale
    gaps: list[str] = field(default_factory=list)  # dimension names below the threshold

    @property
    def complete(self) -> bool:
        return self.answered == self.total


@dataclass
class GroupResult:
    means: dict[str, float | None]
    focus: list[str]  # dimension names: the focus of training
    tested: int


def item_keys(testing: Testing) -> list[tuple[str, str, bool]]:
    """(answer column key, dimension key, reverse-scored) for every statement in order."""
    out = []
    n = 0
    for dim in testing.dimensions:
        for _text, reverse in dim.items:
            n += 1
            out.append((f"q{n}", dim.key, reverse))
    return out


def score_answers(testing: Testing, answers: dict[str, object], threshold: float) -> tuple[dict[str, float | None], list[str], int]:
    """Mean per dimension (reverse items flipped), the gaps, and how many items were answered."""
    sums: dict[str, list[float]] = {d.key: [] for d in testing.dimensions}
    answered = 0
    for key, dim, reverse in item_keys(testing):
        value = answers.get(key)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        answered += 1
        score = (testing.scale_min + testing.scale_max - value) if reverse else value
        sums[dim].append(float(score))
    scores: dict[str, float | None] = {k: (round(sum(v) / len(v), 2) if v else None) for k, v in sums.items()}
    gaps = [d.name for d in testing.dimensions if scores[d.key] is not None and scores[d.key] < threshold]  # type: ignore[operator]
    return scores, gaps, answered


def score_program(data: ProgramData) -> tuple[dict[str, TestResult], GroupResult | None]:
    testing = data.program.profile.testing
    if testing is None:
        return {}, None
    threshold = data.gap_threshold()
    total = len(item_keys(testing))
    results: dict[str, TestResult] = {}
    for row in data.rows("testing", "answers"):
        pid = row.values.get("id")
        if not pid or pid not in data.participants or pid in results:
            continue
        scores, gaps, answered = score_answers(testing, row.values, threshold)
        results[pid] = TestResult(pid, answered, total, scores, gaps)
    means: dict[str, float | None] = {}
    for dim in testing.dimensions:
        values = [r.scores[dim.key] for r in results.values() if r.complete and r.scores.get(dim.key) is not None]
        means[dim.key] = round(sum(values) / len(values), 2) if values else None  # type: ignore[arg-type]
    ranked = sorted((m, i, d.name) for i, d in enumerate(testing.dimensions) if (m := means[d.key]) is not None)
    below = [name for m, _, name in ranked if m < threshold]
    focus = below if len(below) >= testing.focus_count else [name for _, _, name in ranked[: testing.focus_count]]
    tested = sum(1 for r in results.values() if r.complete)
    return results, GroupResult(means, focus if tested else [], tested)
