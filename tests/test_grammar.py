"""Russian names and dates for documents (toolkit.base.grammar)."""

from __future__ import annotations

import datetime as dt

import pytest
from jinja2 import DictLoader, StrictUndefined, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from toolkit.base.grammar import (
    PersonName,
    decline,
    format_date,
    initials,
    is_name_like,
    jinja_filters,
    parse_gender,
    salutation,
)
from toolkit.base.problems import NastavnikError

D, G, T = "дательный", "родительный", "творительный"

# (full name, gender or None, case, expected) — the hard cases a school meets.
HARD_NAMES = [
    # -ко surnames do not decline, for men and women
    ("Шевченко Тарас Григорьевич", "м", D, "Шевченко Тарасу Григорьевичу"),
    ("Шевченко Анна Петровна", "ж", T, "Шевченко Анной Петровной"),
    ("Бондаренко Игорь", "м", G, "Бондаренко Игоря"),
    # -их/-ых surnames do not decline
    ("Черных Олег Иванович", "м", D, "Черных Олегу Ивановичу"),
    ("Седых Мария", "ж", G, "Седых Марии"),
    ("Седых Пётр", "м", T, "Седых Петром"),
    # foreign surnames
    ("Дюма Александр", "м", D, "Дюма Александру"),
    ("Гюго Виктор", "м", G, "Гюго Виктора"),
    ("Шмидт Анна", "ж", D, "Шмидт Анне"),
    ("Шмидт Карл", "м", D, "Шмидту Карлу"),
    ("Шмидт Карл", "м", T, "Шмидтом Карлом"),
    ("Джугашвили Иосиф", "м", D, "Джугашвили Иосифу"),
    # double-barrelled surnames
    ("Римский-Корсаков Николай Андреевич", "м", D, "Римскому-Корсакову Николаю Андреевичу"),
    ("Петрова-Водкина Анна", "ж", D, "Петровой-Водкиной Анне"),
    ("Петрова-Водкина Анна", "ж", T, "Петровой-Водкиной Анной"),
    # ё is kept
    ("Королёв Артём Сергеевич", "м", D, "Королёву Артёму Сергеевичу"),
    ("Соловьёва Алёна", "ж", D, "Соловьёвой Алёне"),
    ("Соловьёва Алёна", "ж", G, "Соловьёвой Алёны"),
    # Turkic patronymics: the father's name and «оглы»/«кызы» stay as written
    ("Мамедов Эльдар Рашид оглы", "м", D, "Мамедову Эльдару Рашид оглы"),
    ("Мамедов Эльдар Рашид оглы", "м", T, "Мамедовым Эльдаром Рашид оглы"),
    ("Алиева Арзу Лутфияр кызы", "ж", D, "Алиевой Арзу Лутфияр кызы"),
    # first names with a fleeting vowel or a soft sign
    ("Толстой Лев Николаевич", "м", D, "Толстому Льву Николаевичу"),
    ("Толстой Лев Николаевич", "м", G, "Толстого Льва Николаевича"),
    ("Орлова Любовь Петровна", "ж", D, "Орловой Любови Петровне"),
    ("Орлова Любовь Петровна", "ж", T, "Орловой Любовью Петровной"),
    ("Смирнов Павел", "м", D, "Смирнову Павлу"),
    # male names in -а/-я
    ("Муромец Илья Иванович", "м", D, "Муромцу Илье Ивановичу"),
    ("Михалков Никита Сергеевич", "м", D, "Михалкову Никите Сергеевичу"),
    ("Михалков Никита Сергеевич", "м", T, "Михалковым Никитой Сергеевичем"),
    # adjectival surnames
    ("Толстая Софья Андреевна", "ж", D, "Толстой Софье Андреевне"),
    ("Толстой Алексей", "м", D, "Толстому Алексею"),
    ("Горький Максим", "м", G, "Горького Максима"),
    ("Вишневская Галина", "ж", T, "Вишневской Галиной"),
    ("Достоевский Фёдор Михайлович", "м", T, "Достоевским Фёдором Михайловичем"),
    # plain ones and patronymics
    ("Иванов Иван Иванович", "м", D, "Иванову Ивану Ивановичу"),
    ("Иванова Анна Сергеевна", "ж", G, "Ивановой Анны Сергеевны"),
    ("Ленин Владимир Ильич", "м", T, "Лениным Владимиром Ильичом"),
    ("Ковальчук Оксана", "ж", D, "Ковальчук Оксане"),
    ("Ковальчук Богдан", "м", D, "Ковальчуку Богдану"),
]


@pytest.mark.parametrize(("full_name", "gender", "case", "expected"), HARD_NAMES)
def test_hard_names(full_name: str, gender: str, case: str, expected: str) -> None:
    assert decline(full_name, case, gender) == expected


@pytest.mark.parametrize(("full_name", "gender", "case", "expected"), HARD_NAMES)
def test_hard_names_with_detected_gender(full_name: str, gender: str, case: str, expected: str) -> None:
    """Every name of the table has a recognisable gender: no «Пол» needed."""
    assert PersonName.parse(full_name).gender() == gender
    assert decline(full_name, case) == expected


@pytest.mark.parametrize(
    ("latin", "russian"), [("dative", D), ("genitive", G), ("instrumental", T)]
)
def test_latin_case_names(latin: str, russian: str) -> None:
    assert decline("Иванов Иван Иванович", latin) == decline("Иванов Иван Иванович", russian)


def test_capitalisation_and_spaces_are_kept() -> None:
    assert decline("ИВАНОВ ИВАН ИВАНОВИЧ", D) == "ИВАНОВУ ИВАНУ ИВАНОВИЧУ"
    assert decline("  Петров   Пётр ", D, "м") == "Петрову Петру"


def test_unknown_case_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        decline("Иванов Иван", "звательный")


def test_explicit_gender_beats_detection() -> None:
    # «Саша» is both; the surname decides only when nothing is given
    assert decline("Ким Саша", D, "ж") == "Ким Саше"
    assert decline("Ким Саша", D, "м") == "Киму Саше"
    # unknown gender: a word whose male and female forms differ stays as written
    assert decline("Ким Саша", D) == "Ким Саше"
    assert decline("Иванова Саша", D) == "Ивановой Саше"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("м", "м"), ("М", "м"), (" ж ", "ж"), ("Ж.", "ж"), ("муж", "м"), ("жен.", "ж"),
        ("Мужской", "м"), ("ЖЕНСКИЙ", "ж"), ("M", "м"), ("F", "ж"), ("male", "м"), ("Female", "ж"),
        ("", None), (None, None), ("?", None), ("мж", None), (True, None),
    ],
)
def test_parse_gender(value: object, expected: str | None) -> None:
    assert parse_gender(value) == expected


def test_person_name_parsing() -> None:
    assert PersonName.parse("Мамедов Эльдар Рашид оглы") == PersonName("Мамедов", "Эльдар", "Рашид оглы")
    assert PersonName.parse("Мамедов Эльдар Рашид оглы").particle == "оглы"
    assert PersonName.parse("Петрова Анна") == PersonName("Петрова", "Анна", "")
    assert PersonName.parse("Петрова") == PersonName("Петрова", "", "")
    assert PersonName.parse("") == PersonName()
    # detection order: patronymic, then first name, then surname
    assert PersonName.parse("Иванова Саша Петрович").gender() == "м"
    assert PersonName.parse("Иванов Любовь").gender() == "ж"
    assert PersonName.parse("Иванов Саша").gender() == "м"
    assert PersonName.parse("Ким Саша").gender() is None
    assert PersonName.parse("Ким Саша").gender("Ж") == "ж"


@pytest.mark.parametrize(
    ("full_name", "gender", "expected"),
    [
        ("Иванов Иван Иванович", None, "Уважаемый Иван Иванович!"),
        ("Петрова Анна Сергеевна", None, "Уважаемая Анна Сергеевна!"),
        ("Петрова Анна Сергеевна", "ж", "Уважаемая Анна Сергеевна!"),
        ("Мамедов Эльдар Рашид оглы", None, "Уважаемый Эльдар Рашид оглы!"),
        ("Сидоров Иван", None, "Дорогой Иван!"),
        ("Петрова Анна", None, "Дорогая Анна!"),
        ("Ким Саша", None, "Дорогой(ая) Саша!"),
        ("Ким Саша", "м", "Дорогой Саша!"),
        ("Шмидт Карл Иванович", "male", "Уважаемый Карл Иванович!"),
        ("Петров", "м", "Уважаемый Петров!"),
        ("", None, ""),
    ],
)
def test_salutation(full_name: str, gender: str | None, expected: str) -> None:
    assert salutation(full_name, gender) == expected


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Иванов Иван Иванович", "И. И. Иванов"),
        ("Петрова Анна", "А. Петрова"),
        ("Мамедов Эльдар Рашид оглы", "Э. Р. Мамедов"),
        ("Римская-Корсакова Анна-Мария", "А.-М. Римская-Корсакова"),
        ("петров иван", "И. петров"),
        ("Петров", "Петров"),
        ("", ""),
    ],
)
def test_initials(full_name: str, expected: str) -> None:
    assert initials(full_name) == expected


def test_initials_in_a_case() -> None:
    assert initials("Иванов Иван Иванович", D) == "И. И. Иванову"
    assert initials("Петрова Анна", T) == "А. Петровой"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2026, 11, 22), "22 ноября 2026 г."),
        (dt.datetime(2026, 9, 1, 10, 30), "1 сентября 2026 г."),
        ("2026-09-01", "1 сентября 2026 г."),
        ("2026-05-09T00:00:00", "9 мая 2026 г."),
        ("01.09.2026", "1 сентября 2026 г."),
        ("31.12.2025", "31 декабря 2025 г."),
        ("", ""),
        (None, ""),
    ],
)
def test_format_date(value: object, expected: str) -> None:
    assert format_date(value) == expected


def test_format_date_refuses_nonsense_in_russian() -> None:
    with pytest.raises(NastavnikError, match="не дата"):
        format_date("скоро")


def _env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    env.filters.update(jinja_filters())
    return env


def test_filters_have_cyrillic_names() -> None:
    assert {"дательный", "родительный", "творительный", "уважаемый", "инициалы", "дата"} <= set(jinja_filters())


def test_filters_read_gender_from_context() -> None:
    env = _env()
    template = env.from_string("{{ ФИО|дательный }} / {{ ФИО|уважаемый }} / {{ ФИО|творительный }}")
    # «Ким Саша»: the name alone says nothing, the row's «Пол» decides
    assert template.render(ФИО="Ким Саша", Пол="м") == "Киму Саше / Дорогой Саша! / Кимом Сашей"
    assert template.render(ФИО="Ким Саша", Пол="Женский") == "Ким Саше / Дорогая Саша! / Ким Сашей"
    assert template.render(ФИО="Ким Саша", пол="ж") == "Ким Саше / Дорогая Саша! / Ким Сашей"
    assert template.render(ФИО="Ким Саша") == "Ким Саше / Дорогой(ая) Саша! / Ким Сашей"


def test_explicit_filter_argument_beats_context() -> None:
    env = _env()
    template = env.from_string("{{ ФИО|дательный('ж') }} {{ ФИО|родительный(Пол_наставника) }}")
    assert template.render(ФИО="Шмидт Саша", Пол="м", Пол_наставника="ж") == "Шмидт Саше Шмидт Саши"


def test_filters_inside_a_loop_see_the_row_gender_when_given() -> None:
    env = _env()
    template = env.from_string(
        "{% for r in rows %}{{ r.ФИО|дательный(r.Пол) }};{% endfor %}"
    )
    rows = [{"ФИО": "Шмидт Саша", "Пол": "ж"}, {"ФИО": "Шмидт Саша", "Пол": "м"}]
    assert template.render(rows=rows) == "Шмидт Саше;Шмидту Саше;"


def test_initials_and_date_filters() -> None:
    env = _env()
    template = env.from_string("{{ ФИО|инициалы }}, {{ ФИО|инициалы('дательный') }}, {{ Д|дата }}")
    assert template.render(ФИО="Иванов Иван Иванович", Д=dt.date(2026, 9, 1)) == (
        "И. И. Иванов, И. И. Иванову, 1 сентября 2026 г."
    )


def test_filters_on_a_missing_field_raise() -> None:
    env = _env()
    with pytest.raises(UndefinedError):
        env.from_string("{{ ФИО|дательный }}").render()
    with pytest.raises(UndefinedError):
        env.from_string("{{ Д|дата }}").render()


def test_filter_output_is_escaped() -> None:
    env = _env()
    env.loader = DictLoader({})
    assert env.from_string("{{ ФИО|дательный }}").render(ФИО="Иванов <Иван>", Пол="м") == "Иванову &lt;Иван&gt;"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("ФИО", True), ("ФИО наставника", True), ("Наставник", True), ("Пол", False), ("Класс", False),
     ("Дата рождения наставника", False), ("Тема", False)],
)
def test_name_like_columns(header: str, expected: bool) -> None:
    assert is_name_like(header) is expected
