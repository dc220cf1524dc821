"""Safe file operations: atomic writes, backups of files people edit, lock detection, input limits."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import filecmp
import os
import re
import shutil
import stat
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

from toolkit.base.problems import NastavnikError

BACKUP_DIR = "Резервные копии"
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")
MAX_INPUT_BYTES = 50 * 1024 * 1024  # a school workbook is kilobytes; 50 MB is surely not one
MAX_UNPACKED_BYTES = 500 * 1024 * 1024  # zip bomb guard for xlsx/ods (they are zip archives)
MAX_ROWS = 100_000
MAX_COLUMNS = 500
MAX_CELLS = 5_000_000  # rows × columns of one sheet read into memory
STALE_TEMPORARY_SECONDS = 6 * 3600  # a temporary file this old is left by a killed write, not a running one


def lock_files(path: Path) -> list[Path]:
    """Lock files office suites leave beside an open document."""
    candidates = [
        path.with_name("~$" + path.name),  # Microsoft Office
        path.with_name("~$" + path.name[2:]) if len(path.name) > 2 else None,  # Office shortens long names
        path.with_name(".~lock." + path.name + "#"),  # LibreOffice
        path.with_name("~" + path.name + ".lock"),  # МойОфис / Р7
    ]
    return [c for c in candidates if c is not None and c.exists()]


def is_lock_file(path: Path) -> bool:
    name = path.name
    return name.startswith("~$") or name.startswith(".~lock.") or (name.startswith("~") and name.endswith(".lock"))


def locked_name(path: Path) -> str:
    """The document a lock file stands for: «~$Заявки.xlsx» → «Заявки.xlsx»."""
    name = path.name
    if name.startswith("~$"):
        return name[2:]
    if name.startswith(".~lock.") and name.endswith("#"):
        return name[len(".~lock."):-1]
    if name.startswith("~") and name.endswith(".lock"):
        return name[1:-len(".lock")]
    return name


def os_reason(exc: OSError) -> str:
    """Why the system refused, in Russian."""
    if isinstance(exc, PermissionError):
        return "нет прав на запись или файл занят другой программой"
    return {
        errno.ENOSPC: "на диске нет места",
        errno.EROFS: "диск доступен только для чтения",
        errno.EDQUOT: "превышена квота на диске",
        errno.ENAMETOOLONG: "слишком длинное имя или путь",
        errno.EBUSY: "файл занят другой программой",
        errno.ENOTDIR: "в пути вместо папки файл",
        errno.EISDIR: "на месте файла папка",
    }.get(exc.errno or 0, f"ошибка системы {exc.errno}" if exc.errno else "ошибка ввода-вывода")


def ensure_writable(path: Path) -> None:
    """Refuse a target marked read-only (the attribute a person sets to protect a file): on Windows the
    rename would fail, elsewhere it would silently replace the file."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if stat.S_ISREG(mode) and not mode & stat.S_IWUSR:
        raise NastavnikError(
            f"Файл «{path.name}» доступен только для чтения. Снимите атрибут «Только чтение» (Свойства файла) "
            "или сохраните копию под другим именем и повторите команду."
        )


def ensure_not_locked(path: Path) -> None:
    locks = lock_files(path)
    if locks:
        raise NastavnikError(
            f"Файл «{path.name}» открыт в другой программе (найден файл блокировки «{locks[0].name}»). "
            "Закройте его и повторите команду."
        )


def backup(path: Path, root: Path | None = None) -> Path | None:
    """Copy a file a person may have edited into «Резервные копии» before it is rewritten.

    The copy is written as a write is (a temporary name, flushed to the disk, compared with the original, then
    renamed): a disk that fills up half-way leaves no short file named like a backup, and the rewrite stops."""
    from toolkit.base.messages import fault

    if not path.exists():
        return None
    folder = (root or path.parent) / BACKUP_DIR
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H-%M-%S")
    target = folder / f"{path.stem} {stamp}{path.suffix}"
    tmp: Path | None = None
    try:
        folder.mkdir(exist_ok=True)
        _remove_stale_temporaries(folder)
        n = 2
        while target.exists():
            target = folder / f"{path.stem} {stamp} ({n}){path.suffix}"
            n += 1
        fd, tmp_name = tempfile.mkstemp(prefix=".~tmp-", suffix=path.suffix, dir=folder)
        os.close(fd)
        tmp = Path(tmp_name)
        shutil.copyfile(path, tmp)
        shutil.copystat(path, tmp)
        _flush_to_disk(tmp)
        if not filecmp.cmp(path, tmp, shallow=False):
            raise OSError(errno.EIO, "the copy differs from the original")
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise NastavnikError(fault("backup-failed", name=path.name, folder=folder.name, reason=os_reason(exc))) \
            from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
    return target


def make_folder(folder: Path) -> None:
    """Create a folder (and those above it) for a command's files, or say in one sentence why it cannot be: a file
    stands where a folder should, the disk is read-only or full, no rights."""
    from toolkit.base.messages import fault

    folder = Path(folder)
    for above in [folder, *folder.parents]:
        if above.exists() or above.is_symlink():
            if not above.is_dir():
                raise NastavnikError(fault("output-under-file", path=folder, file=above))
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NastavnikError(fault("output-folder-failed", path=folder, reason=os_reason(exc))) from exc


def describe_os_error(exc: BaseException) -> str | None:
    """One Russian sentence for a refusal of the system behind any error (which file, why), or None."""
    from toolkit.base.messages import fault

    cause = os_error_in(exc, follow_context=False)  # not an error raised while handling another one (a bug)
    if cause is None:
        return None
    name = Path(str(cause.filename)).name if cause.filename else ""
    return fault("os-error" if name else "os-error-unnamed", name=name, reason=os_reason(cause))


def discard_backup(saved: Path | None) -> None:
    """A backup made for a rewrite that then failed: the folder is left as it was."""
    if saved is not None:
        with contextlib.suppress(OSError):
            saved.unlink()


def os_error_in(exc: BaseException, follow_context: bool = True) -> OSError | None:
    """The system's refusal behind an error of any library (xlsxwriter's FileCreateError wraps an OSError in its
    arguments, others chain it as the cause), or None."""
    return next((item for item in _chain(exc, follow_context) if isinstance(item, OSError)), None)


def _chain(exc: BaseException, follow_context: bool = True) -> Iterator[BaseException]:
    """``exc`` and every exception behind it: its cause, its arguments (xlsxwriter wraps the OSError there) and,
    with ``follow_context``, the one it was raised while handling; each once."""
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        todo += [item.__cause__, *item.args] + ([item.__context__] if follow_context else [])


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one rename.

    A write killed half-way leaves the previous file intact. A target open in another program is
    refused with a message (the lock file is checked first; on Windows the rename itself fails).
    """
    from toolkit.base.messages import fault

    ensure_not_locked(path)
    ensure_writable(path)
    _remove_stale_temporaries(path.parent)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".~tmp-", suffix=path.suffix, dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise NastavnikError(
            f"Не удалось записать «{path.name}» в папку «{path.parent.name}» ({os_reason(exc)}). "
            "Проверьте, что папка не только для чтения, и повторите команду."
        ) from exc
    tmp = Path(tmp_name)
    existed = path.exists()
    try:
        try:
            yield tmp
        except NastavnikError:
            raise
        except Exception as exc:  # writing the new version failed (disk full …): the old file is untouched
            cause = os_error_in(exc)
            if cause is None:
                raise
            _close_left_open(exc)
            raise NastavnikError(fault("write-failed" if existed else "write-failed-new", name=path.name,
                                       reason=os_reason(cause))) from exc
        try:
            _keep_mode(tmp, path)
            _flush_to_disk(tmp)
            os.replace(tmp, path)
        except PermissionError as exc:
            raise NastavnikError(
                f"Не удалось записать «{path.name}»: файл занят другой программой или доступен только для "
                "чтения. Закройте его и повторите команду."
            ) from exc
        except OSError as exc:
            raise NastavnikError(
                f"Не удалось записать «{path.name}» ({os_reason(exc)}): прежний файл не изменён."
            ) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _close_left_open(exc: BaseException) -> None:
    """A library that failed half-way (xlsxwriter on a full disk) leaves its archive open in its frames: close it
    now, quietly, rather than when the garbage collector tries (and fails) again."""
    import zipfile

    for item in _chain(exc):
        tb = item.__traceback__
        while tb is not None:
            for value in list(tb.tb_frame.f_locals.values()):
                if isinstance(value, zipfile.ZipFile):
                    with contextlib.suppress(Exception):
                        value.close()
                    with contextlib.suppress(Exception):
                        if value.fp is not None:
                            value.fp.close()
            tb = tb.tb_next


def _flush_to_disk(tmp: Path) -> None:
    """The new version is on the disk before it replaces the old one (a power cut then leaves one of them)."""
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())


def _remove_stale_temporaries(folder: Path) -> None:
    """Temporary files of a write that was killed (power cut, task manager) are removed later, once they are
    older than any write could take; a write in progress elsewhere is never touched."""
    limit = dt.datetime.now().timestamp() - STALE_TEMPORARY_SECONDS
    with contextlib.suppress(OSError):
        for tmp in folder.glob(".~tmp-*"):
            with contextlib.suppress(OSError):
                if tmp.is_file() and tmp.stat().st_mtime < limit:
                    tmp.unlink()


def _keep_mode(tmp: Path, path: Path) -> None:
    """mkstemp makes owner-only files: give the new version the old one's permissions (or the usual ones)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)


def write_atomic(path: Path, produce: Callable[[Path], None]) -> None:
    with atomic_path(path) as tmp:
        produce(tmp)


def replace_if_changed(path: Path, data: bytes, root: Path | None = None) -> tuple[bool, Path | None]:
    """Write ``data`` unless the file already holds exactly it (running a command again changes nothing and
    fills no backups); the previous version goes to «Резервные копии» first. Returns (written, backup)."""
    ensure_not_locked(path)
    try:
        if path.is_file():
            old = path.read_bytes()
            if old == data or (old[:2] == data[:2] == b"PK" and same_package(old, data)):
                return False, None
    except OSError:
        pass
    saved = backup(path, root) if path.exists() else None
    try:
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
    except BaseException:
        discard_backup(saved)
        raise
    return True, saved


def same_package(a: Path | bytes, b: Path | bytes, ignore: tuple[str, ...] = ("docProps/core.xml",)) -> bool:
    """Two .xlsx/.docx files hold the same parts (zip time stamps and the creation time in
    ``docProps/core.xml`` aside)."""
    import io
    import zipfile

    def opened(x: Path | bytes) -> zipfile.ZipFile:
        return zipfile.ZipFile(io.BytesIO(x) if isinstance(x, bytes) else x)

    try:
        with opened(a) as za, opened(b) as zb:
            names = sorted(n for n in za.namelist() if n not in ignore)
            if names != sorted(n for n in zb.namelist() if n not in ignore):
                return False
            return all(za.read(n) == zb.read(n) for n in names)
    except (OSError, zipfile.BadZipFile, KeyError, RuntimeError):
        return False


def format_note(old: Path, new: Path) -> str:
    """What to tell a curator whose .ods (.xls) book was written back as .xlsx, the toolkit's format."""
    return (f"Книга теперь в формате {new.suffix}: «{new.name}»; прежний файл «{old.name}» — в папке «{BACKUP_DIR}». "
            f"LibreOffice, МойОфис и Р7-Офис открывают её как обычно; сохраняйте её в формате {new.suffix}.")


def write_text_atomic(path: Path, text: str) -> None:
    def produce(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    write_atomic(path, produce)


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("байт", "КБ", "МБ", "ГБ"):
        if size < 1024 or unit == "ГБ":
            return f"{size:.0f} {unit}" if unit == "байт" else f"{size:.1f} {unit}".replace(".", ",")
        size /= 1024
    return f"{n} байт"


# --------------------------------------------------------------------------- names from data

MAX_NAME_LENGTH = 100
# File systems count a name's length in bytes (255 on ext4, NTFS counts UTF-16 units): a name made from data is
# cut to this many bytes of the file system's encoding, leaving room for « (2)», a backup's time stamp and «.docx».
MAX_NAME_BYTES = 180
DEFAULT_FILE_NAME = "документ"
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {f"COM{i}" for i in range(1, 10)} | {
    f"LPT{i}" for i in range(1, 10)} | {"COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³"}
_BAD_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def safe_filename(value: object, used: set[str]) -> str:
    """A Windows-safe file name (without extension) made from a data value, unique within ``used``.

    Path separators, ``..``, ``: * ? " < > |`` and control characters become spaces or disappear;
    trailing dots and spaces go; reserved device names (CON, PRN, AUX, NUL, COM1–9, LPT1–9, also
    «con.txt») get a «_» in front; the length is limited to ~100 characters; Cyrillic is kept.  The
    name is never empty («документ»).  Duplicates (case-insensitive, as on Windows) get « (2)», « (3)» …
    ``used`` holds the case-folded names already taken and is updated.
    """
    text = unicodedata.normalize("NFC", str(value) if value is not None else "")
    text = re.sub(r"\s", " ", text)  # tabs and line breaks separate words
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    text = _BAD_CHARS.sub(" ", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    if text.split(".")[0].strip().upper() in _RESERVED:
        text = "_" + text
    text = _cut_to_bytes(text[:MAX_NAME_LENGTH], MAX_NAME_BYTES).rstrip(" .") or DEFAULT_FILE_NAME
    name, number = text, 1
    while name.casefold() in used:
        number += 1
        name = f"{text} ({number})"
    used.add(name.casefold())
    return name


def _cut_to_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes in the file system's encoding (and in UTF-16, Windows' unit),
    never in the middle of a character."""
    encoding = sys.getfilesystemencoding() or "utf-8"
    while text and (len(text.encode(encoding, "surrogateescape")) > limit or len(text.encode("utf-16-le")) > 2 * limit):
        over = max(1, (len(text.encode(encoding, "surrogateescape")) - limit) // 4)
        text = text[:-over]
    return text


def display_name(name: str) -> str:
    """A file name fit to show and to print: bytes that are not valid in the file system's encoding (a zip made on
    Windows unpacked on Linux, names in cp866) are shown escaped («\\x8f\\xa0ра.xlsx»), never a crash."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")


def inside(directory: Path, name: str) -> Path:
    """``directory / name``, guaranteed not to escape ``directory``."""
    base = directory.resolve()
    target = (base / name).resolve()
    if target.parent != base:
        raise NastavnikError(f"Имя файла «{name}» выводит за пределы папки «{directory}».")
    return target
