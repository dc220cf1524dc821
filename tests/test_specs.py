"""Specs are validated on load, and a mistake names its path inside the spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit import spec
from toolkit.base.problems import NastavnikError


def test_every_spec_and_profile_loads() -> None:
    profiles = spec.profiles()
    assert set(profiles) == {"student", "teacher", "student_pupil", "employer_pupil", "employer_student"}
    for profile in profiles.values():
        books = spec.program_workbooks(profile)
        assert [b.key for b in books][:3] == ["settings", "meeting", "applications"]
        for book in books:
            for sheet in book.sheets:
                for column in sheet.columns:
                    assert column.repeat is None
                    assert not isinstance(column.choices, str)  # profile lists substituted


def test_test_items_expand_into_columns() -> None:
    profile = spec.find_profile("ученик-ученик")
    book = next(b for b in spec.program_workbooks(profile) if b.key == "testing")
    answers = book.sheets[0]
    likert = [c for c in answers.columns if c.type == "likert"]
    assert len(likert) == 24 and likert[0].header == "1" and likert[0].key == "q1"
    assert likert[3].hint == "Мне трудно задавать вопросы, чтобы понять собеседника."
    for dim in profile.testing.dimensions:  # type: ignore[union-attr]
        assert 5 <= len(dim.items) <= 8 and any(rev for _, rev in dim.items)


@pytest.mark.parametrize("alias,form", [("ученик-ученик", "student"), ("Student-Student", "student"),
                                        ("педагог – педагог", "teacher"), ("teacher-teacher", "teacher"),
                                        ("студент-ученик", "student_pupil"), ("student-pupil", "student_pupil"),
                                        ("Работодатель – ученик", "employer_pupil"), ("employer-pupil", "employer_pupil"),
                                        ("работодатель-студент", "employer_student"),
                                        ("employer-student", "employer_student")])
def test_form_aliases(alias: str, form: str) -> None:
    assert spec.find_profile(alias).form == form


def test_bad_column_type_names_its_path(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        "key: x\nfile: X\ntitle: X\nstage: 1\nsheets:\n  - key: s\n    name: S\n    columns:\n"
        "      - {key: a, header: A}\n      - {key: b, header: B, type: nonsense}\n",
        encoding="utf-8",
    )
    with pytest.raises(NastavnikError) as exc:
        spec.load_workbook_spec_file(path)
    assert exc.value.message.startswith("Шаблон broken.yaml содержит ошибки: sheets[0].columns[1].type:")


def test_choice_without_list_and_duplicate_keys(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        "key: x\nfile: X\ntitle: X\nstage: 1\nsheets:\n  - key: s\n    name: S\n    columns:\n"
        "      - {key: a, header: A, type: choice}\n  - key: t\n    name: T\n    columns:\n"
        "      - {key: a, header: A}\n      - {key: a, header: B}\n",
        encoding="utf-8",
    )
    with pytest.raises(NastavnikError) as exc:
        spec.load_workbook_spec_file(path)
    message = exc.value.message
    assert "sheets[0].columns[0]: Value error, у столбца типа choice нужен список choices" in message
    assert "sheets[1]: Value error, ключи столбцов повторяются: a" in message


def test_yaml_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("key: [x\n", encoding="utf-8")
    with pytest.raises(NastavnikError) as exc:
        spec.load_workbook_spec_file(path)
    assert exc.value.message.startswith("Шаблон broken.yaml: ошибка синтаксиса YAML")


def test_profile_dimension_needs_five_to_eight_items(tmp_path: Path) -> None:
    source = (Path(spec.__file__).parent.parent / "workbook_templates" / "forms" / "student.yaml").read_text(
        encoding="utf-8")
    broken = source.replace('        - ["Я умею объяснить сложную тему простыми словами.", false]\n', "", 1)
    broken = broken.replace('        - ["Мне легко начать разговор с незнакомым учеником младше меня.", false]\n', "", 1)
    path = tmp_path / "student.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(NastavnikError) as exc:
        spec.load_profile_file(path)
    assert "testing.dimensions[0]: Value error, в измерении теста должно быть от 5 до 8 утверждений" in exc.value.message
