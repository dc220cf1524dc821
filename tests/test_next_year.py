"""`nastavnik init НОВАЯ_ПАПКА --from ПРОШЛАЯ_ПАПКА`: the new academic year from the last one. What is carried
(the mentor base, consents still valid by their terms, pairs that go on with their work rows, settings and the
working group with the dates a year on) is read back from the new books; finished pairs are in the archive; the
old folder is byte for byte what it was; a missing, foreign or locked old folder and a locked new one are refused
with a Russian sentence."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from pathlib import Path

import openpyxl
import pytest
from cli_helpers import run_cli as run
from demo_helpers import Demos
from results_helpers import edit_rows

from toolkit.base.lock import program_lock
from toolkit.base.problems import Report
from toolkit.checks.program import load_program
from toolkit.model.program import Program, ProgramData

PAIRS = "04_Пары.xlsx"
WORK = "05_Работа пар.xlsx"


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() + str(p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def load(folder: Path) -> tuple[ProgramData, Report]:
    report = Report()
    return load_program(Program.open(folder), report), report


def rows_of(path: Path, sheet: str) -> list[dict[str, object]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        it = wb[sheet].iter_rows(values_only=True)
        headers = next(it)
        return [dict(zip(headers, r, strict=False)) for r in it if any(v not in (None, "") for v in r[1:])]
    finally:
        wb.close()


@pytest.fixture(scope="module")
def student(tmp_path_factory: pytest.TempPathFactory, demos: Demos) -> tuple[Path, Path, dict[str, str]]:
    """The pupils' demo where the group П-001 goes on (its planned end moved past the program's end)."""
    base = tmp_path_factory.mktemp("next")
    old = demos.copy("student", base / "Наставничество 2026-2027")
    edit_rows(old / PAIRS, "Пары", {("Пара / группа", "П-001"): {"Плановая дата окончания": dt.datetime(2027, 12, 31)}})
    before = digest(old)
    new = base / "Наставничество 2027-2028"
    code = run_init(new, old)
    assert code == 0
    return old, new, before


def run_init(new: Path, old: Path) -> int:
    from toolkit.cli import main

    try:
        main(["init", str(new), "--from", str(old)])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_old_folder_is_not_changed(student: tuple[Path, Path, dict[str, str]]) -> None:
    old, _new, before = student
    assert digest(old) == before


def test_settings_and_working_group_move_a_year_on(student: tuple[Path, Path, dict[str, str]]) -> None:
    old, new, _ = student
    was, _ = load(old)
    now, _ = load(new)
    s, t = was.settings(), now.settings()
    assert t["academic_year"] == "2027/2028" and s["academic_year"] == "2026/2027"
    assert t["program_start"] == s["program_start"].replace(year=s["program_start"].year + 1)
    assert t["program_end"] == s["program_end"].replace(year=s["program_end"].year + 1)
    assert t["school_full"] == s["school_full"] and t["director"] == s["director"]
    group = [(r.values["name"], r.values["position"]) for r in was.rows("settings", "working_group")]
    assert group and [(r.values["name"], r.values["position"]) for r in now.rows("settings", "working_group")] == group
    assert Program.open(new).program_id != Program.open(old).program_id  # a new program


def test_pairs_that_go_on_keep_their_history(student: tuple[Path, Path, dict[str, str]]) -> None:
    old, new, _ = student
    was, _ = load(old)
    now, report = load(new)
    pairs = rows_of(new / PAIRS, "Пары")
    assert {r["Пара / группа"] for r in pairs} == {"П-001"} and len(pairs) == 2  # the group of two goes on
    for sheet in ("Встречи", "Цели", "Спринты", "Компетенции", "Участники", "Дневник прогресса"):
        expected = [r for r in rows_of(old / WORK, sheet) if r["Пара / группа"] == "П-001"]
        assert expected and rows_of(new / WORK, sheet) == expected, sheet
    # the members of the group: a class up, consents kept; the pair is still valid in the new year
    mentor = next(r for r in pairs)["Код наставника"]
    assert now.participants[mentor].values["class"] == "11В" and was.participants[mentor].values["class"] == "10В"
    for r in pairs:
        assert now.participants[r["Код наставляемого"]].values["consent_pd"] is True  # type: ignore[index]
    errors = [p for p in report if p.severity == "error" and p.book != "meeting"]
    assert errors == [], [p.message for p in errors]


def test_mentor_base_consents_by_their_terms_and_graduates(student: tuple[Path, Path, dict[str, str]]) -> None:
    old, new, _ = student
    was, _ = load(old)
    now, _ = load(new)
    old_mentors = {pid for pid, p in was.participants.items() if p.role == "mentor"}
    graduates = {pid for pid in old_mentors if str(was.participants[pid].values.get("class", "")).startswith("11")}
    assert graduates and {pid for pid, p in now.participants.items() if p.role == "mentor"} == old_mentors - graduates
    # a mentor without a pair that goes on: the consents of last year's program are cleared
    other = next(pid for pid in old_mentors - graduates if pid != "НК-005")
    assert was.participants[other].values["consent_pd"] is True
    assert now.participants[other].values.get("consent_pd") is None
    assert now.participants[other].values.get("consent_participation") is None
    # mentees: only those of the pairs that go on
    assert {pid for pid, p in now.participants.items() if p.role == "mentee"} == \
        {r["Код наставляемого"] for r in rows_of(new / PAIRS, "Пары")}


def test_finished_pairs_are_archived_not_lost(student: tuple[Path, Path, dict[str, str]]) -> None:
    old, new, _ = student
    archive = new / "Архив 2026-2027"
    for name in (PAIRS, WORK, "02_Заявки.xlsx", "06_Итоги.xlsx"):
        assert (archive / name).read_bytes() == (old / name).read_bytes()
    archived = {r["Пара / группа"] for r in rows_of(archive / PAIRS, "Пары")}
    assert {"П-002", "П-003"} <= archived


def test_teacher_pair_continued_by_the_conclusion(tmp_path: Path, demos: Demos,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    old = demos.copy("teacher", tmp_path / "old")
    first = rows_of(old / "06_Итоги.xlsx", "Результаты")[0]
    edit_rows(old / "06_Итоги.xlsx", "Результаты", {("Код наставляемого", first["Код наставляемого"]): {
        "Готовность к профессиональным обязанностям": "Не готов: продолжить наставничество"}})
    before = digest(old)
    code, out, err = run(["init", str(tmp_path / "new"), "--from", str(old)], capsys)
    assert code == 0, err
    assert digest(old) == before
    assert "нового учебного года 2027/2028" in out and "пар и групп продолжается: 1" in out
    now, report = load(tmp_path / "new")
    rows = rows_of(tmp_path / "new" / PAIRS, "Пары")
    assert rows and {r["Пара / группа"] for r in rows} == {first["Пара / группа"]}
    row = rows[0]
    assert row["Плановая дата окончания"] == dt.datetime.combine(now.settings()["program_end"], dt.time())
    # the old agreement's term ended with the old pair: a new one is needed, and `check` says so (ст. 351.8)
    mentor = str(row["Код наставника"])
    assert now.participants[mentor].values.get("agreement_number") is None
    assert [p.params["id"] for p in report if p.code == "pair-labour-papers"] == [mentor]
    assert now.participants[mentor].values["experience"] == load(old)[0].participants[mentor].values["experience"] + 1


@pytest.mark.parametrize("form", ["работодатель-ученик", "студент-ученик"])
def test_other_forms_carry_their_partners(form: str, tmp_path: Path, demos: Demos) -> None:
    old = demos.copy_folder(form, tmp_path / "old")
    before = digest(old)
    assert run_init(tmp_path / "new", old) == 0
    assert digest(old) == before
    assert rows_of(tmp_path / "new" / "02_Заявки.xlsx", "Организации-партнёры") == \
        rows_of(old / "02_Заявки.xlsx", "Организации-партнёры")
    _, report = load(tmp_path / "new")
    assert [p.message for p in report if p.severity == "error" and p.book != "meeting"] == []


def _hold(folder: Path, held: threading.Event, release: threading.Event) -> None:
    with program_lock(folder, "nastavnik collect"):
        held.set()
        release.wait(10)


def test_refusals_in_russian(tmp_path: Path, demos: Demos, capsys: pytest.CaptureFixture[str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NASTAVNIK_LOCK_WAIT", "0.2")
    new = tmp_path / "new"
    code, _, err = run(["init", str(new), "--from", str(tmp_path / "нет такой")], capsys)
    assert code == 2 and "Папка прошлого года" in err and "не найдена" in err and not new.exists()
    (tmp_path / "чужая").mkdir()
    (tmp_path / "чужая" / "список.txt").write_text("x", encoding="utf-8")
    code, _, err = run(["init", str(new), "--from", str(tmp_path / "чужая")], capsys)
    assert code == 2 and "не программа наставничества" in err and not new.exists()

    old = demos.copy("student", tmp_path / "old")
    before = digest(old)
    code, _, err = run(["init", str(new), "--from", str(old), "--form", "педагог-педагог"], capsys)
    assert code == 2 and "формы «Ученик – ученик»" in err and not new.exists()
    code, _, err = run(["init", str(old / "внутри"), "--from", str(old)], capsys)
    assert code == 2 and "в папке прошлого года" in err

    lock = old / "~$02_Заявки.xlsx"  # the registry is open in Excel
    lock.write_bytes(b"x")
    code, _, err = run(["init", str(new), "--from", str(old)], capsys)
    assert code == 2 and "открыт в другой программе" in err and not new.exists()
    lock.unlink()

    for busy in (old, new):  # another command holds the old or the new folder
        new.mkdir(exist_ok=True)
        held, release = threading.Event(), threading.Event()

        thread = threading.Thread(target=_hold, args=(busy, held, release))
        thread.start()
        held.wait(5)
        try:
            code, _, err = run(["init", str(new), "--from", str(old)], capsys)
        finally:
            release.set()
            thread.join()
        assert code == 2 and "занята другой командой («nastavnik collect»" in err, err
        assert new.is_dir() and not any(new.iterdir())  # nothing written into the new folder
    (new / "мой файл.txt").write_text("x", encoding="utf-8")
    code, _, err = run(["init", str(new), "--from", str(old)], capsys)
    assert code == 2 and "не пустая" in err
    assert (new / "мой файл.txt").read_text(encoding="utf-8") == "x"
    assert digest(old) == before


def test_desk_creates_the_new_year_from_a_program_of_its_list(tmp_path: Path, demos: Demos) -> None:
    from desk_helpers import Desk, text_of

    home = tmp_path / "home"
    old = demos.copy("teacher", home / "Школа" / "Наставничество 2026-2027")
    before = digest(old)
    desk = Desk(home, tmp_path / "desk.json")
    pid = desk.add(old)
    page = text_of(desk.client.get("/folders", params={"root": "0", "rel": "Школа"}).text)
    assert "Из прошлого года:" in page and "Наставничество 2026-2027 (Домашняя папка › Школа)" in page
    response = desk.post("/create", {"root": "0", "rel": "Школа", "name": "Наставничество 2027-2028",
                                     "form": "student", "from": pid})  # the form is last year's, whatever is ticked
    assert response.status_code == 200  # type: ignore[attr-defined]
    new = home / "Школа" / "Наставничество 2027-2028"
    assert Program.open(new).profile.form == "teacher"
    assert "нового учебного года 2027/2028" in text_of(response.text)  # type: ignore[attr-defined]
    assert (new / "Архив 2026-2027" / "04_Пары.xlsx").exists() and digest(old) == before
    # an id the desk does not know is refused: the browser never names a folder by its path
    response = desk.post("/create", {"root": "0", "rel": "Школа", "name": "Ещё", "from": "0123456789ab"})
    assert response.status_code == 404 and not (home / "Школа" / "Ещё").exists()  # type: ignore[attr-defined]
