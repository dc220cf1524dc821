"""Commands shown to the user as hints («Дальше: nastavnik check '/home/…/Наставничество 2026'»): quoted for
the user's shell so that they run as pasted — POSIX quoting (shlex) on Linux and macOS, "double quotes" on
Windows (cmd.exe and PowerShell both take them)."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

PROGRAM = "nastavnik"
# what cmd.exe and PowerShell take as is, without quotes
_WINDOWS_PLAIN = re.compile(r"[\w.:\\/=+,@-]+")


def quote(arg: str | Path, windows: bool | None = None) -> str:
    """One argument quoted for the shell: ``'Мои документы/Программа'`` or ``"Мои документы\\Программа"``."""
    text = str(arg)
    if windows if windows is not None else os.name == "nt":
        if text and _WINDOWS_PLAIN.fullmatch(text):
            return text
        return '"' + text.replace('"', '""') + '"'
    return shlex.quote(text)


def command(*args: str | Path, windows: bool | None = None) -> str:
    """``nastavnik ARG…`` as the user types it: ``command('check', folder)`` → «nastavnik check '/a b'»."""
    return " ".join([PROGRAM, *(quote(a, windows) for a in args)])
