"""Normalisation of values typed by people in any office suite.

Everything here is pure: a raw cell value in, a clean Python value (or a ``ValueProblem``) out.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
import re
import unicodedata
from dataclasses import dataclass

_SPACES = re.compile(r"\s+")
# zero-width and soft hyphen, and control characters that are not spaces: invisible, impossible to type,
# invalid in XML (they would break documents) and they make equal names differ
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_ODD_SPACE = re.compile(r"\s\s|[^\S ]")
EXCEL_EPOCH = dt.date(1899, 12, 30)
ERROR_VALUES = {"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                "Err:502", "Err:504", "Err:507", "Err:508", "Err:509", "Err:510", "Err:511", "Err:522", "#ИМЯ?",
                "#ССЫЛКА!", "#Н/Д", "#ЗНАЧ!", "#ДЕЛ/0!", "#ЧИСЛО!", "#ПУСТО!"}
YES = {"да", "д", "+", "yes", "y", "true", "истина", "1", "есть", "согласен", "согласна", "v", "✓", "✔", "x", "х"}
NO = {"нет", "н", "-", "no", "n", "false", "ложь", "0", "не согласен", "не согласна", "–", "—"}


@dataclass(frozen=True)
class ValueProblem:
    code: str
    params: dict[str, object]


def clean_text(value: object) -> str:
    """Text as a person meant it: no stray, doubled or non-breaking spaces, no zero-width characters."""
    if value is None:
        return ""
    if value.__class__ is str and len(value) <= 200:  # type: ignore[attr-defined]
        return _clean_short(value)  # type: ignore[arg-type]
    return _clean(value)


@functools.lru_cache(maxsize=1 << 16)
def _clean_short(text: str) -> str:
    """:func:`clean_text` of a short text, remembered: names, codes and choices repeat across every book."""
    return _clean(text)


def _clean(value: object) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    if text.isprintable() and "  " not in text and unicodedata.is_normalized("NFC", text):
        return text.strip()
    if _ZERO_WIDTH_RE.search(text):
        text = _ZERO_WIDTH_RE.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _ODD_SPACE.search(text):  # \s covers non-breaking and other Unicode spaces
        text = _SPACES.sub(" ", text)
    return text.strip()


def clean_multiline(value: object) -> str:
    """Like :func:`clean_text` but keeps line breaks of long answers."""
    if value is None:
        return ""
    lines = [clean_text(line) for line in str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip()


_FOLDED = re.compile(r"[\s\.\,\;\:\-–—_\"'«»()\[\]!?*/\\]+")


def fold(value: object) -> str:
    """A comparison key: case, ё/е, spaces and punctuation do not matter."""
    if value.__class__ is str and len(value) <= 200:  # type: ignore[attr-defined]
        return _fold_text(value)  # type: ignore[arg-type]
    return _FOLDED.sub("", clean_text(value).casefold().replace("ё", "е"))


@functools.lru_cache(maxsize=1 << 16)
def _fold_text(text: str) -> str:
    """:func:`fold` of a short text, remembered: the same names and codes are compared across every book."""
    return _FOLDED.sub("", clean_text(text).casefold().replace("ё", "е"))


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip() or (len(value) < 8 and clean_text(value) == "")
    return False


def is_error_value(value: object) -> bool:
    return isinstance(value, str) and value[:1] in ("#", "E", " ") and value.strip() in ERROR_VALUES


_DATE_PATTERNS = [
    (re.compile(r"^(\d{1,2})[.\-/ ](\d{1,2})[.\-/ ](\d{4})(?:\s*г\.?)?$"), "dmy"),
    (re.compile(r"^(\d{1,2})[.\-/ ](\d{1,2})[.\-/ ](\d{2})$"), "dmy2"),
    (re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:[T ][\d:.]+)?$"), "ymd"),
]
MONTHS_GENITIVE = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                   "октября", "ноября", "декабря"]
_MONTH_WORDS = {fold(m)[:3]: i + 1 for i, m in enumerate(MONTHS_GENITIVE)}
_TEXT_DATE = re.compile(r"^(\d{1,2})\s+([а-яё]+)\.?\s+(\d{4})(?:\s*г\.?)?$", re.IGNORECASE)


def parse_date(value: object) -> dt.date | ValueProblem:
    """01.09.2026, 1/9/2026, 2026-09-01, «1 сентября 2026 г.», a real date or an Excel serial number."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return ValueProblem("bad-date", {"value": clean_text(value)})
    if isinstance(value, (int, float)):
        if 20000 < value < 80000:  # a date typed as a number in a cell without date format
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        return ValueProblem("bad-date", {"value": clean_text(value)})
    text = clean_text(value)
    # the time of day after a date, as forms export it: «10:15:00», «10:15:00 AM GMT+3», «T10:15:00Z»
    text = re.sub(r"[ T,]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(\s*[AaPp]\.?[Mm]\.?)?"
                  r"(\s*(GMT|UTC|MSK|Z)?[+\-]?\d{0,2}:?\d{0,2})?$", "", text)
    for pattern, kind in _DATE_PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        a, b, c = (int(x) for x in m.groups())
        try:
            if kind == "dmy":
                return dt.date(c, b, a)
            if kind == "dmy2":
                return dt.date(2000 + c, b, a)
            return dt.date(a, b, c)
        except ValueError:
            return ValueProblem("bad-date", {"value": text})
    m = _TEXT_DATE.match(text)
    if m:
        month = _MONTH_WORDS.get(fold(m.group(2))[:3])
        if month:
            try:
                return dt.date(int(m.group(3)), month, int(m.group(1)))
            except ValueError:
                pass
    return ValueProblem("bad-date", {"value": text})


_CLOCK = re.compile(r"[ T,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:\s*([AaPp])\.?[Mm]\.?)?"
                    r"(?:\s*(?:GMT|UTC|MSK|Z)?\s*[+\-]?\d{0,2}:?\d{0,2})?$")


def parse_timestamp(value: object) -> dt.datetime | None:
    """When a form was sent, as an export gives it: «21.05.2027 12:00:00», «2027-05-21 12:00:00», «2027/05/21
    12:00:00 PM GMT+3», a real date-time or an Excel serial number; None when it is none of these. The time
    zone is dropped: one export gives every answer in the same zone."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if not 20000 < value < 80000:
            return None
        return dt.datetime.combine(EXCEL_EPOCH, dt.time()) + dt.timedelta(seconds=round(float(value) * 86400))
    text = clean_text(value)
    clock = dt.time()
    match = _CLOCK.search(text)
    if match:
        hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
        if match.group(4):
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if match.group(4) in "Pp" else 0)
        try:
            clock = dt.time(hour, minute, second)
        except ValueError:
            return None
        text = text[:match.start()]
    day = parse_date(text)
    return None if isinstance(day, ValueProblem) else dt.datetime.combine(day, clock)


def format_timestamp(value: dt.datetime) -> str:
    """«21.05.2027 12:00» (seconds only when there are some)."""
    return f"{format_date(value)} {value:%H:%M}" + (f":{value:%S}" if value.second else "")


def parse_number(value: object) -> float | ValueProblem:
    """A finite number: «nan», «inf» and numbers beyond a float's range are not numbers a person means."""
    if isinstance(value, bool):
        return ValueProblem("bad-number", {"value": clean_text(value), "hint": ""})
    try:
        if isinstance(value, (int, float)):
            number = float(value)
        else:
            number = float(clean_text(value).replace(" ", "").replace(",", "."))
    except (ValueError, OverflowError):
        return ValueProblem("bad-number", {"value": _shown(value), "hint": ""})
    if not math.isfinite(number):
        return ValueProblem("bad-number", {"value": _shown(value), "hint": ""})
    return number


def _shown(value: object) -> str:
    text = clean_text(value)
    return text if len(text) <= 60 else text[:60] + "…"


def parse_int(value: object) -> int | ValueProblem:
    number = parse_number(value)
    if isinstance(number, ValueProblem) or not float(number).is_integer():
        return ValueProblem("bad-integer", {"value": _shown(value), "hint": ""})
    return int(number)


def parse_bool(value: object) -> bool | ValueProblem:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    key = clean_text(value).casefold().rstrip(".!")
    if key in YES or key.startswith("да"):
        return True
    if key in NO or key.startswith("нет"):
        return False
    return ValueProblem("bad-bool", {"value": clean_text(value)})


_CLASS = re.compile(r"^(\d{1,2})\s*[-–«\"']?\s*([а-яёa-z]?)\s*[»\"']?\s*(?:класс|кл\.?)?$", re.IGNORECASE)
_LATIN_TO_CYR = str.maketrans("abcehkmoptxy", "авсенкмортху")


def parse_class(value: object, low: int = 1, high: int = 11) -> str | ValueProblem:
    """«9б», «9 Б», «9-Б», «9 «Б» класс» → «9Б»."""
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = clean_text(value)
    m = _CLASS.match(text)
    if not m or not (low <= int(m.group(1)) <= high):
        return ValueProblem("bad-class", {"value": text, "low": low, "high": high})
    letter = m.group(2).lower().translate(_LATIN_TO_CYR).upper()
    return f"{int(m.group(1))}{letter}"


def class_number(klass: str) -> int:
    digits = re.match(r"\d+", klass)
    return int(digits.group(0)) if digits else 0


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_CHARS = re.compile(r"^[+\d][\d\s()\-–]{5,}$")
NOT_DIGIT = re.compile(r"\D")


def parse_contact(value: object) -> str | ValueProblem:
    """A phone number or an e-mail (either is accepted in one «Контакты» cell)."""
    text = clean_text(value)
    if "@" in text:
        return text if _EMAIL.match(text) else ValueProblem("bad-email", {"value": text})
    digits = NOT_DIGIT.sub("", text)
    if PHONE_CHARS.match(text) and 6 <= len(digits) <= 15:
        return text
    return ValueProblem("bad-phone", {"value": text})


def split_multi(value: object) -> list[str]:
    text = clean_multiline(value)
    return [clean_text(p) for p in re.split(r"[,;\n]+", text) if clean_text(p)]


def format_date(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def format_number(value: float) -> str:
    """1.5 → «1,5»; 2.0 → «2» (Russian decimal comma)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def person_key(last: object, first: object, middle: object = "", extra: object = "") -> str:
    """Identity of a person for de-duplication: ё/е, case and spaces do not matter."""
    return "|".join(fold(x) for x in (last, first, middle, extra))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the last day of a shorter month), minus one day: a term ends the day before."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last)) - dt.timedelta(days=1)
