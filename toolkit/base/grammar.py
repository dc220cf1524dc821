"""Russian names and dates for documents: cases, salutations, initials, long dates.

Declension is done by pytrovich (the Python port of petrovich-rules).  The hard cases a school
meets (indeclinable -ко/-их/-ых surnames, foreign surnames, double-barrelled surnames, ё, Лев → Льву,
Любовь → Любови, женские фамилии на -ая …) are covered by ``tests/test_grammar.py``; pytrovich 0.2
gets every one of them right, so there is no override table for single words.  What this module
adds on top of pytrovich:

* parsing of a full name «Фамилия Имя Отчество» (patronymic optional; «оглы»/«кызы» as a separate
  word — such a patronymic «Рашид оглы» is never declined, the father's name stays in the nominative);
* gender resolution: an explicit value (column «Пол») first; detection only as a fallback —
  by the patronymic, then by the first name, then by the surname;
* capitalisation: «ИВАНОВ» → «ИВАНОВУ» (pytrovich would give «ИВАНОВу»);
* salutations, initials and dates in the form a school secretary writes them;
* Jinja filters with Cyrillic names that read the gender from the row's «Пол» column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Undefined, pass_context
from jinja2.runtime import Context
from pytrovich import Case, Gender, NamePart, PetrovichDeclinationMaker, PetrovichGenderDetector

from toolkit.base import messages
from toolkit.base.problems import NastavnikError
from toolkit.base.values import ValueProblem, clean_text, parse_date

MALE = "м"
FEMALE = "ж"

_GENDER_WORDS = {
    MALE: {"м", "муж", "мужской", "мужчина", "мальчик", "юноша", "m", "male", "man", "boy"},
    FEMALE: {"ж", "жен", "женский", "женщина", "девочка", "девушка", "f", "female", "woman", "girl"},
}

CASES: dict[str, Case] = {
    "дательный": Case.DATIVE,
    "dative": Case.DATIVE,
    "родительный": Case.GENITIVE,
    "genitive": Case.GENITIVE,
    "творительный": Case.INSTRUMENTAL,
    "instrumental": Case.INSTRUMENTAL,
    "винительный": Case.ACCUSATIVE,
    "accusative": Case.ACCUSATIVE,
    "предложный": Case.PREPOSITIONAL,
    "prepositional": Case.PREPOSITIONAL,
    "именительный": Case.NOMINATIVE,
    "nominative": Case.NOMINATIVE,
}

# Turkic patronymic words written after the father's name: «Рашид оглы», «Лутфияр кызы».
MALE_PARTICLES = {"оглы", "оглу", "огли", "улы", "уулу", "уулы"}
FEMALE_PARTICLES = {"кызы", "гызы", "кыз"}
_PARTICLES = MALE_PARTICLES | FEMALE_PARTICLES

MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)

# Names of the context variables filters read the gender from.
GENDER_CONTEXT_KEYS = ("Пол", "пол", "ПОЛ")


def parse_gender(value: object) -> str | None:
    """«м», «ж» or None: accepts м/ж, муж/жен, мужской/женский, M/F, male/female in any case."""
    if value is None or isinstance(value, bool):
        return None
    text = clean_text(value).casefold().replace(".", "").strip()
    for gender, words in _GENDER_WORDS.items():
        if text in words:
            return gender
    return None


@lru_cache(maxsize=1)
def _maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


@lru_cache(maxsize=1)
def _detector() -> PetrovichGenderDetector:
    return PetrovichGenderDetector()


def _case_of(case: str | Case) -> Case:
    if isinstance(case, Case):
        return case
    if case in CASES:
        return CASES[case]
    key = clean_text(case).casefold()
    if key not in CASES:
        raise ValueError(f"unknown case {case!r}; expected one of {sorted(CASES)}")
    return CASES[key]


@dataclass(frozen=True)
class PersonName:
    """A full name split into its parts, in the order «Фамилия Имя Отчество».

    ``patronymic`` may be empty (students often have none) or two words with a Turkic particle
    («Рашид оглы»).  A single word is taken as a surname.
    """

    surname: str = ""
    first: str = ""
    patronymic: str = ""

    @classmethod
    def parse(cls, full_name: object) -> PersonName:
        text = clean_text(full_name)
        words = text.split(" ") if text else []
        if not words:
            return cls()
        if len(words) == 1:
            return cls(surname=words[0])
        if len(words) == 2:
            return cls(surname=words[0], first=words[1])
        return cls(surname=words[0], first=words[1], patronymic=" ".join(words[2:]))

    @property
    def particle(self) -> str:
        """«оглы»/«кызы» when the patronymic is written the Turkic way, else ''."""
        words = self.patronymic.split(" ")
        last = words[-1].casefold() if words else ""
        return last if last in _PARTICLES and len(words) > 1 else ""

    @property
    def has_russian_patronymic(self) -> bool:
        """«Сергеевна», «Ильич», «Рашид оглы» — a patronymic; «Лан» of «Нгуен Тхи Лан» is not."""
        if self.particle:
            return True
        return bool(re.search(r"(ович|евич|ич|овна|евна|ична|инична)$", self.patronymic.casefold()))

    def detect_gender(self) -> str | None:
        """Gender guessed from the name: patronymic first, then first name, then surname."""
        particle = self.particle
        if particle:
            return MALE if particle in MALE_PARTICLES else FEMALE
        detector = _detector()
        for kwargs in (
            {"middlename": self.patronymic},
            {"firstname": self.first},
            {"lastname": self.surname},
        ):
            value = next(iter(kwargs.values()))
            if not value:
                continue
            found = detector.detect(**kwargs)
            if found == Gender.MALE:
                return MALE
            if found == Gender.FEMALE:
                return FEMALE
        return None

    def gender(self, explicit: object = None) -> str | None:
        """The explicit gender when it is recognisable, else the detected one (or None)."""
        return parse_gender(explicit) or self.detect_gender()


def _match_capitals(original: str, declined: str) -> str:
    """Keep «ИВАНОВ» in capitals: pytrovich appends lower-case endings."""
    if len(original) > 1 and original.isupper():
        return declined.upper()
    return declined


def _decline_word(part: NamePart, word: str, gender: str | None, case: Case, known: bool) -> str:
    """One name part in a case.  With an unknown gender a word is declined only when its male and
    female forms agree («Саша» → «Саше»); otherwise it stays as written («Ким» — Киму or Ким?)."""
    if not word or case == Case.NOMINATIVE:
        return word
    if gender not in (MALE, FEMALE):
        as_male = _maker().make(part, Gender.MALE, case, word, known_gender=False)
        as_female = _maker().make(part, Gender.FEMALE, case, word, known_gender=False)
        return _match_capitals(word, as_male) if as_male == as_female else word
    pgender = Gender.MALE if gender == MALE else Gender.FEMALE
    return _match_capitals(word, _stressed_yo(word, _maker().make(part, pgender, case, word, known_gender=known)))


def _stressed_yo(word: str, declined: str) -> str:
    """«Воробей» → «Воробьём», «Соловей» → «Соловьём»: when the «е» of «-ей» drops out (воробей → воробь-),
    the stress is on the ending, and the instrumental ending is «-ём», not «-ем» as pytrovich writes it."""
    lower, out = word.casefold(), declined.casefold()
    if lower.endswith("ей") and out == lower[:-2] + "ьем":
        return declined[:-2] + ("ЁМ" if declined[-2:].isupper() else "ём")
    return declined


def _decline_parts(person: PersonName, case: Case, explicit: object) -> PersonName:
    gender = parse_gender(explicit)
    known = gender is not None
    if gender is None:
        gender = person.detect_gender()
    if person.particle:
        patronymic = person.patronymic  # «Рашид оглы» is not declined
    else:
        patronymic = _decline_word(NamePart.MIDDLENAME, person.patronymic, gender, case, known)
    return PersonName(
        surname=_decline_word(NamePart.LASTNAME, person.surname, gender, case, known),
        first=_decline_word(NamePart.FIRSTNAME, person.first, gender, case, known),
        patronymic=patronymic,
    )


def decline(full_name: object, case: str | Case, gender: object = None) -> str:
    """«Иванов Иван Иванович» in the given case, word order and capitalisation kept.

    ``case``: 'дательный', 'родительный', 'творительный' (also 'винительный', 'предложный') or the
    Latin 'dative', 'genitive', 'instrumental'.  ``gender``: anything :func:`parse_gender` accepts;
    when missing or unrecognisable the gender is detected from the name.
    """
    target = _case_of(case)
    if looks_like_position(full_name):  # «{{ Должность|дательный }}»: a position, not a name
        return decline_position(full_name, target)
    person = PersonName.parse(full_name)
    if not person.surname:
        return ""
    declined = _decline_parts(person, target, gender)
    return " ".join(p for p in (declined.surname, declined.first, declined.patronymic) if p)


def salutation(full_name: object, gender: object = None) -> str:
    """The opening line of a letter, as a school secretary writes it.

    * with a patronymic (adults): «Уважаемый Иван Иванович!» / «Уважаемая Анна Сергеевна!»;
    * without a patronymic (students): «Дорогой Иван!» / «Дорогая Анна!» — «Уважаемый Ваня!» sounds
      stiff to a child, and «Уважаемый Иван Петров!» is not how Russian letters open;
    * a single word (only a surname is known): «Уважаемый Петров!»;
    * gender unknown (no «Пол» and not recognisable from the name): «Уважаемый(ая) …» /
      «Дорогой(ая) …», so that the letter is never wrong, only less elegant.
    """
    person = PersonName.parse(full_name)
    if not person.surname:
        return ""
    sex = person.gender(gender)
    if person.patronymic and not person.has_russian_patronymic:
        # «Нгуен Тхи Лан»: three words, but no patronymic — which one is the given name is not known
        word = {MALE: "Уважаемый", FEMALE: "Уважаемая"}.get(sex or "", "Уважаемый(ая)")
        return f"{word} {person.surname} {person.first} {person.patronymic}!"
    if person.first and person.patronymic:
        word = {MALE: "Уважаемый", FEMALE: "Уважаемая"}.get(sex or "", "Уважаемый(ая)")
        return f"{word} {person.first} {person.patronymic}!"
    if person.first:
        word = {MALE: "Дорогой", FEMALE: "Дорогая"}.get(sex or "", "Дорогой(ая)")
        return f"{word} {person.first}!"
    word = {MALE: "Уважаемый", FEMALE: "Уважаемая"}.get(sex or "", "Уважаемый(ая)")
    return f"{word} {person.surname}!"


def _initial(word: str) -> str:
    # «Анна-Мария» → «А.-М.»
    return "-".join(f"{piece[0].upper()}." for piece in word.split("-") if piece)


def initials(full_name: object, case: str | Case | None = None, gender: object = None) -> str:
    """«И. И. Иванов» (plain spaces); «А. Петрова» without a patronymic; «Э. Р. Мамедов» for «… Рашид оглы».

    With ``case`` the surname is declined: ``initials('Иванов Иван Иванович', 'дательный')`` → «И. И. Иванову».
    """
    person = PersonName.parse(full_name)
    if not person.surname:
        return ""
    surname = person.surname
    if case is not None:
        surname = _decline_parts(person, _case_of(case), gender).surname
    father = person.patronymic.split(" ")[0] if person.patronymic else ""
    letters = [_initial(w) for w in (person.first, father) if w]
    return " ".join([*letters, surname])


def format_date(value: object) -> str:
    """A date in the long form of official letters: «1 сентября 2026 г.».

    Accepts a date/datetime, an ISO string («2026-09-01»), «01.09.2026» and the other forms
    :func:`toolkit.base.values.parse_date` knows.  An empty value gives ''.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    parsed = parse_date(value)
    if isinstance(parsed, ValueProblem):
        raise NastavnikError(messages.render(parsed.code, **parsed.params))
    assert isinstance(parsed, dt.date)
    return f"{parsed.day} {MONTHS_GENITIVE[parsed.month - 1]} {parsed.year} г."


# --- Jinja filters ---------------------------------------------------------------------------


def context_gender(context: Context | dict[str, Any]) -> object:
    """The value of the row's «Пол» column seen by a template (or None)."""
    for key in GENDER_CONTEXT_KEYS:
        value = context.get(key)
        if value is not None and value != "" and not _is_undefined(value):
            return value
    return None


def _is_undefined(value: object) -> bool:
    return isinstance(value, Undefined)


def _text(value: object) -> str:
    # str() of a StrictUndefined raises UndefinedError: a missing field is never silently empty.
    return str(value) if value is not None else ""


def _gender_for(context: Context, gender: object) -> object:
    return gender if parse_gender(gender) else context_gender(context)


def _case_filter(case: str) -> Callable[..., str]:
    @pass_context
    def declension(context: Context, value: object, gender: object = None) -> str:
        return decline(_text(value), case, _gender_for(context, gender))

    declension.__name__ = f"filter_{CASES[case].name.lower()}"
    return declension


PUPIL_BY_FIRST_NAME = "обращение_по_имени"  # a document's flag: a pupil is addressed by the first name


@pass_context
def _salutation_filter(context: Context, value: object, gender: object = None) -> str:
    name = _text(value)
    if context.get(PUPIL_BY_FIRST_NAME):  # «Дорогой Иван!» whatever the patronymic column holds
        person = PersonName.parse(name)
        if person.has_russian_patronymic and person.first:
            name = f"{person.surname} {person.first}"
    return salutation(name, _gender_for(context, gender))


@pass_context
def _initials_filter(context: Context, value: object, case: str | None = None, gender: object = None) -> str:
    return initials(_text(value), case, _gender_for(context, gender))


def _date_filter(value: object) -> str:
    if _is_undefined(value):
        str(value)  # raises for a StrictUndefined
    return format_date(value)


def jinja_filters() -> dict[str, Callable[..., str]]:
    """Filters with Cyrillic names for document templates.

    ``{{ ФИО|дательный }}`` takes the gender from the row's «Пол» (or «пол») column when there is one;
    ``{{ ФИО|дательный('ж') }}`` sets it explicitly.  ``уважаемый`` gives the whole salutation,
    ``инициалы`` «И. И. Иванов» (``инициалы('дательный')`` → «И. И. Иванову»), ``дата`` «1 сентября 2026 г.».
    """
    return {
        "дательный": _case_filter("дательный"),
        "родительный": _case_filter("родительный"),
        "творительный": _case_filter("творительный"),
        "винительный": _case_filter("винительный"),
        "предложный": _case_filter("предложный"),
        "уважаемый": _salutation_filter,
        "инициалы": _initials_filter,
        "дата": _date_filter,
    }


# Names used for the extra computed fields of MERGEFIELD templates: «ФИО_дательный» etc.
COMPUTED_SUFFIXES: dict[str, Callable[[str, object], str]] = {
    "дательный": lambda name, gender: decline(name, "дательный", gender),
    "родительный": lambda name, gender: decline(name, "родительный", gender),
    "творительный": lambda name, gender: decline(name, "творительный", gender),
    "уважаемый": lambda name, gender: salutation(name, gender),
    "инициалы": lambda name, gender: initials(name, None, gender),
}

_NAME_HEADER = re.compile(r"фио|ф\.\s*и\.\s*о|фамилия|имя|наставник|наставляем|ученик|учитель|педагог|"
                          r"родител|получатель|руководител|директор", re.IGNORECASE)


def is_name_like(header: str) -> bool:
    """Whether a column holds people's names (by its header): «ФИО», «ФИО наставника», «Получатель» …"""
    return bool(_NAME_HEADER.search(header)) and not re.search(r"дата|пол$|код|телефон|почт|класс", header,
                                                              re.IGNORECASE)


# --- agreement: numbers and genders ------------------------------------------------------------

# Nouns a count is printed with: (one, few, many) — «1 наставник», «3 наставника», «5 наставников».
NOUNS: dict[str, tuple[str, str, str]] = {
    "наставник": ("наставник", "наставника", "наставников"),
    "наставляемый": ("наставляемый", "наставляемых", "наставляемых"),
    "участник": ("участник", "участника", "участников"),
    "пара": ("пара", "пары", "пар"),
    "группа": ("группа", "группы", "групп"),
    "встреча": ("встреча", "встречи", "встреч"),
    "книга": ("книга", "книги", "книг"),
    "файл": ("файл", "файла", "файлов"),
    "ошибка": ("ошибка", "ошибки", "ошибок"),
    "проблема": ("проблема", "проблемы", "проблем"),
    "строка": ("строка", "строки", "строк"),
    "документ": ("документ", "документа", "документов"),
    "раунд": ("раунд", "раунда", "раундов"),
    "день": ("день", "дня", "дней"),
    "минута": ("минута", "минуты", "минут"),
    "балл": ("балл", "балла", "баллов"),
    "место": ("место", "места", "мест"),
    "педагог": ("педагог", "педагога", "педагогов"),
    "ученик": ("ученик", "ученика", "учеников"),
}


def plural(n: int, one: str, few: str = "", many: str = "") -> str:
    """The form of a noun that agrees with the number ``n``: ``plural(3, 'наставник')`` → «наставника».

    ``one`` alone is looked up in :data:`NOUNS`; otherwise give all three forms (1, 2–4, 5–20).
    """
    if not few or not many:
        one, few, many = NOUNS[one]
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def count(n: int, one: str, few: str = "", many: str = "") -> str:
    """«3 наставника», «1 наставляемый», «5 пар»: the number and the agreeing noun."""
    return f"{n} {plural(n, one, few, many)}"


def gendered(gender: object, male: str, female: str) -> str:
    """The form of a word agreeing with a person's gender: ``gendered('ж', 'записан', 'записана')``.

    ``gender``: anything :func:`parse_gender` accepts.  An unknown gender gives the masculine form — the
    generic one in Russian; the registry's «Пол» column is there to make it right.
    """
    return female if parse_gender(gender) == FEMALE else male


def person_gender(full_name: object, explicit: object = None) -> str | None:
    """«м», «ж» or None: the registry's «Пол» when given, else detected from the name."""
    return PersonName.parse(full_name).gender(explicit)


# Words that agree with a gender: masculine → feminine.  Used for fixed phrases written in the masculine
# (dropdown choices such as «Готов к самостоятельной работе»), when they are said of a woman.
_FEMININE = {
    "готов": "готова", "записан": "записана", "участвовал": "участвовала", "помог": "помогла",
    "выступил": "выступила", "записался": "записалась", "уверен": "уверена", "самостоятелен": "самостоятельна",
    "наставляемый": "наставляемая",
}


def for_gender(phrase: str, gender: object) -> str:
    """A phrase written in the masculine, said of a person: «Готов к работе» → «Готова к работе» for a woman.

    Only the first word (after a leading «не») is changed, and only when it is a known masculine form;
    capitalisation and punctuation are kept: «Не готов: продолжить» → «Не готова: продолжить».
    """
    if parse_gender(gender) != FEMALE or not phrase:
        return phrase
    head = ""
    if phrase[:3].casefold() == "не ":
        head, phrase = phrase[:3], phrase[3:]
    match = re.match(r"\w+", phrase)
    if match is None:
        return head + phrase
    first, rest = match.group(0), phrase[match.end():]
    feminine = _FEMININE.get(first.casefold())
    if feminine is None:
        return head + phrase
    if first[:1].isupper():
        feminine = feminine[:1].upper() + feminine[1:]
    return head + feminine + rest


def upper_first(text: str) -> str:
    """The first letter in capitals, the rest as typed («не готов: нет ПДн» → «Не готов: нет ПДн»);
    ``str.capitalize`` would lower-case what the user typed."""
    return text[:1].upper() + text[1:]


NBSP = "\u00a0"
_AFTER_NUMBER_SIGN = re.compile(r"№ +")
_BEFORE_DASH = re.compile(r" +([—–]) ")
# «Т. С. Белова», «Белова Т. С.»: spaces between initials and next to the surname they belong to
_INITIAL_THEN_WORD = re.compile(r"\b([А-ЯЁA-Z]\.) +(?=[А-ЯЁA-Z])")
_WORD_THEN_INITIAL = re.compile(r"([а-яёa-z]) +(?=[А-ЯЁA-Z]\.)")


def typeset(text: str) -> str:
    """Non-breaking spaces where Russian typesetting wants them: after «№», before a dash, inside initials
    and between initials and the surname («Т.\u00a0С.\u00a0Белова», «№\u00a05», «пары\u00a0— это»)."""
    if not text or " " not in text:
        return text
    text = _AFTER_NUMBER_SIGN.sub("№" + NBSP, text)
    text = _BEFORE_DASH.sub(NBSP + r"\1 ", text)
    text = _INITIAL_THEN_WORD.sub(r"\1" + NBSP, text)
    return _WORD_THEN_INITIAL.sub(r"\1" + NBSP, text)


# --- positions: «заместитель директора по ВР» → «заместителю директора по ВР» ---------------------

# head nouns of school positions; a text starting with one of them (after adjectives) is a position, not a name
POSITION_NOUNS = {
    "учитель", "директор", "заместитель", "педагог", "педагог-психолог", "педагог-организатор", "методист",
    "воспитатель", "советник", "руководитель", "председатель", "глава", "начальник", "специалист", "бухгалтер",
    "секретарь", "логопед", "учитель-логопед", "дефектолог", "учитель-дефектолог", "тьютор", "библиотекарь",
    "вожатый", "инспектор", "преподаватель", "преподаватель-организатор", "мастер", "психолог", "куратор",
    "наставник", "заведующий", "заведующая", "ученик", "ученица", "студент", "студентка",
}
_ADJECTIVE = re.compile(r"(ый|ий|ой|ая|яя)$")
_POSITION_HEADER = re.compile(r"должност", re.IGNORECASE)


def is_position_like(header: str) -> bool:
    """Whether a column holds positions (by its header): «Должность», «Должность получателя»."""
    return bool(_POSITION_HEADER.search(header))


def _head_index(words: list[str]) -> int | None:
    for i, word in enumerate(words):
        if word.casefold() in POSITION_NOUNS:
            return i
        if not _ADJECTIVE.search(word.casefold()):
            return None
    return None


def looks_like_position(text: object) -> bool:
    """«Заместитель директора по ВР», «старший методист», «учитель математики» — not a person's name."""
    return _head_index(clean_text(text).split(" ")) is not None


def _dative_word(word: str) -> str:
    if "-" in word and word.casefold() in POSITION_NOUNS:
        return "-".join(_dative_word(part) for part in word.split("-"))
    lower = word.casefold()
    if _ADJECTIVE.search(lower):
        if lower.endswith(("ая", "яя")):
            ending = "ой" if lower.endswith("ая") else "ей"
        elif lower.endswith("ий") and not re.search(r"[гкх]ий$", lower):
            ending = "ему"  # старший → старшему, заведующий → заведующему
        else:
            ending = "ому"  # главный → главному, русский → русскому
        out = word[:-2] + ending
    elif lower.endswith(("а", "я")):
        out = word[:-1] + "е"
    elif lower.endswith(("ь", "й")):
        out = word[:-1] + "ю"
    elif re.search(r"[бвгджзклмнпрстфхцчшщ]$", lower):
        out = word + "у"
    else:
        out = word
    return _match_capitals(word, out)


def decline_position(text: object, case: str | Case = "дательный") -> str:
    """A position in the dative, as the line «Кому» of a letter says it: «заместитель директора по ВР» →
    «заместителю директора по ВР», «старший методист» → «старшему методисту». The words after the head noun
    («директора по ВР», «математики») are already in the genitive and stay as typed, case included. Cases
    other than the dative are left as typed."""
    words = clean_text(text).split(" ")
    head = _head_index(words)
    if head is None or _case_of(case) != Case.DATIVE:
        return clean_text(text)
    return " ".join([*(_dative_word(w) for w in words[: head + 1]), *words[head + 1:]])


def lower_first(text: str) -> str:
    """A typed phrase put inside a sentence: its first letter in lower case unless the first word is an
    abbreviation («Заместитель директора по ВР» → «заместитель директора по ВР», «ВР» and «МАОУ» stay);
    the rest as typed — the case a user typed is never changed beyond that letter."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[1:2].isupper():
        return text
    return text[:1].lower() + text[1:]
