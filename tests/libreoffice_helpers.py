"""LibreOffice for the tests that need a real office suite: found the way the toolkit finds it.

Without ``soffice`` such a test fails (CI installs LibreOffice) unless ``NASTAVNIK_SKIP_LIBREOFFICE=1``,
which skips it.
"""

from __future__ import annotations

import os

import pytest

from toolkit.documents.pdf import find_soffice


def soffice() -> str:
    if os.environ.get("NASTAVNIK_SKIP_LIBREOFFICE") == "1":
        pytest.skip("NASTAVNIK_SKIP_LIBREOFFICE=1: проверки с LibreOffice пропущены")
    exe = find_soffice()
    if exe is None:
        pytest.fail("LibreOffice не найден (нет программы soffice в PATH). Установите LibreOffice "
                    "(apt-get install libreoffice-calc-nogui) или задайте NASTAVNIK_SKIP_LIBREOFFICE=1.")
    return exe
