"""Where a command may write a file of its own (a status book, a monitoring, an export, documents): one check
for every output path, default or given with ``--out``.

* A person's book is never an output: a book of a program («02_Заявки», «05_Работа пар» …, found by its name
  in a program folder or by the program code in its hidden «_meta» sheet) or a pair's returned book is refused
  with a message, whatever its name.
* A folder where a file should go, or a path under an existing file, is refused with a message, not an OSError.
* A workbook the command made itself (marked by a document property) is replaced; anything else there — a file
  of the person's own, or the command's own book with a sheet the curator added — goes to «Резервные копии»
  first, and the command says so.
* Writing into a program folder (or a folder inside it) takes the program's lock: two commands never write one
  program at once.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from toolkit import spec
from toolkit.base import files
from toolkit.base.lock import program_lock
from toolkit.base.messages import fault
from toolkit.base.problems import NastavnikError, Report
from toolkit.books.writer import META_SHEET

OWNER_PROPERTY = "Наставник"  # custom document property: which command made the workbook
_SHEET_NAME = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"')
_OWNER = re.compile(rb'name="' + OWNER_PROPERTY.encode() + rb'"[^>]*>\s*<(?:\w+:)?lpwstr\b[^>]*>([^<]*)<')


def program_folder_of(path: Path, levels: int = 3) -> Path | None:
    """The program folder ``path`` lies in (itself, its folder, or up to ``levels`` folders above)."""
    settings = spec.workbook_specs()["settings"].file
    try:
        here = Path(path).resolve()
    except OSError:
        return None
    for folder in [here, *here.parents][: levels + 1]:
        with contextlib.suppress(OSError):
            if folder.is_dir() and any((folder / (settings + s)).is_file() for s in files.SPREADSHEET_SUFFIXES):
                return folder
    return None


@contextlib.contextmanager
def output_lock(path: Path, command: str) -> Iterator[None]:
    """Hold the lock of the program ``path`` is written into (none when it is outside every program)."""
    folder = program_folder_of(path)
    if folder is None:
        yield
        return
    with program_lock(folder, command):
        yield


def person_book(path: Path) -> str:
    """What person's book ``path`` is, in words («книга программы «02_Заявки»», «книга пары P-001»), or ""."""
    if path.suffix.lower() not in files.SPREADSHEET_SUFFIXES or not path.is_file():
        return ""
    folder = program_folder_of(path.parent, levels=0)
    names = {files_key(w.file): w.file for w in spec.workbook_specs().values() if w.key != "pair_work"}
    if folder is not None and files_key(path.stem) in names:
        return fault("person-book-program", book=names[files_key(path.stem)])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        made_by, sheets = workbook_owner(path)
        if made_by or (sheets and META_SHEET not in sheets):  # an output of ours, or no program code inside
            return ""
    from toolkit.books.reader import open_book

    book = open_book(path, Report(), path.name)
    meta = book.meta() if book is not None else {}
    if not meta.get("program_id"):
        return ""
    if meta.get("pair_id") or meta.get("workbook") == "pair_work":
        return fault("person-book-pair", pair=meta.get("pair_id") or "")
    wanted = spec.workbook_specs().get(meta.get("workbook", ""))
    return fault("person-book-program", book=wanted.file if wanted else path.stem)


def files_key(name: str) -> str:
    return name.strip().casefold()


def ensure_output_folder(folder: Path) -> None:
    """A folder outputs go into: refused when it is a file or lies under one; created otherwise."""
    files.make_folder(folder)


def ensure_output(path: Path) -> None:
    """Refuse an output path that is a folder, lies under a file, or is a person's book."""
    path = Path(path)
    if path.is_dir():
        raise NastavnikError(fault("output-is-folder", path=path))
    for above in path.parents:
        if above.exists():
            if not above.is_dir():
                raise NastavnikError(fault("output-under-file", path=path, file=above))
            break
    what = person_book(path)
    if what:
        raise NastavnikError(fault("output-person-book", path=path.name, what=what))


def workbook_owner(path: Path) -> tuple[str, list[str]]:
    """(the command that made an .xlsx, its sheet names); ("", []) for anything else."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            custom = z.read("docProps/custom.xml") if "docProps/custom.xml" in names else b""
            sheets = [n.decode("utf-8") for n in _SHEET_NAME.findall(z.read("xl/workbook.xml"))]
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, UnicodeDecodeError):
        return "", []
    found = _OWNER.search(custom)
    return (found.group(1).decode("utf-8", "replace") if found else ""), sheets


def write_output(path: Path, produce: Callable[[Path], None], *, owner: str, sheets: list[str],
                 command: str, root: Path | None = None) -> list[str]:
    """Write a workbook of the command's own (``owner``, with ``sheets``) at ``path`` atomically, under the lock
    of the program it is written into; return notes for the person (what went to the backups and why)."""
    path = Path(path)
    with output_lock(path, command):
        ensure_output(path)
        notes: list[str] = []
        if path.exists():
            files.ensure_not_locked(path)  # refused before the backup: a refusal leaves no trace
            files.ensure_writable(path)
            made_by, found = workbook_owner(path)
            extra = [s for s in found if s not in sheets]
            if made_by != owner or extra:
                saved = files.backup(path, root or program_folder_of(path.parent, levels=0) or path.parent)
                why = (fault("output-extra-sheets", sheets="», «".join(extra)) if made_by == owner
                       else fault("output-not-ours"))
                notes.append(fault("output-backed-up", name=path.name, why=why,
                                   backup=saved.name if saved else ""))
        files.write_atomic(path, produce)
        return notes
