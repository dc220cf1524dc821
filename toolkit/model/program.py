"""A program folder: its form of mentorship, its workbooks, and everything read back from them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit import spec
from toolkit.base import files
from toolkit.base.problems import NastavnikError, Report
from toolkit.base.values import clean_text, fold
from toolkit.books.reader import Book, BookData, Row, SheetTooLarge, open_book, read_workbook
from toolkit.books.writer import write_workbook
from toolkit.spec import Profile, WorkbookSpec

QUESTIONS_FILE = "Вопросы для анкеты.txt"
SURVEY_QUESTIONS_FILE = "Вопросы для анкет мониторинга.txt"
STATUS_FILE = "Статус программы.xlsx"


@dataclass
class Participant:
    id: str
    role: str  # "mentor" | "mentee"
    row: Row
    sheet: str

    @property
    def values(self) -> dict[str, Any]:
        return self.row.values

    @property
    def name(self) -> str:
        v = self.row.values
        return " ".join(clean_text(v.get(k)) for k in ("last_name", "first_name", "middle_name") if v.get(k))


@dataclass
class ProgramData:
    program: Program
    books: dict[str, BookData] = field(default_factory=dict)
    participants: dict[str, Participant] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # file name of each book read → its key

    def settings(self) -> dict[str, Any]:
        book = self.books.get("settings")
        return book.forms["settings"].values if book and "settings" in book.forms else {}

    def training_threshold(self) -> int:
        value = self.settings().get("training_threshold")
        return int(value) if value else self.program.profile.training.threshold

    def gap_threshold(self) -> float:
        value = self.settings().get("gap_threshold")
        testing = self.program.profile.testing
        return float(value) if value else (testing.gap_threshold if testing else 0.0)

    def rows(self, book: str, sheet: str) -> list[Row]:
        data = self.books.get(book)
        if not data or sheet not in data.tables:
            return []
        return data.tables[sheet].rows


class Program:
    def __init__(self, root: Path, profile: Profile, program_id: str) -> None:
        self.root = root
        self.profile = profile
        self.program_id = program_id
        self.specs: list[WorkbookSpec] = spec.program_workbooks(profile)

    # ------------------------------------------------------------------ creation

    @classmethod
    def create(cls, root: Path, profile: Profile) -> tuple[Program, list[Path], list[Path]]:
        """Create the folder and its blank workbooks. Existing files are never overwritten."""
        if root.exists() and not root.is_dir():
            raise NastavnikError(f"«{root}» — это файл, а не папка. Укажите папку для программы.")
        existing_program: Program | None = None
        if (root / (spec.workbook_specs()["settings"].file + ".xlsx")).exists() or any(
            (root / (spec.workbook_specs()["settings"].file + s)).exists() for s in files.SPREADSHEET_SUFFIXES
        ):
            existing_program = cls.open(root)
            if existing_program.profile.form != profile.form:
                raise NastavnikError(
                    f"В папке «{root}» уже есть программа формы «{existing_program.profile.name}». "
                    "Для другой формы выберите другую папку."
                )
        program = existing_program or cls(root, profile, uuid.uuid4().hex[:12])
        files.make_folder(root)
        created: list[Path] = []
        kept: list[Path] = []
        for wb in program.specs:
            present = program.find_files(wb)
            if present:
                kept.append(present[0])
                continue
            path = root / (wb.file + ".xlsx")
            data: dict[str, Any] = {}
            if wb.key == "settings":
                data = {"settings": {"form_name": profile.name}}
            write_workbook(path, wb, profile, program.program_id, data)
            created.append(path)
        questions = root / QUESTIONS_FILE
        if questions.exists():
            kept.append(questions)
        else:
            files.write_text_atomic(questions, program.form_questions_text())
            created.append(questions)
        survey = root / SURVEY_QUESTIONS_FILE
        if any(wb.key == "monitoring" for wb in program.specs):
            if survey.exists():
                kept.append(survey)
            else:
                files.write_text_atomic(survey, survey_questions_text(program))
                created.append(survey)
        return program, created, kept

    def form_questions_text(self) -> str:
        return questions_text(self)

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, root: Path) -> Program:
        if not root.exists():
            raise NastavnikError(f"Папка «{root}» не найдена. Создайте программу: nastavnik init «{root}» --form …")
        if not root.is_dir():
            raise NastavnikError(f"«{root}» — это файл, а не папка программы.")
        settings_spec = spec.workbook_specs()["settings"]
        candidates = [root / (settings_spec.file + s) for s in files.SPREADSHEET_SUFFIXES]
        found = [c for c in candidates if c.exists()]
        if not found:
            raise NastavnikError(
                f"Папка «{root}» не похожа на программу наставничества: нет книги «{settings_spec.file}.xlsx». "
                f"Создайте программу: nastavnik init «{root}» --form ученик-ученик (или педагог-педагог)."
            )
        report = Report()
        book = open_book(found[0], report, found[0].name)
        if book is None:
            raise NastavnikError(f"{found[0].name}: {report.problems[0].message}")
        meta = book.meta()
        form = meta.get("form") or _form_from_settings(book)
        if not form:
            raise NastavnikError(
                f"{found[0].name}: не удалось определить форму наставничества (поле «Форма наставничества»). "
                "Восстановите книгу настроек из резервной копии или создайте программу заново."
            )
        profile = spec.find_profile(form)
        return cls(root, profile, meta.get("program_id", ""))

    def find_files(self, wb: WorkbookSpec) -> list[Path]:
        return [self.root / (wb.file + s) for s in files.SPREADSHEET_SUFFIXES if (self.root / (wb.file + s)).exists()]

    def label(self, path: Path) -> str:
        return path.name

    # ------------------------------------------------------------------ reading

    def read(self, report: Report) -> ProgramData:
        """Every workbook of the program as read (problems of reading in ``report``), and its participants.
        Checks are not run here: :func:`toolkit.checks.program.load_program` reads and checks."""
        data = ProgramData(self)
        labels: dict[str, str] = {}  # file name → book key, to tag the problems of each book
        for wb in self.specs:
            found = self.find_files(wb)
            if len(found) > 1:
                report.add("file-ambiguous", file=found[0].name, names=", ".join(f"«{p.name}»" for p in found))
                continue
            path = found[0] if found else self.root / (wb.file + ".xlsx")
            label = path.name
            labels[label] = wb.key
            book = open_book(path, report, label)
            if book is None:
                continue
            if not self._identity_ok(book, wb, report, label):
                continue
            data.books[wb.key] = read_workbook(book, wb, report, label)
        registry = data.books.get("applications")
        for table in registry.tables.values() if registry else ():
            role = table.sheet.role
            if role is None:
                continue
            for row in table.rows:
                pid = row.values.get("id")
                if pid and pid not in data.participants:
                    data.participants[pid] = Participant(pid, role, row, table.name)
        data.labels = labels
        report.tag_books(labels)
        return data

    def _identity_ok(self, book: Book, wb: WorkbookSpec, report: Report, label: str) -> bool:
        meta = book.meta()
        if not meta:
            if wb.key == "settings":  # the program's code lives there: pair files cannot be matched without it
                report.add("settings-meta-missing", file=label)
            return True  # a suite that dropped the hidden sheet: identify by the file name
        if meta.get("workbook") and meta["workbook"] != wb.key:
            other = spec.workbook_specs().get(meta["workbook"])
            report.add("file-other-workbook", file=label, expected=wb.title, found=other.title if other else meta["workbook"])
            return False
        if self.program_id and meta.get("program_id") and meta["program_id"] != self.program_id:
            report.add("file-other-program", file=label, found=meta["program_id"], expected=self.program_id)
            return False
        return True


def _form_from_settings(book: Book) -> str:
    sheet = spec.workbook_specs()["settings"].sheets[0]
    if sheet.name not in book.sheet_names:
        return ""
    try:
        rows, _ = book.rows(sheet.name, limit=100)
    except SheetTooLarge:
        return ""
    for row in rows:
        if len(row) > 1 and fold(row[0]) == fold("Форма наставничества"):
            return clean_text(row[1])
    return ""


def questions_text(program: Program) -> str:
    """The questions to paste into a Yandex / Google form, one list per role."""
    profile = program.profile
    registry = next(s for s in program.specs if s.key == "applications")
    lines = [
        f"Вопросы для анкеты участников программы наставничества (форма «{profile.name}»).",
        "Создайте в Яндекс Формах или Google Формах вопросы с такими же названиями: тогда команда",
        "«nastavnik import ПАПКА ВЫГРУЗКА.csv» сама разнесёт ответы по реестру заявок.",
        "Можно сделать одну форму для всех с вопросом «Роль» (варианты: Наставник, Наставляемый)",
        "или две отдельные формы и указывать роль при загрузке: --role наставник / --role наставляемый.",
        "",
    ]
    for sheet in registry.sheets:
        if not sheet.role:
            continue
        lines.append(f"=== {profile.roles_plural[sheet.role]} ===")
        n = 0
        for column in sheet.columns:
            if column.question is None:
                continue
            n += 1
            mark = " (обязательный вопрос)" if column.required else ""
            lines.append(f"{n}. {column.question}{mark}")
            if column.type == "choice" and column.choices:
                lines.append("   Один вариант: " + "; ".join(column.choices))
            elif column.type == "multichoice" and column.choices:
                lines.append("   Несколько вариантов: " + "; ".join(column.choices))
            elif column.type == "bool":
                lines.append("   Варианты: Да; Нет")
            elif column.type in ("int", "class"):
                lines.append("   Короткий ответ: " + ("число" if column.type == "int" else "класс, например 9Б"))
        lines.append("")
    return "\n".join(lines)


def survey_questions_text(program: Program) -> str:
    """The monitoring questionnaires (mentor's and mentee's) to paste into a Yandex / Google form."""
    profile = program.profile
    book = next((s for s in program.specs if s.key == "monitoring"), None)
    if book is None:
        return ""
    lines = [
        f"Анкеты мониторинга программы наставничества (форма «{profile.name}»), этап 1 — качество программы.",
        "Создайте в Яндекс Формах или Google Формах две формы (для наставников и для наставляемых) с вопросами,",
        "названными так же, как ниже; оценки — вопрос «Шкала» от 1 до 10 (1 — самая низкая, 10 — самая высокая).",
        "Ответы загрузите командой «nastavnik import ПАПКА ВЫГРУЗКА.csv»: они попадут на листы «Анкета наставника»",
        "и «Анкета наставляемого» книги «07_Мониторинг». Участник узнаётся по коду (НК-001, НЯ-001) или по ФИО.",
        "Формулировки — собственные пункты программы «Наставник» по структуре мониторинга из методических",
        "рекомендаций к распоряжению Минпросвещения России № Р-145; школа может заменить их своими, оставив",
        "названия вопросов такими же, как заголовки столбцов книги.",
        "",
    ]
    for sheet in book.sheets:
        if sheet.key not in ("mentor_survey", "mentee_survey"):
            continue
        role = "mentor" if sheet.key == "mentor_survey" else "mentee"
        lines.append(f"=== {sheet.name}: {profile.roles_plural[role].lower()} ===")  # type: ignore[index]
        n = 0
        for column in sheet.columns:
            if column.question is None:
                continue
            n += 1
            lines.append(f"{n}. {column.question}" + (" (обязательный вопрос)" if column.type == "ref" else ""))
            if column.number_list:
                lines.append(f"   Шкала: от {int(column.min or 1)} до {int(column.max or 10)}")
            elif column.type == "choice" and column.choices:
                lines.append("   Один вариант: " + "; ".join(column.choices))
            elif column.type == "bool":
                lines.append("   Варианты: Да; Нет")
            elif column.type == "int":
                lines.append("   Короткий ответ: число")
            elif column.type == "longtext":
                lines.append("   Длинный ответ")
        lines.append("")
    return "\n".join(lines)
