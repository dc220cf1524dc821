"""The demo of stages 5–6 and the monitoring workbook: the believable problem pairs are found, `check` stays
clean, the native charts reference the right A1 ranges of stored values, the participant bases have their
usual columns, and LibreOffice renders the workbook to PDF.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from demo_helpers import Demos

from toolkit.base.problems import Report
from toolkit.checks.program import load_program
from toolkit.cli import main
from toolkit.demo.work import DEMO_DAY
from toolkit.logic.readiness import compute_status
from toolkit.model.program import Program
from toolkit.stages.monitor import MENTEE_BASE_HEADERS, MENTOR_BASE_HEADERS, build_monitor, chart_refs

D = dt.date


@pytest.fixture(scope="module")
def demo_root(demos: Demos, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demos.copy_all(tmp_path_factory.mktemp("demo"))


def load(root: Path) -> Any:
    report = Report()
    data = load_program(Program.open(root), report)
    # the teacher demo's one mentor without the supplementary agreement is warned about (ТК РФ ст. 351.8,
    # tests/test_labour_papers.py): not what is tested here
    report.problems = [p for p in report.problems if p.code != "pair-labour-papers"]
    return data, report


def test_demo_problem_pairs_are_attention_not_check_errors(demo_root: Path) -> None:
    data, report = load(demo_root / "ученик-ученик")
    assert report.flat() == []
    status = compute_status(data, DEMO_DAY)
    assert [(a["pair"], a["codes"]) for a in status.attention] == [
        ("П-003", ["never-met"]),
        ("П-005", ["low-score", "falling-scores", "missing-feedback"]),
        ("П-009", ["missing-feedback", "sprint-overdue"]),
    ]
    assert status.group_meetings == [{"topic": "Обратная связь после встреч: оценка и рефлексия",
                                      "pairs": ["П-005", "П-009"]}]
    data, report = load(demo_root / "педагог-педагог")
    assert report.flat() == []
    assert [(a["pair"], a["codes"]) for a in compute_status(data, DEMO_DAY).attention] == [
        ("П-003", ["result-not-evaluated"]), ("П-005", ["meeting-overdue"])]
    journal = [r for r in openpyxl.load_workbook(demo_root / "педагог-педагог" / "05_Работа пар.xlsx")["Журнал сбора"]
               .iter_rows(min_row=2, values_only=True) if r[0]]
    assert [r[0] for r in journal] == ["П-001", "П-002", "П-003", "П-004", "П-005"]


def chart_xml(path: Path) -> list[dict[str, Any]]:
    """Each chart of the workbook: its type, title and the formulas of its series."""
    out = []
    with zipfile.ZipFile(path) as z:
        names = sorted((n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)),
                       key=lambda n: int(re.findall(r"\d+", n)[0]))
        for name in names:
            xml = z.read(name).decode("utf-8")
            kind = re.search(r"<c:(barChart|lineChart|pieChart)>", xml)
            direction = re.search(r'<c:barDir val="(\w+)"/>', xml)
            series = []
            for ser in re.findall(r"<c:ser>(.*?)</c:ser>", xml, re.S):
                refs = {tag: re.search(rf"<c:{tag}>.*?<c:f>(.*?)</c:f>", ser, re.S) for tag in ("tx", "cat", "val")}
                series.append({tag: m.group(1) if m else None for tag, m in refs.items()})
            title = "".join(re.findall(r"<a:t>(.*?)</a:t>", xml.split("<c:plotArea>")[0]))
            out.append({"kind": kind.group(1) if kind else None, "dir": direction.group(1) if direction else None,
                        "title": title, "series": series})
    return out


def values(ws: Any, ref: str) -> list[Any]:
    m = re.fullmatch(r"'Данные диаграмм'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", ref)
    assert m, ref
    return [ws[f"{m.group(1)}{r}"].value for r in range(int(m.group(2)), int(m.group(4)) + 1)]


def test_charts_reference_the_right_ranges_of_stored_values(demo_root: Path) -> None:
    root = demo_root / "ученик-ученик"
    path = root / "Мониторинг.xlsx"
    charts = chart_xml(path)
    s = "'Данные диаграмм'!"
    assert [(c["kind"], c["dir"], c["title"]) for c in charts] == [
        ("barChart", "col", "Встречи по месяцам"),
        ("lineChart", None, "Оценки встреч по месяцам (1–5)"),
        ("barChart", "bar", "Компетенции наставляемых: на старте и сейчас (1–5)"),
        ("pieChart", None, "Пары и группы по состоянию"),
    ]  # on 15.02.2027 nobody has answered a questionnaire yet: no charts on «Анкеты и рост» (test_monitoring.py)
    # the pairs began on 30.11.2026; the monitoring is made for 15.02.2027: four months
    assert charts[0]["series"] == [
        {"tx": f"{s}$B$1", "cat": f"{s}$A$2:$A$5", "val": f"{s}$B$2:$B$5"},
        {"tx": f"{s}$C$1", "cat": f"{s}$A$2:$A$5", "val": f"{s}$C$2:$C$5"}]
    assert charts[1]["series"] == [
        {"tx": f"{s}$F$1", "cat": f"{s}$E$2:$E$5", "val": f"{s}$F$2:$F$5"},
        {"tx": f"{s}$G$1", "cat": f"{s}$E$2:$E$5", "val": f"{s}$G$2:$G$5"}]
    assert charts[2]["series"] == [
        {"tx": f"{s}$J$1", "cat": f"{s}$I$2:$I$9", "val": f"{s}$J$2:$J$9"},
        {"tx": f"{s}$K$1", "cat": f"{s}$I$2:$I$9", "val": f"{s}$K$2:$K$9"}]
    assert charts[3]["series"] == [{"tx": f"{s}$N$1", "cat": f"{s}$M$2:$M$4", "val": f"{s}$N$2:$N$4"}]
    wb = openpyxl.load_workbook(path)  # the referenced cells hold values, never formulas
    ws = wb["Данные диаграмм"]
    assert values(ws, f"{s}$A$2:$A$5") == ["ноя 2026", "дек 2026", "янв 2027", "фев 2027"]
    meetings = [r for r in openpyxl.load_workbook(root / "05_Работа пар.xlsx")["Встречи"].iter_rows(
        min_row=2, values_only=True) if r[0] and r[2] and r[2].date() <= DEMO_DAY]
    per_month = [sum(1 for r in meetings if (r[2].year, r[2].month) == ym)
                 for ym in ((2026, 11), (2026, 12), (2027, 1), (2027, 2))]
    assert values(ws, f"{s}$B$2:$B$5") == per_month and per_month[0] == 0 and sum(per_month) > 40
    assert values(ws, f"{s}$C$2:$C$5") == [0, 8, 8, 7]  # П-003 never met; П-009 stopped in January
    assert values(ws, f"{s}$I$2:$I$9") == ["Коммуникация", "Работа в команде", "Критическое мышление",
                                          "Креативность", "Самоорганизация", "Целеполагание", "Ответственность",
                                          "Эмоциональный интеллект"]
    start, now = values(ws, f"{s}$J$2:$J$9"), values(ws, f"{s}$K$2:$K$9")
    assert all(1 <= a <= b <= 5 for a, b in zip(start, now, strict=True))
    assert [(a, b) for a, b in zip(values(ws, f"{s}$M$2:$M$4"), values(ws, f"{s}$N$2:$N$4"), strict=True)] == [
        ("Работает", 6), ("Требует внимания", 2), ("Ни одной встречи", 1)]
    assert [ws.cell(row=1, column=c).value for c in (6, 7)] == ["Оценка наставников", "Оценка наставляемых"]
    for row in ws.iter_rows():
        for cell in row:
            assert not (isinstance(cell.value, str) and cell.value.startswith("="))


def test_participant_bases_have_their_usual_columns(demo_root: Path) -> None:
    wb = openpyxl.load_workbook(demo_root / "ученик-ученик" / "Мониторинг.xlsx")
    assert wb.sheetnames == ["Сводка", "Диаграммы", "Данные диаграмм", "Пары", "База наставников",
                             "База наставляемых", "Анкеты и рост"]
    mentors = list(wb["База наставников"].iter_rows(values_only=True))
    mentees = list(wb["База наставляемых"].iter_rows(values_only=True))
    assert list(mentors[0]) == [h for h, _ in MENTOR_BASE_HEADERS]
    assert list(mentees[0]) == [h for h, _ in MENTEE_BASE_HEADERS]
    assert "ФИО наставника" in mentors[0] and "Контакты" in mentors[0] and "Дата вхождения в программу" in mentors[0]
    assert "Ключевые запросы" in mentees[0] and "Ссылка на кейс или отзыв" in mentees[0]
    assert len(mentors) - 1 == 9 and len(mentees) - 1 == 17  # 9 pairs and groups, 17 mentees
    row = dict(zip(mentees[0], mentees[1], strict=True))
    assert row["Код"] == "НЯ-001" and row["Пара / группа"] == "П-008" and row["Форма наставничества"] == "Ученик – ученик"
    assert row["ФИО наставника"] == "Андреева Варвара Андреевна"
    assert row["Место учёбы / работы"].startswith("МАОУ СШ № 17, ") and row["Место учёбы / работы"].endswith(" класс")
    assert row["Дата вхождения в программу"] == "30.11.2026" and row["Дата завершения"] == "29.05.2027 (план)"
    assert re.fullmatch(r"\d(,\d+)? → \d(,\d+)?", row["Компетенции: старт → сейчас (среднее)"])
    pairs = {r[0]: r for r in wb["Пары"].iter_rows(min_row=2, values_only=True)}
    assert pairs["П-003"][10] == "Ни одной встречи" and pairs["П-003"][6] == 0


def test_monitor_command_and_a_program_before_the_pairs_start(demo_root: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(shutil.copytree(demo_root / "педагог-педагог", tmp_path / "п"))
    with pytest.raises(SystemExit) as exc:
        main(["monitor", str(root), "--date", "15.02.2027"])
        raise SystemExit(0)
    out = capsys.readouterr().out
    assert exc.value.code == 0
    assert out.splitlines()[:4] == [f"Мониторинг на 15.02.2027: {root / 'Мониторинг.xlsx'}",
                                    "  Действующих пар и групп: 5", "  Наставляемых в них: 6",
                                    out.splitlines()[3]]
    assert "  Пар и групп, которым нужно внимание: 2" in out
    data, _ = load(root)
    early = build_monitor(data, D(2026, 9, 1))  # before the pairs began: no meetings, no evaluations yet
    assert [r.title for r in chart_refs(early)] == ["Компетенции наставляемых: на старте и сейчас (1–5)",
                                                    "Пары и группы по состоянию"]
    assert early.by_state == [("Ещё не начала", 5)] and early.months == []


@pytest.mark.libreoffice
def test_monitoring_renders_to_pdf_in_libreoffice(demo_root: Path, tmp_path: Path) -> None:
    from toolkit.documents.pdf import convert_to_pdf, find_soffice

    if find_soffice() is None:
        pytest.fail("LibreOffice не найден (нет программы soffice в PATH).")
    source = demo_root / "ученик-ученик" / "Мониторинг.xlsx"
    (pdf,) = convert_to_pdf([source], tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages >= 5
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for needle in ("Мониторинг программы наставничества «Ученик – ученик»", "Встречи по месяцам",
                   "Компетенции наставляемых: на старте и сейчас", "Пары и группы по состоянию",
                   "База наставников", "База наставляемых", "П-003: Ни одной встречи", "Коммуникация"):
        assert needle in text, needle
