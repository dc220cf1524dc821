"""A pair writes names where codes are asked: «Кто пишет» in the diary takes a member's own name (full, or with
initials); an outsider's name is refused as typed, not in capitals. Initials beside codes in the pairs workbook
(«Белова Т. С.») are the registered person."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from test_work_files import fill as type_into
from test_work_files import first_work, run_collect, sent, work_rows

from toolkit.checks.people import same_person
from toolkit.demo import build as demo


@pytest.fixture(scope="module")
def paired(tmp_path_factory: pytest.TempPathFactory) -> Path:
    program = demo.build_student(tmp_path_factory.mktemp("names") / "student")
    demo.run_pairing_demo(program)
    return program.root


@pytest.fixture
def student(paired: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(paired, tmp_path / "ученик-ученик"))


def _diary(who: str) -> dict[str, dict[str, object]]:
    cells = first_work()
    cells["Дневник прогресса"] = {"A2": dt.date(2026, 12, 3), "B2": who, "C2": "Ответил на уроке", "E2": 4}
    return cells


@pytest.mark.parametrize("who", ["Кузнецов Даниил", "кузнецов даниил", "Даниил Кузнецов", "Кузнецов Д."])
def test_a_member_may_write_his_own_name(student: Path, tmp_path: Path, who: str) -> None:
    files = sent(student, tmp_path / "Рассылка")
    type_into(files["П-002"], _diary(who), save_as=tmp_path / "Входящие" / "дневник.xlsx")
    result, report = run_collect(student, tmp_path / "Входящие")
    assert [p.code for p in report.errors] == []
    assert [pid for pid, _, _ in result.accepted] == ["П-002"]
    diary = [r for r in work_rows(student, "Дневник прогресса") if r["Пара / группа"] == "П-002"]
    assert [r["Кто пишет"] for r in diary] == ["НЯ-016"]


def test_an_outsider_is_refused_in_the_case_typed(student: Path, tmp_path: Path) -> None:
    files = sent(student, tmp_path / "Рассылка")
    type_into(files["П-002"], _diary("Семёнова Дарья"), save_as=tmp_path / "Входящие" / "дневник.xlsx")
    result, report = run_collect(student, tmp_path / "Входящие")
    refused = [p for p in report if p.code == "work-member-not-in-pair"]
    assert [(p.sheet, p.cell) for p in refused] == [("Дневник прогресса", "B2")]
    assert refused[0].message.startswith("«Семёнова Дарья» не участник этой пары или группы (в ней: НК-010, НЯ-016)")
    assert "СЕМЁНОВА" not in refused[0].message
    assert result.refused == ["дневник.xlsx"]


@pytest.mark.parametrize(("written", "same"), [
    ("Белова Т. С.", True), ("Т. С. Белова", True), ("Белова Т.С.", True), ("Белова Т.", True),
    ("Белова Татьяна", True), ("Белова А. С.", False), ("Белова", False), ("Т. С.", False),
    ("Белова Т. С. К.", False),
])
def test_initials_are_the_registered_person(written: str, same: bool) -> None:
    assert same_person(written, "Белова Татьяна Сергеевна") is same


def test_an_old_broken_file_superseded_by_a_newer_accepted_copy_is_not_reported(student: Path, tmp_path: Path
                                                                                  ) -> None:
    import os

    files = sent(student, tmp_path / "Рассылка")
    inbox = tmp_path / "Входящие"
    broken = first_work()
    broken["Встречи"] |= {"J2": 9}  # out of range
    old = type_into(files["П-002"], broken, save_as=inbox / "работа (старая).xlsx")
    new = type_into(files["П-002"], first_work(), save_as=inbox / "работа.xlsx")
    os.utime(old, (1_700_000_000, 1_700_000_000))
    os.utime(new, (1_700_100_000, 1_700_100_000))
    result, report = run_collect(student, inbox)
    assert [pid for pid, _, _ in result.accepted] == ["П-002"]
    assert [p for p in report if p.file == "работа (старая).xlsx"] == []
    assert report.errors == [] and result.refused == []
    assert ("Пропущен старый файл «работа (старая).xlsx» (П-002): его заменил более новый «работа.xlsx», "
            "принятый без ошибок.") in result.lines


def test_a_newer_broken_file_is_still_reported(student: Path, tmp_path: Path) -> None:
    import os

    files = sent(student, tmp_path / "Рассылка")
    inbox = tmp_path / "Входящие"
    broken = first_work()
    broken["Встречи"] |= {"J2": 9}
    newer = type_into(files["П-002"], broken, save_as=inbox / "работа (новая).xlsx")
    older = type_into(files["П-002"], first_work(), save_as=inbox / "работа.xlsx")
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_700_100_000, 1_700_100_000))
    result, report = run_collect(student, inbox)
    assert result.refused == ["работа (новая).xlsx"]
    assert any(p.code == "collect-file-errors" and p.file == "работа (новая).xlsx" for p in report.errors)


def _members_dropdown(path: Path) -> tuple[list[str], bool]:
    """The list offered in «Кто пишет» of the diary (B2 and below) and whether a value off the list is refused."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["Дневник прогресса"]
    [rule] = [v for v in ws.data_validations.dataValidation if "B2" in str(v.sqref) or "B2:" in str(v.sqref)]
    assert rule.type == "list"
    source = str(rule.formula1)
    if source.startswith('"'):
        values = source.strip('"').split(",")
    else:  # a defined name of the hidden list sheet
        sheet, cells = wb.defined_names[source.lstrip("=")].attr_text.split("!")
        values = [c.value for row in wb[sheet.strip("'")][cells.replace("$", "")] for c in row]
    return values, bool(rule.showErrorMessage)


def test_who_writes_is_chosen_from_the_pairs_members_and_collected(student: Path, tmp_path: Path) -> None:
    import openpyxl

    files = sent(student, tmp_path / "Рассылка")
    for path in files.values():  # every pair and group: exactly its members, as the sheet «Участники» lists them
        members = [r[1] for r in openpyxl.load_workbook(path)["Участники"].iter_rows(min_row=2, values_only=True)
                   if r[0]]
        names, refuses = _members_dropdown(path)
        assert names == members and len(names) >= 2, (path.name, names, members)
        assert not refuses  # a code typed instead of a name is still taken (and checked by collect)
    names, _ = _members_dropdown(files["П-002"])
    assert len(names) == 2 and any(same_person("Кузнецов Даниил", n) for n in names)
    chosen = next(n for n in names if same_person("Кузнецов Даниил", n))
    type_into(files["П-002"], _diary(chosen), save_as=tmp_path / "Входящие" / "дневник.xlsx")
    result, report = run_collect(student, tmp_path / "Входящие")
    assert [p.code for p in report.errors] == []
    assert [pid for pid, _, _ in result.accepted] == ["П-002"]
    diary = [r for r in work_rows(student, "Дневник прогресса") if r["Пара / группа"] == "П-002"]
    assert [r["Кто пишет"] for r in diary] == ["НЯ-016"]
