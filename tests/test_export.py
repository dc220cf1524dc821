"""`nastavnik export --anonymize`: the copy for the municipality has no names, contacts, codes of people or
free-text answers, stable pseudonyms, the counts of `status`, the monitoring as aggregates equal to
`summarize`, no formulas; nothing personal goes to the logs of any command."""

from __future__ import annotations

import datetime as dt
import logging
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cli_helpers import run_cli as run
from demo_helpers import FORMS, Demos
from results_helpers import edit_rows

from toolkit.base.problems import Report
from toolkit.base.values import clean_text, fold
from toolkit.checks.program import load_program
from toolkit.cli import main
from toolkit.logic.readiness import compute_status
from toolkit.model.pairs import fixed_pairs
from toolkit.model.program import Program

DAY = "15.02.2027"
END = "31.05.2027"  # the end of the demo's program: the monitoring's questionnaires answered, exits measured




def personal(folder: Path) -> tuple[set[str], set[str]]:
    """(name parts, contacts and free-text answers) of every book of the program, as read by the toolkit."""
    data = load_program(Program.open(folder), Report())
    names: set[str] = set()
    texts: set[str] = set()
    for key_, book in data.books.items():
        if key_ == "settings":  # the school's own papers (working group, road map): nothing of a participant
            continue
        for table in book.tables.values():
            columns = {c.key: c for c in table.sheet.columns}
            for row in table.rows:
                for key, value in row.values.items():
                    column = columns.get(key)
                    if column is None or not isinstance(value, str) or not clean_text(value):
                        continue
                    if column.name_part:
                        names.update(fold(part) for part in clean_text(value).split() if fold(part))
                    elif column.type in ("contact", "longtext") or key == "note":
                        texts.add(clean_text(value))
    for p in data.participants.values():
        names.update(fold(part) for part in p.name.split() if fold(part))
    return names, texts


def cells(path: Path) -> dict[str, list[list[Any]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in wb}


def stable(book: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    """The copy without the moment it was made (the roll-up keeps the latest of several by it)."""
    return {name: [row for row in rows if name != "_meta" or row[0] != "created"] for name, rows in book.items()}


def leaks(strings: list[str], names: set[str], texts: set[str]) -> list[str]:
    """Strings that contain a name (as a word) or a contact / free-text answer of the program."""
    found = []
    for s in strings:
        words = {fold(w) for w in re.split(r"[\s,;:()«»\"'/]+", s) if fold(w)}
        hit = sorted(words & names)
        hit += sorted(t for t in texts if (t in s if len(t) >= 8 else t == s.strip()))
        if hit:
            found.append(f"{s!r}: {hit}")
    return found


@pytest.fixture(scope="module", params=list(FORMS))
def exported(request: pytest.FixtureRequest, demos: Demos,
             tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    form = request.param
    base = tmp_path_factory.mktemp("export")
    folder = demos.copy(form, base / "программа")
    out = base / "выгрузка.xlsx"
    main(["export", str(folder), "--anonymize", "--out", str(out), "--date", END])  # returns: exit code 0
    return form, folder, out


def test_no_names_contacts_or_free_text_in_any_cell(exported: tuple[str, Path, Path]) -> None:
    _, folder, out = exported
    names, texts = personal(folder)
    assert len(names) > 20 and len(texts) > 20  # the demo is rich in personal data: the check means something
    strings = [str(v) for rows in cells(out).values() for row in rows for v in row if v is not None]
    assert strings
    assert leaks(strings, names, texts) == []
    # and the finder does find them: a registry name or answer in a cell would be caught
    assert leaks([f"Наставник {sorted(names)[0].capitalize()}"], names, texts)
    assert leaks([f"«{sorted(texts, key=len)[-1]}»"], names, texts)
    # the monitoring's free text (answers, the curator's SWOT) is among what is looked for, and is not there
    data = load_program(Program.open(folder), Report())
    free = {clean_text(r.values.get(k)) for t, k in (("mentee_survey", "valuable"), ("mentor_survey", "improve"),
                                                      ("swot", "factor")) for r in data.rows("monitoring", t)} - {""}
    assert free and free <= texts
    # no code of a person or of a pair: participants are pseudonyms, pairs «Пара 1»
    codes = set(data.participants) | {pair.pair_id for pair in fixed_pairs(data)}
    assert len(codes) > 10
    assert [s for s in strings if any(re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", s) for c in codes)] == []


def test_sheets_and_pseudonyms(exported: tuple[str, Path, Path]) -> None:
    form, folder, out = exported
    book = cells(out)
    assert list(book) == ["Сводка", "Участники", "Пары", "Анкеты", "Рост участников", "_meta"]
    assert openpyxl.load_workbook(out)["_meta"].sheet_state == "veryHidden"
    meta = {row[0]: row[1] for row in book["_meta"]}
    assert meta["kind"] == "nastavnik-export" and meta["format"] == "3" and meta["form"] == form
    assert meta["school_key"] == "инн:2724081234" and meta["pupils_total"] == "640"
    data = load_program(Program.open(folder), Report())
    labels = [row[0] for row in book["Участники"][1:]]
    assert len(labels) == len(set(labels)) == len(data.participants)
    assert all(re.fullmatch(r"[А-ЯЁа-яё ]+ \d+", label) for label in labels)
    bands = {row[2] for row in book["Участники"][1:]}
    assert bands <= ({"1–4 кл.", "5–6 кл.", "7–8 кл.", "9–11 кл.", "—"} if form == "student"
                     else {"до 3 лет", "3–9 лет", "10–19 лет", "20 лет и более", "—"})
    assert {row[5] for row in book["Участники"][1:]} <= {"да", "нет"}
    known = set(labels)
    for row in book["Пары"][1:]:
        assert row[1] in known
        assert set(row[2].split(", ")) <= known


def test_counts_match_status(exported: tuple[str, Path, Path]) -> None:
    form, folder, out = exported
    data = load_program(Program.open(folder), Report())
    status = compute_status(data, dt.date(2027, 5, 31))
    summary = {row[0]: row[1] for row in cells(out)["Сводка"][1:]}
    c = status.counts
    assert summary["Наставников в реестре"] == c["mentors"]
    assert summary["Наставляемых в реестре"] == c["mentees"]
    assert summary["Из них готовы к формированию пар"] == c["mentors_ready"]
    assert summary["Из них с полной заявкой и согласиями"] == c["mentees_ready"]
    assert summary["Закреплено пар и групп"] == c["pairs"] > 0
    assert summary["Пар и групп, которым нужно внимание"] == c["pairs_attention"]
    assert summary["Школа"] == "МАОУ СШ № 17" and summary["Учебный год"] == "2026/2027"
    by_stage = sum(v for k, v in summary.items() if k.startswith("Этап "))
    assert by_stage == c["mentors"] + c["mentees"]
    assert summary["Проведено встреч"] > 0
    rows = cells(out)["Участники"][1:]
    assert sum(1 for r in rows if r[5] == "да") == c["mentors_ready"] + c["mentees_ready"]
    assert len(cells(out)["Пары"]) - 1 == c["pairs"]
    # for the municipality: pupils in pairs (coverage), the exact sums behind the shown averages
    meta = {row[0]: row[1] for row in cells(out)["_meta"]}
    members = {pid for pair in fixed_pairs(data) for pid in (pair.mentor, *pair.mentees)}
    expected = len(members) if form == "student" else 0  # teachers are not pupils of the school
    assert summary["Обучающихся школы в парах и группах"] == expected == int(meta["pupils_in_pairs"])
    assert summary["Обучающихся в школе"] == 640
    for side, label in (("mentor", "наставниками"), ("mentee", "наставляемыми")):
        mean = float(meta[f"{side}_score_sum"]) / int(meta[f"{side}_score_n"])
        assert f"{mean:.2f}".replace(".", ",") == summary[f"Средняя оценка встреч {label} (1–5)"]
    assert int(meta["meetings"]) == summary["Проведено встреч"]


def test_monitoring_figures_are_those_of_summarize(exported: tuple[str, Path, Path]) -> None:
    """Stage 1 (answers by role, the mean of each 1–10 scale) and stage 2 (the indicators on entry and on exit)
    read back from the copy equal :func:`summarize` on the day of the copy; «_meta» has the exact sums."""
    from toolkit.logic.monitoring import summarize

    form, folder, out = exported
    data = load_program(Program.open(folder), Report())
    q = summarize(data, dt.date(2027, 5, 31))
    assert q.mentors_answered >= 4 and q.mentees_answered >= 5 and all(g.n for g in q.growth)  # the demo answered
    book = cells(out)
    meta = {row[0]: row[1] for row in book["_meta"]}
    survey = {row[0]: row[1:] for row in book["Анкеты"][1:]}
    assert survey["Заполнили анкету (этап 1)"] == [f"{q.mentors_answered} из {q.mentors_total}",
                                                   f"{q.mentees_answered} из {q.mentees_total}"]
    assert (int(meta["mon_mentors_answered"]), int(meta["mon_mentees_answered"])) == (q.mentors_answered,
                                                                                      q.mentees_answered)
    assert meta["mon_items"].split(",") == [line.key for line in q.survey]
    for line in q.survey:
        shown = survey[f"{line.label}: средняя оценка (1–10)"]
        assert shown == [line.mentors if line.mentors is not None else "—",
                         line.mentees if line.mentees is not None else "—"]
        for role, value, n in (("mentor", line.mentors, line.mentors_n), ("mentee", line.mentees, line.mentees_n)):
            assert int(meta[f"mon_{line.key}_{role}_n"]) == n
            if n:
                assert round(float(meta[f"mon_{line.key}_{role}_sum"]) / n, 2) == value
    growth = {row[0]: row[1:] for row in book["Рост участников"][1:]}
    assert meta["mon_growth"].split(",") == [g.key for g in q.growth]
    assert len(growth) == len(q.growth) == (5 if form == "student" else 3)
    for g in q.growth:
        label = g.label + (" (меньше — лучше)" if g.lower_better else "") + (", человек" if g.count else "")
        assert growth[label] == [g.n, g.entry, g.exit, g.change, g.better, g.worse], label
        assert int(meta[f"mon_{g.key}_n"]) == g.n and int(meta[f"mon_{g.key}_better"]) == g.better
        if not g.count:
            assert round(float(meta[f"mon_{g.key}_entry_sum"]) / g.n, 2) == g.entry
            assert round(float(meta[f"mon_{g.key}_exit_sum"]) / g.n, 2) == g.exit
    summary = {row[0]: row[1] for row in book["Сводка"][1:]}
    assert summary["Мониторинг: хотят продолжить участие в программе (наставники и наставляемые)"] == \
        f"{q.go_on[0]} из {q.go_on[1]}"
    stays = "Мониторинг: молодых педагогов, которые остаются работать в школе"
    assert (summary.get(stays) == f"{q.stays[0]} из {q.stays[1]}") if form == "teacher" else stays not in summary
    # what was answered after the day of the copy is not in it (the figures are «as known on» that day)
    early = summarize(data, dt.date(2027, 2, 15))
    assert early.mentors_answered == 0


def test_settings_book_made_before_the_new_parameters_is_not_an_error(tmp_path: Path, demos: Demos) -> None:
    """«Код образовательной организации» and «Число обучающихся» came later: a book without their rows is
    read without errors, and the export says the count is not given."""
    folder = demos.copy("student", tmp_path / "программа")
    (settings,) = Program.open(folder).find_files(next(s for s in Program.open(folder).specs if s.key == "settings"))
    wb = openpyxl.load_workbook(settings)
    ws = wb["Настройки"]
    for r in sorted((c.row for c in ws["A"] if c.value in ("Число обучающихся в школе",
                                                          "Код образовательной организации (ИНН)")), reverse=True):
        ws.delete_rows(r)
    wb.save(settings)
    report = Report()
    data = load_program(Program.open(folder), report)
    assert [p for p in report if p.file and p.file.startswith("00_")] == []
    assert "pupils_total" not in data.settings()
    from toolkit.stages.export import build_export

    export = build_export(data, dt.date(2027, 2, 15))
    assert dict(export.summary)["Обучающихся в школе"] == "—"
    assert export.meta["pupils_total"] == "" and export.meta["school_key"].startswith("имя:")


def test_no_formulas_in_sheet_xml(exported: tuple[str, Path, Path]) -> None:
    _, _, out = exported
    with zipfile.ZipFile(out) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert len(sheets) == 6
        for name in sheets:
            assert "<f>" not in z.read(name).decode("utf-8") and "<f " not in z.read(name).decode("utf-8")


def test_pseudonyms_stable_and_independent_of_names(demos: Demos, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    folder = demos.copy("student", tmp_path / "программа")
    first, second, renamed = tmp_path / "1.xlsx", tmp_path / "2.xlsx", tmp_path / "3.xlsx"
    for out in (first, second):
        assert run(["export", str(folder), "--anonymize", "--out", str(out), "--date", DAY], capsys)[0] == 0
    assert stable(cells(first)) == stable(cells(second))
    # renaming participants (the order of names changes) changes nothing: pseudonyms come from the IDs
    program = Program.open(folder)
    (registry,) = program.find_files(next(s for s in program.specs if s.key == "applications"))
    data = load_program(program, Report())
    ids = sorted(pid for pid, p in data.participants.items() if p.role == "mentor")
    edit_rows(registry, "Наставники", {("Код", pid): {"Фамилия": f"Яковлев{'а' * (n + 1)}"}
                                       for n, pid in enumerate(reversed(ids))})
    assert run(["export", str(folder), "--anonymize", "--out", str(renamed), "--date", DAY], capsys)[0] == 0
    assert stable(cells(renamed)) == stable(cells(first))


def test_refuses_without_anonymize(demos: Demos, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "выгрузка.xlsx"
    folder = demos.copy("student", tmp_path / "программа")
    code, stdout, err = run(["export", str(folder), "--out", str(out)], capsys)
    assert code == 2
    assert "только обезличенной" in err and "--anonymize" in err and "Traceback" not in err
    assert not out.exists()
    code, stdout, _ = run(["export", "--help"], capsys)
    assert code == 0 and "--anonymize" in stdout and "Обезличенная" in stdout


def test_commands_log_no_personal_data(demos: Demos, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       caplog: pytest.LogCaptureFixture) -> None:
    folder = demos.copy("student", tmp_path / "программа")
    export = tmp_path / "ответы.csv"
    export.write_text("Отметка времени,Роль,ФИО,Пол,Класс,Телефон или e-mail для связи,"
                      "С какой проблемой или запросом вы пришли?,К чему относится запрос?,"
                      "В чём нужна помощь? (можно выбрать несколько),В какие дни вы свободны? (можно выбрать несколько),"
                      "Согласны ли вы участвовать в программе наставничества?\n"
                      "25.09.2026 11:00:00,Наставляемый,Зябликова Арина Тимуровна,ж,6б,zyablikova@mail.ru,"
                      "Трудно с дробями у Зябликовой,Улучшение образовательных результатов,Математика,вт,Да\n",
                      encoding="utf-8")
    caplog.set_level(logging.DEBUG)
    for args in (["check", str(folder)], ["status", str(folder), "--date", DAY], ["import", str(folder), str(export)],
                 ["status", str(folder), "--json", "--date", DAY],
                 ["export", str(folder), "--anonymize", "--out", str(tmp_path / "в.xlsx"), "--date", DAY]):
        code, out, _ = run(args, capsys)
        assert code in (0, 1), (args, out)
    names, texts = personal(folder)
    assert "зябликова" in names and "zyablikova@mail.ru" in texts  # the import landed in the registry

    def logged(records: list[logging.LogRecord]) -> list[str]:
        out = []
        for record in records:
            out.append(record.getMessage())
            out.append(repr(record.args))
            if record.exc_text:
                out.append(record.exc_text)
        return out

    assert leaks(logged(caplog.records), names, texts) == []
    # honest: with the same capture, a toolkit module logging a name at DEBUG is caught
    logging.getLogger("toolkit.stages.export").debug("участник %s", "Зябликова Арина")
    assert leaks(logged(caplog.records), names, texts)
