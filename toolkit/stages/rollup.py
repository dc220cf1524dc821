"""The municipality's roll-up (``nastavnik rollup ВХОДЯЩИЕ --out Сводка.xlsx``): one summary of the
anonymised exports (:mod:`toolkit.stages.export`) its schools sent by e-mail.

Every spreadsheet in the folder tree is read (any names); a file that is not an export, or comes from a
layout this version does not know, is refused with its name and the reason, the others are summed. When a
school sent several exports of one form and year, the one made last counts and the others are named.

The roll-up only ever sees pseudonyms. It still publishes nothing that would single out a person: a count
of people of 1 to 4 in a cell is shown as «<5», and when a suppressed cell could be recovered by subtraction
(from its row's total or its form's total) the smallest other count of that sum is suppressed too; averages
of fewer than 5 evaluations and shares of fewer than 5 pairs are not shown. The monitoring (sheets «Анкеты»
and «Рост участников») follows the same rule: answered questionnaires and mentees measured are counts of people,
means of fewer than 5 answers and shares of fewer than 5 mentees are not shown; the totals by form and of the
municipality are weighted by the answers (the exact sums of each export's «_meta»). An export of the previous
layout (format 2, before the monitoring) is still summed, its monitoring cells left empty.

Means and shares get complementary suppression too (:func:`suppress_means`, the same :func:`suppress` on the
numbers of answers behind them). A published total mean is Σ mean × answers / Σ answers, and the answers are
published or nearly (answered questionnaires, mentees measured, pairs; the evaluations of meetings follow the
meetings), so a school's hidden mean = total × its answers − Σ others' means × theirs. Within each published
total — a form's schools with the form's mean («По формам», «Все школы»), and where the municipality's mean is
published («Анкеты», «Рост участников») the forms with it — a total with exactly one hidden mean gets the mean
with the fewest answers among the others hidden too, until no total has exactly one. When the only other is the
form's own total (the other schools had no answers) it has fewer than 5 answers too and is hidden already. A
form of two schools, one small, gets both schools hidden and keeps its total: one equation with two unknowns
gives neither away, while hiding the total instead would leave it recoverable from the municipality's total
and the other forms. A form's total hidden from above (a form of one small school makes the municipality's
total give away the other forms' sum) hides a second school of that form in turn. Every column of one row of
«Рост участников» (on entry, on exit, change, improved, worsened) rests on the same mentees and is hidden
together; the share that improved goes to next year's «год назад» only where it is shown. A hidden mean reads
«—», as a mean of fewer than 5 answers always has.

Files are read one at a time and reduced at once to a few numbers (pandas for the counts), so memory does
not grow with the number of participants of the region.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.base import files
from toolkit.base.problems import NastavnikError, Report
from toolkit.base.values import clean_text, fold, format_number
from toolkit.books.printing import apply_print_layout
from toolkit.logic.monitoring import SURVEY_ITEMS, SURVEY_LABELS, Indicator, indicators
from toolkit.stages.export import EXPORT_FORMAT, EXPORT_KIND

ROLLUP_KIND = "nastavnik-rollup"
ROLLUP_FORMAT = 1
DEFAULT_NAME = "Сводка по наставничеству.xlsx"
TARGET = 0.70  # the national target: 70 % of pupils in mentorship
SMALL = 5  # fewer people than this in a cell would identify them
SMALL_MARK = "<5"
# a count of 5 or more hidden only so that a «<5» of its sum cannot be worked out (as Rosstat marks what it keeps
# confidential): «<5» there would state something false
HIDDEN_MARK = "…"
STAGES = range(1, 8)
EXPORT_SHEETS = ("Сводка", "Участники", "Пары")
META_SHEET = "_meta"
INT_KEYS = ("mentors", "mentees", "pairs", "pairs_attention", "meetings", "mentor_score_n", "mentee_score_n",
            "practices_level1", "practices_level2", "practices_level3", "practices", "pupils_in_pairs")
FLOAT_KEYS = ("mentor_score_sum", "mentee_score_sum")
TEXT_KEYS = ("school_key", "school", "form", "form_name", "year", "created", "role_mentor", "role_mentee")
READ_FORMATS = (2, EXPORT_FORMAT)  # format 2 is format 3 without the monitoring: read, its monitoring empty
MONITORING_FORMAT = 3  # the first layout whose «_meta» carries the monitoring («mon_…»)
MON_KEYS = ("mon_mentors_answered", "mon_mentors_total", "mon_mentees_answered", "mon_mentees_total",
            "mon_go_on_yes", "mon_go_on_n", "mon_become_mentor_yes", "mon_become_mentor_n")
INDICATORS: dict[str, Indicator] = {i.key: i for kind in ("pupil", "teacher") for i in indicators(kind)}
ROLES = ("mentor", "mentee")


@dataclass
class Source:
    """One school's export reduced to what the roll-up needs."""

    path: Path
    label: str  # the file's path inside the inbox
    meta: dict[str, str]
    numbers: dict[str, float]
    pupils_total: int | None
    stages: dict[tuple[str, int], int]  # (role, stage) -> people
    monitoring: dict[str, float] | None = None  # the «mon_…» numbers; None: an export made before the monitoring

    @property
    def key(self) -> tuple[str, str, str]:
        return self.meta["school_key"], self.meta["form"], self.meta["year"]

    @property
    def created(self) -> str:
        return self.meta["created"]


@dataclass
class Rollup:
    year: str
    sources: list[Source]  # one per school, form and year
    superseded: list[tuple[Source, Source]] = field(default_factory=list)  # (not counted, the later one)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    previous: dict[str, str] = field(default_factory=dict)  # «_meta» of last year's summary


# --------------------------------------------------------------------------- reading


def find_exports(inbox: Path, skip: Iterable[Path] = ()) -> list[Path]:
    """Spreadsheets in the folder tree, by path; lock files, temporaries, backups and ``skip`` left out."""
    skipped = {p.resolve() for p in skip}
    out = []
    for path in sorted(inbox.rglob("*")):
        rel = path.relative_to(inbox)
        if files.BACKUP_DIR in rel.parts[:-1] or not path.is_file():
            continue
        if files.is_lock_file(path) or path.name.startswith(".~tmp-") or path.resolve() in skipped:
            continue
        if path.suffix.lower() in files.SPREADSHEET_SUFFIXES:
            out.append(path)
    return out


def _meta_rows(rows: list[list[Any]]) -> dict[str, str]:
    return {clean_text(r[0]): clean_text(r[1]) for r in rows if len(r) >= 2 and clean_text(r[0])}


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def read_export(path: Path, label: str, report: Report) -> Source | None:
    """The export in ``path`` or None with the reason in ``report`` (the file named by ``label``)."""
    import pandas as pd

    from toolkit.books.reader import SheetTooLarge, open_book

    book = open_book(path, report, label)
    if book is None:
        return None
    names = set(book.sheet_names)
    try:
        meta = _meta_rows(book.rows(META_SHEET, limit=200)[0]) if META_SHEET in names else {}
    except SheetTooLarge:
        meta = {}
    if meta.get("kind") == ROLLUP_KIND:
        report.add("rollup-is-summary", file=label)
        return None
    if meta.get("kind") != EXPORT_KIND:
        if set(EXPORT_SHEETS) <= names:  # the sheets of an export made before exports carried «_meta»
            report.add("rollup-old-format", file=label, found=1, expected=EXPORT_FORMAT)
        else:
            report.add("rollup-not-export", file=label)
        return None
    found = meta.get("format", "")
    if not found.isdigit() or int(found) not in READ_FORMATS:
        code = "rollup-new-format" if found.isdigit() and int(found) > EXPORT_FORMAT else "rollup-old-format"
        report.add(code, file=label, found=found or "?", expected=EXPORT_FORMAT, version=meta.get("toolkit", "?"))
        return None
    missing = [k for k in TEXT_KEYS if not meta.get(k)]
    numbers: dict[str, float] = {}
    for key in (*INT_KEYS, *FLOAT_KEYS):
        value = _number(meta.get(key, ""))
        if value is None or (key in INT_KEYS and not value.is_integer()):
            missing.append(key)
        else:
            numbers[key] = value
    monitoring: dict[str, float] | None = None
    if int(found) >= MONITORING_FORMAT:
        monitoring = {}
        keys = [*MON_KEYS, *(f"mon_{item}_{role}_{x}" for item in _listed(meta, "mon_items", SURVEY_ITEMS)
                             for role in ROLES for x in ("sum", "n")),
                *(f"mon_{key}_{x}" for key in _listed(meta, "mon_growth", INDICATORS)
                  for x in ("n", "entry_sum", "exit_sum", "better", "worse"))]
        for key in keys:
            value = _number(meta.get(key, ""))
            if value is None or (not key.endswith("_sum") and not value.is_integer()):
                missing.append(key)
            else:
                monitoring[key] = value
    pupils = _number(meta.get("pupils_total", "")) if meta.get("pupils_total") else None
    if missing or "Участники" not in names:
        report.add("rollup-broken", file=label,
                   detail=f"нет значений {', '.join(missing)}" if missing else "нет листа «Участники»")
        return None
    try:
        rows, _ = book.rows("Участники")
    except SheetTooLarge as exc:
        exc.report(report, label)
        return None
    roles = {fold(meta["role_mentor"]): "mentor", fold(meta["role_mentee"]): "mentee"}
    frame = pd.DataFrame([(r[1] if len(r) > 1 else None, r[4] if len(r) > 4 else None) for r in rows[1:]],
                         columns=["role", "stage"], dtype=object)
    stages: dict[tuple[str, int], int] = {}
    # the distinct (role, stage) texts are few: count them first, then understand each once
    for (role_text, stage_text), n in frame.value_counts(dropna=False, sort=False).items():
        role = roles.get(fold(role_text))
        head = clean_text(stage_text).split(".", 1)[0]
        if role is None or not head.isdigit() or int(head) not in STAGES:
            where = frame.index[(frame["role"] == role_text) & (frame["stage"] == stage_text)]
            row = int(where[0]) + 2 if len(where) else 2
            report.add("rollup-broken", file=label, detail=f"лист «Участники», строка {row}: неизвестная роль или этап")
            return None
        stages[(role, int(head))] = stages.get((role, int(head)), 0) + int(n)
    for role in ("mentor", "mentee"):
        if sum(n for (r, _), n in stages.items() if r == role) != numbers[f"{role}s"]:
            report.add("rollup-broken", file=label, detail="число участников на листе «Участники» не сходится со сводкой")
            return None
    if monitoring is not None:  # the numbers are kept once, as numbers (a region holds a thousand of these)
        meta = {k: v for k, v in meta.items() if k not in monitoring}
    return Source(path, label, meta, numbers, int(pupils) if pupils else None, stages, monitoring)


def _listed(meta: dict[str, str], key: str, known: Iterable[str]) -> list[str]:
    """The keys named in ``meta[key]`` («a,b,c») that this version knows, in their order."""
    names = set(known)
    return [k for k in (x.strip() for x in meta.get(key, "").split(",")) if k in names]


def _read_one(job: tuple[Path, str]) -> tuple[Source | None, list[Any]]:
    report = Report()
    source = read_export(job[0], job[1], report)
    return source, list(report)


def _read_all(jobs: list[tuple[Path, str]]) -> Iterable[tuple[Source | None, list[Any]]]:
    """Exports read one at a time, each reduced at once to a few numbers: memory does not grow with the
    region. (Two processes were measured slower below a few hundred files and fragile to start: not used.)"""
    yield from map(_read_one, jobs)


def read_previous(path: Path, option: str = "--previous") -> dict[str, str]:
    """The «_meta» of last year's summary (its shown values by school and form), or a refusal naming it (and the
    command's ``option`` that named it; the desk has none)."""
    from toolkit.books.reader import open_book

    report = Report()
    book = open_book(path, report, path.name)
    if book is None:
        raise NastavnikError(f"{path.name}: {report.errors[0].message}" if report.errors else path.name)
    meta = _meta_rows(book.rows(META_SHEET, limit=files.MAX_ROWS)[0]) if META_SHEET in book.sheet_names else {}
    if meta.get("kind") != ROLLUP_KIND:
        if not option:
            raise NastavnikError(f"Файл «{path.name}» — не сводка муниципалитета, сделанная «Наставником»: для "
                                 "сравнения с прошлым годом выберите прошлогоднюю сводку.")
        raise NastavnikError(f"Файл «{path.name}» ({option}) — не сводка, сделанная командой «nastavnik rollup»: "
                             "укажите прошлогоднюю сводку.")
    return meta


def build_rollup(inbox: Path, report: Report, out: Path | None = None, previous: Path | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Rollup:
    if not inbox.is_dir():
        raise NastavnikError(f"Папка «{inbox}» не найдена. Укажите папку, куда сложены выгрузки школ.")
    paths = find_exports(inbox, [out] if out else [])
    read: list[Source] = []
    jobs = [(path, str(path.relative_to(inbox))) for path in paths]
    for n, (source, problems) in enumerate(_read_all(jobs), start=1):
        report.extend(problems)
        if source is not None:
            read.append(source)
        if progress:
            progress(n, len(paths))
    if not read:
        found = f"файлов таблиц: {len(paths)}, ни один не выгрузка школы" if paths else "в ней нет файлов таблиц"
        raise NastavnikError(f"В папке «{inbox}» нет ни одной обезличенной выгрузки школы ({found}). Сложите туда "
                             "файлы, которые делает «nastavnik export ПАПКА --anonymize».", exit_code=2)
    years: dict[str, int] = {}
    for s in read:
        years[s.meta["year"]] = years.get(s.meta["year"], 0) + 1
    year = max(years, key=lambda y: (years[y], y))
    latest: dict[tuple[str, str, str], Source] = {}
    for s in sorted(read, key=lambda s: (s.created, s.meta.get("date", ""), s.label)):
        if s.meta["year"] != year:
            report.add("rollup-other-year", file=s.label, found=s.meta["year"], year=year)
            continue
        latest[s.key] = s
    rollup = Rollup(year, sorted(latest.values(), key=lambda s: (fold(s.meta["school"]), s.meta["school_key"],
                                                                 s.meta["form_name"])))
    for s in read:
        kept = latest.get(s.key)
        if s.meta["year"] == year and kept is not None and kept is not s:
            rollup.superseded.append((s, kept))
    for kept in rollup.sources:
        older = [s for s, k in rollup.superseded if k is kept]
        if older:
            report.add("rollup-superseded", file=kept.label, school=kept.meta["school"], form=kept.meta["form_name"],
                       year=year, created=_shown_time(kept.created),
                       dropped=", ".join(f"«{s.label}» ({_shown_time(s.created)})" for s in older))
    rollup.refused = [(p.file, p.message) for p in report.errors]
    if previous is not None:
        rollup.previous = read_previous(previous)
    return rollup


def _shown_time(created: str) -> str:
    try:
        return dt.datetime.fromisoformat(created).strftime("%d.%m.%Y %H:%M")
    except ValueError:
        return created


# --------------------------------------------------------------------------- tables


@dataclass
class Cell:
    """A count of people that may have to be suppressed."""

    value: int
    suppressed: bool = False
    secondary: bool = False  # hidden to protect another cell, not because it is small itself

    def shown(self) -> int | str:
        if not self.suppressed:
            return self.value
        return HIDDEN_MARK if self.secondary else SMALL_MARK


def suppress(groups: list[list[Cell]]) -> None:
    """Primary: 1–4 people. Secondary: a published sum (a group) with exactly one suppressed cell gets its
    smallest other non-zero cell suppressed too, until no sum gives a suppressed cell away."""
    for group in groups:
        for c in group:
            if 0 < c.value < SMALL:
                c.suppressed = True
    changed = True
    while changed:
        changed = False
        for group in groups:
            hidden = [c for c in group if c.suppressed]
            if len(hidden) == 1:
                rest = [c for c in group if not c.suppressed and c.value > 0]
                if rest:
                    chosen = min(rest, key=lambda c: c.value)
                    chosen.suppressed = chosen.secondary = True  # 5 or more: 1–4 are hidden already
                    changed = True


@dataclass
class MeanCells:
    """The numbers of answers behind one mean column (or share column): by school and form, by form and of the
    municipality. A mean is shown only where its cell is not suppressed and has 5 answers or more."""

    school: dict[int, Cell]  # id(source) -> its answers
    form: dict[str, Cell]  # form -> the answers of its schools
    region: Cell

    def at(self, where: int | str | None) -> Cell:
        """The cell of a school (the id of its source), of a form (its key) or of the municipality (None)."""
        return self.region if where is None else self.school[where] if isinstance(where, int) else self.form[where]


def suppress_means(answers: Iterable[tuple[Source, float]], region: bool) -> MeanCells:
    """Primary and complementary suppression of one column of means weighted by their answers, with the same
    :func:`suppress` as the counts. A total mean times its answers is the sum of its parts' means times theirs, so
    one hidden mean of a published total could be recovered by subtraction (the answers are published or nearly:
    «Заполнили анкету», «Наставляемых с замером», pairs). Each published total is a group: the schools of a form
    with the form's total, and (``region``: the sheet publishes the municipality's mean) the forms with the
    municipality's total. A group with exactly one hidden mean gets the one with the fewest answers among its
    others hidden too, until stable. ``answers``: (school's source, its answers) where the column has a mean."""
    school: dict[int, Cell] = {}
    of_form: dict[str, list[Cell]] = {}
    for s, n in answers:
        school[id(s)] = cell = Cell(int(n))
        of_form.setdefault(s.meta["form"], []).append(cell)
    form = {f: Cell(sum(c.value for c in cells)) for f, cells in of_form.items()}
    whole = Cell(sum(c.value for c in form.values()))
    groups = [[*cells, form[f]] for f, cells in of_form.items()]
    suppress([*groups, [*form.values(), whole]] if region else groups)
    return MeanCells(school, form, whole)


@dataclass
class Tables:
    headline: list[tuple[str, Any]]
    coverage: list[list[Any]]  # by school
    by_school: list[list[Any]]  # by school and form
    stages: list[list[Any]]  # by school, form and role
    by_form: list[list[Any]]
    files_: list[list[Any]]
    bands: list[tuple[str, int]]  # schools by coverage band (chart)
    meta: dict[str, str]
    stage_names: list[list[Any]]
    survey: list[list[Any]] = field(default_factory=list)  # monitoring, stage 1: by school, form and role
    growth: list[list[Any]] = field(default_factory=list)  # monitoring, stage 2: by school, form and indicator


def _pct(part: float, whole: float) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _mean(total: float, n: float, cell: Cell | None = None) -> float | str:
    """The mean, or «—»: fewer than 5 answers, or hidden so that a published total does not give another away."""
    return round(total / n, 2) if n >= SMALL and not (cell and cell.suppressed) else "—"


def _share(part: float, n: float, cell: Cell | None = None) -> float | str:
    """A share in % of ``n`` people or pairs, not shown as :func:`_mean`."""
    return _pct(part, n) if n >= SMALL and not (cell and cell.suppressed) else "—"


BANDS = ((0, 10), (10, 30), (30, 50), (50, 70), (70, 101))


def build_tables(rollup: Rollup) -> Tables:
    import pandas as pd

    frame = pd.DataFrame([{**{k: s.meta[k] for k in ("school_key", "school", "form", "form_name")},
                           "city": s.meta.get("city", ""), "date": s.meta.get("date", ""),
                           "pupils_total": s.pupils_total, **s.numbers} for s in rollup.sources])
    prev = rollup.previous
    # coverage of pupils, by school: the sum over the school's forms (a pupil in two forms counts twice)
    schools = frame.groupby("school_key", sort=False).agg(
        school=("school", "first"), city=("city", "first"), pupils_total=("pupils_total", "max"),
        pupils_in_pairs=("pupils_in_pairs", "sum"))
    coverage: list[list[Any]] = []
    meta: dict[str, str] = {"kind": ROLLUP_KIND, "format": str(ROLLUP_FORMAT), "year": rollup.year,
                            "created": dt.datetime.now().strftime("%Y-%m-%dT%H:%M:%S")}
    band_counts = [0] * len(BANDS)
    reached = counted = 0
    for key, row in schools.iterrows():
        total = row["pupils_total"]
        inside = int(row["pupils_in_pairs"])
        if pd.isna(total) or not total:
            share: float | str = "—"
            verdict = "не указано число обучающихся"
        elif 0 < inside < SMALL:
            share, verdict = SMALL_MARK, "нет"
        else:
            value = min(_pct(inside, float(total)), 100.0)
            share, verdict = value, "да" if value >= 100 * TARGET else "нет"
            counted += 1
            reached += value >= 100 * TARGET
            band_counts[next(i for i, (lo, hi) in enumerate(BANDS) if lo <= value < hi)] += 1
        if isinstance(share, float) or share == SMALL_MARK:
            meta[f"coverage|{key}"] = str(share)
        before = prev.get(f"coverage|{key}", "")
        change: Any = "—"
        if isinstance(share, float) and _number(before) is not None:
            change = round(share - float(before), 1)
        shown_total: Any = int(total) if not pd.isna(total) and total else "—"
        shown_inside: Any = SMALL_MARK if 0 < inside < SMALL else inside
        coverage.append([row["school"], row["city"], shown_total, shown_inside, share, verdict,
                         (float(before) if _number(before) is not None else before) if prev else "", change])
    # by school and form; counts of people suppressed with their sums
    by_school: list[list[Any]] = []
    stage_rows: list[list[Any]] = []
    groups: list[list[Cell]] = []
    columns: dict[tuple[str, str], list[Cell]] = {}  # (form, column) -> cells: the form's total is published
    grid: list[tuple[Source, dict[str, Cell], dict[str, list[Cell]]]] = []
    for s in rollup.sources:
        people = {"mentors": Cell(int(s.numbers["mentors"])), "mentees": Cell(int(s.numbers["mentees"])),
                  "pairs": Cell(int(s.numbers["pairs"]))}
        by_stage = {role: [Cell(s.stages.get((role, n), 0)) for n in STAGES] for role in ("mentor", "mentee")}
        for role in ("mentor", "mentee"):
            groups.append([*by_stage[role], people[f"{role}s"]])
        for name, c in people.items():
            columns.setdefault((s.meta["form"], name), []).append(c)
        for role in ("mentor", "mentee"):
            for n, c in zip(STAGES, by_stage[role], strict=True):
                columns.setdefault((s.meta["form"], f"{role}{n}"), []).append(c)
        grid.append((s, people, by_stage))
    groups.extend(cells for cells in columns.values() if len(cells) > 1)
    suppress(groups)
    # the means of the meetings' scores and the share of pairs needing attention: their totals by form are
    # published (sheet «По формам»), none of the municipality
    means = {key: suppress_means(((s, s.numbers[key]) for s in rollup.sources), region=False)
             for key in ("mentor_score_n", "mentee_score_n", "pairs")}
    for s, people, by_stage in grid:
        num = s.numbers
        by_school.append([
            s.meta["school"], s.meta["form_name"], _date(s.meta.get("date", "")), people["mentors"].shown(),
            people["mentees"].shown(), people["pairs"].shown(),
            _share(num["pairs_attention"], num["pairs"], means["pairs"].school[id(s)]), int(num["meetings"]),
            _mean(num["mentor_score_sum"], num["mentor_score_n"], means["mentor_score_n"].school[id(s)]),
            _mean(num["mentee_score_sum"], num["mentee_score_n"], means["mentee_score_n"].school[id(s)]),
            *(int(num[f"practices_level{i}"]) for i in (1, 2, 3)), int(num["practices"]),
        ])
        for role in ("mentor", "mentee"):
            name = s.meta[f"role_{role}"]
            stage_rows.append([s.meta["school"], s.meta["form_name"], name,
                               *(c.shown() for c in by_stage[role]), people[f"{role}s"].shown()])
    # by form: region totals
    by_form: list[list[Any]] = []
    sums = frame.groupby(["form", "form_name"], sort=True).agg(
        schools=("school_key", "nunique"), mentors=("mentors", "sum"), mentees=("mentees", "sum"),
        pairs=("pairs", "sum"), attention=("pairs_attention", "sum"), meetings=("meetings", "sum"),
        ms=("mentor_score_sum", "sum"), mn=("mentor_score_n", "sum"), es=("mentee_score_sum", "sum"),
        en=("mentee_score_n", "sum"), p1=("practices_level1", "sum"), p2=("practices_level2", "sum"),
        p3=("practices_level3", "sum"), p=("practices", "sum"))
    totals: dict[str, float] = {}
    form_cells = {(form, k): Cell(int(r[k])) for (form, _), r in sums.iterrows() for k in ("mentors", "mentees", "pairs")}
    suppress([[c for (_, k), c in form_cells.items() if k == name] for name in ("mentors", "mentees", "pairs")])
    for (form, form_name), r in sums.iterrows():
        people_count = int(r["mentors"] + r["mentees"])
        for k in ("mentors", "mentees", "pairs", "meetings", "p"):
            totals[k] = totals.get(k, 0) + float(r[k])
        meta[f"form|{form}|participants"] = str(people_count)
        meta[f"form|{form}|pairs"] = str(int(r["pairs"]))
        before_people = prev.get(f"form|{form}|participants", "")
        before_pairs = prev.get(f"form|{form}|pairs", "")
        by_form.append([form_name, int(r["schools"]), *(form_cells[(form, k)].shown() for k in ("mentors", "mentees", "pairs")),
                        _share(r["attention"], r["pairs"], means["pairs"].form[form]), int(r["meetings"]),
                        _mean(r["ms"], r["mn"], means["mentor_score_n"].form[form]),
                        _mean(r["es"], r["en"], means["mentee_score_n"].form[form]), int(r["p1"]), int(r["p2"]), int(r["p3"]),
                        int(r["p"]), int(before_people) if before_people.isdigit() else "—",
                        int(before_pairs) if before_pairs.isdigit() else "—"])
    pupils_known = schools[schools["pupils_total"].notna()]
    region_total = float(pupils_known["pupils_total"].sum())
    region_inside = float(pupils_known["pupils_in_pairs"].sum())
    region = min(_pct(region_inside, region_total), 100.0) if region_total else None
    meta["coverage"] = str(region) if region is not None else ""
    before_region = _number(prev.get("coverage", "")) if prev.get("coverage") else None
    headline: list[tuple[str, Any]] = [
        ("Учебный год", rollup.year),
        ("Школ в сводке", len(schools)),
        ("Выгрузок учтено", len(rollup.sources)),
        ("Выгрузок не учтено: есть более поздняя той же школы", len(rollup.superseded)),
        ("Файлов не принято", len(rollup.refused)),
        ("Наставников", int(totals.get("mentors", 0))),
        ("Наставляемых", int(totals.get("mentees", 0))),
        ("Пар и групп", int(totals.get("pairs", 0))),
        ("Проведено встреч", int(totals.get("meetings", 0))),
        ("Лучших практик", int(totals.get("p", 0))),
        ("Охват обучающихся наставничеством, % (школы, указавшие число обучающихся)",
         region if region is not None else "—"),
        ("Целевое значение охвата, %", round(100 * TARGET)),
        ("Школ, достигших цели 70 %", f"{reached} из {counted}"),
    ]
    survey, growth, lines = monitoring_tables(rollup, meta)
    headline.extend(lines)
    if prev:
        headline.append((f"Охват год назад ({prev.get('year', '—')}), %",
                         before_region if before_region is not None else "—"))
    bands = [(f"{lo}–{hi} %" if hi <= 100 else f"{lo} % и более", band_counts[i]) for i, (lo, hi) in enumerate(BANDS)]
    files_rows: list[list[Any]] = []
    for s in rollup.sources:
        files_rows.append([s.label, s.meta["school"], s.meta["form_name"], s.meta["year"], _shown_time(s.created),
                           "учтена"])
    for s, kept in rollup.superseded:
        files_rows.append([s.label, s.meta["school"], s.meta["form_name"], s.meta["year"], _shown_time(s.created),
                           f"не учтена: есть более поздняя выгрузка «{kept.label}»"])
    for label, reason in rollup.refused:
        files_rows.append([label, "—", "—", "—", "—", f"не принят: {reason}"])
    files_rows.sort(key=lambda r: r[0])
    from toolkit.spec import profiles

    stage_names = [[p.name, s.number, s.name] for p in profiles().values() for s in p.stages
                   if any(x.meta["form"] == p.form for x in rollup.sources)]
    return Tables(headline, coverage, by_school, stage_rows, by_form, files_rows, bands, meta, stage_names, survey,
                  growth)


ALL_SCHOOLS = "Все школы"
MUNICIPALITY = "Всего по муниципалитету"
ALL_FORMS = "все формы"
OLD_EXPORT = "нет в выгрузке прежней версии"


def indicator_label(key: str) -> str:
    i = INDICATORS[key]
    return i.label + (", % наставляемых" if i.count else "") + (" (меньше — лучше)" if i.lower_better else "")


def _change(entry: Any, exit_: Any) -> Any:
    return round(exit_ - entry, 2) if isinstance(entry, float) and isinstance(exit_, float) else "—"


def monitoring_tables(rollup: Rollup, meta: dict[str, str]) -> tuple[list[list[Any]], list[list[Any]],
                                                                    list[tuple[str, Any]]]:
    """The sheets «Анкеты» (stage 1) and «Рост участников» (stage 2) and the summary's lines: by school and form,
    then by form («Все школы») and of the municipality, means weighted by the answers behind them. Counts of
    people are cells of :func:`suppress` (their sums by form and of the municipality are published). The shown
    share of mentees who improved goes to ``meta`` for next year's «год назад» (from ``rollup.previous``)."""
    mon = {id(s): s.monitoring for s in rollup.sources if s.monitoring is not None}
    sources = [s for s in rollup.sources if id(s) in mon]
    forms: dict[str, Source] = {}  # form -> its first source (the names of the form and of its roles)
    for s in sorted(sources, key=lambda s: s.meta["form"]):
        forms.setdefault(s.meta["form"], s)
    of_form = {form: [s for s in sources if s.meta["form"] == form] for form in forms}

    def total(parts: list[Source], key: str) -> float:
        return sum(mon[id(s)].get(key, 0.0) for s in parts)

    # stage 1: answered questionnaires by role; stage 2: mentees measured on entry and on exit, by indicator
    answered = {(id(s), role): Cell(int(total([s], f"mon_{role}s_answered"))) for s in sources for role in ROLES}
    answered_form = {(form, role): Cell(int(total(of_form[form], f"mon_{role}s_answered")))
                     for form in forms for role in ROLES}
    answered_region = {role: Cell(int(total(sources, f"mon_{role}s_answered"))) for role in ROLES}
    measured = {(id(s), key): Cell(int(total([s], f"mon_{key}_n")))
                for s in sources for key in _listed(s.meta, "mon_growth", INDICATORS)}
    keys = [k for k in INDICATORS if any(key == k for _, key in measured)]
    form_keys = {form: [k for k in keys if any((id(s), k) in measured for s in of_form[form])] for form in forms}
    measured_form = {(form, k): Cell(int(total(of_form[form], f"mon_{k}_n"))) for form in forms for k in form_keys[form]}
    measured_region = {k: Cell(int(total(sources, f"mon_{k}_n"))) for k in keys}
    # each group is a sum with its total (schools → their form, forms → the municipality): one hidden cell of
    # a group, the total too, could be recovered from the others, so :func:`suppress` hides a second one
    groups: list[list[Cell]] = []
    for form in forms:
        groups.extend([*(answered[(id(s), role)] for s in of_form[form]), answered_form[(form, role)]] for role in ROLES)
        groups.extend([*(measured[(id(s), k)] for s in of_form[form] if (id(s), k) in measured), measured_form[(form, k)]]
                      for k in form_keys[form])
    groups.extend([*(answered_form[(form, role)] for form in forms), answered_region[role]] for role in ROLES)
    groups.extend([*(measured_form[(form, k)] for form in forms if (form, k) in measured_form), measured_region[k]]
                  for k in keys)
    suppress(groups)
    # the means: one column of «Анкеты» per role and item; one row of «Рост участников» per indicator (on entry,
    # on exit, their change and the shares that improved or worsened: all of the same mentees)
    item_means = {(role, item): suppress_means(((s, total([s], f"mon_{item}_{role}_n")) for s in sources), region=True)
                  for role in ROLES for item in SURVEY_ITEMS}
    growth_means = {k: suppress_means(((s, total([s], f"mon_{k}_n")) for s in sources if (id(s), k) in measured),
                                      region=True) for k in keys}

    def survey_row(school: str, form_name: str, role_name: str, count: Cell, parts: list[Source],
                   role: str, where: int | str | None) -> list[Any]:
        return [school, form_name, role_name, count.shown(),
                *(_mean(total(parts, f"mon_{item}_{role}_sum"), total(parts, f"mon_{item}_{role}_n"),
                        item_means[(role, item)].at(where)) for item in SURVEY_ITEMS)]

    def growth_row(school: str, form_name: str, key: str, count: Cell, parts: list[Source], who: str,
                   where: int | str | None) -> list[Any]:
        n = total(parts, f"mon_{key}_n")
        cell = growth_means[key].at(where)
        entry, exit_ = total(parts, f"mon_{key}_entry_sum"), total(parts, f"mon_{key}_exit_sum")
        if INDICATORS[key].count:  # people with a high category: a share of those measured
            shown: tuple[Any, Any] = (_share(entry, n, cell), _share(exit_, n, cell))
        else:
            shown = (_mean(entry, n, cell), _mean(exit_, n, cell))
        better, worse = (_share(total(parts, f"mon_{key}_{x}"), n, cell) for x in ("better", "worse"))
        name = f"mon|{who}|{key}|better"
        if isinstance(better, float):
            meta[name] = str(better)
        before = _number(rollup.previous.get(name, "")) if rollup.previous.get(name) else None
        last_year = (before if before is not None else "—") if rollup.previous else ""
        return [school, form_name, indicator_label(key), count.shown(), *shown, _change(*shown), better, worse,
                last_year]

    survey: list[list[Any]] = []
    growth: list[list[Any]] = []
    for s in rollup.sources:
        school, form_name = s.meta["school"], s.meta["form_name"]
        if id(s) not in mon:
            for role in ROLES:
                survey.append([school, form_name, s.meta[f"role_{role}"], OLD_EXPORT, *("" for _ in SURVEY_ITEMS)])
            growth.append([school, form_name, OLD_EXPORT, "", "", "", "", "", "", ""])
            continue
        for role in ROLES:
            survey.append(survey_row(school, form_name, s.meta[f"role_{role}"], answered[(id(s), role)], [s], role,
                                     id(s)))
        for k in _listed(s.meta, "mon_growth", INDICATORS):
            growth.append(growth_row(school, form_name, k, measured[(id(s), k)], [s],
                                     f"{s.meta['school_key']}|{s.meta['form']}", id(s)))
    for form, first in forms.items():
        for role in ROLES:
            survey.append(survey_row(ALL_SCHOOLS, first.meta["form_name"], first.meta[f"role_{role}"],
                                     answered_form[(form, role)], of_form[form], role, form))
        for k in form_keys[form]:
            growth.append(growth_row(ALL_SCHOOLS, first.meta["form_name"], k, measured_form[(form, k)], of_form[form],
                                     f"все|{form}", form))
    if sources:
        for role, name in zip(ROLES, ("наставники", "наставляемые"), strict=True):
            survey.append(survey_row(MUNICIPALITY, ALL_FORMS, name, answered_region[role], sources, role,
                                     None))
        for k in keys:
            growth.append(growth_row(MUNICIPALITY, ALL_FORMS, k, measured_region[k], sources, "все|все",
                                     None))
    lines: list[tuple[str, Any]] = [
        ("Мониторинг, этап 1: наставников, заполнивших анкету", answered_region["mentor"].shown() if sources else "—"),
        ("Мониторинг, этап 1: наставляемых, заполнивших анкету", answered_region["mentee"].shown() if sources else "—"),
    ]
    for key, label in (("go_on", "хотят продолжить участие (наставники и наставляемые), % ответивших"),
                       ("become_mentor", "наставляемых, которые хотят стать наставниками, % ответивших")):
        n = total(sources, f"mon_{key}_n")
        lines.append((f"Мониторинг, этап 1: {label}", _pct(total(sources, f"mon_{key}_yes"), n) if n >= SMALL else "—"))
    old = len(rollup.sources) - len(sources)
    if old:
        lines.append(("Выгрузок прежней версии, без мониторинга", old))
    return survey, growth, lines


def _date(iso: str) -> str:
    try:
        return dt.date.fromisoformat(iso).strftime("%d.%m.%Y")
    except ValueError:
        return iso or "—"


# --------------------------------------------------------------------------- the workbook


def ensure_ours(path: Path) -> None:
    """A file at ``path`` is overwritten only when it is a summary this command made."""
    if not path.exists():
        return
    from toolkit.books.reader import open_book

    book = open_book(path, Report(), path.name) if path.is_file() else None
    meta = {}
    if book is not None and META_SHEET in book.sheet_names:
        meta = _meta_rows(book.rows(META_SHEET, limit=20)[0])
    if meta.get("kind") != ROLLUP_KIND:
        raise NastavnikError(f"Файл «{path.name}» уже есть, и его сделала не команда «nastavnik rollup»: он не "
                             "перезаписан. Укажите в --out другое имя файла.")


def _lines(value: Any, width: float) -> int:
    text = value if isinstance(value, str) else format_number(value) if isinstance(value, (int, float)) else ""
    chars = max(1, int(width * 1.15))
    return sum(max(1, math.ceil(len(part) / chars)) for part in text.split("\n"))


def write_rollup(tables: Tables, path: Path) -> Path | None:
    """Write the summary atomically; the previous summary of this command goes to «Резервные копии» first."""
    import xlsxwriter

    ensure_ours(path)
    saved = files.backup(path) if path.exists() else None

    def produce(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
        wb.set_properties({"title": f"Сводка по наставничеству, {tables.headline[0][1]}"})
        head = wb.add_format({"bold": True, "text_wrap": True, "border": 1, "bg_color": "#DDEBF7",
                              "valign": "vcenter", "font_size": 10})
        cell = wb.add_format({"text_wrap": True, "valign": "top", "border": 1, "font_size": 10})
        number = wb.add_format({"valign": "top", "border": 1, "font_size": 10, "num_format": "0.##"})
        title = wb.add_format({"bold": True, "font_size": 13})
        mark = wb.add_format({"valign": "top", "border": 1, "font_size": 10, "align": "right"})

        def sheet(name: str, heading: str, headers: list[tuple[str, float]], rows: list[list[Any]],
                  portrait: bool = False, repeat: bool = True) -> Any:
            ws = wb.add_worksheet(name)
            ws.write_string(0, 0, heading, title)
            ws.set_row(0, 20)
            for c, (h, width) in enumerate(headers):
                ws.set_column(c, c, width)
                ws.write_string(1, c, h, head)
            ws.set_row(1, 15 * max(_lines(h, w) for h, w in headers) + 2)
            for r, values in enumerate(rows, start=2):
                for c, value in enumerate(values):
                    if isinstance(value, (int, float)) and not isinstance(value, bool):
                        ws.write_number(r, c, value, number)
                    else:
                        text = "" if value is None else str(value)
                        ws.write_string(r, c, text, mark if text in (SMALL_MARK, HIDDEN_MARK, "—") else cell)
                lines = max((_lines(v, headers[c][1]) for c, v in enumerate(values)), default=1)
                ws.set_row(r, 13.5 * lines + 2)
            ws.freeze_panes(2, 0)
            apply_print_layout(ws, [w for _, w in headers], landscape=not portrait, title_rows=1 if repeat else 0,
                               first_row=1, key_columns=1)
            return ws

        year = tables.headline[0][1]
        ws = sheet("Сводка", f"Наставничество в школах: сводка за {year} учебный год",
                   [("Показатель", 62), ("Значение", 16)], [list(x) for x in tables.headline], portrait=True,
                   repeat=False)
        top = len(tables.headline) + 4
        ws.write_string(top - 1, 0, "Школы по охвату обучающихся наставничеством", title)
        ws.write_string(top, 0, "Охват", head)
        ws.write_string(top, 1, "Школ", head)
        for i, (label, n) in enumerate(tables.bands, start=1):
            ws.write_string(top + i, 0, label, cell)
            ws.write_number(top + i, 1, n, number)
        chart = wb.add_chart({"type": "column"})
        chart.add_series({"name": "Школ", "categories": ["Сводка", top + 1, 0, top + len(tables.bands), 0],
                          "values": ["Сводка", top + 1, 1, top + len(tables.bands), 1],
                          "fill": {"color": "#4472C4"}, "data_labels": {"value": True}})
        chart.set_title({"name": "Школы по охвату (цель — 70 %)", "name_font": {"size": 11}})
        chart.set_legend({"none": True})
        chart.set_y_axis({"name": "школ", "major_gridlines": {"visible": True}, "num_format": "0",
                          "min": 0, "major_unit": max(1, math.ceil(max(n for _, n in tables.bands) / 8))})
        chart.set_size({"width": 620, "height": 300})
        ws.insert_chart(top + len(tables.bands) + 2, 0, chart)
        form_top = top + len(tables.bands) + 19
        ws.write_string(form_top - 1, 0, "Пары и группы по формам наставничества", title)
        ws.write_string(form_top, 0, "Форма", head)
        ws.write_string(form_top, 1, "Пар и групп", head)
        plotted = [(r[0], r[4]) for r in tables.by_form if isinstance(r[4], int)]  # «<5» is not plotted
        for i, (name, n) in enumerate(plotted, start=1):
            ws.write_string(form_top + i, 0, name, cell)
            ws.write_number(form_top + i, 1, n, number)
        if plotted:
            bar = wb.add_chart({"type": "bar"})
            bar.add_series({"name": "Пар и групп", "categories": ["Сводка", form_top + 1, 0, form_top + len(plotted), 0],
                            "values": ["Сводка", form_top + 1, 1, form_top + len(plotted), 1],
                            "fill": {"color": "#70AD47"}, "data_labels": {"value": True}})
            bar.set_title({"name": "Пары и группы по формам", "name_font": {"size": 11}})
            bar.set_legend({"none": True})
            bar.set_size({"width": 620, "height": 260})
            ws.insert_chart(form_top + len(plotted) + 2, 0, bar)
        ws.set_h_pagebreaks([top - 2])
        sheet("Охват", "Охват обучающихся наставничеством по школам (цель — 70 %)",
              [("Школа", 34), ("Населённый пункт", 18), ("Обучающихся", 12), ("Из них в парах и группах", 13),
               ("Охват, %", 10), ("Цель 70 % достигнута", 14), ("Охват год назад, %", 12),
               ("Изменение, п. п.", 11)], tables.coverage)
        sheet("По школам", "Пары, встречи, оценки и практики по школам и формам",
              [("Школа", 24), ("Форма", 16), ("На дату", 10), ("Наставников", 11), ("Наставляемых", 12),
               ("Пар и групп", 9), ("Нужно внимание, % пар", 11), ("Встреч", 8), ("Оценка встреч наставниками", 13),
               ("Оценка встреч наставляемыми", 14), ("Практик: городской уровень", 11),
               ("Практик: краевой уровень", 11), ("Практик: всероссийский уровень", 12), ("Практик всего", 9)],
              tables.by_school)
        sheet("Этапы", "Участники по этапам (номера этапов — на листе «Этапы форм»)",
              [("Школа", 28), ("Форма", 18), ("Роль", 16), *((f"Этап {n}", 8) for n in STAGES), ("Всего", 8)],
              tables.stages)
        sheet("По формам", "Итоги по формам наставничества",
              [("Форма", 20), ("Школ", 7), ("Наставников", 11), ("Наставляемых", 12), ("Пар и групп", 9),
               ("Нужно внимание, % пар", 11), ("Встреч", 8), ("Оценка встреч наставниками", 13),
               ("Оценка встреч наставляемыми", 14), ("Практик: городской", 10), ("Практик: краевой", 10),
               ("Практик: всероссийский", 12), ("Практик всего", 9), ("Участников год назад", 11),
               ("Пар год назад", 9)], tables.by_form)
        sheet("Анкеты", "Мониторинг, этап 1: анкеты наставников и наставляемых (средние оценки от 1 до 10)",
              [("Школа", 24), ("Форма", 16), ("Роль", 14), ("Заполнили анкету", 10),
               *((SURVEY_LABELS[item], max(12, max(len(w) for w in SURVEY_LABELS[item].split())))  # no word split
                 for item in SURVEY_ITEMS)], tables.survey)
        sheet("Рост участников", "Мониторинг, этап 2: показатели наставляемых на входе и на выходе",
              [("Школа", 24), ("Форма", 16), ("Показатель", 30), ("Наставляемых с замером на входе и на выходе", 14),
               ("На входе", 10), ("На выходе", 10), ("Изменение", 10), ("Показатель улучшился, % наставляемых", 13),
               ("Показатель ухудшился, % наставляемых", 13), ("Улучшился год назад, %", 11)], tables.growth)
        sheet("Этапы форм", "Этапы каждой формы наставничества", [("Форма", 22), ("Этап", 6), ("Название", 50)],
              tables.stage_names, portrait=True)
        sheet("Файлы", "Прочитанные файлы", [("Файл", 36), ("Школа", 24), ("Форма", 16), ("Учебный год", 10),
                                             ("Выгружено", 15), ("Итог", 50)], tables.files_)
        legend = wb.add_worksheet("Пояснения")
        notes = [
            "Сводка составлена командой «nastavnik rollup» по обезличенным выгрузкам школ («nastavnik export "
            "--anonymize»): в них нет ФИО, контактов и ответов анкет — только псевдонимы.",
            f"«{SMALL_MARK}» — от 1 до 4 человек: меньше пяти человек в ячейке могли бы указать на конкретных "
            "людей. Если такое число можно было бы вычесть из итога строки или формы, скрыто и ещё одно, "
            f"наименьшее число той же суммы: «{HIDDEN_MARK}» — пять человек или больше, число не показано, чтобы "
            f"скрытое «{SMALL_MARK}» нельзя было получить вычитанием. Средние оценки меньше чем по 5 оценкам и "
            "доли меньше чем по 5 парам не показываются («—»). Если скрытое среднее можно было бы вычислить из итога формы или муниципалитета "
            "(итог — среднее по всем ответам), не показано и ещё одно среднее того же итога, с наименьшим числом "
            "ответов.",
            "Охват — доля обучающихся школы в закреплённых парах и группах (наставниками и наставляемыми) от "
            "числа обучающихся, указанного школой в «00_Настройки». Ученик, участвующий в двух формах, учтён "
            "дважды; охват не больше 100 %. Целевое значение — 70 %.",
            "Когда школа прислала несколько выгрузок одной формы за один год, учтена сделанная последней "
            "(лист «Файлы»).",
            "Мониторинг (листы «Анкеты» и «Рост участников») — по книге школы «07_Мониторинг» на дату выгрузки: "
            "этап 1 — сколько участников заполнили анкету и средние оценки по шкале от 1 до 10, этап 2 — "
            "показатели наставляемых, у которых есть замер на входе и на выходе. Строки «Все школы» и «Всего по "
            "муниципалитету» — средние по всем ответам (школа с большим числом ответов весит больше), а не "
            "средние школьных средних. Для категории педагогов на входе и на выходе — доля педагогов с первой "
            "или высшей категорией, %. Выгрузка прежней версии мониторинга не содержит: её строки помечены.",
        ]
        legend.set_column(0, 0, 88)
        wrap = wb.add_format({"text_wrap": True, "valign": "top", "font_size": 10})
        for r, text in enumerate(notes):
            legend.write_string(r, 0, text, wrap)
            legend.set_row(r, 13.5 * _lines(text, 88) + 4)
        legend.set_paper(9)
        legend.set_margins(left=0.5, right=0.5)
        legend.fit_to_pages(1, 0)
        meta = wb.add_worksheet(META_SHEET)
        for r, (key, value) in enumerate(tables.meta.items()):
            meta.write_string(r, 0, key)
            meta.write_string(r, 1, value)
        meta.very_hidden()
        wb.close()

    files.write_atomic(path, produce)
    return saved
