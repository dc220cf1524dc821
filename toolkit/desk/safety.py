"""What the browser may name: files inside the program folder, folders inside home or removable drives.

The browser never sends a path the server trusts. It sends a name relative to a known root; the name is
checked part by part (no ``..``, no absolute path, no drive letter, no Windows reserved device name, no
character Windows forbids) and the resolved target must stay inside the root (a symlink pointing out is
refused).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from toolkit.base.problems import NastavnikError

RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {f"COM{i}" for i in range(10)} | {
    f"LPT{i}" for i in range(10)} | {"COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³"}
_FORBIDDEN = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')
MAX_NAME = 200


class UnsafeName(NastavnikError):
    """A name from the browser that could leave its folder or cannot exist on Windows."""


def check_part(part: str) -> str:
    """One file or folder name: returned as is when safe, else :class:`UnsafeName`."""
    if part in ("", ".", ".."):
        raise UnsafeName(f"Имя «{part}» не указывает на файл в папке программы.")
    if _FORBIDDEN.search(part) or "/" in part or "\\" in part:
        raise UnsafeName(f"В имени «{part}» есть знаки, недопустимые в именах файлов (< > : \" | ? *).")
    if part.split(".")[0].strip().upper() in RESERVED:
        raise UnsafeName(f"«{part}» — зарезервированное имя устройства Windows, так файл назвать нельзя.")
    if part != part.rstrip(" ."):
        raise UnsafeName(f"Имя «{part}» кончается точкой или пробелом: в Windows такого файла не бывает.")
    if len(part) > MAX_NAME:
        raise UnsafeName("Слишком длинное имя файла.")
    return part


def split_relative(name: str) -> list[str]:
    """A relative name from the browser («Документы/Грамота.docx») as checked parts."""
    if not isinstance(name, str) or not name:
        raise UnsafeName("Не указано имя файла.")
    text = name.replace("\\", "/")
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text) or text.startswith("~"):
        raise UnsafeName(f"«{name}»: нужен путь внутри папки программы, а не полный путь.")
    return [check_part(part) for part in text.split("/")]


def inside(root: Path, name: str) -> Path:
    """``root / name`` for a name from the browser; refused if it leaves ``root`` in any way."""
    parts = split_relative(name)
    target = root.joinpath(*parts)
    real_root = root.resolve()
    real = target.resolve()
    if real != real_root and real_root not in real.parents:
        raise UnsafeName(f"«{name}» ведёт за пределы папки «{root.name}».")
    return target


def relative_name(root: Path, path: Path) -> str:
    """The name the browser gets for ``path`` inside ``root`` (always with «/»)."""
    return path.resolve().relative_to(root.resolve()).as_posix()


def browse_roots() -> list[tuple[str, Path]]:
    """Where the folder browser may go: the user's home and removable drives (named for people)."""
    roots: list[tuple[str, Path]] = [("Домашняя папка", Path.home())]
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes
        import string

        for letter in string.ascii_uppercase:
            drive = f"{letter}:\\"
            if ctypes.windll.kernel32.GetDriveTypeW(drive) == 2:  # DRIVE_REMOVABLE
                roots.append((f"Съёмный диск {letter}:", Path(drive)))
        return roots
    user = os.environ.get("USER") or Path.home().name
    for base in (Path("/media") / user, Path("/run/media") / user):
        try:
            for child in sorted(base.iterdir()):
                if child.is_dir():
                    roots.append((f"Съёмный диск «{child.name}»", child))
        except OSError:
            continue
    return roots
