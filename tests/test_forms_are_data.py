"""A form of mentorship is data: a sixth profile, written into a temporary folder (not shipped) and named in
NASTAVNIK_FORMS, runs the whole cycle — init → check → match → distribute → collect → results → docs — with no
code of its own. Also the shipped partner forms: the agreement rule and their registry columns."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from cli_helpers import run_cli as run
from demo_helpers import Demos

from toolkit import spec
from toolkit.base.problems import Report
from toolkit.checks.program import load_program
from toolkit.model.program import Program

SIXTH = """
form: alumni_pupil
base: teacher
tags: [employer_pupil]  # the registry and the sheets of «работодатель – ученик»: graduates work at partners
name: "Выпускник – ученик"
folder: "выпускник-ученик"
aliases: ["выпускник-ученик", "alumni-pupil"]
roles: {mentor: "Наставник-выпускник", mentee: "Наставляемый"}
roles_plural: {mentor: "Наставники-выпускники", mentee: "Наставляемые"}
minors: true
school_pupils: [mentee]
class_range: [5, 11]
workbooks: [settings, meeting, applications, training, pairs, work, results]
stages:
  - {number: 1, name: "Встреча выпускников", description: "Выпускники школы рассказывают о своём пути."}
  - {number: 2, name: "Заявки", description: "Выпускники и ученики, согласия."}
  - {number: 3, name: "Подготовка", description: "Одна встреча с куратором."}
  - {number: 4, name: "Пары", description: "После личной встречи."}
  - {number: 5, name: "Цели", description: "Цели по спринтам."}
  - {number: 6, name: "Встречи", description: "Регулярные встречи."}
  - {number: 7, name: "Итоги", description: "Благодарственные письма выпускникам."}
lists:
  genders: ["м", "ж"]
  request_kinds: ["Профориентация", "Профессиональные пробы", "Проект", "Стажировка", "Другое"]
  areas: ["Профориентация", "Профессиональные пробы", "Экскурсия на производство", "Инженерия", "Робототехника",
          "Проектная деятельность", "Подготовка к поступлению", "IT и программирование"]
  frequencies: ["Раз в неделю", "Два раза в месяц", "Раз в месяц"]
  days: ["пн", "вт", "ср", "чт", "пт", "сб"]
  times: ["После уроков", "Выходные"]
  consent_by: ["Сам участник (18+)", "Родитель (законный представитель)"]
  meeting_formats: ["Очно в школе", "На площадке партнёра", "Онлайн"]
  horizons: ["Краткосрочная цель (1–2 месяца)", "Среднесрочная цель (до года)"]
  spheres: ["Профориентация и будущая профессия", "Проекты"]
frequency_days: {"Раз в неделю": 7, "Два раза в месяц": 15, "Раз в месяц": 31}
training:
  meetings: 1
  threshold: 1
  plan:
    - {topic: "Как говорить со школьником о профессии", format: "Беседа с куратором"}
competencies:
  meta: ["Коммуникация", "Целеполагание", "Самоорганизация"]
sprint_horizons:
  - {key: short, name: "Краткосрочная цель (1–2 месяца)", min_months: 1, max_months: 2}
  - {key: medium, name: "Среднесрочная цель (до года)", min_months: 3, max_months: 12}
pairing:
  schemes: ["предложение", "встреча", "анкеты"]
  proposal_allowed_kinds: ["Профориентация", "Проект"]
  weights: {areas: 0.7, days: 0.3}
  rules: {common_day_required: true, personal_meeting_required: true}
  durations: {"Профориентация": 4, "Профессиональные пробы": 2, "Проект": 6, "Стажировка": 3, "Другое": 6}
  alternatives: 1
awards: ["Благодарственное письмо"]
ranking:
  components:
    mentees: {weight: 0.5, if_missing: exclude}
    curator: {weight: 0.5, if_missing: exclude}
  tie_break: [mentees, curator]
  award_documents: {"Благодарственное письмо": letter}
"""


@pytest.fixture()
def sixth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    forms = tmp_path / "формы региона"
    forms.mkdir()
    (forms / "alumni_pupil.yaml").write_text(SIXTH, encoding="utf-8")
    monkeypatch.setenv(spec.FORMS_ENV, str(forms))
    return tmp_path


def _docx_text(path: Path) -> str:
    d = docx.Document(str(path))
    return "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])


def test_a_sixth_form_written_as_data_runs_the_whole_cycle(sixth: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from toolkit.demo.books import write_all
    from toolkit.demo.pairs import TEACHER_DATES, _answer_questionnaire
    from toolkit.demo.partners import DEMOS, partner_form_data

    assert "alumni_pupil" in spec.profiles() and "alumni_pupil" not in {
        p.stem for p in (Path(spec.__file__).parent.parent / "workbook_templates" / "forms").glob("*.yaml")}
    folder = sixth / "Выпускники 2026"
    code, out, err = run(["init", str(folder), "--form", "alumni-pupil"], capsys)
    assert code == 0 and "«Выпускник – ученик»" in out, err
    program = Program.open(folder)
    assert program.profile.form == "alumni_pupil"
    registry = openpyxl.load_workbook(folder / "02_Заявки.xlsx")
    assert {"Наставники", "Наставляемые", "Организации-партнёры"} <= set(registry.sheetnames)
    headers = [c.value for c in registry["Наставники"][1]]
    assert {"Организация", "Должность", "Стаж работы, лет"} <= set(headers) and "Класс" not in headers
    # the curator fills stages 0–3 (the data of the employer demo, laid out by this form's own columns)
    employer = next(d for d in DEMOS if d.form == "employer_pupil")
    write_all(program, partner_form_data(program.profile, employer))
    code, out, err = run(["check", str(folder)], capsys)
    assert code == 0 and "Проблем не найдено" in out, out + err
    code, out, _ = run(["status", str(folder), "--json", "--no-workbook"], capsys)
    assert code == 0
    assert "с организацией «ООО «ДВ Технологии»» нет соглашения о сотрудничестве" in out  # the partner's rule
    # stage 4: questionnaires, the curator's consents after personal meetings, pairs fixed
    assert run(["match", str(folder), "--scheme", "анкеты", "--start", "21.09.2026"], capsys)[0] == 0
    _answer_questionnaire(program, TEACHER_DATES, decline_first=False)
    code, out, _ = run(["match", str(folder), "--scheme", "анкеты", "--start", "21.09.2026"], capsys)
    assert code == 0 and "Всего действующих пар и групп: 3 (наставляемых в них: 4)" in out, out
    # stages 5–6: pair books out, one comes back with a meeting at the partner's site
    code, out, _ = run(["distribute", str(folder), "--out", str(sixth / "Рассылка")], capsys)
    assert code == 0
    books = sorted((sixth / "Рассылка").glob("*.xlsx"))
    assert len(books) == 3
    inbox = sixth / "Входящие"
    inbox.mkdir()
    wb = openpyxl.load_workbook(books[0])
    ws = wb["Встречи"]
    head = next(r for r in range(1, 6) if "Тема" in [c.value for c in ws[r]])
    cols = {c.value: c.column for c in ws[head]}
    ws.cell(head + 1, cols["№ встречи"]).value = 1
    ws.cell(head + 1, cols["Дата"]).value = dt.datetime(2026, 10, 1)
    ws.cell(head + 1, cols["Тема"]).value = "Экскурсия в цех"
    ws.cell(head + 1, cols["Место встречи"]).value = "Учебный цех партнёра"
    ws.cell(head + 1, cols["Инструктаж по технике безопасности проведён"]).value = "да"
    ws.cell(head + 1, cols["Оценка наставника (1–5)"]).value = 5
    wb.save(inbox / "ответ выпускника.xlsx")
    shutil.copy(books[1], inbox / books[1].name)
    code, out, err = run(["collect", str(folder), str(inbox)], capsys)
    assert code == 0 and "Принято: П-" in out, out + err
    data = load_program(Program.open(folder), Report())
    (meeting,) = data.rows("work", "meetings")
    assert meeting.values["place"] == "Учебный цех партнёра" and meeting.values["safety_briefing"] is True
    # stage 7 and documents
    code, out, _ = run(["results", str(folder), "--date", "20.05.2027"], capsys)
    assert code == 0 and (folder / "06_Итоги.xlsx").exists()
    rows = openpyxl.load_workbook(folder / "06_Итоги.xlsx")["Результаты"]
    assert sum(1 for r in rows.iter_rows(min_row=2, values_only=True) if r[0]) == 4  # a group of two + two pairs
    code, out, _ = run(["docs", str(folder), "--kind", "приказ", "--date", "22.09.2026"], capsys)
    assert code == 0
    order = _docx_text(next((folder / "Документы").glob("Приказ*.docx"))).replace("\u00a0", " ")  # the words
    assert "«Выпускник – ученик»" in order and "АО «Хабаровский станкозавод»" in order
    code, out, _ = run(["docs", str(folder), "--kind", "прогресс"], capsys)
    assert code == 0 and len(list((folder / "Документы").glob("Прогресс*.docx"))) == 3


def test_without_the_folder_the_sixth_form_is_unknown(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(["init", str(tmp_path / "p"), "--form", "выпускник-ученик"], capsys)
    assert code == 2 and "Неизвестная форма наставничества «выпускник-ученик»" in err


@pytest.mark.parametrize("form,mentor,mentee", [
    ("студент-ученик", {"Место учёбы", "Курс", "Специальность"}, {"Класс"}),
    ("работодатель-ученик", {"Организация", "Должность", "Стаж работы, лет"}, {"Класс"}),
    ("работодатель-студент", {"Организация", "Должность", "Стаж работы, лет"}, {"Место учёбы", "Курс", "Специальность"}),
])
def test_partner_forms_registry(form: str, mentor: set[str], mentee: set[str], tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["init", str(tmp_path / "p"), "--form", form], capsys)[0] == 0
    wb = openpyxl.load_workbook(tmp_path / "p" / "02_Заявки.xlsx")
    assert mentor <= {c.value for c in wb["Наставники"][1]}
    assert mentee <= {c.value for c in wb["Наставляемые"][1]}
    partners = {c.value for c in wb["Организации-партнёры"][1]}
    assert {"Соглашение о сотрудничестве: номер", "Соглашение: дата", "Контактное лицо (ФИО)"} <= partners
    assert not (tmp_path / "p" / "02_Тестирование.xlsx").exists()  # no mentor test in these forms


@pytest.mark.parametrize("folder,org,people", [("работодатель-ученик", "АО «Хабаровский станкозавод»", "сотрудников"),
                                               ("студент-ученик", "КГБ ПОУ ХТК", "студентов")])
def test_partner_demo_letters_thank_the_mentor_and_the_organisation(folder: str, org: str, people: str,
                                                                    tmp_path: Path, demos: Demos,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    program = demos.copy_folder(folder, tmp_path / folder)
    assert run(["check", str(program)], capsys)[0] == 0
    code, out, _ = run(["docs", str(program), "--kind", "письма", "--out", str(tmp_path / "письма")], capsys)
    assert code == 0
    texts = {p.name: _docx_text(p) for p in (tmp_path / "письма").glob("*.docx")}
    to_head = [t for t in texts.values() if f"руководителю {org}, за поддержку программы наставничества" in t]
    assert len(to_head) == 1 and f"работу наставниками {people} организации (" in to_head[0]
    to_mentors = [t for t in texts.values() if t not in to_head]
    assert to_mentors and all(org in t and "МАОУ СШ № 17," not in t for t in to_mentors)
    # the mentor whose partner has no agreement yet waits: the status says why
    code, out, _ = run(["status", str(program), "--json", "--no-workbook", "--date", "15.02.2027"], capsys)
    assert "нет соглашения о сотрудничестве" in out
