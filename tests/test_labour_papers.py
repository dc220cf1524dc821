"""ТК РФ ст. 351.8: a teacher mentors only with a written consent and a supplementary agreement to the labour
contract. `check` and `status` warn about a mentor of a fixed teacher pair without them (a problem with a stable
code, worded for the mentor's gender from the registry), `order` repeats the warning, and the payment order
leaves such a mentor out and says so."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cli_helpers import run_cli as run
from demo_helpers import Demos
from results_helpers import edit_rows
from test_docs import text_of

from toolkit.base.problems import Report
from toolkit.checks.program import load_program
from toolkit.documents.kinds import DocsOptions, make_documents, parse_kind
from toolkit.logic.evaluation import name_of
from toolkit.model.pairs import result_pairs
from toolkit.model.program import Program

REGISTRY = "02_Заявки.xlsx"
CONSENT = "Письменное согласие на наставничество (ст. 351.8 ТК РФ), дата"
KIM = "Ким Ульяна Николаевна"  # a mentor of the teacher demo; Михайлов Андрей Евгеньевич has no agreement there


def _mentor_id(folder: Path, name: str) -> str:
    data = load_program(Program.open(folder), Report())
    [pair] = [p for p in result_pairs(data) if name_of(data, p.mentor) == name]
    return pair.mentor


@pytest.fixture(scope="module")
def teacher(tmp_path_factory: pytest.TempPathFactory, demos: Demos) -> Path:
    """The teacher demo with Ким's written consent removed (Михайлов has no agreement in the demo)."""
    folder = demos.copy("teacher", tmp_path_factory.mktemp("labour") / "t")
    edit_rows(folder / REGISTRY, "Наставники", {("Код", _mentor_id(folder, KIM)): {CONSENT: None}})
    return folder


def _warnings(folder: Path) -> list[object]:
    report = Report()
    load_program(Program.open(folder), report)
    return [p for p in report if p.code == "pair-labour-papers"]


def test_check_warns_about_each_mentor_without_papers_in_their_gender(teacher: Path) -> None:
    found = {p.params["name"]: p for p in _warnings(teacher)}  # type: ignore[attr-defined]
    assert set(found) == {KIM, "Михайлов Андрей Евгеньевич"}
    kim, mikhailov = found[KIM], found["Михайлов Андрей Евгеньевич"]
    assert kim.severity == "warning" and kim.book == "pairs" and kim.sheet == "Пары"  # type: ignore[attr-defined]
    assert kim.cell and kim.field  # type: ignore[attr-defined]  # the mentor's code on «Пары»
    assert kim.params["lacking"] == ["письменного согласия на наставничество"]  # type: ignore[attr-defined]
    assert mikhailov.params["lacking"] == ["дополнительного соглашения (номер и дата)"]  # type: ignore[attr-defined]
    assert "Наставник" in kim.message and " закреплена за парой " in kim.message  # type: ignore[attr-defined]
    assert "в приказ о доплате она не попадёт" in kim.message  # type: ignore[attr-defined]
    assert " закреплён за парой " in mikhailov.message  # type: ignore[attr-defined]
    assert "в приказ о доплате он не попадёт" in mikhailov.message  # type: ignore[attr-defined]
    assert "(а)" not in kim.message + mikhailov.message  # type: ignore[attr-defined]


def test_check_and_status_show_the_warning(teacher: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", str(teacher)], capsys)
    assert "ст. 351.8 ТК РФ" in out and f"({KIM}) закреплена за парой" in out
    code, out, _ = run(["status", str(teacher), "--no-workbook"], capsys)
    assert f"Внимание: Наставник {_mentor_id(teacher, KIM)} ({KIM}) закреплена за парой" in out
    code, out, _ = run(["status", str(teacher), "--no-workbook", "--json"], capsys)
    status = json.loads(out)
    kim = next(p for p in status["participants"] if p["name"] == KIM)
    assert any("письменного согласия на наставничество (ст. 351.8 ТК РФ)" in m for m in kim["missing"])
    others = [p for p in status["participants"] if p["role"] == "mentor" and p["pair"]
              and p["name"] not in (KIM, "Михайлов Андрей Евгеньевич")]
    assert others and not any("351.8" in m for p in others for m in p["missing"])


def test_order_of_pairs_repeats_the_warning(teacher: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["order", str(teacher)], capsys)
    assert code == 0
    assert f"({KIM}) закреплена за парой" in out and "(Михайлов Андрей Евгеньевич) закреплён за парой" in out


def test_pay_order_leaves_them_out_and_says_so(teacher: Path, tmp_path: Path) -> None:
    outcome = make_documents(Program.open(teacher), DocsOptions(parse_kind("доплата"), out=tmp_path), Report())
    [path] = outcome.documents
    text = text_of(path)
    assert "Тарасовой Еве Алексеевне" in text  # a mentor with both papers is in the order
    assert "Ким Ульян" not in text and "Михайлову Андрею" not in text and "Михайлов Андрей" not in text
    assert "Внимание: у наставника Ким Ульяны Николаевны в реестре («02_Заявки», лист «Наставники») нет " \
           "письменного согласия на наставничество по ст. 351.8 ТК РФ — в приказ о доплате не включена." \
           in outcome.lines
    assert any(line.startswith("Внимание: у наставника Михайлова Андрея Евгеньевича") and
               line.endswith("не включён.") for line in outcome.lines)


def test_pupils_and_mentors_with_papers_are_not_warned(tmp_path: Path, demos: Demos) -> None:
    assert _warnings(demos.copy("student", tmp_path / "s")) == []
    folder = demos.copy("teacher", tmp_path / "t")
    mikhailov = _mentor_id(folder, "Михайлов Андрей Евгеньевич")
    assert [p.params["id"] for p in _warnings(folder)] == [mikhailov]  # type: ignore[attr-defined]
    edit_rows(folder / REGISTRY, "Наставники", {("Код", mikhailov): {
        "Доп. соглашение к трудовому договору: номер": "5", "Доп. соглашение: дата": dt.datetime(2026, 9, 21)}})
    assert _warnings(folder) == []
