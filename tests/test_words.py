"""Russian in what users read: a test item named by its words, «ё» kept in declension, a foreign three-word name
not taken for one with a patronymic, non-breaking spaces in text placed into documents."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from toolkit.base.grammar import NBSP, decline, salutation, typeset
from toolkit.base.problems import Report
from toolkit.checks.program import load_program
from toolkit.demo import build as demo
from toolkit.model.program import Program
from toolkit.spec import find_profile


def test_a_missing_test_answer_is_named_by_the_item(tmp_path: Path) -> None:
    root = tmp_path / "student"
    demo.build_student(root)
    wb = openpyxl.load_workbook(root / "02_Тестирование.xlsx")
    ws = next(ws for ws in wb.worksheets if ws.cell(1, 1).value == "Код наставника")
    column = next(c.column for c in ws[1] if c.value == "11")
    ws.cell(2, column).value = None
    wb.save(root / "02_Тестирование.xlsx")
    report = Report()
    load_program(Program.open(root), report)
    missing = [p for p in report if p.code == "required-missing" and p.file == "02_Тестирование.xlsx"]
    items = [text for dim in find_profile("student").testing.dimensions for text, _ in dim.items]  # type: ignore[union-attr]
    assert len(missing) == 1
    assert missing[0].field.startswith(f"11 ({items[10][:30]}")
    assert missing[0].message.startswith(f"Не заполнено обязательное поле «11 ({items[10][:30]}")


@pytest.mark.parametrize(("name", "gender", "case", "expected"), [
    ("Воробей Пётр", "м", "творительный", "Воробьём Петром"),
    ("Воробьёв Семён", "м", "творительный", "Воробьёвым Семёном"),
    ("Королёва Алёна", "ж", "дательный", "Королёвой Алёне"),
])
def test_declension_keeps_yo(name: str, gender: str, case: str, expected: str) -> None:
    assert decline(name, case, gender) == expected


def test_a_foreign_name_without_a_patronymic_is_addressed_in_full() -> None:
    assert salutation("Нгуен Тхи Лан", "ж") == "Уважаемая Нгуен Тхи Лан!"
    assert salutation("Иванова Анна Сергеевна", "ж") == "Уважаемая Анна Сергеевна!"
    assert salutation("Мамедов Эльдар Рашид оглы", "м") == "Уважаемый Эльдар Рашид оглы!"


def test_typeset_puts_non_breaking_spaces() -> None:
    assert typeset("Приказ № 17") == f"Приказ №{NBSP}17"
    assert typeset("Т. С. Белова — куратор") == f"Т.{NBSP}С.{NBSP}Белова{NBSP}— куратор"
    assert typeset("на Виноградову И. С.") == f"на Виноградову{NBSP}И.{NBSP}С."
    assert typeset("без изменений") == "без изменений"


def test_the_order_keeps_the_case_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    from results_helpers import demo_folders

    from toolkit.base.grammar import lower_first
    from toolkit.documents.order import order_context
    from toolkit.model.pairs import result_pairs

    data = load_program(Program.open(demo_folders()["student"]), Report())
    settings = dict(data.settings()) | {"curator_position": "Заместитель директора по ВР"}
    monkeypatch.setattr(data, "settings", lambda: settings)
    context = order_context(data, result_pairs(data))
    assert context["должность_куратора"] == "заместитель директора по ВР"
    assert lower_first("МАОУ СШ № 5") == "МАОУ СШ № 5"
