"""Positions typed by people («заместитель директора по учебной работе») in the case an order needs.

An order says «назначить куратором … Орлову Наталью Павловну, заместителя директора по учебной работе»:
the position stands in the case of the name. Only the head of the position changes — leading adjectives
and the first noun (each part of a hyphenated noun: «педагог-психолог» → «педагога-психолога»); what
follows it is already in the genitive or after a preposition and stays as typed. Nouns of positions are
masculine whatever the person's gender («учитель», «заместитель»), so the rules are those of masculine
nouns; a feminine noun or adjective («старшая вожатая») is declined as feminine.

Typed abbreviations («зам. директора по УВР») and words the rules do not know are left as they are: a
position in the nominative reads better than a wrong ending.
"""

from __future__ import annotations

import re

from toolkit.base.values import clean_text

CASES = ("родительный", "дательный", "винительный")
_CONSONANTS = set("бвгджзклмнпрстфхцчшщ")
_SOFT_GUTTURAL = set("гкхжшчщ")  # after these: «старший» → «старшего», «учительский» → «учительского»
# masculine adjective endings → (genitive = accusative of animate, dative)
_ADJ_MALE = {"ый": ("ого", "ому"), "ой": ("ого", "ому")}
_ADJ_FEMALE = {"ая": ("ой", "ой", "ую"), "яя": ("ей", "ей", "юю")}  # genitive, dative, accusative


def _adjective(word: str, case: str) -> str | None:
    low = word.lower()
    for ending, (gen, dat) in _ADJ_MALE.items():
        if low.endswith(ending) and len(low) > 3:
            return word[:-2] + (gen if case != "дательный" else dat)
    if low.endswith("ий") and len(low) > 3:
        hard = low[-3] in "гкх"  # «учительский» → «учительского», «старший» → «старшего»
        gen, dat = ("ого", "ому") if hard else ("его", "ему")
        return word[:-2] + (gen if case != "дательный" else dat)
    for ending, forms in _ADJ_FEMALE.items():
        if low.endswith(ending) and len(low) > 3:
            if ending == "ая" and low[-3] in "жшчщ" and case != "винительный":
                return word[:-2] + "ей"  # «старшая» → «старшей»
            return word[:-2] + forms[CASES.index(case)]
    return None


def _noun(word: str, case: str) -> str | None:
    low = word.lower()
    if not low or not low[-1].isalpha() or not re.fullmatch(r"[а-яё]+", low):
        return None
    if low[-1] in _CONSONANTS:
        return word + ("у" if case == "дательный" else "а")
    if low.endswith("ь"):
        return word[:-1] + ("ю" if case == "дательный" else "я")
    if low.endswith("а"):  # «старшая вожатая» is an adjective; a feminine noun: «няня», «медсестра»
        soft = len(low) > 1 and low[-2] in _SOFT_GUTTURAL
        return word[:-1] + {"родительный": "и" if soft else "ы", "дательный": "е", "винительный": "у"}[case]
    return None


def decline_position(position: object, case: str) -> str:
    """The position in ``case`` («родительный», «дательный», «винительный» — the accusative of a person is
    the genitive for masculine nouns): «учитель математики» → «учителя математики» / «учителю математики»."""
    if case not in CASES:
        raise ValueError(case)
    text = clean_text(position)
    if not text or "." in text.split(" ")[0]:
        return text
    words = text.split(" ")
    out: list[str] = []
    for i, word in enumerate(words):
        adjective = _adjective(word, case)
        if adjective is not None and i + 1 < len(words):  # an adjective before its noun
            out.append(adjective)
            continue
        if adjective is not None and word.lower().endswith(("ая", "яя")):  # «старшая вожатая»
            out.append(adjective)
            out.extend(words[i + 1:])
            return " ".join(out)
        parts = word.split("-")
        declined = [_noun(p, case) for p in parts]
        if any(d is None for d in declined):
            return text  # a word the rules do not know: as typed
        out.append("-".join(d for d in declined if d is not None))
        out.extend(words[i + 1:])
        return " ".join(out)
    return text


def lower_first(text: str) -> str:
    """«Заместитель директора» → «заместитель директора»; «ВР» and «МАОУ» keep their capitals."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text
