"""Problems are data: a stable code, a severity, a location and a Russian message.

A :class:`Report` collects every problem of a run so that a user sees them all at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from dataclasses import field as dataclass_field

from toolkit.base import messages


@dataclass(frozen=True)
class Problem:
    """One problem: its stable code, where it is (``book`` is the workbook's key in the specs, «applications»
    for «02_Заявки», so nobody has to recognise a book by its file name), and the parameters its message was
    made of, for an interface that words it differently."""

    code: str
    severity: str
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    field: str = ""
    book: str = ""
    params: dict[str, object] = dataclass_field(default_factory=dict, hash=False, compare=False, repr=False)

    def as_dict(self) -> dict[str, str]:
        out = asdict(self)
        out.pop("params")
        return out

    def in_book(self, book: str) -> Problem:
        return replace(self, book=book)

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
            params=dict(params),
        )
        self.problems.append(problem)
        return problem

    def tag_books(self, books: dict[str, str], start: int = 0) -> None:
        """Give problems (from ``start``) without a book the book key of their file (``books``: label → key)."""
        for i in range(start, len(self.problems)):
            p = self.problems[i]
            if not p.book and p.file in books:
                self.problems[i] = p.in_book(books[p.file])

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

    def __reduce__(self) -> tuple[object, ...]:
        """Raised in a worker process (:mod:`toolkit.base.parallel`): the same error here, its exit code too (a
        subclass of other arguments comes back as this class, with its message and exit code)."""
        return NastavnikError, (self.message, self.exit_code)
