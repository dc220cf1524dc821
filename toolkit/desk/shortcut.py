"""«Наставник» on the desktop: a launcher that starts the desk and opens the browser (no terminal).

Linux: a ``.desktop`` file (freedesktop Desktop Entry; Astra, ALT, RED OS). Windows: a ``.cmd`` file that starts
the desk with ``pythonw`` (no console window). Both call the same Python that installed the toolkit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from toolkit.base import files

NAME = "Наставник"


def desktop_dir() -> Path:
    """The user's desktop folder (created if missing)."""
    home = Path.home()
    if sys.platform != "win32":
        tool = shutil.which("xdg-user-dir")
        if tool:
            try:
                found = subprocess.run([tool, "DESKTOP"], capture_output=True, text=True, timeout=5).stdout.strip()
                if found and Path(found) != home:
                    return Path(found)
            except (OSError, subprocess.SubprocessError):
                pass
        for name in ("Desktop", "Рабочий стол"):
            if (home / name).is_dir():
                return home / name
    return home / "Desktop"


def _desktop_quote(arg: str) -> str:
    """One argument of an Exec line (Desktop Entry spec): quoted, with \\ " ` $ escaped and % doubled."""
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
    return '"' + escaped.replace("%", "%%") + '"'


def command(folder: Path | None, windows: bool = False) -> list[str]:
    python = Path(sys.executable)
    if windows:
        quiet = python.with_name("pythonw.exe")
        python = quiet if quiet.exists() else python
    args = [str(python), "-m", "toolkit.cli", "desk"]
    if folder is not None:
        args.append(str(folder.resolve()))
    return args


def desktop_entry(folder: Path | None) -> str:
    exec_line = " ".join(_desktop_quote(a) for a in command(folder))
    return ("[Desktop Entry]\nType=Application\nVersion=1.0\nName=Наставник\n"
            "Comment=Пульт куратора программы наставничества\n"
            f"Exec={exec_line}\nTerminal=false\nIcon=x-office-spreadsheet\nCategories=Office;Education;\n")


def windows_cmd(folder: Path | None) -> str:
    args = command(folder, windows=True)
    quoted = " ".join(f'"{a}"' if (" " in a or not a.isascii()) else a for a in args)
    return ("@echo off\r\nrem Наставник: пульт куратора (откроется в браузере)\r\nchcp 65001 >nul\r\n"
            f'start "" {quoted}\r\n')


def make_shortcut(folder: Path | None, desktop: Path | None = None, windows: bool | None = None) -> Path:
    """Write the launcher onto the desktop (replacing an older one of ours) and return its path."""
    windows = sys.platform == "win32" if windows is None else windows
    where = desktop or desktop_dir()
    where.mkdir(parents=True, exist_ok=True)
    if windows:
        path = where / f"{NAME}.cmd"
        data = windows_cmd(folder).encode("utf-8")

        def produce(tmp: Path) -> None:
            tmp.write_bytes(data)

        files.write_atomic(path, produce)
    else:
        path = where / f"{NAME}.desktop"
        files.write_text_atomic(path, desktop_entry(folder))
        os.chmod(path, 0o755)  # file managers run only executable launchers
    return path
