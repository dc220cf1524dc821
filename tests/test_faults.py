"""Faults of real machines: a second command on a busy program, an output path onto a person's book, a disk that
fills up or turns read-only (a real tmpfs mounted for the test, skipped where mounting is not permitted)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import run_cli_joined
from results_helpers import copy_demo

from toolkit.base.files import BACKUP_DIR

HOLD = """
import sys, time
from pathlib import Path
from toolkit.base.lock import program_lock
with program_lock(Path(sys.argv[1]), "nastavnik collect"):
    print("held", flush=True)
    time.sleep(60)
"""
LETTER = Path(__file__).resolve().parent.parent / "doc_templates" / "благодарственное_письмо.docx"
LETTER_DATA = LETTER.with_name("пример_данных_для_писем.xlsx")


@contextlib.contextmanager
def held(folder: Path) -> Iterator[None]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        yield
    finally:
        proc.kill()
        proc.communicate()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_demo("student", tmp_path_factory.mktemp("demo") / "Программа")


@pytest.mark.parametrize("command", [
    ["status"], ["monitor"], ["export", "--anonymize"], ["docs", "--kind", "приказ"], ["order"],
    ["docs", "--kind", "письма"],
])
def test_every_command_writing_into_a_program_takes_its_lock(
        command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        demo: Path) -> None:
    folder = tmp_path / "Программа"
    shutil.copytree(demo, folder)
    before = snapshot(folder)
    monkeypatch.setenv("NASTAVNIK_LOCK_WAIT", "0.3")
    with held(folder):
        code, out = run_cli_joined([command[0], str(folder), *command[1:]], capsys)
    assert code == 2, out
    assert "занята другой командой" in out and "nastavnik collect" in out, out
    assert snapshot(folder) == before


def test_merge_into_a_program_folder_takes_its_lock(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, demo: Path) -> None:
    folder = tmp_path / "Программа"
    shutil.copytree(demo, folder)
    monkeypatch.setenv("NASTAVNIK_LOCK_WAIT", "0.3")
    with held(folder):
        code, out = run_cli_joined(["merge", str(LETTER), str(LETTER_DATA), "--out", str(folder / "Письма")], capsys)
    assert code == 2 and "занята другой командой" in out, out
    assert not (folder / "Письма").exists()


@pytest.mark.parametrize("name", ["02_Заявки.xlsx", "05_Работа пар.xlsx", "00_Настройки.xlsx"])
def test_export_out_onto_a_program_book_is_refused(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    folder = tmp_path / "Программа"
    shutil.copytree(demo, folder)
    before = snapshot(folder)
    code, out = run_cli_joined(["export", str(folder), "--anonymize", "--out", str(folder / name)], capsys)
    assert code == 2, out
    assert f"«{name}» — это книга программы" in out, out
    assert snapshot(folder) == before


def test_export_out_onto_a_returned_pair_book_is_refused_whatever_its_name(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    folder = tmp_path / "Программа"
    shutil.copytree(demo, folder)
    inbox = tmp_path / "Входящие"
    code, out = run_cli_joined(["distribute", str(folder), "--out", str(inbox)], capsys)
    assert code == 0, out
    returned = sorted(inbox.glob("*.xlsx"))[0]
    renamed = returned.with_name("сводка.xlsx")
    returned.rename(renamed)
    data = renamed.read_bytes()
    code, out = run_cli_joined(["export", str(folder), "--anonymize", "--out", str(renamed)], capsys)
    assert code == 2 and "это книга пары" in out, out
    assert renamed.read_bytes() == data


def test_output_over_a_file_of_ones_own_is_backed_up_first(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    folder = tmp_path / "Программа"
    shutil.copytree(demo, folder)
    mine = tmp_path / "выгрузка.xlsx"
    shutil.copyfile(LETTER_DATA, mine)
    code, out = run_cli_joined(["export", str(folder), "--anonymize", "--out", str(mine)], capsys)
    assert code == 0, out
    assert "сделан не этой командой" in out, out
    (saved,) = (tmp_path / BACKUP_DIR).iterdir()
    assert saved.read_bytes() == LETTER_DATA.read_bytes()
    code, out = run_cli_joined(["export", str(folder), "--anonymize", "--out", str(mine)], capsys)
    assert code == 0 and "Резервные копии" not in out, out  # its own export is replaced without a backup
    assert len(list((tmp_path / BACKUP_DIR).iterdir())) == 1


@pytest.mark.parametrize("command", [["status"], ["monitor"]])
def test_a_sheet_the_curator_added_to_a_generated_book_is_backed_up(
        command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    import openpyxl

    folder = tmp_path / "Программа"
    shutil.copytree(demo, folder)
    code, out = run_cli_joined([command[0], str(folder)], capsys)
    assert code in (0, 1), out
    book = folder / ("Статус программы.xlsx" if command[0] == "status" else "Мониторинг.xlsx")
    wb = openpyxl.load_workbook(book)
    wb.create_sheet("Мои заметки")["A1"] = "позвонить родителям Иванова"
    wb.save(book)
    code, out = run_cli_joined([command[0], str(folder)], capsys)
    assert code in (0, 1), out
    assert "добавленный вручную лист «Мои заметки»" in out, out
    (saved,) = (folder / BACKUP_DIR).glob(book.stem + "*")
    assert openpyxl.load_workbook(saved)["Мои заметки"]["A1"].value == "позвонить родителям Иванова"


@pytest.mark.parametrize("command", [
    ["export", "{folder}", "--anonymize", "--out", "{file}/выгрузка.xlsx"],
    ["docs", "{folder}", "--kind", "приказ", "--out", "{file}/папка"],
    ["distribute", "{folder}", "--out", "{file}/папка"],
    ["merge", str(LETTER), str(LETTER_DATA), "--out", "{file}/папка"],
    ["init", "{file}/новая", "--form", "ученик-ученик"],
])
def test_an_output_under_an_existing_file_is_a_message(
        command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    folder = tmp_path / "Программа"
    shutil.copytree(demo, folder)
    plain = tmp_path / "заметка.txt"
    plain.write_text("просто файл", encoding="utf-8")
    code, out = run_cli_joined([a.format(folder=folder, file=plain) for a in command], capsys)
    assert code == 2, out
    assert "Внутренняя ошибка" not in out and "ошибка системы" not in out and "заметка.txt" in out, out


# ------------------------------------------------------------------ real small disks


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs mounted for the test (root only): a disk that can be filled or made read-only."""
    where = tmp_path / "флешка"
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("mounting a small tmpfs is not permitted here")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(disk: Path, leave: int) -> None:
    """Fill the disk up to ``leave`` free bytes."""
    stat = os.statvfs(disk)
    free = stat.f_bavail * stat.f_frsize
    with open(disk / "занято.bin", "wb") as f:
        f.write(b"\0" * max(free - leave, 0))


def test_a_backup_that_does_not_fit_leaves_no_short_copy_and_no_change(
        small_disk: Path, capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path) -> None:
    folder = small_disk / "Программа"
    shutil.copytree(demo, folder, ignore=shutil.ignore_patterns(BACKUP_DIR, "Документы", "*.docx", "*.pdf"))
    export = tmp_path / "ответы.csv"
    export.write_text("Роль,ФИО,Пол,Класс\nНаставник,Новикова Вера Игоревна,ж,10А\n", encoding="utf-8")
    registry = (folder / "02_Заявки.xlsx").stat().st_size
    fill(small_disk, registry // 2)
    before = snapshot(folder)
    code, out = run_cli_joined(["import", str(folder), str(export)], capsys)
    assert code == 2, out
    assert "резервную копию «02_Заявки.xlsx»" in out and "на диске нет места" in out, out
    assert snapshot(folder) == before  # no 0/4096-byte «backup», the registry untouched


def test_a_rewrite_that_does_not_fit_leaves_no_backup_of_it(
        small_disk: Path, capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path) -> None:
    """The backup fits, the new registry does not: the backup of this attempt is removed, the folder as it was."""
    folder = small_disk / "Программа"
    shutil.copytree(demo, folder, ignore=shutil.ignore_patterns(BACKUP_DIR, "Документы", "*.docx", "*.pdf"))
    export = tmp_path / "ответы.csv"
    export.write_text(ANSWERS, encoding="utf-8")
    registry = (folder / "02_Заявки.xlsx").stat().st_size
    fill(small_disk, registry + registry // 2)
    before = snapshot(folder)
    code, out = run_cli_joined(["import", str(folder), str(export)], capsys)
    assert code == 2, out
    assert "«02_Заявки.xlsx»" in out and "на диске нет места" in out and "прежний файл не изменён" in out, out
    assert snapshot(folder) == before


@pytest.mark.parametrize("command", [["status"], ["monitor"], ["export", "--anonymize"]])
def test_a_full_disk_is_a_sentence_and_the_folder_is_left_as_it_was(
        command: list[str], small_disk: Path, capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    folder = small_disk / "Программа"
    shutil.copytree(demo, folder, ignore=shutil.ignore_patterns(BACKUP_DIR, "Документы", "*.docx", "*.pdf",
                                                                  "Статус*", "Мониторинг*", "Выгрузка*"))
    fill(small_disk, 2048)
    before = snapshot(folder)
    code, out = run_cli_joined([command[0], str(folder), *command[1:]], capsys)
    assert code == 2, out
    assert "на диске нет места" in out and "Внутренняя ошибка" not in out, out
    assert snapshot(folder) == before


@pytest.mark.parametrize("command", [
    ["distribute", "{folder}", "--out", "{folder}/Книги пар"],
    ["docs", "{folder}", "--kind", "письма"],
    ["merge", str(LETTER), str(LETTER_DATA), "--out", "{folder}/Письма"],
    ["init", "{disk}/Новая", "--form", "ученик-ученик"],
    ["status", "{folder}"],
])
def test_a_read_only_disk_is_a_sentence(
        command: list[str], small_disk: Path, capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    folder = small_disk / "Программа"
    shutil.copytree(demo, folder, ignore=shutil.ignore_patterns(BACKUP_DIR, "Документы", "*.docx", "*.pdf"))
    if subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True).returncode != 0:
        pytest.skip("remounting read-only is not permitted here")
    code, out = run_cli_joined([a.format(folder=folder, disk=small_disk) for a in command], capsys)
    assert code == 2, out
    assert "только для чтения" in out and "Внутренняя ошибка" not in out, out


def test_backup_is_verified_and_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy that came out different (a failing disk) is not kept as a backup."""
    from toolkit.base import files
    from toolkit.base.problems import NastavnikError

    book = tmp_path / "02_Заявки.xlsx"
    book.write_bytes(b"PK" + os.urandom(5000))

    def short_copy(src: str | Path, dst: str | Path, **options: object) -> str:
        Path(dst).write_bytes(Path(src).read_bytes()[:4096])
        return str(dst)

    monkeypatch.setattr(files.shutil, "copyfile", short_copy)
    with pytest.raises(NastavnikError) as refused:
        files.backup(book)
    assert "резервную копию" in refused.value.message
    assert list((tmp_path / BACKUP_DIR).iterdir()) == []
    assert zipfile.is_zipfile(book) or book.read_bytes()[:2] == b"PK"


# ------------------------------------------------------------------ consoles that are not UTF-8


def _run_cp1251(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "cp1251"}
    env.pop("NASTAVNIK_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "toolkit.cli", *args], capture_output=True, env=env, timeout=300)


def test_a_cp1251_console_gets_replaced_characters_not_a_crash(tmp_path: Path, demo: Path) -> None:
    import json

    from results_helpers import edit_rows

    folder = tmp_path / "Программа"
    shutil.copytree(demo, folder)
    edit_rows(folder / "02_Заявки.xlsx", "Наставляемые", {("Код", "НЯ-001"): {
        "Имя": "Ева 😀 → ✓", "Пол": "ж😀"}})
    done = _run_cp1251(["status", str(folder), "--no-workbook"])
    text = done.stdout.decode("cp1251") + done.stderr.decode("cp1251")
    assert done.returncode in (0, 1), text
    assert "Ева ? ? ?" in text or "Ева" in text and "Внутренняя ошибка" not in text, text
    done = _run_cp1251(["status", str(folder), "--json", "--no-workbook"])
    assert done.returncode in (0, 1), done.stderr.decode("cp1251")
    found = json.loads(done.stdout.decode("ascii"))  # ASCII-escaped: valid whatever the console's encoding
    assert any(p["name"].startswith("Черных Ева 😀 → ✓") for p in found["participants"]), found["participants"][:3]
    done = _run_cp1251(["check", str(folder)])
    text = done.stdout.decode("cp1251") + done.stderr.decode("cp1251")
    assert done.returncode == 1 and "ж?" in text and "Внутренняя ошибка" not in text, text
    done = _run_cp1251(["check", str(folder), "--json"])
    assert any("ж😀" in json.dumps(p, ensure_ascii=False) for p in json.loads(done.stdout)["problems"])


# ------------------------------------------------------------------ templates bounded in time and memory


def _template(path: Path, text: str) -> Path:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    document.save(str(path))
    return path


def _data(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ФИО", "Пол", "Текст"])
    ws.append(["Иванова Анна Сергеевна", "ж", "я" * 30000])
    wb.save(path)
    return path


@pytest.mark.parametrize("text, limit", [
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}{{ ФИО }}", "повторов циклов"),
    ("{% set ns = namespace(s=ФИО) %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
     "собран текст"),
    ("{% for c in Текст %}{% for d in Текст %}{{ c }}{% endfor %}{% endfor %}", "повторов циклов"),
])
def test_a_runaway_template_is_refused_naming_it_and_the_limit(
        text: str, limit: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import time

    template = _template(tmp_path / "мой шаблон.docx", text)
    started = time.monotonic()
    code, out = run_cli_joined(["merge", str(template), str(_data(tmp_path / "данные.xlsx")),
                                "--out", str(tmp_path / "out")], capsys)
    assert time.monotonic() - started < 60
    assert code == 1, out
    assert "«мой шаблон.docx» превысил предел" in out and limit in out, out
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_order_with_a_runaway_template_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    folder = tmp_path / "Программа"
    shutil.copytree(demo, folder)
    template = _template(tmp_path / "приказ.docx",
                         "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
    code, out = run_cli_joined(["order", str(folder), "--template", str(template)], capsys)
    assert code == 2, out
    assert "приказ.docx" in out and "повторов циклов" in out, out


def test_a_template_archive_that_unpacks_to_gigabytes_is_refused_before_opening(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = _template(tmp_path / "бомба.docx", "{{ ФИО }}")
    with zipfile.ZipFile(template, "a", compression=zipfile.ZIP_DEFLATED) as archive, \
            archive.open("word/media/huge.bin", "w", force_zip64=True) as part:
        block = b"\0" * (1 << 20)
        for _ in range(210):
            part.write(block)
    assert template.stat().st_size < 2 * 1024 * 1024
    code, out = run_cli_joined(["merge", str(template), str(_data(tmp_path / "данные.xlsx")),
                                "--out", str(tmp_path / "out")], capsys)
    assert code == 2, out
    assert "бомба.docx" in out and "внутри архива .docx" in out, out


# ------------------------------------------------------------------ names from data


def test_file_names_from_data_fit_the_file_system_in_bytes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    import openpyxl
    from results_helpers import edit_rows

    data = tmp_path / "данные.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["ФИО", "Пол"])
    wb.active.append(["😀" * 120, "ж"])
    wb.active.append(["Ω" * 200 + " Анна", "ж"])
    wb.save(data)
    template = _template(tmp_path / "письмо.docx", "Уважаемая {{ ФИО }}!")
    code, out = run_cli_joined(["merge", str(template), str(data), "--out", str(tmp_path / "out")], capsys)
    assert code == 0, out
    made = sorted((tmp_path / "out").iterdir())
    assert len(made) == 2 and all(len(p.name.encode()) <= 255 for p in made), [p.name for p in made]
    assert made[0].name.startswith(("😀", "Ω"))

    folder = tmp_path / "Программа"
    shutil.copytree(demo, folder)
    edit_rows(folder / "02_Заявки.xlsx", "Наставники", {("Код", "НК-001"): {"Фамилия": "😀" * 120}})
    code, out = run_cli_joined(["distribute", str(folder), "--out", str(tmp_path / "пары")], capsys)
    assert code == 0, out
    assert all(len(p.name.encode()) <= 255 for p in (tmp_path / "пары").iterdir())


def test_a_pair_file_whose_name_is_not_utf8_is_read_and_named_with_escapes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    folder = tmp_path / "Программа"
    shutil.copytree(demo, folder)
    inbox = tmp_path / "Входящие"
    code, out = run_cli_joined(["distribute", str(folder), "--out", str(inbox)], capsys)
    assert code == 0, out
    for path in sorted(inbox.glob("*.xlsx"))[1:]:
        path.unlink()
    (returned,) = inbox.glob("*.xlsx")
    cp866 = os.fsdecode(b"\x8f\xa0\xe0\xa0 1.xlsx")  # «Пара 1.xlsx» in cp866, as a Windows zip leaves it
    returned.rename(inbox / cp866)
    code, out = run_cli_joined(["collect", str(folder), str(inbox)], capsys)
    assert code == 0, out
    assert "\\x8f\\xa0\\xe0\\xa0 1.xlsx" in out and "повреждён" not in out, out


# ------------------------------------------------------------------ smaller ones

ANSWERS = "Роль,ФИО,Пол,Класс\nНаставник,Новикова Вера Игоревна,ж,10А\n"


def test_a_sheet_name_xlsx_cannot_hold_is_named_by_check_and_refused_by_import(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    import openpyxl

    folder = tmp_path / "Программа"
    shutil.copytree(demo, folder)
    long_name = "Заметки куратора о встречах с родителями 2026"  # 45 characters, as an .ods allows
    registry = folder / "02_Заявки.xlsx"
    wb = openpyxl.load_workbook(registry)
    wb.create_sheet("tmp")["A1"] = "позвонить"
    wb.save(registry)
    with zipfile.ZipFile(registry) as z:  # openpyxl refuses such a title: rename it in the archive as LibreOffice would
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'name="tmp"', f'name="{long_name}"'.encode())
    with zipfile.ZipFile(registry, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    code, out = run_cli_joined(["check", str(folder)], capsys)
    assert f"Лист «{long_name}»" in out and f"знаков в имени: {len(long_name)}" in out, out
    before = snapshot(folder)
    export = tmp_path / "ответы.csv"
    export.write_text(ANSWERS, encoding="utf-8")
    code, out = run_cli_joined(["import", str(folder), str(export)], capsys)
    assert code == 2, out
    assert long_name in out and "переименуйте лист" in out and "Внутренняя ошибка" not in out, out
    assert snapshot(folder) == before  # no backup of a refused import


def test_import_says_it_replaced_formulas(tmp_path: Path, capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    import openpyxl

    folder = tmp_path / "Программа"
    shutil.copytree(demo, folder)
    registry = folder / "02_Заявки.xlsx"
    wb = openpyxl.load_workbook(registry)
    wb["Наставляемые"]["F2"] = '=CONCATENATE("7","В")'
    wb.save(registry)
    export = tmp_path / "ответы.csv"
    export.write_text(ANSWERS, encoding="utf-8")
    code, out = run_cli_joined(["import", str(folder), str(export)], capsys)
    assert code == 0, out
    assert "были формулы" in out and "F2" in out, out


def test_check_names_a_settings_book_without_its_meta_sheet(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    import openpyxl

    folder = tmp_path / "Программа"
    shutil.copytree(demo, folder)
    settings = folder / "00_Настройки.xlsx"
    wb = openpyxl.load_workbook(settings)
    del wb["_meta"]
    wb.save(settings)
    code, out = run_cli_joined(["check", str(folder)], capsys)
    assert code == 0, out  # a warning: the program still reads (a suite that drops hidden sheets does this)
    assert "00_Настройки.xlsx" in out and "«_meta»" in out and "[предупреждение]" in out, out


@pytest.mark.parametrize("option", ["--date", "--start"])
def test_match_refuses_a_date_outside_the_program(
        option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    folder = tmp_path / "Программа"
    shutil.copytree(demo, folder)
    before = snapshot(folder)
    code, out = run_cli_joined(["match", str(folder), "--scheme", "встреча", option, "31.12.9999", "--reschedule"],
                               capsys)
    assert code == 2, out
    assert "31.12.9999" in out and "вне срока программы" in out, out
    assert snapshot(folder) == before


# ------------------------------------------------------------------ typed content besides values


def test_collect_keeps_a_hyperlinks_address(tmp_path: Path, capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    import openpyxl

    folder = tmp_path / "Программа"
    shutil.copytree(demo, folder)
    inbox = tmp_path / "Входящие"
    code, out = run_cli_joined(["distribute", str(folder), "--out", str(inbox)], capsys)
    assert code == 0, out
    returned = sorted(inbox.glob("*.xlsx"))[0]
    wb = openpyxl.load_workbook(returned)
    ws = wb["Участники"]
    header = next(r for r in range(1, 10) if any(c.value == "Ссылка на кейс или отзыв" for c in ws[r]))
    column = next(c.column for c in ws[header] if c.value == "Ссылка на кейс или отзыв")
    cell = ws.cell(header + 1, column)
    cell.value = "Отзыв мамы"
    cell.hyperlink = "https://school.example/otzyv-1"
    wb.save(returned)
    code, out = run_cli_joined(["collect", str(folder), str(inbox)], capsys)
    assert code == 0 and "Принято" in out, out
    found = openpyxl.load_workbook(folder / "05_Работа пар.xlsx")["Участники"]
    values = [c.value for row in found.iter_rows() for c in row]
    assert "Отзыв мамы (https://school.example/otzyv-1)" in values


def test_import_says_where_the_registrys_comments_are(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    import openpyxl
    from openpyxl.comments import Comment

    folder = tmp_path / "Программа"
    shutil.copytree(demo, folder)
    registry = folder / "02_Заявки.xlsx"
    wb = openpyxl.load_workbook(registry)
    wb["Наставляемые"]["C3"].comment = Comment("мама просила звонить после 18:00", "куратор")
    wb.save(registry)
    export = tmp_path / "ответы.csv"
    export.write_text(ANSWERS, encoding="utf-8")
    code, out = run_cli_joined(["import", str(folder), str(export)], capsys)
    assert code == 0, out
    assert "примечания" in out and "«Наставляемые» C3" in out, out
    (saved,) = (folder / BACKUP_DIR).glob("02_Заявки*")
    assert openpyxl.load_workbook(saved)["Наставляемые"]["C3"].comment.text == "мама просила звонить после 18:00"
