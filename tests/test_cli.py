"""The command line: help in Russian for every command, documented in the README, exact outputs and exit codes."""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run_cli as run
from demo_helpers import Demos

from toolkit.cli import cli

ROOT = Path(__file__).resolve().parent.parent




def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_russian_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([command, "--help"], capsys)
    assert code == 0, err
    assert out.startswith(f"Использование: nastavnik {command} [ПАРАМЕТРЫ]")
    assert "Параметры:" in out and "Показать эту справку и выйти." in out
    assert not re.search(r"\b(Usage|Options|Show this message)\b", out)
    assert cli.commands[command].help and re.search("[а-яё]", cli.commands[command].help)


def test_every_command_is_documented_in_readme() -> None:
    """The README has a section «### nastavnik КОМАНДА» for each command and none for a command that is gone
    (headings compared, not the Russian text under them)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = re.findall(r"^### nastavnik (\S+)\s*$", readme, flags=re.MULTILINE)
    assert len(documented) == len(set(documented)), documented
    assert sorted(documented) == sorted(cli.commands)


def test_main_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    assert out.startswith("Использование: nastavnik [ПАРАМЕТРЫ] КОМАНДА [АРГУМЕНТЫ]...")
    for command in cli.commands:
        assert f"  {command} " in out


def test_readme_opens_with_the_curators_way_in_then_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    curator, engineers = readme.index("## Куратору: пульт в браузере"), readme.index("## Инженерам")
    assert curator < engineers and readme.index("```bash") > curator
    way_in = readme[curator:engineers]
    assert "nastavnik пульт --shortcut" in way_in and "двойной щелчок" in way_in.lower()
    block = readme[engineers:].split("```bash", 1)[1].split("```", 1)[0].strip().splitlines()
    assert block[0] == ('python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[test]" '
                        "&& nastavnik demo Наставник-пример")
    assert block[1] == "bash scripts/check.sh"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\nbash scripts/check.sh\n" in ci


def test_cli_import_does_not_load_heavy_libraries() -> None:
    code = ("import sys, toolkit.cli; heavy = ['pandas', 'openpyxl', 'xlsxwriter', 'python_calamine', 'docxtpl',"
            " 'scipy', 'rich', 'pydantic']; print([m for m in heavy if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_unknown_command_is_russian_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["проверить"], capsys)
    assert code == 2
    assert "Нет команды 'проверить'." in err
    assert "Traceback" not in out + err


def test_init_creates_blank_program_and_rerun_keeps_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "Программа 2026"
    code, out, _ = run(["init", str(folder), "--form", "student-student"], capsys)
    assert code == 0
    assert out.splitlines() == [
        f"Программа «Ученик – ученик» в папке «{folder}».",
        "  создан: 00_Настройки.xlsx",
        "  создан: 01_Встреча.xlsx",
        "  создан: 02_Заявки.xlsx",
        "  создан: 02_Тестирование.xlsx",
        "  создан: 03_Обучение.xlsx",
        *[line for line in out.splitlines() if line.startswith("  создан: 04")],
        "  создан: 05_Работа пар.xlsx",
        *[line for line in out.splitlines() if line.startswith(("  создан: 06", "  создан: 07"))],  # later stages
        "  создан: Вопросы для анкеты.txt",
        "  создан: Вопросы для анкет мониторинга.txt",
        "Дальше: заполните «00_Настройки.xlsx», затем книги этапов, и проверьте их:",
        f"  nastavnik check {shlex.quote(str(folder))}",
    ]
    before = digest(folder)
    code, out, _ = run(["init", str(folder), "--form", "ученик-ученик"], capsys)
    assert code == 0
    assert "  уже есть, оставлен без изменений: 02_Заявки.xlsx" in out
    assert "создан:" not in out
    assert digest(folder) == before


def test_init_refuses_other_form_in_same_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(["init", str(tmp_path / "p"), "--form", "педагог-педагог"], capsys)
    code, out, err = run(["init", str(tmp_path / "p"), "--form", "ученик-ученик"], capsys)
    assert code == 2
    assert err.startswith("Ошибка: В папке") and "«Педагог – педагог»" in err


def test_init_unknown_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["init", str(tmp_path / "p"), "--form", "родитель-ребёнок"], capsys)
    assert code == 2
    assert err.strip() == ("Ошибка: Неизвестная форма наставничества «родитель-ребёнок». "
                           "Возможные: ученик-ученик, педагог-педагог, работодатель-ученик, работодатель-студент, "
                           "студент-ученик.")
    assert not (tmp_path / "p").exists()


def test_check_blank_program_lists_every_missing_setting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "p"
    run(["init", str(folder), "--form", "педагог-педагог"], capsys)
    code, out, _ = run(["check", str(folder), "--json"], capsys)
    assert code == 1
    problems = json.loads(out)["problems"]
    assert set(problems[0]) == {"file", "book", "sheet", "cell", "field", "code", "severity", "message"}
    assert {p["book"] for p in problems} == {"settings", "meeting"}  # books by their keys, not by file names
    flat = [[p["file"], p["sheet"], p["cell"], p["code"]] for p in problems]
    assert flat == [
        ["00_Настройки.xlsx", "Настройки", cell, "required-missing"]
        for cell in ("B3", "B4", "B5", "B7", "B8", "B9", "B10", "B12", "B13", "B14", "B15")
    ] + [["01_Встреча.xlsx", "Встреча", "B2", "required-missing"]]
    assert problems[0]["message"] == ("Не заполнено обязательное поле «Полное наименование образовательной "
                                      "организации». Заполните ячейку.")


def test_check_text_output_names_file_sheet_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "p"
    run(["init", str(folder), "--form", "ученик-ученик"], capsys)
    code, out, _ = run(["check", str(folder)], capsys)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "00_Настройки.xlsx"
    assert lines[1] == ("  [ошибка] лист «Настройки», ячейка B3, поле «Полное наименование образовательной "
                        "организации»: Не заполнено обязательное поле «Полное наименование образовательной "
                        "организации». Заполните ячейку.")
    assert lines[-3] == "Всего: ошибок 12, предупреждений 0."
    assert lines[-2] == "Дальше: исправьте ошибки в названных ячейках, сохраните книги и проверьте снова:"
    assert shlex.split(lines[-1]) == ["nastavnik", "check", str(folder)]


@pytest.mark.parametrize("args", [["check"], ["status"], ["import", "x.csv"]])
def test_missing_folder_is_a_message_not_a_traceback(tmp_path: Path, args: list[str],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "нет такой"
    full = [args[0], str(folder), *args[1:]]
    code, out, err = run(full, capsys)
    assert code == 2
    assert err.strip() == (f"Ошибка: Папка «{folder}» не найдена. Создайте программу: nastavnik init «{folder}» "
                           "--form …")
    assert "Traceback" not in out + err


def test_folder_without_program(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", str(tmp_path)], capsys)
    assert code == 2
    assert "не похожа на программу наставничества: нет книги «00_Настройки.xlsx»" in err


def test_demo_then_check_exits_0_for_both_forms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["demo", str(tmp_path / "пример")], capsys)
    assert code == 0
    assert "«Ученик – ученик»" in out and "«Педагог – педагог»" in out
    for form in ("ученик-ученик", "педагог-педагог"):
        code, out, _ = run(["check", str(tmp_path / "пример" / form)], capsys)
        assert code == 0, out
        if form == "ученик-ученик":
            assert out.startswith("Проблем не найдено")
        else:  # the demo's one mentor without the supplementary agreement (ТК РФ ст. 351.8) is warned about
            assert "ошибка" not in out and out.count("[предупреждение]") == 1, out
            assert "Михайлов Андрей Евгеньевич) закреплён за парой" in out and "Всего: ошибок 0, предупреждений 1." in out


def test_demo_rerun_backs_up_previous_files(demos: Demos, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demos.copy_all(tmp_path)  # what `nastavnik demo` made before; the command runs again below
    registry = tmp_path / "ученик-ученик" / "02_Заявки.xlsx"
    first = registry.read_bytes()
    run(["demo", str(tmp_path)], capsys)
    backups = list((tmp_path / "ученик-ученик" / "Резервные копии").glob("02_Заявки *.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == first


def test_status_json_is_deterministic_and_names_what_is_missing(demos: Demos, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    demos.copy_all(tmp_path)
    folder = tmp_path / "ученик-ученик"
    _, first, _ = run(["status", str(folder), "--json"], capsys)
    _, second, _ = run(["status", str(folder), "--json", "--no-workbook"], capsys)
    assert first == second
    status = json.loads(first)
    by_id = {p["id"]: p for p in status["participants"]}
    assert by_id["НК-004"]["missing"] == ["нет согласия на участие"]
    assert by_id["НК-006"]["missing"] == ["обучение: посещено встреч 5 из 8, нужно не менее 6"]
    assert by_id["НК-009"]["missing"] == ["тест не пройден"]
    assert by_id["НЯ-007"]["missing"] == [
        "нет согласия на обработку персональных данных (для несовершеннолетнего — от родителя или законного "
        "представителя)"]
    # the demo also forms pairs: a mentor of a fixed pair has passed stage 4
    assert by_id["НК-001"]["ready"] and by_id["НК-001"]["stage"] == 5
    assert by_id["НК-001"]["stage_name"] == f"Анализ компетенций, цели и спринты (пара {by_id['НК-001']['pair']})"
    assert by_id["НК-001"]["pair"].startswith("П-")
    assert status["counts"]["pairs"] == len({p["pair"] for p in status["participants"] if p["pair"]})
    assert (folder / "Статус программы.xlsx").exists()


def test_status_table_in_terminal(demos: Demos, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demos.copy_all(tmp_path)
    code, out, _ = run(["status", str(tmp_path / "педагог-педагог"), "--no-workbook"], capsys)
    assert code == 0
    assert "Участники программы «Педагог – педагог»" in out
    words = " ".join(out.split())  # the terminal wraps long lines between words
    assert "Наставников: 5, готовы к формированию пар: 5. Наставляемых: 6, с полной заявкой и согласиями: 6." in words
