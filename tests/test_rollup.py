"""`nastavnik rollup`: the municipality's summary of the schools' anonymised exports — values read back from
the written workbook against each export's own sheets, the latest of several exports of one school, refusals
naming the file (not an export, an old or a newer layout, another year), small counts suppressed, the target
file guarded, last year's summary compared."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cli_helpers import run_cli as run
from demo_helpers import Demos

from toolkit.stages.rollup import HIDDEN_MARK, SMALL_MARK, Cell, suppress

SCHOOLS = {  # folder -> settings: three schools; the first runs both forms
    "A": {"Краткое наименование": "МАОУ СШ № 17", "Код образовательной организации (ИНН)": "2724081234",
          "Число обучающихся в школе": 640},
    "B": {"Краткое наименование": "МБОУ СОШ № 5", "Код образовательной организации (ИНН)": "2724000002",
          "Число обучающихся в школе": 30,
          "Полное наименование образовательной организации": "Муниципальное бюджетное общеобразовательное "
                                                              "учреждение «Средняя общеобразовательная школа № 5»"},
    "C": {"Краткое наименование": "МАОУ Лицей № 3", "Код образовательной организации (ИНН)": "2724000003",
          "Число обучающихся в школе": 500,
          "Полное наименование образовательной организации": "Муниципальное автономное общеобразовательное "
                                                              "учреждение «Лицей № 3»"},
}


def set_settings(folder: Path, values: dict[str, Any]) -> None:
    path = folder / "00_Настройки.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Настройки"]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    for label, value in values.items():
        ws.cell(rows[label], 2).value = value
    wb.save(path)


def sheet(path: Path, name: str, first: int = 1) -> list[list[Any]]:
    """Rows of a sheet from ``first`` (1-based), trailing empty rows dropped."""
    ws = openpyxl.load_workbook(path)[name]
    rows = [list(r) for r in ws.iter_rows(min_row=first, values_only=True)]
    while rows and all(v in (None, "") for v in rows[-1]):
        rows.pop()
    return rows


def table(path: Path, name: str) -> list[dict[str, Any]]:
    """A roll-up sheet as {header: value} rows (its title in row 1, headers in row 2)."""
    rows = sheet(path, name, 2)
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]


def export_summary(path: Path) -> dict[str, Any]:
    return {r[0]: r[1] for r in sheet(path, "Сводка", 2)}


def export_meta(path: Path) -> dict[str, str]:
    return {r[0]: r[1] for r in sheet(path, "_meta")}


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory, demos: Demos) -> dict[str, Any]:
    """Three schools' exports in an inbox with sub-folders, plus a second, later export of school B."""
    from toolkit.cli import main

    base = tmp_path_factory.mktemp("rollup")
    inbox = base / "Входящие"
    (inbox / "почта 1").mkdir(parents=True)
    (inbox / "почта 2" / "вложения").mkdir(parents=True)
    exports: dict[str, Path] = {}

    def export(folder: Path, out: Path, day: str) -> None:
        with pytest.raises(SystemExit) as exc:
            main(["export", str(folder), "--anonymize", "--out", str(out), "--date", day])
            raise SystemExit(0)
        assert exc.value.code in (0, None)

    for name, values in SCHOOLS.items():
        folder = demos.copy("student", base / f"школа {name}")
        set_settings(folder, values)
        exports[name] = inbox / "почта 1" / f"выгрузка {name}.xlsx"
    export(base / "школа A", exports["A"], "15.02.2027")
    teacher = demos.copy("teacher", base / "школа A педагоги")
    exports["A-teacher"] = inbox / "почта 2" / "вложения" / "Выгрузка для муниципалитета (обезличенная).xlsx"
    export(teacher, exports["A-teacher"], "15.02.2027")
    exports["B-early"] = inbox / "почта 1" / "выгрузка B (январь).xlsx"
    export(base / "школа B", exports["B-early"], "15.01.2027")
    export(base / "школа B", exports["B"], "15.02.2027")  # made later: it counts
    export(base / "школа C", exports["C"], "15.11.2026")
    out = base / "Сводка.xlsx"
    return {"base": base, "inbox": inbox, "exports": exports, "out": out}


@pytest.fixture(scope="module")
def summary(region: dict[str, Any]) -> tuple[Path, int, str]:
    from toolkit.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["rollup", str(region["inbox"]), "--out", str(region["out"])])
        raise SystemExit(0)
    return region["out"], int(exc.value.code or 0), ""


def shown(n: int) -> Any:
    return SMALL_MARK if 0 < n < 5 else n


def test_values_by_school_and_form_read_back(region: dict[str, Any], summary: tuple[Path, int, str]) -> None:
    out, code, _ = summary
    assert code == 0 and out.exists()
    rows = {(r["Школа"], r["Форма"]): r for r in table(out, "По школам")}
    ex = region["exports"]
    expected = {("МАОУ СШ № 17", "Ученик – ученик"): ex["A"], ("МАОУ СШ № 17", "Педагог – педагог"): ex["A-teacher"],
                ("МБОУ СОШ № 5", "Ученик – ученик"): ex["B"], ("МАОУ Лицей № 3", "Ученик – ученик"): ex["C"]}
    assert set(rows) == set(expected)  # one row per school and form: B's January export is not counted
    for key, path in expected.items():
        s, meta, row = export_summary(path), export_meta(path), rows[key]
        assert row["Встреч"] == s["Проведено встреч"]
        for header, true in (("Наставников", s["Наставников в реестре"]), ("Наставляемых", s["Наставляемых в реестре"])):
            # shown, or «<5» for 1–4, or «…» for 5 or more hidden to protect a «<5» of the same sum: never false
            assert row[header] == true or (row[header] == SMALL_MARK and 0 < true < 5) or (
                row[header] == HIDDEN_MARK and true >= 5), (key, header, row[header], true)
        if s["Наставников в реестре"] >= 5:  # nothing else forces suppression here: the number itself is shown
            assert row["Наставников"] == s["Наставников в реестре"]
        assert row["Пар и групп"] == shown(s["Закреплено пар и групп"])
        mean = s.get("Средняя оценка встреч наставниками (1–5)", "—")
        if int(meta["mentor_score_n"]) >= 5:
            assert f"{row['Оценка встреч наставниками']:.2f}".replace(".", ",") == mean
        else:
            assert row["Оценка встреч наставниками"] == "—"
        assert row["Практик всего"] == s["Лучших практик всего"]
        assert row["Практик: краевой уровень"] == s["Лучших практик на конкурсе: краевой уровень"]
    # the early export of school C (November) has fewer meetings than February's: different numbers per school
    assert rows[("МАОУ Лицей № 3", "Ученик – ученик")]["Встреч"] < rows[("МБОУ СОШ № 5", "Ученик – ученик")]["Встреч"]


def test_coverage_against_the_target(region: dict[str, Any], summary: tuple[Path, int, str]) -> None:
    out = summary[0]
    rows = {r["Школа"]: r for r in table(out, "Охват")}
    assert set(rows) == {"МАОУ СШ № 17", "МБОУ СОШ № 5", "МАОУ Лицей № 3"}
    ex = region["exports"]
    for school, path, pupils in (("МАОУ СШ № 17", ex["A"], 640), ("МБОУ СОШ № 5", ex["B"], 30),
                                 ("МАОУ Лицей № 3", ex["C"], 500)):
        inside = export_summary(path)["Обучающихся школы в парах и группах"]
        row = rows[school]
        assert row["Обучающихся"] == pupils
        assert row["Из них в парах и группах"] == inside > 0  # teachers of school A are not pupils: not added
        assert row["Охват, %"] == pytest.approx(min(round(100 * inside / pupils, 1), 100.0))
        assert row["Цель 70 % достигнута"] == ("да" if 100 * inside / pupils >= 70 else "нет")
    assert rows["МБОУ СОШ № 5"]["Цель 70 % достигнута"] == "да" and rows["МАОУ СШ № 17"]["Цель 70 % достигнута"] == "нет"
    head = {r[0]: r[1] for r in sheet(out, "Сводка", 3) if r and r[0]}
    total_in = sum(export_summary(ex[k])["Обучающихся школы в парах и группах"] for k in ("A", "B", "C"))
    assert head["Охват обучающихся наставничеством, % (школы, указавшие число обучающихся)"] == pytest.approx(
        round(100 * total_in / (640 + 30 + 500), 1))
    assert head["Школ в сводке"] == 3 and head["Выгрузок учтено"] == 4
    assert head["Выгрузок не учтено: есть более поздняя той же школы"] == 1
    assert head["Школ, достигших цели 70 %"] == "1 из 3"


def test_by_form_totals_and_stages(region: dict[str, Any], summary: tuple[Path, int, str]) -> None:
    out = summary[0]
    ex = region["exports"]
    forms = {r["Форма"]: r for r in table(out, "По формам")}
    student = [ex[k] for k in ("A", "B", "C")]
    assert forms["Ученик – ученик"]["Школ"] == 3 and forms["Педагог – педагог"]["Школ"] == 1
    assert forms["Ученик – ученик"]["Пар и групп"] == sum(export_summary(p)["Закреплено пар и групп"] for p in student)
    assert forms["Ученик – ученик"]["Встреч"] == sum(export_summary(p)["Проведено встреч"] for p in student)
    # the region's average is weighted by evaluations, not an average of the schools' averages
    metas = [export_meta(p) for p in student]
    weighted = sum(float(m["mentee_score_sum"]) for m in metas) / sum(int(m["mentee_score_n"]) for m in metas)
    assert forms["Ученик – ученик"]["Оценка встреч наставляемыми"] == pytest.approx(round(weighted, 2))
    # participants by stage: each row's stages are the export's own participants, small counts hidden
    stages = table(out, "Этапы")
    for school, path in (("МАОУ СШ № 17", ex["A"]), ("МАОУ Лицей № 3", ex["C"])):
        people = sheet(path, "Участники", 2)
        for role in ("Наставник", "Наставляемый"):
            (row,) = [r for r in stages if r["Школа"] == school and r["Форма"] == "Ученик – ученик" and r["Роль"] == role]
            for n in range(1, 8):
                true = sum(1 for p in people if p[1] == role and str(p[4]).startswith(f"{n}."))
                assert row[f"Этап {n}"] == true or (row[f"Этап {n}"] == SMALL_MARK and 0 < true < 5) or (
                    row[f"Этап {n}"] == HIDDEN_MARK and true >= 5), (school, role, n)
                if 0 < true < 5:
                    assert row[f"Этап {n}"] == SMALL_MARK
            hidden = [n for n in range(1, 8) if row[f"Этап {n}"] in (SMALL_MARK, HIDDEN_MARK)]
            assert len(hidden) != 1  # a single hidden cell would be the total minus the others
            assert any(row[f"Этап {n}"] == SMALL_MARK for n in range(1, 8)) or role == "Наставник"


def test_no_cell_gives_a_small_count_away(summary: tuple[Path, int, str]) -> None:
    out = summary[0]
    for name in ("По школам", "Этапы", "По формам"):
        for row in table(out, name):
            for header, value in row.items():
                if header and any(w in header for w in ("Наставник", "Наставляем", "Этап", "Пар и групп", "Всего")):
                    assert not (isinstance(value, (int, float)) and 0 < value < 5), (name, header, row)
    # and no pseudonym of a participant is in the summary at all
    wb = openpyxl.load_workbook(out)
    texts = [str(c) for ws in wb for r in ws.iter_rows(values_only=True) for c in r if c is not None]
    assert not [t for t in texts if t.startswith(("Наставник ", "Наставляемый ", "Молодой педагог "))
                and t.split()[-1].isdigit()]


def test_complementary_suppression() -> None:
    row = [Cell(3), Cell(0), Cell(10), Cell(12)]  # stages of a role …
    total = Cell(25)  # … and their published total
    suppress([[*row, total]])
    # the 10 is hidden to protect the 3, and marked so: «<5» would say it is 1–4
    assert [c.shown() for c in row] == [SMALL_MARK, 0, HIDDEN_MARK, 12] and total.shown() == 25
    # a column of one form: two schools, one small — the other is hidden too, the form's total stays
    a, b = Cell(2), Cell(40)
    suppress([[a, b]])
    assert (a.shown(), b.shown()) == (SMALL_MARK, HIDDEN_MARK)
    # nothing small: nothing hidden
    cells = [Cell(5), Cell(0), Cell(7)]
    suppress([cells])
    assert [c.shown() for c in cells] == [5, 0, 7]


def test_the_later_export_of_a_school_counts_and_is_named(region: dict[str, Any],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["rollup", str(region["inbox"]), "--out", str(region["base"] / "ещё.xlsx")], capsys)
    assert code == 0, out + err
    assert "Школа «МБОУ СОШ № 5» прислала несколько выгрузок формы «Ученик – ученик»" in out
    assert "«почта 1/выгрузка B (январь).xlsx»" in out and "почта 1/выгрузка B.xlsx" in out
    coverage = next(line for line in out.splitlines() if "Охват обучающихся наставничеством" in line)
    assert re.search(r": \d+(,\d+)?$", coverage), coverage  # a decimal comma, as the sheet shows it
    files = table(region["base"] / "ещё.xlsx", "Файлы")
    early = next(r for r in files if r["Файл"] == "почта 1/выгрузка B (январь).xlsx")
    assert early["Итог"].startswith("не учтена: есть более поздняя выгрузка «почта 1/выгрузка B.xlsx»")


def test_foreign_old_newer_and_other_year_files_are_refused_by_name(region: dict[str, Any], tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    inbox = tmp_path / "Входящие"
    shutil.copytree(region["inbox"], inbox)
    ex = {k: inbox / p.relative_to(region["inbox"]) for k, p in region["exports"].items()}
    foreign = openpyxl.Workbook()
    foreign.active.append(["ФИО", "Класс"])
    foreign.active.append(["Кто-то", "5а"])
    foreign.save(inbox / "список класса.xlsx")
    old = openpyxl.load_workbook(ex["C"])  # an export made before exports carried «_meta»
    del old["_meta"]
    old.save(inbox / "старая.xlsx")
    newer = openpyxl.load_workbook(ex["C"])
    for r in newer["_meta"].iter_rows():
        if r[0].value == "format":
            r[1].value = "9"
    newer.save(inbox / "новая.xlsx")
    other = openpyxl.load_workbook(ex["C"])
    for r in other["_meta"].iter_rows():
        if r[0].value == "year":
            r[1].value = "2025/2026"
    other.save(inbox / "прошлый год.xlsx")
    (inbox / "письмо.xlsx").write_text("Добрый день! Выгрузку пришлём завтра.", encoding="utf-8")
    (inbox / "~$выгрузка A.xlsx").write_bytes(b"lock")  # an Office lock file: not a file to read
    out = tmp_path / "Сводка.xlsx"
    code, stdout, err = run(["rollup", str(inbox), "--out", str(out)], capsys)
    assert code == 1 and "Traceback" not in stdout + err
    assert "список класса.xlsx\n  [ошибка] Это не обезличенная выгрузка «Наставника»" in stdout
    assert "старая.xlsx\n  [ошибка] Выгрузка сделана прежней версией «Наставника» (формат 1" in stdout
    assert "новая.xlsx\n  [ошибка] Выгрузка сделана более новой версией «Наставника»" in stdout and "формат 9" in stdout
    assert "прошлый год.xlsx\n  [ошибка] Выгрузка за 2025/2026 учебный год, а сводка — за 2026/2027" in stdout
    assert "письмо.xlsx\n  [ошибка] Файл не удаётся прочитать как таблицу" in stdout
    assert "~$" not in stdout
    assert "Не принято файлов: 5" in stdout
    # the good exports are still summed, the refused ones listed with the reason
    assert {r["Школа"] for r in table(out, "Охват")} == {"МАОУ СШ № 17", "МБОУ СОШ № 5", "МАОУ Лицей № 3"}
    refused = {r["Файл"]: r["Итог"] for r in table(out, "Файлы") if r["Итог"].startswith("не принят")}
    assert set(refused) == {"список класса.xlsx", "старая.xlsx", "новая.xlsx", "прошлый год.xlsx", "письмо.xlsx"}


def test_nothing_to_sum_and_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "пусто").mkdir()
    code, _, err = run(["rollup", str(tmp_path / "пусто"), "--out", str(tmp_path / "с.xlsx")], capsys)
    assert code == 2 and "нет ни одной обезличенной выгрузки" in err and not (tmp_path / "с.xlsx").exists()
    code, _, err = run(["rollup", str(tmp_path / "нет такой"), "--out", str(tmp_path / "с.xlsx")], capsys)
    assert code == 2 and "не найдена" in err


def test_a_file_it_did_not_make_is_not_overwritten(region: dict[str, Any], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "Сводка.xlsx"
    shutil.copy(region["exports"]["A"], target)  # someone's workbook under the same name
    before = target.read_bytes()
    code, _, err = run(["rollup", str(region["inbox"]), "--out", str(target)], capsys)
    assert code == 2 and "сделала не команда «nastavnik rollup»" in err and "«Сводка.xlsx»" in err
    assert target.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["Сводка.xlsx"]
    # its own summary is rewritten, the previous one kept in «Резервные копии»
    own = tmp_path / "своя.xlsx"
    assert run(["rollup", str(region["inbox"]), "--out", str(own)], capsys)[0] == 0
    first = own.read_bytes()
    code, out, _ = run(["rollup", str(region["inbox"]), "--out", str(own)], capsys)
    assert code == 0 and "резервной копии" in out
    (saved,) = (tmp_path / "Резервные копии").iterdir()
    assert saved.read_bytes() == first
    # the summary lying in the inbox itself is not read as an export
    inside = tmp_path / "вх"
    shutil.copytree(region["inbox"], inside)
    assert run(["rollup", str(inside), "--out", str(inside / "Сводка.xlsx")], capsys)[0] == 0
    code, out, _ = run(["rollup", str(inside), "--out", str(inside / "Сводка.xlsx")], capsys)
    assert code == 0 and "Не принято" not in out and "Это сводка" not in out  # nor its backup
    assert (inside / "Резервные копии").is_dir()


def test_year_over_year(region: dict[str, Any], summary: tuple[Path, int, str], tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "Сводка 2027.xlsx"
    code, stdout, err = run(["rollup", str(region["inbox"]), "--out", str(out), "--previous", str(summary[0])], capsys)
    assert code == 0, stdout + err
    now = {r["Школа"]: r for r in table(out, "Охват")}
    before = {r["Школа"]: r for r in table(summary[0], "Охват")}
    for school, row in now.items():
        assert row["Охват год назад, %"] == before[school]["Охват, %"]
        assert row["Изменение, п. п."] == 0
    forms = {r["Форма"]: r for r in table(out, "По формам")}
    assert forms["Ученик – ученик"]["Пар год назад"] == forms["Ученик – ученик"]["Пар и групп"]
    code, _, err = run(["rollup", str(region["inbox"]), "--out", str(tmp_path / "x.xlsx"), "--previous",
                        str(region["exports"]["A"])], capsys)
    assert code == 2 and "не сводка" in err and "--previous" in err
