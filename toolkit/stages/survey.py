"""The book «07_Мониторинг» (monitoring of the target model): rows for every participant of the pairs, and the
answers of Yandex / Google forms read back into its questionnaires.

``prepare_monitoring_book`` (run by ``nastavnik monitor`` through ``refresh_rows``) adds a row for each mentee on «Показатели: вход и
выход» and «Анкета наставляемого», for each mentor on «Анкета наставника»; everything typed is kept, the
previous book goes to the backups, and a book that already has every row is not rewritten.

``import_survey`` (``nastavnik import`` with an export whose questions are those of the questionnaires) finds
each respondent by the code НК-001 / НЯ-001 or by the full name, and writes the answers into that person's
row: an answer from the form replaces what the row held, a cell the form left empty keeps its value. A person
who answered several times gets one answer, the latest (by the export's time of answer, else the lowest row),
and a warning naming the rows; an export imported again changes nothing and says nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.base import files
from toolkit.base.grammar import gendered, person_gender
from toolkit.base.lock import locks_program
from toolkit.base.problems import NastavnikError, Report
from toolkit.base.values import clean_text, fold, is_blank, person_key
from toolkit.books.reader import parse_cell
from toolkit.books.rewrite import ensure_rewritable, rewrite_stage_book
from toolkit.books.writer import ForeignSheet, cell_name
from toolkit.checks.program import load_program
from toolkit.logic.monitoring import BOOK
from toolkit.model.pairs import result_pairs
from toolkit.model.program import Program, ProgramData
from toolkit.spec import Column, Sheet, WorkbookSpec, resolve, workbook_specs

if TYPE_CHECKING:
    from toolkit.stages.registry_import import ImportResult

SURVEY_SHEETS = {"mentor": "mentor_survey", "mentee": "mentee_survey"}
ID_KEYS = {"indicators": "mentee_id", "mentor_survey": "mentor_id", "mentee_survey": "mentee_id"}
# columns the program fills from the registry and the pairs (refreshed on every run)
LOCKED = {"indicators": ("pair_id", "mentee_name"), "mentor_survey": ("mentor_name", "pair_id"),
          "mentee_survey": ("mentee_name", "pair_id", "mentor_name")}
FULL_NAME = {fold(h) for h in ("ФИО", "Фамилия, имя, отчество", "Фамилия Имя Отчество", "Ваше ФИО", "Фамилия и имя")}
IGNORED = {fold(h) for h in ("ID", "Номер ответа", "Время изменения", "Адрес электронной почты пользователя",
                             "Время прохождения", "Роль")}


def monitoring_spec(program: Program) -> WorkbookSpec:
    return resolve(workbook_specs()[BOOK], program.profile)


def _name(data: ProgramData, pid: str) -> str:
    p = data.participants.get(pid)
    return p.name if p else pid


def _subjects(data: ProgramData, pid: str) -> str:
    """What a mentee came with: the areas of the application (a pupil's subjects), else the request."""
    p = data.participants.get(pid)
    if p is None:
        return ""
    areas = p.values.get("areas")
    if isinstance(areas, list) and areas:
        return ", ".join(str(a) for a in areas)
    return clean_text(p.values.get("request"))[:120]


def wanted_rows(data: ProgramData) -> dict[str, list[dict[str, Any]]]:
    """A row per mentee (indicators, mentee questionnaire) and per mentor (mentor questionnaire) of the pairs."""
    out: dict[str, list[dict[str, Any]]] = {"indicators": [], "mentor_survey": [], "mentee_survey": []}
    mentor_pairs: dict[str, list[str]] = {}
    for pair in result_pairs(data) if "pairs" in data.books else []:
        mentor_pairs.setdefault(pair.mentor, []).append(pair.pair_id)
        for mentee in pair.mentees:
            out["indicators"].append({"pair_id": pair.pair_id, "mentee_id": mentee, "mentee_name": _name(data, mentee),
                                      "subjects": _subjects(data, mentee)})
            out["mentee_survey"].append({"mentee_id": mentee, "mentee_name": _name(data, mentee),
                                         "pair_id": pair.pair_id, "mentor_name": _name(data, pair.mentor)})
    for mentor, pair_ids in mentor_pairs.items():
        out["mentor_survey"].append({"mentor_id": mentor, "mentor_name": _name(data, mentor),
                                     "pair_id": ", ".join(pair_ids)})
    return out


def book_rows(data: ProgramData, spec: WorkbookSpec) -> tuple[dict[str, Any], int]:
    """The rows of every sheet: what the book holds (values kept, the program's columns refreshed), plus a row
    for each participant of the pairs not there yet; the number of rows added."""
    book = data.books.get(BOOK)
    keys = {s.key for s in spec.sheets}
    existing = {key: [r.kept_values() for r in book.tables[key].rows] if book and key in book.tables else []
                for key in keys}
    out: dict[str, Any] = {}
    added = 0
    for key, wanted in wanted_rows(data).items():
        if key not in keys:
            continue
        id_key = ID_KEYS[key]
        fresh = {w[id_key]: w for w in wanted}
        rows = []
        seen: set[str] = set()
        for row in existing[key]:
            pid = row.get(id_key)
            source = fresh.get(pid) if isinstance(pid, str) and pid not in seen else None
            if source is not None:
                row = {**row, **{c: source[c] for c in LOCKED[key]}}
                for c, v in source.items():  # the subjects of the request: only into an empty cell
                    if c not in LOCKED[key] and row.get(c) in (None, "") and v:
                        row[c] = v
                seen.add(str(pid))
            rows.append(row)
        for pid, w in fresh.items():
            if pid not in seen:
                rows.append(dict(w))
                added += 1
        out[key] = rows
    out["swot"] = existing.get("swot", [])
    return out, added


@dataclass
class Prepared:
    path: Path
    added: int
    written: bool
    backup: Path | None
    notes: list[str] = field(default_factory=list)


def _read_for_rewrite(program: Program, spec: WorkbookSpec) -> tuple[ProgramData, Report, list[Path],
                                                                         list[ForeignSheet]]:
    from toolkit.base.messages import FATAL_CODES

    found = program.find_files(spec)
    for path in found:
        files.ensure_not_locked(path)
    before = Report()
    data = load_program(program, before)
    carried: list[ForeignSheet] = []
    if found:
        if BOOK not in data.books:
            problem = next((p for p in before if p.file == found[0].name and p.code in FATAL_CODES), None)
            raise NastavnikError(f"Книга «{found[0].name}» не прочитана" + (f": {problem.message}" if problem else ".")
                                 + " Она не перезаписана: исправьте файл или уберите его из папки.")
        carried = ensure_rewritable(before, data.books[BOOK], spec)
    return data, before, found, carried


def write_survey_questions(program: Program) -> Path:
    """«Вопросы для анкет мониторинга.txt» — written when absent (the curator may have edited it)."""
    from toolkit.model.program import SURVEY_QUESTIONS_FILE, survey_questions_text

    path = program.root / SURVEY_QUESTIONS_FILE
    if not path.exists():
        files.write_text_atomic(path, survey_questions_text(program))
    return path


@locks_program("nastavnik monitor")
def prepare_monitoring_book(program: Program, report: Report, *, backup: bool = True) -> Prepared:
    """Add the rows of the pairs to «07_Мониторинг» (created when absent); rewritten only when rows change."""
    spec = monitoring_spec(program)
    target = program.root / (spec.file + ".xlsx")
    data, before, found, carried = _read_for_rewrite(program, spec)
    report.extend(before)
    rows, added = book_rows(data, spec)
    done = rewrite_stage_book(target, found, spec, program.profile, program.program_id, rows, carried,
                              backup_root=program.root if backup else None)
    write_survey_questions(program)
    notes = [n for n in done.notes if "не изменилась" not in n]
    return Prepared(target, added, done.written, done.backup, notes)


# --------------------------------------------------------------------------- forms exports


def _lookup(sheet: Sheet) -> dict[str, Column]:
    out: dict[str, Column] = {}
    for column in sheet.columns:
        if column.locked:
            continue
        for key in [column.question or "", column.header, *column.aliases]:
            if key:
                out.setdefault(fold(key), column)
    return out


def is_survey_export(program: Program, header: list[Any]) -> bool:
    """An export of the monitoring questionnaires: two questions or more of theirs (the questions of the
    applications are other words)."""
    spec = monitoring_spec(program)
    known: set[str] = set()
    for sheet in spec.sheets:
        if sheet.key in SURVEY_SHEETS.values():
            known |= {k for k, c in _lookup(sheet).items() if c.type not in ("ref", "date")}
    return sum(1 for h in header if fold(h) in known) >= 2


@dataclass
class SurveyImport:
    answered: dict[str, int] = field(default_factory=lambda: {"mentor": 0, "mentee": 0})
    refused: int = 0
    superseded: int = 0  # rows of a person who answered several times, other than the answer used
    path: Path | None = None
    backup: Path | None = None


def _respondent(data: ProgramData, text: str) -> str | None:
    """A participant by the code typed (НК-001, нк 1) or by the full name (unique in the registry)."""
    from toolkit.books.reader import _ref_id

    code = _ref_id(text)
    if code in data.participants:
        return code
    parts = clean_text(text).split(" ") + ["", ""]
    key = person_key(parts[0], parts[1], " ".join(p for p in parts[2:] if p))
    found = [pid for pid, p in data.participants.items()
             if person_key(p.values.get("last_name"), p.values.get("first_name"), p.values.get("middle_name")) == key]
    return found[0] if len(found) == 1 else None


@locks_program("nastavnik import")
def import_survey(program: Program, export: Path, report: Report) -> SurveyImport:
    """Answers of the monitoring questionnaires from a forms export into «07_Мониторинг»."""
    from toolkit.base.messages import render
    from toolkit.stages.registry_import import latest_answer, numbered_rows, timestamp_column

    rows = numbered_rows(export)
    if not rows:
        raise NastavnikError(f"{export.name}: в файле нет ни одной строки. Скачайте выгрузку из формы заново.")
    header = [clean_text(h) for h in rows[0][1]]
    label = export.name
    spec = monitoring_spec(program)
    target = program.root / (spec.file + ".xlsx")
    data, _before, found, carried = _read_for_rewrite(program, spec)
    current, _ = book_rows(data, spec)
    sheets = {s.key: s for s in spec.sheets}
    mapping: dict[str, dict[int, Column]] = {}
    who_col = next((i for i, h in enumerate(header) if fold(h) in FULL_NAME), None)
    mapped: set[int] = set()
    for role, key in SURVEY_SHEETS.items():
        lookup = _lookup(sheets[key])
        mapping[role] = {}
        for i, h in enumerate(header):
            column = lookup.get(fold(h))
            if column is None:
                continue
            if column.type == "ref":
                who_col = i if who_col is None or fold(header[who_col]) in FULL_NAME else who_col
            else:
                mapping[role][i] = column
            mapped.add(i)
    for i, h in enumerate(header):
        if i not in mapped and i != who_col and h and fold(h) not in IGNORED:
            report.add("monitoring-survey-unmapped", file=label, cell=cell_name(0, i), field=h, header=h)
    result = SurveyImport(path=target)
    if who_col is None:
        raise NastavnikError(f"{label}: в выгрузке нет вопроса «Ваш код участника (например, НК-001 или НЯ-001) "
                             "или ФИО» (или «ФИО»): непонятно, чьи это ответы. Добавьте его в форму — список вопросов "
                             "в файле «Вопросы для анкет мониторинга.txt».")
    answers: dict[str, list[int]] = {}  # participant → the rows of the export with an answer, in order
    cells_of: dict[int, list[Any]] = {}
    for r, cells in rows[1:]:
        raw = cells[who_col] if who_col < len(cells) else ""
        if is_blank(raw):
            report.add("monitoring-survey-no-person", file=label, cell=cell_name(r - 1, who_col), row=r,
                       question=header[who_col])
            result.refused += 1
            continue
        pid = _respondent(data, str(raw))
        if pid is None:
            report.add("monitoring-survey-unknown", file=label, cell=cell_name(r - 1, who_col), row=r,
                       value=clean_text(raw)[:60])
            result.refused += 1
            continue
        key = SURVEY_SHEETS[data.participants[pid].role]
        if not any(x.get(ID_KEYS[key]) == pid for x in current[key]):
            gender = person_gender(_name(data, pid), data.participants[pid].values.get("gender"))
            report.add("monitoring-survey-not-in-pair", file=label, cell=cell_name(r - 1, who_col), row=r,
                       name=_name(data, pid), id=pid, whose=gendered(gender, "его", "её"))
            result.refused += 1
            continue
        answers.setdefault(pid, []).append(r)
        cells_of[r] = cells
    time_col = timestamp_column(header)
    for pid, numbers in answers.items():
        role = data.participants[pid].role
        key = SURVEY_SHEETS[role]
        target_row = next(x for x in current[key] if x.get(ID_KEYS[key]) == pid)
        # one answer per person: the latest of the export; the others are said, never mixed into it
        latest = latest_answer(numbers, cells_of, time_col, header)
        before = dict(target_row)
        cells = cells_of[latest.row]
        for i, column in mapping[role].items():
            value = cells[i] if i < len(cells) else ""
            if is_blank(value):
                continue
            parsed, problem = parse_cell(column, value)
            if problem is not None:
                report.add("monitoring-survey-bad-value", file=label, cell=cell_name(latest.row - 1, i),
                           field=header[i], row=latest.row, detail=render(problem.code, **problem.params))
                continue
            target_row[column.key] = parsed
        result.answered[role] += 1
        result.superseded += len(numbers) - 1
        given = {n: tuple(clean_text(cells_of[n][i]) if i < len(cells_of[n]) else ""
                          for i in mapping[role] if i != time_col) for n in numbers}
        # told once: the same answers sent twice leave nothing to choose, and an export imported again (the
        # book already holds the answer used) was told about when it was first imported; an empty answer used
        # in place of a filled one is always told
        if len(set(given.values())) > 1 and (target_row != before or not any(given[latest.row])):
            participant = data.participants[pid]
            gender = person_gender(participant.name, participant.values.get("gender"))
            report.add("monitoring-survey-duplicate", file=label, cell=cell_name(latest.row - 1, who_col),
                       name=participant.name, id=pid, answered=gendered(gender, "ответил", "ответила"),
                       whose=gendered(gender, "его", "её"), target=spec.file,
                       target_sheet=next(x.name for x in spec.sheets if x.key == key),
                       **latest.params())
    if not sum(result.answered.values()):
        return result
    done = rewrite_stage_book(target, found, spec, program.profile, program.program_id, current, carried,
                              backup_root=program.root)
    result.backup = done.backup
    return result


def refresh_rows(program: Program) -> tuple[list[str], int]:
    """For ``monitor`` (after «Мониторинг.xlsx» is written, so a refused monitoring changes no book): the rows of
    the pairs added to «07_Мониторинг»; what to tell the person and how many rows were added. A book that
    cannot be rewritten does not stop the monitoring: the reason is told instead."""
    try:
        prepared = prepare_monitoring_book(program, Report())
    except NastavnikError as exc:
        return [f"Книга анкет и показателей не обновлена: {exc}"], 0
    lines = []
    if prepared.added:
        lines.append(f"В книгу «{prepared.path.name}» добавлено строк для участников пар: {prepared.added}.")
    if prepared.backup:
        lines.append(f"Прежняя версия книги: {prepared.backup}")
    return lines + prepared.notes, prepared.added


def import_forms_export(program: Program, export: Path, role: str | None,
                        report: Report) -> SurveyImport | ImportResult:
    """A forms export into the program, as ``import`` and the desk's upload take it: the monitoring
    questionnaires when its questions are theirs (:func:`is_survey_export`), else applications into the
    registry (:func:`toolkit.stages.registry_import.import_applications`, whose result is returned)."""
    from toolkit.stages.registry_import import import_applications, read_export

    rows = read_export(export)
    if rows and is_survey_export(program, rows[0]):
        return import_survey(program, export, report)
    return import_applications(program, export, role, report)


def survey_summary(program: Program, answers: SurveyImport) -> str:
    """The sentence that tells the curator what a questionnaire import did."""
    roles = program.profile.roles_plural
    return (f"Анкеты мониторинга загружены: {roles['mentor'].lower()} — {answers.answered['mentor']}, "
            f"{roles['mentee'].lower()} — {answers.answered['mentee']}; не загружено строк: {answers.refused}"
            + (f"; повторных ответов: {answers.superseded} (загружен последний ответ каждого)"
               if answers.superseded else "") + ".")

