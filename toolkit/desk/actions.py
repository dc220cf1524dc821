"""The actions a page can start, as the command line runs them: same core calls, same sentences.

Each ``make_*`` takes the program and the form's fields (strings, as the browser sent them) and returns the
work to run under the program lock. Fields are parsed here, before anything starts, so a wrong value is a
sentence at once. File names in the fields are names inside the program folder, checked by
:func:`toolkit.desk.safety.inside`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from toolkit.base.problems import NastavnikError, Report
from toolkit.checks.program import load_program
from toolkit.desk import safety
from toolkit.desk.jobs import Action, Outcome, Progress

if TYPE_CHECKING:  # the first page comes sooner without the model's imports
    from toolkit.model.program import Program

OUTBOX = "Книги пар — рассылка"  # the same folders the demo uses
INBOX = "Книги пар — входящие"
FORMS_INBOX = "Выгрузки форм — входящие"
DOCUMENTS = "Документы"


def parse_day(text: str | None, what: str) -> dt.date | None:
    """A date from a date picker (ГГГГ-ММ-ДД) or typed (ДД.ММ.ГГГГ); empty — none."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        from toolkit.base.values import parse_date

        value = parse_date(text)
        if not isinstance(value, dt.date):
            raise NastavnikError(f"{what}: «{text}» — не дата. Укажите дату как ДД.ММ.ГГГГ, например 01.10.2026.") from None
        return value


def _flag(fields: dict[str, str], name: str) -> bool:
    return fields.get(name, "") in ("1", "on", "да", "true")


def _int(fields: dict[str, str], name: str, what: str, default: int | None) -> int | None:
    text = (fields.get(name) or "").strip()
    if not text:
        return default
    if not text.isdigit() or not 0 < int(text) <= 1000:
        raise NastavnikError(f"{what}: «{text}» — нужно целое число от 1 до 1000.")
    return int(text)


def _errors_line(report: Report) -> list[str]:
    errors = [p for p in report if p.severity == "error"]
    if not errors:
        return []
    books = ", ".join(f"«{n}»" for n in dict.fromkeys(p.file for p in errors if p.file)) or "—"
    return [f"В книгах есть ошибки ({len(errors)}: {books}): подробности — на странице «Проблемы»."]


def make_import(program: Program, fields: dict[str, str]) -> Action:
    """Forms exports into the program, each as ``import`` takes it: applications into the registry, or the
    monitoring questionnaires into «07_Мониторинг» when the export's questions are theirs."""
    from toolkit.stages.registry_import import applications_summary
    from toolkit.stages.survey import SurveyImport, import_forms_export, survey_summary

    names = [n for n in fields.get("files", "").split("\n") if n]
    if not names:
        raise NastavnikError("Не выбран файл выгрузки: перетащите выгрузку Яндекс Форм или Google Форм (CSV или XLSX).")
    paths = [safety.inside(program.root, n) for n in names]
    role = fields.get("role") or None
    if role not in (None, "mentor", "mentee"):
        raise NastavnikError("Неизвестная роль: выберите «наставник» или «наставляемый».")

    def run(progress: Progress) -> Outcome:
        out = Outcome()
        for n, path in enumerate(paths):
            progress(f"Загрузка «{path.name}»", n, len(paths))
            report = Report()
            result = import_forms_export(program, path, role, report)
            out.problems += list(report)
            if report.errors:
                out.failed = True
            if isinstance(result, SurveyImport):
                out.lines.append(f"«{path.name}». {survey_summary(program, result)}")
                if result.path is not None:
                    out.files.append(result.path)
                continue
            out.lines.append(f"«{path.name}». {applications_summary(program, result)}")
            if result.unmapped:
                out.lines.append("Вопросы формы без поля в реестре: " + ", ".join(f"«{q}»" for q in result.unmapped)
                                 + ".")
            if result.registry is not None:
                out.files.append(result.registry)
        return out

    return run


def make_match(program: Program, fields: dict[str, str]) -> Action:
    from toolkit.model.pairs import parse_scheme
    from toolkit.stages.match import MatchOptions, run_match

    options = MatchOptions(
        scheme=parse_scheme(fields.get("scheme") or ""), start=parse_day(fields.get("start"), "Дата начала пар"),
        meeting_date=parse_day(fields.get("meeting_date"), "Дата встречи"),
        rounds=_int(fields, "rounds", "Число раундов", None),
        group_size=_int(fields, "group_size", "Размер группы", None),
        minutes=_int(fields, "minutes", "Длительность раунда", 7) or 7,
        begin=(fields.get("begin") or "15:00").strip(), reschedule=_flag(fields, "reschedule"))

    def run(progress: Progress) -> Outcome:
        progress("Формирование пар", 0, None)
        report = Report()
        outcome = run_match(program, options, report)
        shown = [p for p in report if p.file == outcome.path.name or p.code.startswith("pair-")]
        out = Outcome(lines=list(outcome.lines), problems=shown, files=[outcome.path])
        others = Report()
        for p in report:
            if p not in shown:
                others.problems.append(p)
        out.lines += _errors_line(others)
        out.failed = any(p.severity == "error" for p in shown)
        return out

    return run


def make_order(program: Program, fields: dict[str, str]) -> Action:
    from toolkit.documents.order import make_order as core_make_order

    number = (fields.get("number") or "").strip() or None
    day = parse_day(fields.get("date"), "Дата приказа")
    pdf = _flag(fields, "pdf")

    def run(progress: Progress) -> Outcome:
        progress("Приказ", 0, None)
        report = Report()
        result = core_make_order(program, report, number=number, date=day, pdf=pdf)
        out = Outcome(problems=list(report), files=[result.path] + ([result.pdf] if result.pdf else []))
        out.lines.append(f"Приказ: пар и групп {result.pairs}, наставляемых {result.mentees}.")
        if result.left_out:
            out.lines.append(f"Не вошли в приказ строк листа «Пары»: {result.left_out} (нет согласия обеих сторон или "
                             "даты личной встречи).")
        if result.unchanged:
            out.lines.append("Приказ уже такой: файл не перезаписан.")
        return out

    return run


def make_distribute(program: Program, fields: dict[str, str]) -> Action:
    from toolkit.stages.pair_files import distribute

    def run(progress: Progress) -> Outcome:
        progress("Книги пар", 0, None)
        done = distribute(program, program.root / OUTBOX)
        out = Outcome(files=[d.path for d in done])
        out.lines.append(f"Книги пар: {len(done)} в папке «{OUTBOX}». Отправьте их парам; присланные обратно "
                         "перетащите в поле «Книги пар вернулись».")
        unchanged = sum(1 for d in done if d.unchanged)
        if unchanged:
            out.lines.append(f"Без изменений: {unchanged}.")
        return out

    return run


def make_collect(program: Program, fields: dict[str, str]) -> Action:
    from toolkit.stages.pair_files import collect

    force = _flag(fields, "force")

    def run(progress: Progress) -> Outcome:
        progress("Сбор книг пар", 0, None)
        report = Report()
        result = collect(program, program.root / INBOX, report, force=force)
        out = Outcome(problems=list(report))
        out.lines += [f"Принято: {pair} из «{name}» — {summary}." for pair, name, summary in result.accepted]
        out.lines += [f"Без изменений: {pair} («{name}»)." for pair, name in result.unchanged]
        out.lines += [f"Повтор: «{name}» совпадает с «{same}» ({pair})." for pair, name, same in result.duplicates]
        out.lines += list(result.lines)
        if result.written:
            out.files.append(result.path)
        else:
            out.lines.append(f"Книга «{result.path.name}» не изменилась.")
        if result.refused:
            out.lines.append(f"Не принято файлов: {len(result.refused)} (причины — в таблице ниже).")
        out.failed = bool(report.errors)
        return out

    return run


def make_monitor(program: Program, fields: dict[str, str]) -> Action:
    from toolkit.base.messages import render
    from toolkit.stages.monitor import build_monitor, monitor_path, write_monitor_workbook
    from toolkit.stages.pair_files import unreadable_work_book

    day = parse_day(fields.get("date"), "День мониторинга") or dt.date.today()
    pdf = _flag(fields, "pdf")

    def run(progress: Progress) -> Outcome:
        progress("Мониторинг", 0, None)
        from toolkit.stages.survey import refresh_rows

        report = Report()
        data = load_program(program, report)
        if "pairs" not in data.books:
            raise NastavnikError("Книга пар «04_Пары» не прочитана: сначала сформируйте пары и исправьте ошибки "
                                 "в книгах (страница «Проблемы»).")
        broken = unreadable_work_book(program, data, report)
        if broken is not None:
            raise NastavnikError(render("book-unreadable", book=broken[0], detail=broken[1], consequence=(
                "Мониторинг не составлен: в нём не было бы ни одной встречи. Исправьте книгу или восстановите её "
                "из резервной копии.")))
        monitor = build_monitor(data, day)
        path = monitor_path(data)
        write_monitor_workbook(monitor, path)
        notes, added = refresh_rows(program)  # after the monitoring is written: a refusal changes no book
        if added:
            write_monitor_workbook(build_monitor(load_program(program, Report()), day), path)
        out = Outcome(files=[path])
        out.lines.append(f"Мониторинг на {day:%d.%m.%Y}.")
        out.lines += notes
        out.lines += [f"{label}: {value}" for label, value in monitor.totals]
        out.lines += _errors_line(report)
        if pdf:
            from toolkit.documents.pdf import convert_to_pdf

            progress("PDF", 0, None)
            out.files += list(convert_to_pdf([path], path.parent))
        return out

    return run


def make_results(program: Program, fields: dict[str, str]) -> Action:
    from toolkit.stages.results import run_results

    day = parse_day(fields.get("date"), "День итогов")

    def run(progress: Progress) -> Outcome:
        progress("Итоги", 0, None)
        report = Report()
        outcome = run_results(program, report, today=day)
        out = Outcome(lines=list(outcome.lines), files=[outcome.path])
        out.lines += _errors_line(report)
        out.problems = [p for p in report if p.file == outcome.path.name]
        return out

    return run


def make_docs(program: Program, fields: dict[str, str]) -> Action:
    from toolkit.documents.kinds import KINDS, DocsOptions, make_documents, parse_kind

    kind_text = fields.get("kind") or "all"
    kinds = list(KINDS.values()) if kind_text == "all" else [parse_kind(kind_text)]
    single, pdf = _flag(fields, "single"), _flag(fields, "pdf")
    day = parse_day(fields.get("date"), "Дата в документах")

    def run(progress: Progress) -> Outcome:
        out = Outcome()
        report = Report()
        data = load_program(program, report)
        for n, kind in enumerate(kinds):
            def step(stage: str, done: int, total: int | None, _title: str = kind.title) -> None:
                progress(f"{_title}: {stage}" if len(kinds) > 1 else stage, done, total)

            progress(kind.title, n, len(kinds))
            kind_report = Report()
            options = DocsOptions(kind, out=None, single=single, pdf=pdf, date=day, today=day)
            try:
                made = make_documents(program, options, kind_report, step if len(kinds) == 1 else None, data=data)
            except NastavnikError as exc:
                if len(kinds) == 1:
                    raise
                out.lines.append(f"{kind.title}: {exc.message}")
                continue
            out.lines.append(f"{kind.title}: файлов {len(made.documents)}" + (f", PDF {len(made.pdfs)}" if made.pdfs
                                                                              else "") + ".")
            out.lines += [f"  {line}" for line in made.lines]
            out.files += list(made.documents) + list(made.pdfs)
        out.lines += _errors_line(report)
        return out

    return run


def make_export(program: Program, fields: dict[str, str]) -> Action:
    from toolkit.base.messages import FATAL_CODES
    from toolkit.stages.export import build_export, export_path, write_export_workbook

    day = parse_day(fields.get("date"), "День выгрузки") or dt.date.today()

    def run(progress: Progress) -> Outcome:
        progress("Выгрузка", 0, None)
        report = Report()
        data = load_program(program, report)
        fatal = [p for p in report if p.code in FATAL_CODES and p.file]
        if any(p.book == "applications" for p in fatal):
            raise NastavnikError(f"{fatal[0].file}: {fatal[0].message}")
        export = build_export(data, day)
        path = export_path(data)
        write_export_workbook(export, path)
        out = Outcome(files=[path])
        out.lines.append(f"Обезличенная выгрузка на {day:%d.%m.%Y}: участников {len(export.participants)}, пар и "
                         f"групп {len(export.pairs)}; ФИО, контактов и ответов анкет в ней нет.")
        out.lines += _errors_line(report)
        return out

    return run


# key → (title shown to people, maker)
ACTIONS: dict[str, tuple[str, Callable[[Program, dict[str, str]], Action]]] = {
    "import": ("загрузка ответов формы (заявки или анкеты)", make_import),
    "match": ("формирование пар", make_match),
    "order": ("приказ о закреплении пар", make_order),
    "distribute": ("раздача книг парам", make_distribute),
    "collect": ("сбор книг пар", make_collect),
    "monitor": ("мониторинг", make_monitor),
    "results": ("итоги и рейтинг наставников", make_results),
    "docs": ("документы", make_docs),
    "export": ("обезличенная выгрузка", make_export),
}


def fields_of(form: Any) -> dict[str, str]:
    """The plain text fields of a submitted form (files and the CSRF token aside)."""
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
