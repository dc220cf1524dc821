"""`nastavnik import`: Yandex / Google Forms exports (CSV UTF-8 or cp1251, «,» or «;», XLSX) into the registry."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from cli_helpers import run_cli as run
from demo_helpers import Demos

from toolkit.base.problems import Report
from toolkit.checks.program import load_program
from toolkit.model.program import Program

GOOGLE_HEADER = [
    "Отметка времени", "Роль", "ФИО", "Пол", "Класс", "Телефон или e-mail для связи",
    "Почему вы хотите стать наставником?", "Какие у вас навыки и сильные стороны?",
    "С чем вы можете помочь? (можно выбрать несколько)", "Как часто вы готовы встречаться?",
    "Скольким наставляемым вы готовы помогать?", "В какие дни вы свободны? (можно выбрать несколько)",
    "С какой проблемой или запросом вы пришли?", "К чему относится запрос?",
    "В чём нужна помощь? (можно выбрать несколько)",
    "Согласны ли вы участвовать в программе наставничества?", "Любимый цвет",
]
GOOGLE_ROWS = [
    ["25.09.2026 10:15:00", "Наставник", "Гончарова Милана Игоревна", "ж", "10 «А»", "+7 914 111-22-33",
     "Хочу помогать младшим", "Объясняю математику", "Математика, Подготовка к ОГЭ", "Раз в неделю", "2",
     "пн, ср", "", "", "", "Да", "синий"],
    ["25.09.2026 11:00:00", "Наставляемый", "Орлов Глеб", "м", "6б", "orlov@mail.ru", "", "", "", "", "",
     "вт, чт", "Не понимаю дроби", "Улучшение образовательных результатов", "Математика", "Да", "зелёный"],
    ["25.09.2026 11:30:00", "Хочу найти наставника", "Белова Ева", "ж", "5В", "", "", "", "", "", "",
     "пт", "Новая школа, нет друзей", "Адаптация", "Адаптация в новом классе; Общение и дружба", "да", ""],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str, delimiter: str) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path




@pytest.fixture()
def program(demos: Demos, tmp_path: Path) -> Path:
    folder = tmp_path / "ученик-ученик"
    demos.copy("student", folder, "written")
    return folder


def registry(folder: Path) -> tuple[dict[str, dict[str, object]], Report]:
    report = Report()
    data = load_program(Program.open(folder), report)
    return {p.name: {"id": p.id, **p.values} for p in data.participants.values()}, report


@pytest.mark.parametrize("encoding,delimiter", [("utf-8", ","), ("utf-8-sig", ","), ("cp1251", ";")],
                         ids=["utf8-запятая", "utf8-bom", "cp1251-точка-с-запятой"])
def test_google_export_with_role_column(program: Path, tmp_path: Path, encoding: str, delimiter: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    export = write_csv(tmp_path / "Ответы (1).csv", GOOGLE_HEADER, GOOGLE_ROWS, encoding, delimiter)
    code, out, _ = run(["import", str(program), str(export)], capsys)
    assert code == 0, out
    assert "Добавлено: наставники — 1, наставляемые — 2; пропущено повторов: 0." in out
    assert "Столбец «Любимый цвет» не сопоставлен" in out
    people, report = registry(program)
    assert report.errors == []
    mentor = people["Гончарова Милана Игоревна"]
    assert mentor["id"] == "НК-013"
    assert mentor["class"] == "10А" and mentor["capacity"] == 2 and mentor["days"] == ["пн", "ср"]
    assert mentor["areas"] == ["Математика", "Подготовка к ОГЭ"]
    assert str(mentor["applied_on"]) == "2026-09-25"
    mentee = people["Белова Ева"]
    assert mentee["id"] == "НЯ-032" and mentee["areas"] == ["Адаптация в новом классе", "Общение и дружба"]
    assert mentee["consent_participation"] is True
    assert people["Орлов Глеб"]["contact"] == "orlov@mail.ru"
    backups = list((program / "Резервные копии").glob("02_Заявки *.xlsx"))
    assert len(backups) == 1


def test_reimport_never_duplicates(program: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = write_csv(tmp_path / "ответы.csv", GOOGLE_HEADER, GOOGLE_ROWS, "utf-8", ",")
    run(["import", str(program), str(export)], capsys)
    before = (program / "02_Заявки.xlsx").read_bytes()
    code, out, _ = run(["import", str(program), str(export)], capsys)
    assert code == 0
    assert "Добавлено: наставники — 0, наставляемые — 0; пропущено повторов: 3." in out
    assert "Строка 2: Гончарова Милана Игоревна уже есть в реестре (лист «Наставники», строка 14)" in out
    assert (program / "02_Заявки.xlsx").read_bytes() == before  # nothing to add: the file is not rewritten


def test_application_sent_twice_is_told_and_the_latest_added(program: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    again = [
        # row 5: Орлов sent the form earlier than his row 3 (the export is not in the order of time)
        ["25.09.2026 10:50:00", "Наставляемый", "Орлов Глеб", "м", "99", "orlov@mail.ru", "", "", "", "", "",
         "пн", "Не понимаю дроби", "Улучшение образовательных результатов", "Математика", "Да", ""],
        # row 6: Белова sent it again later, with another class
        ["25.09.2026 12:00:00", "Хочу найти наставника", "Белова Ева", "ж", "5Г", "", "", "", "", "", "",
         "пт", "Новая школа, нет друзей", "Адаптация", "Адаптация в новом классе; Общение и дружба", "да", ""],
        # row 7: Гончарова pressed «Отправить» twice: the same answers, nothing to choose
        ["25.09.2026 10:15:09", *GOOGLE_ROWS[0][1:]],
    ]
    export = write_csv(tmp_path / "ответы.csv", GOOGLE_HEADER, GOOGLE_ROWS + again, "utf-8", ",")
    code, out, _ = run(["import", str(program), str(export)], capsys)
    assert code == 0, out  # warnings: the command did its work
    assert "Добавлено: наставники — 1, наставляемые — 2; пропущено повторов: 3." in out
    told = [line for line in out.splitlines() if "заявку" in line]
    assert len(told) == 2, out
    assert told[0].endswith(
        "ячейка C3: Строки 3 и 5: Орлов Глеб подал заявку дважды. В реестр добавлена заявка из строки 3: эта строка "
        "последняя по времени ответа («Отметка времени»: 25.09.2026 11:00). Если верна другая заявка, удалите из "
        "выгрузки строку 3, а на листе «Наставляемые» реестра — строку этого участника, и загрузите выгрузку снова.")
    assert "Строки 4 и 6: Белова Ева подала заявку дважды. В реестр добавлена заявка из строки 6:" in told[1]
    assert "Строка 5" not in out  # the class «99» of the answer not added is no problem of the registry
    people, _ = registry(program)
    assert sum(1 for name in people if name.startswith(("Орлов", "Белова", "Гончарова"))) == 3
    assert people["Орлов Глеб"]["class"] == "6Б" and people["Орлов Глеб"]["days"] == ["вт", "чт"]
    assert people["Белова Ева"]["class"] == "5Г" and str(people["Белова Ева"]["applied_on"]) == "2026-09-25"
    before = (program / "02_Заявки.xlsx").read_bytes()
    code, out, _ = run(["import", str(program), str(export)], capsys)
    assert code == 0 and "заявку" not in out, out  # imported again: each one is already in the registry
    assert "пропущено повторов: 6." in out
    assert (program / "02_Заявки.xlsx").read_bytes() == before


@pytest.mark.parametrize("value,moment", [
    ("25.09.2026 11:00:00", "2026-09-25 11:00:00"),  # Google Forms, Russian
    ("2026/09/25 1:05:09 PM GMT+3", "2026-09-25 13:05:09"),  # Google Forms, English
    ("2026/09/25 12:00:00 AM GMT+3", "2026-09-25 00:00:00"),
    ("2026-09-25 11:00:00", "2026-09-25 11:00:00"),  # Yandex Forms
    ("2026-09-25T11:00:00Z", "2026-09-25 11:00:00"),
    (46290.5, "2026-09-25 12:00:00"),  # a spreadsheet's date-time as a number
    ("25.09.2026", "2026-09-25 00:00:00"),
    ("25.09.2026 25:00", None), ("вчера", None), ("", None), (True, None),
])
def test_time_of_answer_as_exports_give_it(value: object, moment: str | None) -> None:
    from toolkit.base.values import parse_timestamp

    got = parse_timestamp(value)
    assert (str(got) if got else None) == moment


def test_yandex_export_cp1251_with_role_option_and_duplicate_in_registry(
        program: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    people, _ = registry(program)
    existing = next(n for n, v in people.items() if v["id"] == "НЯ-001").split()
    header = ["ID", "Время создания", "Фамилия", "Имя", "Отчество (если есть)", "Пол", "Класс",
              "С какой проблемой или запросом вы пришли?", "К чему относится запрос?",
              "В чём нужна помощь? (можно выбрать несколько)", "В какие дни вы свободны? (можно выбрать несколько)"]
    rows = [
        ["1", "2026-09-26 09:00:00", existing[0].upper(), existing[1], "", "ж", "7А", "x", "Адаптация",
         "Общение и дружба", "пн"],
        ["2", "2026-09-26 09:05:00", "Семёнов", "Фёдор", "Ильич", "м", "5а", "Хочу в олимпиаду", "Другое",
         "Олимпиады, Математика", "ср;пт"],
    ]
    export = write_csv(tmp_path / "yandex.csv", header, rows, "cp1251", ";")
    code, out, _ = run(["import", str(program), str(export), "--role", "наставляемый"], capsys)
    assert code == 0
    assert "Добавлено: наставники — 0, наставляемые — 1; пропущено повторов: 1." in out
    assert "«ID»" not in out and "«Время создания»" not in out  # service columns of Yandex Forms are silent
    people, _ = registry(program)
    assert people["Семёнов Фёдор Ильич"]["days"] == ["ср", "пт"]
    assert people["Семёнов Фёдор Ильич"]["class"] == "5А"


def test_xlsx_export_and_kept_values(program: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a person typed a wrong class and an extra column into the registry: import must keep both
    path = program / "02_Заявки.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Наставники"]
    header = [c.value for c in ws[1]]
    ws.cell(row=3, column=header.index("Класс") + 1).value = "15Ж"
    ws.cell(row=1, column=len(header) + 1).value = "Кружок"
    ws.cell(row=2, column=len(header) + 1).value = "Робототехника"
    wb.save(path)
    export_wb = openpyxl.Workbook()
    sheet = export_wb.active
    sheet.append(GOOGLE_HEADER)
    for row in GOOGLE_ROWS:
        sheet.append(row)
    export = tmp_path / "ответы.xlsx"
    export_wb.save(export)
    code, out, _ = run(["import", str(program), str(export)], capsys)
    assert code == 0
    after = openpyxl.load_workbook(path)["Наставники"]
    header = [c.value for c in after[1]]
    assert after.cell(row=3, column=header.index("Класс") + 1).value == "15Ж"
    assert "Кружок" in header
    assert after.cell(row=2, column=header.index("Кружок") + 1).value == "Робототехника"


def test_export_without_role_needs_role_option(program: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    export = write_csv(tmp_path / "без роли.csv", ["ФИО", "Пол"], [["Орлов Глеб", "м"]], "utf-8", ",")
    code, _, err = run(["import", str(program), str(export)], capsys)
    assert code == 2
    assert err.strip() == ("Ошибка: без роли.csv: не понятно, чьи это заявки — в выгрузке нет вопроса «Роль». "
                           "Укажите роль при загрузке: --role наставник или --role наставляемый.")


@pytest.mark.parametrize("content,message", [
    (b"", "Ошибка: пустой.csv: файл пустой (0 байт). Скачайте выгрузку из формы заново."),
    (b"\x00\x01\x02PK", "Ошибка: пустой.csv: это не текстовая выгрузка CSV."),
], ids=["ноль-байт", "двоичный-файл"])
def test_unusable_export(program: Path, tmp_path: Path, content: bytes, message: str,
                         capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "пустой.csv"
    export.write_bytes(content)
    before = (program / "02_Заявки.xlsx").read_bytes()
    code, out, err = run(["import", str(program), str(export), "--role", "наставник"], capsys)
    assert code == 2
    assert err.startswith(message)
    assert "Traceback" not in out + err
    assert (program / "02_Заявки.xlsx").read_bytes() == before


def test_registry_open_in_excel_is_refused(program: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (program / "~$02_Заявки.xlsx").write_bytes(b"lock")
    export = write_csv(tmp_path / "ответы.csv", GOOGLE_HEADER, GOOGLE_ROWS, "utf-8", ",")
    before = (program / "02_Заявки.xlsx").read_bytes()
    code, _, err = run(["import", str(program), str(export)], capsys)
    assert code == 2
    assert err.strip() == ("Ошибка: Файл «02_Заявки.xlsx» открыт в другой программе (найден файл блокировки "
                           "«~$02_Заявки.xlsx»). Закройте его и повторите команду.")
    assert (program / "02_Заявки.xlsx").read_bytes() == before


def test_questions_file_lists_form_questions(program: Path) -> None:
    text = (program / "Вопросы для анкеты.txt").read_text(encoding="utf-8")
    assert "=== Наставники ===" in text and "=== Наставляемые ===" in text
    assert "Почему вы хотите стать наставником? (обязательный вопрос)" in text
    assert "   Один вариант: Адаптация; Улучшение образовательных результатов; Другое" in text
