"""A new academic year from the last one (``nastavnik init НОВАЯ_ПАПКА --from ПРОШЛАЯ_ПАПКА``).

The old folder is only read (under its program lock; a book open in another program is refused) and never
changed. The new folder is a new program of the same form (a new program code) whose books carry over:

- settings: every value, the academic year and the program's dates moved one year on (proposed: the curator
  checks them), the working group, the road map with its dates moved on and «Выполнено» cleared;
- the registry: the mentor base (every mentor), the mentees of the pairs that go on, the partner organisations;
  pupils move up a class (9Б → 10Б) and those past the last class have left school; teachers' experience grows
  by a year;
- consents by their terms: the consent to take part and to personal data is given for taking part in the
  program, so it stays valid for the members of a pair that goes on and is cleared for the others (new consents
  are collected for the new year); a teacher's written consent to mentoring and supplementary agreement
  (ТК РФ ст. 351.8) stay while the agreement's term («Наставничество по соглашению до») reaches into the new year
  (an empty term: as long as the mentor's pair goes on);
- the pairs that go on, with the history of their books: their rows on «Пары» and all their rows in
  «05_Работа пар»; a pair goes on when it is active («Действует») and its planned end is after the old program's
  end (or not given), or the mentor's conclusion in «06_Итоги» says «продолжить наставничество» (then its end moves
  to the new program's end); a pair with a member who has left school does not;
- the test answers and training attendance of the mentors carried over (they were tested and trained).

Finished pairs are archived: every book of the old folder is copied, as it is, into the new folder's
«Архив ГГГГ-ГГГГ» (nothing of them is lost), and the outcome names each pair that ended and why.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.base import files
from toolkit.base.lock import program_lock
from toolkit.base.messages import FATAL_CODES
from toolkit.base.problems import NastavnikError, Report
from toolkit.base.values import clean_text, fold
from toolkit.books.reader import Row
from toolkit.books.writer import write_workbook
from toolkit.checks.program import load_program
from toolkit.model.pairs import STATUS_ACTIVE, Pair, fixed_pairs, known_pairs, normalize_pair_id
from toolkit.model.program import QUESTIONS_FILE, Program, ProgramData
from toolkit.spec import Profile

COMMAND = "nastavnik init --from"
CONSENT_KEYS = ("consent_participation", "consent_pd", "consent_pd_by", "consent_date")
LABOUR_KEYS = ("mentoring_consent_date", "agreement_number", "agreement_date", "agreement_end", "mentor_pay")
CONTINUE_WORD = "продолжить"
YEAR = re.compile(r"^\s*(\d{4})\s*[/\-–]\s*(\d{2,4})\s*$")


@dataclass
class NextYearOutcome:
    program: Program
    year: str  # the new academic year, as proposed
    archive: Path | None = None
    mentors: int = 0
    mentees: int = 0
    graduates: int = 0
    consents_kept: int = 0
    consents_cleared: int = 0
    agreements_kept: int = 0
    going_on: list[str] = field(default_factory=list)  # pair codes
    ended: list[tuple[str, str]] = field(default_factory=list)  # (pair code, why)
    work_rows: int = 0


def shift_year(day: object) -> dt.date | None:
    """The same day a year later (29 February → 28 February)."""
    if not isinstance(day, dt.date):
        return None
    day = day.date() if isinstance(day, dt.datetime) else day
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def next_academic_year(text: object, start: dt.date | None) -> str:
    """«2026/2027» → «2027/2028»; without a readable year, from the new program's start."""
    m = YEAR.match(clean_text(text))
    if m:
        first = int(m.group(1)) + 1
        return f"{first}/{first + 1}"
    return f"{start.year}/{start.year + 1}" if start else ""


def next_class(klass: object, last: int) -> str | None:
    """«9Б» → «10Б»; a pupil of the last class has left school (None); an unreadable class stays as it is."""
    text = clean_text(klass)
    m = re.match(r"^(\d{1,2})(.*)$", text)
    if not m:
        return text
    number = int(m.group(1)) + 1
    return None if number > last else f"{number}{m.group(2)}"


def _refuse_old(old: Path) -> Program:
    if not old.exists():
        raise NastavnikError(f"Папка прошлого года «{old}» не найдена. Укажите в --from папку программы прошлого "
                             "учебного года (ту, где лежит «00_Настройки.xlsx»).")
    if not old.is_dir():
        raise NastavnikError(f"«{old}» — это файл, а не папка программы прошлого года. Укажите в --from папку.")
    try:
        return Program.open(old)
    except NastavnikError as exc:
        raise NastavnikError(f"Папка «{old}» — не программа наставничества, её нельзя продолжить: {exc.message}") \
            from None


def _refuse_new(new: Path, old: Path) -> None:
    new_r, old_r = new.resolve(), old.resolve()
    if new_r == old_r or old_r in new_r.parents:
        raise NastavnikError(f"Новую программу нельзя создать в папке прошлого года «{old}» или внутри неё: "
                             "укажите рядом новую папку, например «Наставничество 2027-2028».")
    if new_r in old_r.parents:
        raise NastavnikError(f"Папка «{new}» содержит папку прошлого года: укажите для нового года отдельную папку.")
    if new.exists() and not new.is_dir():
        raise NastavnikError(f"«{new}» — это файл, а не папка. Укажите новую папку для программы нового года.")
    if new.is_dir() and any(new.iterdir()):
        raise NastavnikError(f"Папка «{new}» не пустая: программа нового года создаётся в новой (или пустой) папке, "
                             "чтобы ничего в ней не заменить. Укажите другую папку.")


def _read_old(program: Program) -> ProgramData:
    """The old program read and checked; a book open in another program or unreadable stops everything."""
    for wb in program.specs:
        for path in program.find_files(wb):
            files.ensure_not_locked(path)
    report = Report()
    data = load_program(program, report)
    fatal = [p for p in report if p.code in FATAL_CODES and p.file and p.code != "file-missing"]
    if fatal:
        raise NastavnikError(f"Книга прошлого года «{fatal[0].file}» не прочитана: {fatal[0].message} Программа "
                             "нового года не создана.")
    if "settings" not in data.books or "applications" not in data.books:
        raise NastavnikError(f"В папке «{program.root}» нет книги настроек или реестра заявок: переносить нечего.")
    return data


def _continues(data: ProgramData, pair: Pair, old_end: dt.date | None) -> tuple[bool, str]:
    """Whether a fixed pair goes on into the new year, and why it does not."""
    if pair.end is None or old_end is None or pair.end > old_end:
        return True, ""
    for row in data.rows("results", "results"):
        v = row.values
        if v.get("mentor_id") == pair.mentor and v.get("mentee_id") in pair.mentees \
                and CONTINUE_WORD in fold(v.get("readiness")):
            return True, ""
    return False, "срок пары закончился вместе с программой"


def _settings(data: ProgramData) -> tuple[dict[str, Any], dt.date | None]:
    book = data.books["settings"]
    values = dict(book.forms["settings"].values) if "settings" in book.forms else {}
    start, end = shift_year(values.get("program_start")), shift_year(values.get("program_end"))
    values["academic_year"] = next_academic_year(values.get("academic_year"), start)
    values["program_start"], values["program_end"] = start, end
    out: dict[str, Any] = {"settings": values}
    if "working_group" in book.tables:
        out["working_group"] = [r.kept_values() for r in book.tables["working_group"].rows]
    if "road_map" in book.tables and book.tables["road_map"].rows:
        rows = []
        for r in book.tables["road_map"].rows:
            v = r.kept_values()
            for key in ("start", "end"):
                v[key] = shift_year(v.get(key)) if isinstance(v.get(key), dt.date) else v.get(key)
            v["done"] = None
            rows.append(v)
        out["road_map"] = rows
    return out, end


def _person_next_year(v: dict[str, Any], profile: Profile) -> dict[str, Any] | None:
    """A registry row a year later; None for a pupil who has left school."""
    if clean_text(v.get("class")):
        klass = next_class(v.get("class"), profile.class_range[1])
        if klass is None:
            return None
        v["class"] = klass
    if isinstance(v.get("experience"), int) and not isinstance(v.get("experience"), bool):
        v["experience"] = min(v["experience"] + 1, 60)
    return v


def start_next_year(new: Path, old: Path, form: Profile | None = None) -> NextYearOutcome:
    """Create the program of the new academic year in ``new`` from the program in ``old`` (see the module)."""
    old_program = _refuse_old(old)
    if form is not None and form.form != old_program.profile.form:
        raise NastavnikError(f"Программа прошлого года в «{old}» — формы «{old_program.profile.name}», а указана "
                             f"форма «{form.name}». Уберите --form: форма берётся из прошлого года.")
    _refuse_new(new, old)
    created = not new.exists()
    files.make_folder(new)
    try:
        with program_lock(new, COMMAND):  # another command in the new folder: refused, its files untouched
            _refuse_new(new, old)  # still empty now that it is locked: whatever fails below was written here
            try:
                with program_lock(old, COMMAND):
                    return _build(new, old_program)
            except BaseException:
                _remove_partial(new)
                raise
    finally:
        if created and new.is_dir() and not any(new.iterdir()):
            new.rmdir()  # a failed run leaves no empty folder it made itself


def _remove_partial(new: Path) -> None:
    """A failed run leaves the new folder as it found it: empty (it was checked empty, and it is locked)."""
    try:
        for child in list(new.iterdir()):
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
    except OSError:
        pass


def _build(new: Path, old_program: Program) -> NextYearOutcome:
    data = _read_old(old_program)
    profile = old_program.profile
    books: dict[str, dict[str, Any]] = {}
    books["settings"], old_end_new = _settings(data)
    old_end = data.settings().get("program_end")
    old_end = old_end if isinstance(old_end, dt.date) else None
    new_start = books["settings"]["settings"].get("program_start")

    registry = data.books["applications"]
    people: dict[str, dict[str, Any]] = {}  # carried registry rows by participant code
    graduates: set[str] = set()
    for table in registry.tables.values():
        if table.sheet.role is None:
            continue
        for row in table.rows:
            pid = row.values.get("id")
            if not pid or not _started(row):
                continue
            moved = _person_next_year(row.kept_values(), profile)
            if moved is None:
                graduates.add(pid)
            else:
                people[pid] = moved

    outcome = NextYearOutcome(Program(new, profile, uuid.uuid4().hex[:12]),
                              clean_text(books["settings"]["settings"].get("academic_year")))
    going: list[Pair] = []
    if "pairs" in data.books:
        active = {p.pair_id for p in fixed_pairs(data)}
        for pair in known_pairs(data).values():
            if pair.pair_id not in active:
                outcome.ended.append((pair.pair_id, "пара завершена или расформирована"))
                continue
            left = [m for m in pair.members if m in graduates]
            if left:
                outcome.ended.append((pair.pair_id, "участник окончил школу"))
                continue
            ok, why = _continues(data, pair, old_end)
            if ok:
                going.append(pair)
            else:
                outcome.ended.append((pair.pair_id, why))
    outcome.going_on = [p.pair_id for p in going]
    members = {m for p in going for m in p.members}
    pair_end = {m: p.end for p in going for m in p.members}

    mentors: list[dict[str, Any]] = []
    mentees: list[dict[str, Any]] = []
    carried_mentors: set[str] = set()
    for pid, v in people.items():
        role = data.participants[pid].role if pid in data.participants else ""
        if role == "mentee" and pid not in members:
            continue
        if pid in members:
            outcome.consents_kept += 1
        elif any(v.get(k) not in (None, "", []) for k in CONSENT_KEYS):
            outcome.consents_cleared += 1
            for key in CONSENT_KEYS:
                v[key] = None
        if role == "mentor" and any(k in v for k in LABOUR_KEYS):
            term = v.get("agreement_end") if isinstance(v.get("agreement_end"), dt.date) else pair_end.get(pid)
            valid = (pid in members and term is None) or (
                isinstance(term, dt.date) and isinstance(new_start, dt.date) and term >= new_start)
            if valid and v.get("agreement_number"):
                outcome.agreements_kept += 1
            elif not valid:
                for key in LABOUR_KEYS[:4]:
                    v[key] = None
        if role == "mentor":
            mentors.append(v)
            carried_mentors.add(pid)
        else:
            mentees.append(v)
    outcome.mentors, outcome.mentees, outcome.graduates = len(mentors), len(mentees), len(graduates)
    books["applications"] = {"mentors": mentors, "mentees": mentees}
    if "partners" in registry.tables:
        books["applications"]["partners"] = [r.kept_values() for r in registry.tables["partners"].rows]

    for key, sheets in (("testing", ("answers",)), ("training", ("attendance", "reflection"))):
        if key in data.books:
            books[key] = {s: [r.kept_values() for r in data.rows(key, s) if r.values.get("id") in carried_mentors]
                          for s in sheets if s in data.books[key].tables}

    going_ids = {p.pair_id for p in going}
    if "pairs" in data.books:
        rows = []
        for pair in going:
            for v in pair.rows:
                kept = next((r.kept_values() for r in data.rows("pairs", "pairs") if r.values is v), dict(v))
                if isinstance(kept.get("end"), dt.date) and old_end and kept["end"] <= old_end:
                    kept["end"] = old_end_new  # continued by the mentor's conclusion: to the new program's end
                kept["status"] = STATUS_ACTIVE
                rows.append(kept)
        books["pairs"] = {"pairs": rows}
    if "work" in data.books:
        work: dict[str, list[dict[str, Any]]] = {}
        for key, table in data.books["work"].tables.items():
            work[key] = [r.kept_values() for r in table.rows
                         if normalize_pair_id(r.values.get("pair_id")) in going_ids]
            outcome.work_rows += len(work[key])
        books["work"] = work

    program = outcome.program
    for wb in program.specs:
        write_workbook(new / (wb.file + ".xlsx"), wb, profile, program.program_id, books.get(wb.key, {}))
    files.write_text_atomic(new / QUESTIONS_FILE, program.form_questions_text())
    outcome.archive = _archive(old_program, new, data)
    return outcome


def _started(row: Row) -> bool:
    """A registry row someone filled (the blank rows of the template carry only their code)."""
    return any(v not in (None, "", []) for k, v in row.values.items() if k != "id")


def _archive(old: Program, new: Path, data: ProgramData) -> Path:
    """Every book of the old folder, copied as it is, into «Архив ГГГГ-ГГГГ» of the new folder."""
    year = clean_text(data.settings().get("academic_year")).replace("/", "-") or "прошлого года"
    folder = new / f"Архив {year}"
    files.make_folder(folder)
    for wb in old.specs:
        for path in old.find_files(wb):
            shutil.copy2(path, folder / path.name)
    return folder


def outcome_lines(outcome: NextYearOutcome, old: Path) -> list[str]:
    """What the command line and the desk say about a new year made (one wording)."""
    from toolkit.base.grammar import count

    program = outcome.program
    lines = [f"Программа «{program.profile.name}» нового учебного года {outcome.year} в папке «{program.root}» — "
             f"из «{old}» (прошлая папка не изменена).",
             f"Перенесены: {count(outcome.mentors, 'наставник')}, {count(outcome.mentees, 'наставляемый')}; "
             f"пар и групп продолжается: {len(outcome.going_on)}"
             + (f" ({', '.join(outcome.going_on)}), строк их работы: {outcome.work_rows}" if outcome.going_on else "")
             + "."]
    if outcome.graduates:
        lines.append(f"Окончили школу и не перенесены: {outcome.graduates}.")
    lines.append(f"Согласия на участие и на обработку ПДн остались у участников продолжающихся пар: "
                 f"{outcome.consents_kept}; у остальных очищены (соберите согласия нового года): "
                 f"{outcome.consents_cleared}.")
    if any(c.key == "mentoring_consent_date" for s in program.specs if s.key == "applications"
           for sheet in s.sheets if sheet.key == "mentors" for c in sheet.columns):
        lines.append(f"Дополнительные соглашения о наставничестве (ст. 351.8 ТК РФ), действующие в новом году: "
                     f"{outcome.agreements_kept}; у остальных даты и номера очищены.")
    if outcome.ended:
        lines.append(f"Завершённые пары — в архиве «{outcome.archive.name if outcome.archive else ''}»: "
                     + "; ".join(f"{pid} — {why}" for pid, why in outcome.ended) + ".")
    lines.append("Даты программы и учебный год предложены на год вперёд: проверьте их в «00_Настройки.xlsx».")
    return lines
