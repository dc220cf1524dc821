"""Files out and back without a server: ``distribute`` writes one workbook per active pair or group,
``collect`` reads the returned files and merges them into «05_Работа пар».

A returned file is known by the pair's code stored inside it (the very hidden «_meta» sheet, or the locked
sheet «Пара» when a suite dropped the hidden sheet), never by its name; xlsx and ods from any suite are read
the same. Merging replaces the pair's rows in «05_Работа пар» by the file's rows, but only when that loses
nothing. Each file carries the fingerprint of the pair's content when it was handed out (``base``); the
sheet «Журнал сбора» keeps the fingerprint of every version collected. For a file F of pair P, with S the
rows of P in «05_Работа пар» and J the last fingerprint collected for P:

* F equals S — nothing to do (collecting the same files twice changes nothing: no rewrite, no backup);
* F is a version collected before and superseded since — skipped;
* two different files of P in one batch — a conflict, neither is taken;
* a locked cell was edited, the file is of another program or of an unknown pair, or it has errors — refused;
* S is neither what F was handed out from nor what was last collected (the curator edited P's rows in
  «05_Работа пар» since) — a conflict, the edits are not overwritten (``--force`` takes the file);
* something was collected after F was handed out, and F lacks a row S has — an older copy, a conflict;
* otherwise F is taken: backup of «05_Работа пар», atomic rewrite, an entry in «Журнал сбора».
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.base import files
from toolkit.base.lock import locks_program
from toolkit.base.parallel import run_batch
from toolkit.base.problems import NastavnikError, Report
from toolkit.base.values import clean_text, fold, format_date
from toolkit.books.reader import BookData, open_book, read_form, read_workbook
from toolkit.books.rewrite import ensure_rewritable, rewrite_stage_book
from toolkit.books.writer import ForeignSheet, rewrite_workbook
from toolkit.checks.program import load_program
from toolkit.checks.work import PairSheets, check_pair, rules_of
from toolkit.model.pairs import Pair, known_pairs, normalize_pair_id
from toolkit.model.program import Program, ProgramData
from toolkit.model.work import (
    BOOK,
    FORM_IDENTITY,
    FORM_SHEET,
    IDENTITY,
    PAIR_BOOK,
    PAIR_COLUMN,
    PROGRAM_ONLY,
    describe_row,
    expected_form,
    expected_identities,
    fingerprint,
    journal,
    kept_rows,
    pair_rows,
    pair_spec,
    row_key,
    rows_by_pair,
    summary_text,
    work_spec,
)
from toolkit.spec import Profile

BASE_KEY = "base"
PAIR_KEY = "pair_id"


def _load(program: Program) -> tuple[ProgramData, Report]:
    """Read the program; stop with a message when the pairs or «05_Работа пар» cannot be used."""
    from toolkit.base.messages import FATAL_CODES

    report = Report()
    data = load_program(program, report)
    if "pairs" not in data.books:
        problem = next((p for p in report if p.book == "pairs" and p.code in FATAL_CODES), None)
        raise NastavnikError("Книга пар «04_Пары» не прочитана" + (f": {problem.message}" if problem else ".")
                             + " Без неё не узнать пары: сначала сформируйте пары («nastavnik match»).")
    target = work_path(program)
    if BOOK not in data.books and target.exists():
        problem = next((p for p in report if p.file == target.name and p.code in FATAL_CODES), None)
        raise NastavnikError(f"Книга «{target.name}» не прочитана" + (f": {problem.message}" if problem else ".")
                             + " Она не перезаписана: исправьте файл или восстановите его из резервной копии.")
    return data, report


def unreadable_work_book(program: Program, data: ProgramData, report: Report) -> tuple[str, str] | None:
    """(file name, why) when «05_Работа пар» is in the folder but could not be read: what is counted from
    it (meetings, goals) would silently be counted as nothing."""
    from toolkit.base.messages import FATAL_CODES

    found = program.find_files(work_spec(program.profile))
    if not found or BOOK in data.books:
        return None
    problem = next((p for p in report if p.file == found[0].name and p.code in FATAL_CODES), None)
    return found[0].name, problem.message if problem else ""


def work_path(program: Program) -> Path:
    spec = work_spec(program.profile)
    found = program.find_files(spec)
    return found[0] if found else program.root / (spec.file + ".xlsx")


def _existing(data: ProgramData) -> dict[str, dict[str, list[dict[str, Any]]]]:
    return {pid: {key: kept_rows(rows) for key, rows in sheets.items()} for pid, sheets in rows_by_pair(data).items()}


# --------------------------------------------------------------------------- distribute


@dataclass
class Distributed:
    pair_id: str
    path: Path
    backup: Path | None
    unchanged: bool = False  # the workbook in the folder is already exactly this one


def file_name(info: Pair) -> str:
    """«П-001 Иванова Анна – Петров Иван»; a group: «П-002 Смирнов Павел – группа из 3»."""
    def short(pid: str) -> str:
        words = info.name(pid).split()
        return " ".join(words[:2]) or pid

    other = short(info.mentees[0]) if len(info.mentees) == 1 else f"группа из {len(info.mentees)}"
    return f"{info.pair_id} {short(info.mentor)} – {other}"


@locks_program("nastavnik distribute")
def distribute(program: Program, out: Path) -> list[Distributed]:
    """One workbook per active pair or group in ``out``: prefilled, locked where the program fills it."""
    from toolkit.base.files import inside, safe_filename

    data, _ = _load(program)
    pairs = [p for p in known_pairs(data).values() if p.active]
    if not pairs:
        raise NastavnikError("Нет действующих пар и групп с согласием обеих сторон (лист «Пары» книги «04_Пары»): "
                             "раздавать некому. Сначала сформируйте пары («nastavnik match»).")
    if out.exists() and not out.is_dir():
        raise NastavnikError(f"«{out}» — это файл, а не папка. Укажите папку для книг пар.")
    files.make_folder(out)
    existing = _existing(data)
    spec = pair_spec(program.profile)
    used: set[str] = set()
    done: list[Distributed | None] = []
    sent = _Sent(out, spec, program)
    todo: list[tuple[int, str, tuple[Any, ...]]] = []  # (place in done, digest, the call of _write_book)
    for info in pairs:
        rows = existing.get(info.pair_id, {})
        path = inside(out, safe_filename(file_name(info), used) + ".xlsx")
        content = pair_rows(data, info, rows)
        meta = {PAIR_KEY: info.pair_id, BASE_KEY: fingerprint(program.profile, rows)}
        digest = sent.digest(content, meta)
        if sent.unchanged(path, digest):  # written by the last run from the same data, untouched since
            done.append(Distributed(info.pair_id, path, None, unchanged=True))
            continue
        todo.append((len(done), digest, (path, content, meta)))
        done.append(None)
    # the books are made by both cores when there are many (each is made and compared on its own)
    made = run_batch(_write_book, (spec, program.profile, program.program_id, out), [call for _, _, call in todo])
    for (place, digest, (path, _, _)), (written, backup) in zip(todo, made, strict=True):
        sent.record(path, digest, written)  # sent before and nothing new: left as it is
        done[place] = Distributed(pairs[place].pair_id, path, backup, unchanged=not written)
    sent.save()
    return [d for d in done if d is not None]


def _write_book(shared: tuple[Any, Profile, str, Path], path: Path, content: dict[str, Any],
                meta: dict[str, str]) -> tuple[bool, Path | None]:
    """One pair's book made and compared with the file (see :func:`rewrite_workbook`): (written, backup)."""
    spec, profile, program_id, out = shared
    return rewrite_workbook(path, path if path.is_file() else None, spec, profile, program_id, content,
                            backup_root=out, meta=meta)


class _Sent:
    """What the last ``distribute`` wrote into the folder: per file, the digest of the data it was made of and
    the file's size and modification time then. A file whose data digest, size and time are the same is not
    made again (an unchanged re-run costs the digests); anything else is made and compared as before. The
    record is a hidden file of the folder; without it (or unreadable) every book is made and compared."""

    NAME = ".nastavnik-рассылка.json"

    def __init__(self, out: Path, spec: Any, program: Program) -> None:
        import hashlib
        import json

        from toolkit import __version__

        self.path = out / self.NAME
        self.base = hashlib.sha256(json.dumps(  # the same data makes another book under another template
            [__version__, program.program_id, spec.model_dump(mode="json"), program.profile.model_dump(mode="json")],
            ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")).hexdigest()
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            self.files: dict[str, Any] = dict(loaded["files"]) if loaded.get("base") == self.base else {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.files = {}
        self.changed = False

    def digest(self, content: dict[str, Any], meta: dict[str, str]) -> str:
        import hashlib
        import json

        text = json.dumps([self.base, content, meta], ensure_ascii=False, sort_keys=True, default=repr)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _stamp(self, path: Path) -> list[int] | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        return [stat.st_size, stat.st_mtime_ns]

    def unchanged(self, path: Path, digest: str) -> bool:
        entry = self.files.get(path.name)
        if not (isinstance(entry, dict) and entry.get("digest") == digest and entry.get("stamp") == self._stamp(path)):
            return False
        files.ensure_not_locked(path)  # refused as when the book is made and compared
        files.ensure_writable(path)
        return True

    def record(self, path: Path, digest: str, written: bool) -> None:
        """Remember the book; the record is saved only when a book was written (a run that changes nothing
        writes nothing)."""
        self.files[path.name] = {"digest": digest, "stamp": self._stamp(path)}
        self.changed = self.changed or written

    def save(self) -> None:
        import json

        if self.changed:
            text = json.dumps({"base": self.base, "files": self.files}, ensure_ascii=False, sort_keys=True, indent=0)
            files.write_text_atomic(self.path, text)


# --------------------------------------------------------------------------- collect


@dataclass
class Incoming:
    label: str
    pair_id: str
    base: str | None
    rows: dict[str, list[dict[str, Any]]]
    digest: str


@dataclass
class CollectResult:
    path: Path
    accepted: list[tuple[str, str, str]] = field(default_factory=list)  # (pair, file, summary)
    unchanged: list[tuple[str, str]] = field(default_factory=list)  # (pair, file)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # (pair, file, same as file)
    refused: list[str] = field(default_factory=list)  # files not taken
    backup: Path | None = None
    written: bool = False
    lines: list[str] = field(default_factory=list)


def _candidates(inbox: Path) -> list[tuple[Path, str]]:
    """Every file of the inbox and its subfolders (lock files, temporary files and backups aside), by name."""
    out = []
    for path in sorted(inbox.rglob("*"), key=lambda p: str(p.relative_to(inbox)).casefold()):
        if not path.is_file() or files.is_lock_file(path) or path.name.startswith(".~tmp-") or path.name == _Sent.NAME:
            continue
        rel = path.relative_to(inbox)
        if files.BACKUP_DIR in rel.parts[:-1]:
            continue
        out.append((path, files.display_name(rel.as_posix())))
    return out


def _read_incoming(program: Program, data: ProgramData, pairs: dict[str, Pair],
                   existing: dict[str, dict[str, list[dict[str, Any]]]], path: Path, label: str,
                   report: Report, seen: dict[str, str] | None = None) -> Incoming | None:
    """Read one returned file: identify, validate, compare locked cells. None when it cannot be taken."""
    spec = pair_spec(program.profile)
    book = open_book(path, report, label)
    if book is None:
        return None
    meta = book.meta()
    form_sheet = spec.sheets[0]
    if meta.get("workbook") and meta["workbook"] != PAIR_BOOK:
        report.add("collect-not-pair-file", file=label)
        return None
    quiet = Report()
    form = read_form(book, form_sheet, quiet, label) if form_sheet.name in book.sheet_names else None
    pair_id = normalize_pair_id(meta.get(PAIR_KEY) or (form.values.get("pair_id") if form else ""))
    if not pair_id:
        report.add("collect-not-pair-file", file=label)
        return None
    program_id = meta.get("program_id") or clean_text(form.values.get("program_id") if form else "")
    if program.program_id and program_id and program_id != program.program_id:
        report.add("collect-other-program", file=label, pair=pair_id, found=program_id, expected=program.program_id)
        return None
    info = pairs.get(pair_id)
    if info is None:
        report.add("collect-unknown-pair", file=label, pair=pair_id)
        return None
    if seen is not None:
        seen[label] = pair_id
    own = Report()
    bookdata = read_workbook(book, spec, own, label)
    _locked(data, info, existing.get(pair_id, {}), bookdata, own)
    from toolkit.checks.program import check_unique

    for table in bookdata.tables.values():
        check_unique(bookdata, table, own)
    _members_by_name(data, info, bookdata)
    names = {k: t.name for k, t in bookdata.tables.items()}
    specs = {k: t.sheet for k, t in bookdata.tables.items()}
    check_pair(PairSheets(label, names, specs, {k: t.rows for k, t in bookdata.tables.items()}, info.start),
               rules_of(data), own, info.members)
    report.extend(own)
    locked = [p for p in own if p.code == "collect-locked-edited"]
    errors = [p for p in own.errors if p.code != "collect-locked-edited"]
    if errors:
        report.add("collect-file-errors", file=label, pair=pair_id, count=len(errors))
    if locked or errors:
        return None
    _take_links(path, bookdata)
    rows = {key: kept_rows(t.rows) for key, t in bookdata.tables.items()}
    return Incoming(label, pair_id, meta.get(BASE_KEY) or None, rows, fingerprint(program.profile, rows))


def _members_by_name(data: ProgramData, info: Pair, book: BookData) -> None:
    """A member who wrote a name instead of a code («Кто пишет»: «Семёнова Дарья», «Семёнова Д.») is that
    member: the code is put in its place. A name of nobody in the pair stays as typed (and is refused)."""
    from toolkit.checks.people import same_person

    people = {m: data.participants[m].name for m in info.members if m in data.participants}
    for table in book.tables.values():
        if not any(c.key == "member_id" for c in table.sheet.columns):
            continue
        for row in table.rows:
            pid = row.values.get("member_id")
            if not pid or pid in people or "member_id" in row.bad:
                continue
            typed = clean_text(row.raw.get("member_id", pid))
            found = [m for m, name in people.items() if same_person(typed, name)]
            if len(found) == 1:
                row.values["member_id"] = found[0]
                row.raw["member_id"] = found[0]


def _take_links(path: Path, book: BookData) -> None:
    """A hyperlink typed in a cell («Ссылка на кейс или отзыв») keeps its address: the value read is only the text
    shown, so the address is added to it («Отзыв (https://…)») unless the text is the address itself."""
    from toolkit.books.annotations import hyperlinks

    links = hyperlinks(path)
    if not links:
        return
    for table in book.tables.values():
        for row in table.rows:
            for key, value in list(row.values.items()):
                url = links.get((table.name, row.cell(key)))
                if not url or key in row.bad:
                    continue
                text = clean_text(value)
                if url not in text:
                    row.values[key] = f"{text} ({url})" if text else url


def _locked(data: ProgramData, info: Pair, existing: dict[str, list[dict[str, Any]]], book: BookData,
            report: Report) -> None:
    """Edits of locked cells: the sheet «Пара» and the identity of prefilled rows."""
    form = book.forms.get(FORM_SHEET)
    if form is not None and form.present:
        expected = expected_form(data, info)
        for key in FORM_IDENTITY:
            typed, want = clean_text(form.values.get(key)), clean_text(expected.get(key))
            if key in form.cells and fold(typed) != fold(want):
                header = next(c.header for c in form.sheet.columns if c.key == key)
                report.add("collect-locked-edited", file=book.label, sheet=form.sheet.name, cell=form.cells[key],
                           field=header, value=typed, expected=want)
    identities = expected_identities(data, info, existing)
    for sheet_key, columns in IDENTITY.items():
        table = book.tables.get(sheet_key)
        if table is None or sheet_key not in identities:
            continue
        allowed = identities[sheet_key]
        for row in table.rows:
            got = tuple(fold(row.values.get(k)) for k in columns)
            if got in allowed:
                continue
            for i, column in enumerate(columns):  # the first cell no prefilled row explains
                if not any(t[: i + 1] == got[: i + 1] for t in allowed):
                    header = next(c.header for c in table.sheet.columns if c.key == column)
                    near = [t for t in allowed if t[:i] == got[:i]]
                    want = (_original(data, info, existing, sheet_key, near[0], column)
                            if len({t[i] for t in near}) == 1 else "одно из значений, записанных программой")
                    report.add("collect-locked-edited", file=book.label, sheet=table.name, cell=row.cell(column),
                               field=header, value=clean_text(row.values.get(column)), expected=want)
                    break


def _original(data: ProgramData, info: Pair, existing: dict[str, list[dict[str, Any]]], key: str,
              identity: tuple[str, ...], column: str) -> str:
    from toolkit.model.work import identity_of

    for row in pair_rows(data, info, existing).get(key, []):
        if identity_of(key, row) == identity:
            return clean_text(row.get(column))
    return ""  # pragma: no cover - the identity comes from the same rows


class _Collected:
    """What the last ``collect`` read without a single problem: per returned file, the digest of its bytes, the
    pair and the digest of the pair's content — valid only while every book of the program is byte for byte
    the one that run left (its own «05_Работа пар» included), under the same version of the toolkit.

    A file whose bytes are the same and whose content is exactly the pair's rows in «05_Работа пар» is
    «unchanged» without being read again: reading it would find the same, since it depends only on its bytes
    and on the program's books. Anything else — another byte, another book, a lock file beside it, a file
    that had a problem — is read and checked as always. The record holds digests and pair codes only (no
    names: the file's name is kept as a digest too); it lives in the user's temporary folder, beside the
    program locks, so nothing appears in the program's folder or in the inbox."""

    DIR = "nastavnik-collect"

    def __init__(self, program: Program, inbox: Path) -> None:
        import hashlib
        import json

        from toolkit import __version__

        self.program = program
        key = json.dumps([str(program.root.resolve()), str(inbox.resolve())], ensure_ascii=False)
        self.path = self._folder() / (hashlib.sha256(key.encode("utf-8")).hexdigest()[:24] + ".json")
        self.base = hashlib.sha256(json.dumps(
            [__version__, program.program_id, pair_spec(program.profile).model_dump(mode="json"),
             program.profile.model_dump(mode="json")], ensure_ascii=False, sort_keys=True, default=str
        ).encode("utf-8")).hexdigest()
        self.books = self._books()  # the program's books as this run reads them
        self.files: dict[str, dict[str, str]] = {}
        try:
            if not self._ours(self.path.parent):
                raise OSError("another user's folder")
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            if loaded.get("base") == self.base and loaded.get("books") == self.books:
                self.files = {k: v for k, v in dict(loaded["files"]).items() if isinstance(v, dict)}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.files = {}
        self.next: dict[str, dict[str, str]] = {}

    @staticmethod
    def _ours(folder: Path) -> bool:
        """The record's folder belongs to this user (a shared temporary folder may hold another user's)."""
        import os

        return os.name == "nt" or folder.stat().st_uid == os.getuid()

    @classmethod
    def _folder(cls) -> Path:
        import tempfile

        return Path(tempfile.gettempdir()) / cls.DIR

    def _books(self) -> dict[str, str]:
        import hashlib

        out = {}
        for wb in self.program.specs:
            for path in self.program.find_files(wb):
                try:
                    out[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
                except OSError:
                    out[path.name] = ""
        return out

    @staticmethod
    def _key(label: str) -> str:
        import hashlib

        return hashlib.sha256(label.encode("utf-8", "surrogateescape")).hexdigest()[:32]

    @staticmethod
    def _digest(path: Path) -> str | None:
        import hashlib

        try:
            return hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None

    def known(self, path: Path, label: str) -> Incoming | None:
        """The file as read last time, when nothing it depends on changed (its content not included)."""
        entry = self.files.get(self._key(label))
        if entry is None or files.lock_files(path):
            return None
        if entry.get("file") != self._digest(path):
            return None
        self.next[self._key(label)] = entry
        base = entry.get("base") or None
        return Incoming(label, str(entry.get("pair")), base, {}, str(entry.get("digest")))

    def remember(self, path: Path, item: Incoming) -> None:
        file_digest = self._digest(path)
        if file_digest is not None:
            self.next[self._key(item.label)] = {"file": file_digest, "pair": item.pair_id, "base": item.base or "",
                                                "digest": item.digest}

    def save(self, written: set[str]) -> None:
        """Keep the record for the next run when the program's books are the ones this run read (those it
        wrote itself aside); otherwise forget it."""
        import json

        now = self._books()
        if any(now.get(name) != digest for name, digest in self.books.items() if name not in written) \
                or set(now) - set(self.books) - written:
            self.next = {}
        text = json.dumps({"base": self.base, "books": now, "files": self.next}, sort_keys=True)
        try:
            folder = self._folder()
            folder.mkdir(mode=0o700, exist_ok=True)
            if not self._ours(folder):  # another user's folder: not ours to trust
                return
            if not self.next:
                self.path.unlink(missing_ok=True)
                return
            files.write_text_atomic(self.path, text)
        except OSError:
            pass  # a record that cannot be kept only costs the next run its reading


@locks_program("nastavnik collect")
def collect(program: Program, inbox: Path, report: Report, *, force: bool = False, backup: bool = True,
            today: dt.date | None = None) -> CollectResult:
    """Merge the returned files of ``inbox`` into «05_Работа пар» (see the module docstring)."""
    if not inbox.exists():
        raise NastavnikError(f"Папка «{inbox}» не найдена. Сложите в неё присланные книги пар.")
    if not inbox.is_dir():
        raise NastavnikError(f"«{inbox}» — это файл, а не папка. Укажите папку с присланными книгами пар.")
    target = work_path(program)
    files.ensure_not_locked(target)
    memo = _Collected(program, inbox)  # the books' digests first: the record is valid for the books read next
    data, read = _load(program)
    carried: list[ForeignSheet] = []  # sheets of the curator's own, written back as they are
    if BOOK in data.books:  # «05_Работа пар» is rewritten from what was read: it must lose nothing
        carried = ensure_rewritable(read, data.books[BOOK], work_spec(program.profile))
    profile = program.profile
    pairs = known_pairs(data)
    existing = _existing(data)
    history = journal(data)
    result = CollectResult(target)
    incoming: dict[str, list[Incoming]] = {}
    seen: dict[str, str] = {}  # file → its pair, once identified
    saved: dict[str, float] = {}  # file → when it was saved
    broken: list[str] = []  # identified files refused for errors in them
    current_digests: dict[str, str] = {}  # pair → the fingerprint of its rows in «05_Работа пар»

    def current_digest(pid: str) -> str:
        if pid not in current_digests:
            current_digests[pid] = fingerprint(profile, existing.get(pid, {}))
        return current_digests[pid]

    for path, label in _candidates(inbox):
        if path.suffix.lower() not in files.SPREADSHEET_SUFFIXES:
            report.add("collect-skipped-file", file=label, suffix=path.suffix or "без расширения")
            continue
        saved[label] = path.stat().st_mtime
        item = memo.known(path, label)
        if item is not None and item.pair_id in pairs and item.digest == current_digest(item.pair_id):
            seen[label] = item.pair_id  # the same bytes, the same books: read, it would be «unchanged»
            incoming.setdefault(item.pair_id, []).append(item)
            continue
        problems = len(report.problems)
        item = _read_incoming(program, data, pairs, existing, path, label, report, seen)
        if item is None:
            result.refused.append(label)
            if label in seen:
                broken.append(label)
            continue
        if len(report.problems) == problems:  # read without a single problem: remembered
            memo.remember(path, item)
        incoming.setdefault(item.pair_id, []).append(item)
    accepted: dict[str, Incoming] = {}
    for pid in sorted(incoming):
        current = existing.get(pid, {})
        d_s = current_digest(pid)
        past = history.get(pid, [])
        last = past[-1].get("digest") if past else None
        fresh: list[Incoming] = []
        for item in incoming[pid]:
            if item.digest == d_s:
                result.unchanged.append((pid, item.label))
            elif any(e.get("digest") == item.digest for e in past):
                when = next(e.get("collected_on") for e in past if e.get("digest") == item.digest)
                report.add("collect-already-collected", file=item.label, pair=pid,
                           date=format_date(when) if isinstance(when, dt.date) else "")
            else:
                fresh.append(item)
        if not fresh:
            continue
        first = fresh[0]
        others = [i for i in fresh[1:] if i.digest != first.digest]
        if others:
            for item in fresh:
                other = next(i for i in fresh if i.digest != item.digest)
                report.add("collect-two-versions", file=item.label, pair=pid, other=other.label)
                result.refused.append(item.label)
            continue
        for item in fresh[1:]:
            result.duplicates.append((pid, item.label, first.label))
        if not force:
            if d_s not in {first.base, last} and not (not _has_rows(current) and last is None):
                report.add("collect-program-edited", file=first.label, pair=pid, book=target.name)
                result.refused.append(first.label)
                continue
            if last is not None and d_s == last and d_s != first.base:
                missing = _missing_row(current, first.rows)
                if missing is not None:
                    sheet_key, values = missing
                    sheet_name = next(s.name for s in pair_spec(profile).sheets if s.key == sheet_key)
                    report.add("collect-older-version", file=first.label, pair=pid, row=describe_row(sheet_key, values),
                               sheet=sheet_name, book=target.name)
                    result.refused.append(first.label)
                    continue
        accepted[pid] = first
        result.accepted.append((pid, first.label, summary_text(profile, first.rows)))
    _drop_superseded(result, report, broken, seen, saved)
    if accepted:
        _write(program, data, accepted, today or dt.date.today(), result, backup, carried)
    memo.save({result.path.name, target.name} if result.written else set())
    return result


def _drop_superseded(result: CollectResult, report: Report, broken: list[str], seen: dict[str, str],
                     saved: dict[str, float]) -> None:
    """A broken file of a pair saved before a copy of the same pair that was taken (now or as already
    collected) is an old version: it is named in a line, its problems are not reported, it fails nothing."""
    good: dict[str, list[str]] = {}
    for pid, label, *_ in [*result.accepted, *result.unchanged, *result.duplicates]:
        good.setdefault(pid, []).append(label)
    for p in report:
        if p.code == "collect-already-collected" and p.file in seen:
            good.setdefault(seen[p.file], []).append(p.file)
    for label in broken:
        newer = [g for g in good.get(seen[label], []) if saved.get(g, 0) >= saved[label]]
        if not newer:
            continue
        report.problems[:] = [p for p in report.problems if p.file != label]
        result.refused.remove(label)
        result.lines.append(f"Пропущен старый файл «{label}» ({seen[label]}): его заменил более новый "
                            f"«{newer[0]}», принятый без ошибок.")


def _has_rows(rows: dict[str, list[dict[str, Any]]]) -> bool:
    return any(rows.values())


def _missing_row(current: dict[str, list[dict[str, Any]]], new: dict[str, list[dict[str, Any]]]
                 ) -> tuple[str, dict[str, Any]] | None:
    for key, rows in current.items():
        have = {row_key(key, r) for r in new.get(key, [])}
        for r in rows:
            if row_key(key, r) not in have:
                return key, r
    return None


def _write(program: Program, data: ProgramData, accepted: dict[str, Incoming], today: dt.date,
           result: CollectResult, backup: bool, carried: list[ForeignSheet]) -> None:
    """Rewrite «05_Работа пар»: other pairs' rows as they were, the accepted pairs' rows from their files."""
    spec = work_spec(program.profile)
    book = data.books.get(BOOK)
    target = result.path
    rows: dict[str, list[dict[str, Any]]] = {}
    for sheet in spec.sheets:
        if sheet.kind != "table":
            continue
        table = book.tables.get(sheet.key) if book else None
        old = table.rows if table else []
        out: list[dict[str, Any]] = []
        placed: set[str] = set()
        for row in old:
            pid = normalize_pair_id(row.values.get(PAIR_COLUMN))
            if sheet.key in PROGRAM_ONLY or pid not in accepted:
                out.append(row.kept_values())
                continue
            if pid not in placed:
                placed.add(pid)
                out.extend(_pair_rows(sheet.key, pid, accepted[pid], old))
        if sheet.key not in PROGRAM_ONLY:
            for pid in sorted(accepted):
                if pid not in placed:
                    out.extend(_pair_rows(sheet.key, pid, accepted[pid], old))
        rows[sheet.key] = out
    for pid in sorted(accepted):
        item = accepted[pid]
        rows["journal"].append({PAIR_COLUMN: pid, "file": item.label, "collected_on": today, "digest": item.digest,
                                "summary": summary_text(program.profile, item.rows)})
    new_target = program.root / (spec.file + ".xlsx")
    files.ensure_not_locked(target)  # refused before the backup: a refusal leaves no trace
    done = rewrite_stage_book(new_target, [target] if target.exists() else [], spec, program.profile,
                              program.program_id, rows, carried, backup_root=program.root if backup else None)
    result.backup = done.backup
    result.lines.extend(n for n in done.notes if done.written)
    result.path = new_target
    result.written = done.written


def _pair_rows(key: str, pid: str, item: Incoming, old: list[Any]) -> list[dict[str, Any]]:
    """The rows of an accepted pair for one sheet; extra columns the curator added are carried over."""
    extras: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in old:
        if normalize_pair_id(row.values.get(PAIR_COLUMN)) == pid and row.extra:
            extras.setdefault(row_key(key, row.values), dict(row.extra))
    out = []
    for values in item.rows.get(key, []):
        new = {PAIR_COLUMN: pid, **values}
        extra = dict(new.get("__extra__") or {})
        for header, value in extras.get(row_key(key, values), {}).items():
            extra.setdefault(header, value)
        if extra:
            new["__extra__"] = extra
        out.append(new)
    return out
