"""Problems are data: a stable code, a severity, a location and a Russian message.

A :class:`Report` collects every problem of a run so that a user sees them all at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field

from toolkit.base import messages


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    field: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def location(self) -> str:
        parts = [p for p in (self.file, self.sheet and f"лист «{self.sheet}»", self.cell and f"ячейка {self.cell}") if p]
        return ", ".join(parts)

    def flat(self) -> list[str]:
        """[sheet, cell, code]: the short form tests compare."""
        return [self.sheet, self.cell, self.code]


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        code: str,
        *,
        file: str = "",
        sheet: str = "",
        cell: str = "",
        field: str = "",
        **params: object,
    ) -> Problem:
        problem = Problem(
            code=code,
            severity=messages.severity_of(code),
            message=messages.render(code, file=file, sheet=sheet, cell=cell, field=field, **params),
            file=file,
            sheet=sheet,
            cell=cell,
            field=field,
        )
        self.problems.append(problem)
        return problem

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def __len__(self) -> int:
        return len(self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == messages.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == messages.WARNING]

    def flat(self) -> list[list[str]]:
        return [p.flat() for p in self.problems]

    def as_json(self) -> dict[str, list[dict[str, str]]]:
        return {"problems": [p.as_dict() for p in self.problems]}


class NastavnikError(Exception):
    """An error a user can cause and fix: shown as one Russian sentence, exit code 2."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
