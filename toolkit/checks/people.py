"""Who is who across workbooks: a name typed beside a code must be the registered person's."""

from __future__ import annotations

import functools
import re

from toolkit.base.values import fold


@functools.lru_cache(maxsize=1 << 14)
def same_person(written: str, registered: str) -> bool:
    """«Иванова Анна» matches «Иванова Анна Сергеевна»; word order of surname and name is free; initials stand
    for the first name and the patronymic: «Белова Т. С.», «Т.С. Белова», «Белова Т.» match «Белова Татьяна
    Сергеевна». At least two parts, and at least one of them a whole word."""
    tokens = re.findall(r"[^\s.]+\.?", written)
    words = [fold(t) for t in tokens if not t.endswith(".")]
    initials = [fold(t[:-1]) for t in tokens if t.endswith(".")]
    left = [fold(w) for w in registered.split()]
    if not words or len(words) + len(initials) < 2:
        return False
    for w in words:
        if w not in left:
            return False
        left.remove(w)
    for letter in initials:
        found = next((w for w in left if w.startswith(letter)), None)
        if found is None:
            return False
        left.remove(found)
    return True
