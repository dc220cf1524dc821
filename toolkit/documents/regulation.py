"""The regulation of mentorship (pupils: «Положение о наставничестве»; teachers: «Положение о системе
наставничества педагогических работников») and the program of mentorship («Программа наставничества»),
written for the school from its settings, the form's profile (stages, schemes of pairing, terms of pairs,
rewards) and the registry (how many mentors and mentees). One template each, the form's differences are
``{% if педагоги %}`` in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from toolkit.base.values import clean_text
from toolkit.documents.launch import order_fields, with_nbsp
from toolkit.model.program import ProgramData

_SCHEMES = {"предложение": "предложение куратора по данным анкет",
            "встреча": "групповая встреча наставников и наставляемых",
            "анкеты": "дистанционное анкетирование (выбор по анкетам)"}


def _months(n: int) -> str:
    word = "месяц" if n % 10 == 1 and n % 100 != 11 else (
        "месяца" if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else "месяцев")
    return f"{n} {word}"


def _fields(data: ProgramData, base: Mapping[str, Any], date: dt.date | None) -> dict[str, Any]:
    from toolkit.documents.launch import basis_list

    profile = data.program.profile
    s = data.settings()
    mentors = sum(1 for p in data.participants.values() if p.role == "mentor")
    mentees = sum(1 for p in data.participants.values() if p.role == "mentee")
    durations = profile.pairing.get("durations", {})
    return {
        **order_fields(data, base, date),
        "акты": "; ".join(basis_list(data)),
        "этапы": [{"номер": str(st.number), "название": st.name, "описание": st.description}
                  for st in profile.stages],
        "схемы": "; ".join(_SCHEMES.get(x, x) for x in profile.pairing.get("schemes", [])) or _SCHEMES["предложение"],
        "сроки_пар": "; ".join(f"{kind.lower()} — {_months(int(n))}" for kind, n in durations.items()),
        "поощрения": ", ".join(a.lower() for a in profile.awards),
        "частоты": ", ".join(f.lower() for f in profile.lists.get("frequencies", [])),
        "наставник": profile.roles["mentor"].lower(), "наставляемый": profile.roles["mentee"].lower(),
        "Наставляемый": profile.roles["mentee"],
        "наставников": str(mentors) if mentors else "по числу заявок",
        "наставляемых": str(mentees) if mentees else "по числу заявок",
        "доплата": clean_text(s.get("mentor_pay")) or "в размере, установленном локальным нормативным актом об "
                                                     "оплате труда",
        "обучение": (f"{profile.training.meetings} "
                     f"{'встречи' if 2 <= profile.training.meetings <= 4 else 'встреч'} с куратором"),
    }


def regulation(data: ProgramData, base: Mapping[str, Any], date: dt.date | None) -> list[tuple[str, dict[str, Any]]]:
    return [("", with_nbsp(_fields(data, base, date)))]


def program(data: ProgramData, base: Mapping[str, Any], date: dt.date | None) -> list[tuple[str, dict[str, Any]]]:
    return [("", with_nbsp(_fields(data, base, date)))]
