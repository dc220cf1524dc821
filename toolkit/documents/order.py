"""«Приказ о закреплении наставнических пар» — the order fixing the pairs, from doc_templates/order_pairs.docx.

The template is a docxtpl document (Cyrillic field names); it is rendered in the sandbox of
:mod:`toolkit.documents.sandbox`. Only fixed pairs go into the order: active, both consents, and for teachers the date
of the personal meeting. The number and the date of the order are filled when given, otherwise a blank
line is left to fill by hand.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from toolkit.base import files
from toolkit.base.grammar import lower_first
from toolkit.base.lock import locks_program
from toolkit.base.problems import NastavnikError, Report
from toolkit.base.values import clean_text, format_date
from toolkit.books.outputs import ensure_output
from toolkit.checks.program import load_program
from toolkit.documents.launch import AZ_1128, R_145
from toolkit.documents.positions import decline_position
from toolkit.logic.evaluation import position
from toolkit.model.pairs import SCHEME_NAMES, Pair, fixed_pairs
from toolkit.model.program import Program, ProgramData

ORDER_FILE = "Приказ о закреплении наставнических пар.docx"
TEMPLATE = "order_pairs.docx"
BLANK_NUMBER = "________"
BLANK_DATE = "«____» ______________ 20____ г."
_SHORT_SCHEME = {
    SCHEME_NAMES["proposal"]: "предложение куратора",
    SCHEME_NAMES["meeting"]: "групповая встреча",
    SCHEME_NAMES["questionnaire"]: "анкетирование",
}


def template_path() -> Path:
    return Path(str(resources.files("doc_templates") / TEMPLATE))


@dataclass
class OrderResult:
    path: Path
    backup: Path | None
    pairs: int
    mentees: int
    left_out: int
    pdf: Path | None = None
    unchanged: bool = False  # the order file already said exactly this: not rewritten


def _long_date(value: dt.date) -> str:
    from toolkit.base.grammar import format_date as long_date

    return long_date(value)


def _who(data: ProgramData, pid: str) -> str:
    """«Иванов Иван, ученик 9 «Б» класса», «Петрова Анна Сергеевна, учитель математики»: as in the letters."""
    p = data.participants.get(pid)
    if p is None:
        return pid
    extra = re.sub(r"(\d) «", "\\1\u00a0«", position(data, pid, dative=False))  # «10 «В»» on one line
    return p.name + (f", {extra}" if extra else "")


def _surname_initials(name: str, case: str) -> str:
    """«Виноградова Ирина Сергеевна», accusative → «Виноградову И. С.» (the surname first, as orders write)."""
    from toolkit.base.grammar import initials

    words = initials(name, case).split(" ")
    letters = [w for w in words if w.endswith(".")]
    surname = [w for w in words if not w.endswith(".")]
    return " ".join([*surname, *letters])


def _deadlines(data: ProgramData, pairs: list[Pair], date: dt.date | None) -> dict[str, str]:
    """A deadline for each point of the order: the joint analysis two weeks after the order (or after the
    pairs start), the work of pairs to the end of their term, the report ten days after it."""
    from toolkit.base.values import parse_date

    starts = [p.start for p in pairs if p.start]
    ends = [p.end for p in pairs if p.end]
    program_end = parse_date(data.settings().get("program_end"))
    end = max(ends) if ends else program_end if isinstance(program_end, dt.date) else None
    base = date or (min(starts) if starts else None)
    return {
        "срок_анализа": f"до {_long_date(base + dt.timedelta(days=14))}" if base
        else "в течение двух недель со дня подписания приказа",
        "срок_окончания": f"до {_long_date(end)}" if end else "до окончания программы наставничества",
        "срок_отчёта": f"до {_long_date(end + dt.timedelta(days=10))}" if end
        else "в течение десяти дней после окончания программы",
    }


def _term(pair: Pair) -> str:
    if pair.start and pair.end:
        return f"{format_date(pair.start)} – {format_date(pair.end)}"
    if pair.start:
        return f"с {format_date(pair.start)}"
    return ""


def order_context(data: ProgramData, pairs: list[Pair], number: str | None = None,
                  date: dt.date | None = None) -> dict[str, Any]:
    """The fields of the order template."""
    from toolkit.base.grammar import decline, initials

    profile = data.program.profile
    s = data.settings()
    rows = []
    for n, pair in enumerate(pairs, start=1):
        scheme = ", ".join(_SHORT_SCHEME.get(x, x.lower()) for x in pair.schemes)
        kind = f"группа ({len(pair.mentees)} чел.)" if pair.is_group else "пара"
        rows.append({
            "номер": f"{n}.", "код": pair.pair_id, "наставник": _who(data, pair.mentor),
            "наставляемые": "\n".join(_who(data, m) for m in pair.mentees),
            "форма": f"{kind}; {scheme}" if scheme else kind, "срок": _term(pair),
        })
    curator = clean_text(s.get("curator"))
    director = clean_text(s.get("director"))
    schemes = sorted({_SHORT_SCHEME.get(x, x.lower()) for p in pairs for x in p.schemes})
    # the acquaintance sheet: the curator, every mentor and every adult mentee (young teachers too); a pupil
    # mentee (a minor in the 5th–8th grade) is not asked to sign an order
    familiar: list[dict[str, str]] = []
    if curator:
        familiar.append({"фио": curator, "роль": "Куратор программы"})
    seen: set[str] = set()
    for role, ids in ((profile.roles["mentor"], [p.mentor for p in pairs]),
                      (profile.roles["mentee"], [m for p in pairs for m in p.mentees])):
        for pid in ids:
            person = data.participants.get(pid)
            pupil = role == profile.roles["mentee"] and clean_text(person.values.get("class")) if person else False
            if pid in seen or person is None or pupil:
                continue
            seen.add(pid)
            familiar.append({"фио": person.name, "роль": role})
    curator_position = clean_text(s.get("curator_position"))
    curator_on = " ".join(x for x in (lower_first(decline_position(curator_position, "винительный")),
                                      _surname_initials(curator, "винительный") if curator else "") if x)
    return {
        "школа": clean_text(s.get("school_full")) or "________________________________",
        "школа_кратко": clean_text(s.get("school_short")) or "образовательной организации",
        "адрес": clean_text(s.get("school_address")),
        "город": clean_text(s.get("city")),
        "учебный_год": clean_text(s.get("academic_year")) or "____/____",
        "форма": profile.name,
        "номер_приказа": clean_text(number) or BLANK_NUMBER,
        "дата_приказа": _long_date(date) if date else BLANK_DATE,
        "схемы": ", ".join(schemes) or "предложение куратора",
        # flags are "да" or "" (the renderer shows booleans as «да»/«нет», and «нет» would be true in {% if %})
        "несовершеннолетние": "да" if profile.minors else "",
        "педагоги": "да" if profile.kind == "teacher" else "",
        "число_пар": len(pairs),
        "число_наставляемых": sum(len(p.mentees) for p in pairs),
        "пары": rows,
        "ознакомлены": familiar,
        "куратор": curator,
        "куратор_винительный": decline(curator, "винительный") if curator else "________________",
        "куратор_на": curator_on or "________________",  # «заместителя директора по ВР Виноградову И. С.»
        "основание": R_145 if profile.kind != "teacher" else f"{R_145}, {AZ_1128}",
        **_deadlines(data, pairs, date),
        "должность_куратора": lower_first(clean_text(s.get("curator_position"))),
        "директор": director,
        "директор_подпись": initials(director) if director else "________________",
    }


@locks_program("nastavnik order")
def make_order(program: Program, report: Report, *, number: str | None = None, date: dt.date | None = None,
               template: Path | None = None, out: Path | None = None, pdf: bool = False) -> OrderResult:
    """Render the order for the fixed pairs of a program folder (the previous file goes to the backups)."""
    from toolkit.base.messages import render as message
    from toolkit.documents.errors import DocumentError
    from toolkit.documents.pdf import convert_to_pdf
    from toolkit.documents.rendering import render_one

    data = load_program(program, report)
    if "pairs" not in data.books:
        raise NastavnikError("Книга «04_Пары» не прочитана: сначала сформируйте пары командой «nastavnik match».")
    pairs = fixed_pairs(data)
    if not pairs:
        raise NastavnikError("На листе «Пары» нет закреплённых пар (с согласием обеих сторон): приказ делать не о ком. "
                             "Сначала сформируйте пары командой «nastavnik match».")
    rows = [r for r in data.rows("pairs", "pairs") if r.values.get("mentor_id") and r.values.get("mentee_id")
            and r.values.get("status") not in ("Завершена", "Расформирована")]
    included = sum(len(p.mentees) for p in pairs)
    source = template or template_path()
    if not source.is_file():
        raise NastavnikError(f"Шаблон приказа «{source}» не найден.")
    target = out or program.root / ORDER_FILE
    ensure_output(target)
    files.ensure_not_locked(target)
    context = order_context(data, pairs, number, date)
    with tempfile.TemporaryDirectory(prefix="nastavnik-") as scratch:
        draft = Path(scratch) / target.name
        try:
            render_one(source, context, draft)
        except DocumentError as exc:  # a template of one's own: the message names it
            if template is None:
                raise
            detail = exc.message[:1].lower() + exc.message[1:]
            raise NastavnikError(message("order-template-failed", template=source.name, detail=detail)) from exc
        written, backup = files.replace_if_changed(target, draft.read_bytes(), program.root)
    result = OrderResult(target, backup, len(pairs), included, max(len(rows) - included, 0), unchanged=not written)
    if pdf:
        result.pdf = convert_to_pdf([target], target.parent)[0]
    return result
