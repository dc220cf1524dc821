"""What every demo program writes the same way: its settings, its books (the previous ones backed up) and the
questions for the online forms."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from toolkit.base import files
from toolkit.books.writer import write_workbook
from toolkit.model.program import Program

YEAR_START = dt.date(2026, 9, 1)


def settings_values(profile_name: str, curator: str, position: str) -> dict[str, Any]:
    return {"settings": {
        "form_name": profile_name,
        "school_full": "Муниципальное автономное общеобразовательное учреждение «Средняя школа № 17»",
        "school_short": "МАОУ СШ № 17",
        "school_code": "2724081234",
        "pupils_total": 640,
        "city": "г. Хабаровск",
        "school_address": "680021, г. Хабаровск, ул. Серышева, д. 12",
        "academic_year": "2026/2027",
        "program_start": YEAR_START,
        "program_end": dt.date(2027, 5, 31),
        "curator": curator,
        "curator_position": position,
        "director": "Гончарова Елена Викторовна",
        "signer_name": "Андреев Олег Николаевич",
        "signer_position": "Глава администрации Железнодорожного округа",
        "signer_org": "Администрация Железнодорожного округа города Хабаровска",
    }, "working_group": [
        {"name": curator, "position": position, "role": "Руководитель рабочей группы"},
        {"name": "Лебедева Светлана Андреевна", "position": "Педагог-психолог"},
        {"name": "Кузнецов Павел Игоревич", "position": "Учитель информатики"},
        {"name": "Соколова Марина Викторовна", "position": "Социальный педагог"},
    ]}


def write_all(program: Program, data: dict[str, dict[str, Any]]) -> list[Path]:
    written = []
    for wb in program.specs:
        for existing in program.find_files(wb):
            files.backup(existing, program.root)  # a re-run never loses what someone typed in the demo
            if existing.suffix.lower() != ".xlsx":
                existing.unlink()
        path = program.root / (wb.file + ".xlsx")
        write_workbook(path, wb, program.profile, program.program_id, data.get(wb.key, {}))
        written.append(path)
    return written


def write_questions(program: Program) -> None:
    from toolkit.model.program import QUESTIONS_FILE

    files.write_text_atomic(program.root / QUESTIONS_FILE, program.form_questions_text())
