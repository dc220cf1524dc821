"""Who is who across workbooks: a name typed beside a code must be the registered person's."""

from __future__ import annotations

from toolkit.base.values import fold


def same_person(written: str, registered: str) -> bool:
    """«Иванова Анна» matches «Иванова Анна Сергеевна»; word order of surname and name is free."""
    a = [fold(w) for w in written.split()]
    b = [fold(w) for w in registered.split()]
    return len(a) >= 2 and set(a) <= set(b)
