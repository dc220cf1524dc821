"""The command line: parses arguments, calls the core, turns domain errors into one Russian sentence
and an exit code. The core never imports this module. Heavy libraries are imported lazily so that
``nastavnik --help`` answers at once.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from toolkit import __version__
from toolkit.base.problems import NastavnikError
from toolkit.base.shell import command

EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE = 0, 1, 2

# Click's own phrases in Russian (click uses gettext without a Russian catalogue).
_CLICK_RU = {
    "Usage:": "Использование:",
    "Options": "Параметры",
    "Commands": "Команды",
    "Show this message and exit.": "Показать эту справку и выйти.",
    "Show the version and exit.": "Показать версию и выйти.",
    "%(prog)s, version %(version)s": "%(prog)s, версия %(version)s",
    "Error: {message}": "Ошибка: {message}",
    "Try '{command} {option}' for help.": "Справка: «{command} {option}».",
    "Missing argument": "Не указан аргумент",
    "Missing option": "Не указан параметр",
    "Missing parameter": "Не указан параметр",
    "Missing command.": "Не указана команда.",
    "No such command {name!r}.": "Нет команды {name!r}.",
    "No such option {name!r}.": "Нет параметра {name!r}.",
    "Invalid value for {param_hint}: {message}": "Недопустимое значение {param_hint}: {message}",
    "Invalid value: {message}": "Недопустимое значение: {message}",
    "Option {name!r} does not take a value.": "Параметр {name!r} не принимает значения.",
    "Option {name!r} requires an argument.": "Параметру {name!r} нужно значение.",
    "Got unexpected extra argument ({args})": "Лишний аргумент: {args}",
    "Got unexpected extra arguments ({args})": "Лишние аргументы: {args}",
    "Aborted!": "Прервано.",
    "{value!r} is not one of {choices}.": "{value!r} — нет среди допустимых: {choices}.",
    "{value!r} is not a valid {number_type}.": "{value!r} — не число.",
    "default: {default}": "по умолчанию: {default}",
    "Missing {param_type}": "Не указан {param_type}",
    "required": "обязательный",
}


def _ru(message: str) -> str:
    return _CLICK_RU.get(message, message)


def _ru_n(singular: str, plural: str, n: int) -> str:
    return _ru(singular if n == 1 else plural)


for _module_name in ("core", "exceptions", "formatting", "decorators", "parser", "types", "termui"):
    _module = sys.modules.get(f"click.{_module_name}")
    if _module is not None:
        if hasattr(_module, "_"):
            _module._ = _ru  # type: ignore[attr-defined]
        if hasattr(_module, "ngettext"):
            _module.ngettext = _ru_n  # type: ignore[attr-defined]

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


# below this width a six-column table would break words in the middle: one block per participant instead
WIDE_TABLE = 120
TABLE_ROWS = 300  # above this many participants the list is printed as lines: a table costs ~1 ms a row


def _print_status(status: Any, console: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    if len(status.participants) > TABLE_ROWS:
        click.echo(f"Участники программы «{status.form_name}» (код; ФИО; роль; этап; обучение; чего не хватает):\n"
                   + "\n".join(f"{s.id}; {s.name}; {s.role_name}; {s.stage_name}; {s.training or '—'}; "
                                + ("; ".join(s.missing) or "—") for s in status.participants))
    elif console.width < WIDE_TABLE:
        console.print(f"Участники программы «{status.form_name}»", soft_wrap=False, markup=False)
        for s in status.participants:
            head = Text(f"{s.id} {s.name} — {s.role_name.lower()}: {s.stage_name}",
                        style="green" if s.ready else "")
            console.print(head, overflow="fold")
            details = [f"обучение {s.training}"] if s.training else []
            if s.missing:
                details.append("не хватает: " + "; ".join(s.missing))
            if details:
                console.print(Text("  " + "; ".join(details)), overflow="fold")
    else:
        table = Table(title=f"Участники программы «{status.form_name}»", show_lines=False)
        for header in ("Код", "ФИО", "Роль", "Этап", "Обучение", "Чего не хватает"):
            table.add_column(header, overflow="fold")
        for s in status.participants:
            style = "green" if s.ready else None
            table.add_row(s.id, s.name, s.role_name, s.stage_name, s.training, "; ".join(s.missing) or "—",
                          style=style)
        console.print(table)
    c = status.counts
    console.print(f"Наставников: {c['mentors']}, готовы к формированию пар: {c['mentors_ready']}. "
                  f"Наставляемых: {c['mentees']}, с полной заявкой и согласиями: {c['mentees_ready']}.", soft_wrap=False)
    if status.invited_without_application:
        console.print(f"Приглашены на встречу, но без заявки: {len(status.invited_without_application)}.", soft_wrap=False)
    if status.testing and status.testing["focus"]:
        console.print("Фокус обучения (самые слабые измерения теста в группе): " + ", ".join(status.testing["focus"]) + ".", soft_wrap=False)
    _print_attention(status, console)


def _print_attention(status: Any, console: Any) -> None:
    """Pairs needing attention and suggested group meetings (nothing when all is well)."""
    if not status.attention:
        return
    import datetime as dt

    from toolkit.base.values import format_date

    day = format_date(dt.date.fromisoformat(status.date)) if status.date else ""
    console.print(f"Пары и группы, которым нужно внимание куратора (на {day}): {len(status.attention)}.", soft_wrap=False)
    for item in status.attention:
        console.print(f"  {item['pair']}: " + "; ".join(item["reasons"]) + ".", soft_wrap=False, markup=False)
    for meeting in status.group_meetings:
        console.print(f"Предлагается групповая встреча «{meeting['topic']}»: " + ", ".join(meeting["pairs"]) + ".",
                      soft_wrap=False, markup=False)


def _status_next(status: Any, folder: Path, report: Any) -> None:
    """What the curator does after reading the status: fix the books, form pairs, or watch the pairs' work."""
    c = status.counts
    if report.errors:
        _next("исправьте ошибки в книгах", "check", folder)
    elif not c["pairs"] and c["mentors_ready"] and c["mentees_ready"]:
        _next("сформируйте пары (или --scheme встреча / анкеты)", "match", folder, "--scheme", "предложение")
    elif not c["pairs"]:
        _next("дополните заявки, согласия и обучение тех, кому чего-то не хватает (столбец «Чего не хватает»), "
              "и посмотрите статус снова", "status", folder)
    elif c.get("pairs_attention"):
        _next("свяжитесь с парами, которым нужно внимание; диаграммы для директора", "monitor", folder)
    else:
        _next("собирайте книги пар и следите за их работой", "monitor", folder)


def _date_option(text: str | None, what: str) -> Any:
    """A date typed after an option («--date 01.10.2026»), or None when the option is absent."""
    import datetime as dt

    from toolkit.base.values import parse_date

    if not text:
        return None
    value = parse_date(text)
    if not isinstance(value, dt.date):
        raise NastavnikError(f"{what}: «{text}» — не дата. Укажите дату как ДД.ММ.ГГГГ, например 01.10.2026.")
    return value


def _print_labour_papers(report: Any) -> None:
    """Mentors of fixed teacher pairs without the papers of ТК РФ ст. 351.8 (the order names them too)."""
    for p in report:
        if p.code == "pair-labour-papers":
            click.echo(f"Внимание: {p.message}")


def _fail(message: str, code: int = EXIT_UNUSABLE) -> None:
    click.echo(f"Ошибка: {message}", err=True)
    sys.exit(code)


def _print_report(report: Any) -> None:
    by_file: dict[str, list[Any]] = {}
    for p in report:
        by_file.setdefault(p.file or "—", []).append(p)
    for file, problems in by_file.items():
        click.echo(file)
        for p in problems:
            where = ", ".join(x for x in (
                p.sheet and f"лист «{p.sheet}»", p.cell and f"ячейка {p.cell}",
                p.field and p.code not in ("column-missing", "param-missing") and f"поле «{p.field}»") if x)
            mark = "предупреждение" if p.severity == "warning" else "ошибка"
            click.echo(f"  [{mark}] {where + ': ' if where else ''}{p.message}")


def _errors_line(report: Any, folder: Path, code: str = "books-have-errors") -> str:
    """«В книгах есть ошибки (2: «05_Работа пар.xlsx», «06_Итоги.xlsx»): подробности — …»."""
    from toolkit.base.messages import line

    errors = [p for p in report if p.severity == "error"]
    books = ", ".join(f"«{name}»" for name in dict.fromkeys(p.file for p in errors if p.file)) or "—"
    return line(code, count=len(errors), books=books, check=command("check", folder))


def _next(what: str, *args: str | Path) -> None:
    """«Дальше: …» and a command that runs as pasted (quoted for the user's shell), on a line of its own."""
    click.echo(f"Дальше: {what}:" + (f"\n  {command(*args)}" if args else ""))


def _exit_code(report: Any) -> int:
    from toolkit.base.messages import FATAL_CODES

    if any(p.code in FATAL_CODES for p in report):
        return EXIT_UNUSABLE
    if report.errors:
        return EXIT_PROBLEMS
    return EXIT_OK


# ---------------------------------------------------------------------------- commands


@click.group(context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]", subcommand_metavar="КОМАНДА [АРГУМЕНТЫ]...")
@click.version_option(__version__, "--version", prog_name="nastavnik", message="%(prog)s, версия %(version)s",
                      help="Показать версию и выйти.")
def cli() -> None:
    """Наставник: программа наставничества в школе по целевой модели — через книги Excel и документы Word.

    Формы наставничества: «ученик – ученик», «педагог – педагог», «студент – ученик», «работодатель –
    ученик», «работодатель – студент». Начните с
    «nastavnik demo ПАПКА» (пример на готовых данных) или «nastavnik init ПАПКА --form ученик-ученик».
    """


@cli.command("init", context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]")
@click.argument("folder", metavar="ПАПКА", type=click.Path(path_type=Path))
@click.option("--form", "form", metavar="ФОРМА", default=None,
              help="Форма наставничества: ученик-ученик, педагог-педагог, студент-ученик, работодатель-ученик, "
                   "работодатель-студент (также student-student, teacher-teacher, student-pupil, employer-pupil, "
                   "employer-student). С --from не нужна: форма берётся из прошлого года.")
@click.option("--from", "previous", metavar="ПРОШЛАЯ_ПАПКА", type=click.Path(path_type=Path), default=None,
              help="Новый учебный год из программы прошлого года: база наставников, действующие согласия, "
                   "продолжающиеся пары с историей их работы, настройки и рабочая группа (даты — на год вперёд); "
                   "завершённые пары — в архиве. Прошлая папка не меняется.")
def init_cmd(folder: Path, form: str | None, previous: Path | None) -> None:
    """Создать папку программы: книгу настроек и пустые книги всех этапов.

    Уже существующие файлы не перезаписываются: команду можно запускать повторно. С --from — программа
    нового учебного года из прошлогодней (в новой или пустой папке).
    """
    from toolkit.model.program import Program
    from toolkit.spec import find_profile

    if previous is not None:
        _init_from(folder, previous, find_profile(form) if form else None)
        return
    if not form:
        raise NastavnikError("Укажите форму наставничества: --form ученик-ученик (или педагог-педагог, "
                             "студент-ученик, работодатель-ученик, работодатель-студент) — или --from ПРОШЛАЯ_ПАПКА.")
    profile = find_profile(form)
    program, created, kept = Program.create(folder, profile)
    click.echo(f"Программа «{profile.name}» в папке «{folder}».")
    for path in created:
        click.echo(f"  создан: {path.name}")
    for path in kept:
        click.echo(f"  уже есть, оставлен без изменений: {path.name}")
    _next("заполните «00_Настройки.xlsx», затем книги этапов, и проверьте их", "check", folder)


def _init_from(folder: Path, previous: Path, profile: Any) -> None:
    from toolkit.stages.next_year import outcome_lines, start_next_year

    outcome = start_next_year(folder, previous, profile)
    for text in outcome_lines(outcome, previous):
        click.echo(text)
    _next("проверьте даты и учебный год в «00_Настройки.xlsx», впишите дату мотивационной встречи в "
          "«01_Встреча.xlsx», соберите согласия нового года и проверьте книги",
          "check", folder)


@cli.command("check", context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]")
@click.argument("folder", metavar="ПАПКА", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Вывести отчёт в JSON: {\"problems\": [...]}.")
def check_cmd(folder: Path, as_json: bool) -> None:
    """Прочитать все книги программы и показать все проблемы сразу: файл, лист, ячейку, что не так и как исправить.

    Код выхода: 0 — ошибок нет, 1 — найдены ошибки, 2 — файл нельзя прочитать (нет файла, не таблица).
    """
    from toolkit.base.problems import Report
    from toolkit.checks.program import load_program
    from toolkit.model.program import Program

    program = Program.open(folder)
    report = Report()
    load_program(program, report)
    if as_json:
        click.echo(_json_text(report.as_json(), indent=2))
    else:
        if len(report) == 0:
            click.echo(f"Проблем не найдено: все книги программы «{program.profile.name}» заполнены без ошибок.")
        else:
            _print_report(report)
            click.echo(f"Всего: ошибок {len(report.errors)}, предупреждений {len(report.warnings)}.")
        if report.errors:
            _next("исправьте ошибки в названных ячейках, сохраните книги и проверьте снова", "check", folder)
        else:
            _next("посмотрите, на каком этапе каждый участник и чего ему не хватает", "status", folder)
    sys.exit(_exit_code(report))


@cli.command("status", context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]")
@click.argument("folder", metavar="ПАПКА", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Вывести статус в JSON (одинаковый для одинаковых данных).")
@click.option("--no-workbook", is_flag=True, help="Не записывать книгу «Статус программы.xlsx».")
@click.option("--date", "date", metavar="ДД.ММ.ГГГГ", default=None,
              help="День, на который оценивается работа пар (регулярность встреч, просроченные спринты). "
                   "По умолчанию сегодня.")
def status_cmd(folder: Path, as_json: bool, no_workbook: bool, date: str | None) -> None:
    """Показать этап каждого участника и чего не хватает до следующего этапа.

    С этапа 6 — пары и группы, которым нужно внимание куратора, с причинами: встречи реже обещанного
    в заявке или ни одной, низкие или падающие оценки, просроченные спринты, нет обратной связи; и
    групповая встреча для пар с общей проблемой. Также записывает книгу «Статус программы.xlsx».
    """
    from toolkit.base.messages import FATAL_CODES
    from toolkit.base.problems import Report
    from toolkit.checks.program import load_program
    from toolkit.logic.readiness import compute_status
    from toolkit.model.program import Program
    from toolkit.stages.status import status_path, write_status_workbook

    program = Program.open(folder)
    report = Report()
    data = load_program(program, report)
    fatal = [p for p in report if p.code in FATAL_CODES and p.file]
    if any(p.book == "applications" for p in fatal):
        _fail(f"{fatal[0].file}: {fatal[0].message}")

    status = compute_status(data, _date_option(date, "--date"))
    if as_json:
        click.echo(_json_text(status.as_json(), indent=2, sort_keys=True))
    else:
        _print_status(status, _console())
        _print_labour_papers(report)
        if report.errors:
            click.echo(_errors_line(report, folder))
    if not no_workbook:
        path = status_path(data)
        notes = write_status_workbook(status, path)
        if not as_json:
            click.echo(f"Книга статуса: {path}")
        for note in notes:
            click.echo(note, err=as_json)
    if not as_json:
        _status_next(status, folder, report)


@cli.command("import", context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]")
@click.argument("folder", metavar="ПАПКА", type=click.Path(path_type=Path))
@click.argument("export", metavar="ФАЙЛ", type=click.Path(path_type=Path))
@click.option("--role", "role", metavar="РОЛЬ", default=None,
              help="Чьи это заявки, если в форме нет вопроса «Роль»: наставник или наставляемый.")
def import_cmd(folder: Path, export: Path, role: str | None) -> None:
    """Загрузить заявки из выгрузки Яндекс Форм или Google Форм (CSV или XLSX) в реестр «02_Заявки».

    Вопросы сопоставляются с полями реестра по тексту (список — в «Вопросы для анкеты.txt»).
    Выгрузка анкет мониторинга (вопросы из «Вопросы для анкет мониторинга.txt») узнаётся сама: ответы
    попадают на листы анкет книги «07_Мониторинг», участник — по коду или ФИО.
    Участник, который уже есть в реестре, повторно не добавляется; отправивший форму дважды загружается
    по последнему ответу, с предупреждением. Перед записью реестр копируется в папку «Резервные копии».
    """
    from toolkit.base import files
    from toolkit.base.problems import Report
    from toolkit.model.program import Program

    role_key = None
    if role:
        from toolkit.base.values import fold

        key = fold(role)
        if key.startswith(("наставляем", "mentee", "молод")):
            role_key = "mentee"
        elif key.startswith(("наставник", "mentor")):
            role_key = "mentor"
        else:
            _fail(f"Неизвестная роль «{role}». Укажите: наставник или наставляемый.")
    program = Program.open(folder)
    report = Report()
    from toolkit.stages.registry_import import applications_summary
    from toolkit.stages.survey import SurveyImport, import_forms_export, survey_summary

    result = import_forms_export(program, export, role_key, report)
    if isinstance(result, SurveyImport):  # the monitoring questionnaires, not applications
        answers = result
        if len(report):
            _print_report(report)
        click.echo(survey_summary(program, answers))
        if answers.backup:
            click.echo(f"Прежняя версия книги: {answers.backup}")
        if report.errors:
            _next("исправьте названные строки выгрузки и загрузите её снова", "import", folder, export)
            sys.exit(EXIT_PROBLEMS)
        _next("посмотрите сводку анкет и рост участников", "monitor", folder)
        return
    if len(report):
        _print_report(report)
    click.echo(applications_summary(program, result))
    if result.backup:
        click.echo(f"Резервная копия реестра: {result.backup}")
        if result.registry is not None and result.backup.suffix.lower() != result.registry.suffix.lower():
            click.echo(files.format_note(result.backup.with_name(result.registry.stem + result.backup.suffix),
                                         result.registry))
    if report.errors:
        _next("исправьте названные строки реестра и посмотрите статус", "status", folder)
        sys.exit(EXIT_PROBLEMS)
    _next("посмотрите, на каком этапе каждый участник и чего ему не хватает", "status", folder)


@cli.command("demo", context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]")
@click.argument("folder", metavar="ПАПКА", type=click.Path(path_type=Path), default=Path("Наставник-пример"),
                required=False)
def demo_cmd(folder: Path) -> None:
    """Создать пример: по папке программы на каждую форму, заполненной как это сделал бы куратор.

    Данные вымышленные и всегда одинаковые. По умолчанию папка «Наставник-пример».
    """
    from toolkit.demo.build import run_demo

    for line in run_demo(folder):
        click.echo(line)


@cli.command("match", context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]")
@click.argument("folder", metavar="ПАПКА", type=click.Path(path_type=Path))
@click.option("--scheme", "scheme", metavar="СХЕМА", required=True,
              help="Схема формирования пар: предложение, встреча или анкеты (также proposal, meeting, questionnaire).")
@click.option("--start", "start", metavar="ДАТА", default=None,
              help="Дата начала новых пар (ДД.ММ.ГГГГ). По умолчанию сегодня, но не раньше начала программы.")
@click.option("--date", "meeting_date", metavar="ДАТА", default=None,
              help="Встреча: дата групповой встречи для расписания. По умолчанию сегодня.")
@click.option("--time", "begin", metavar="ЧЧ:ММ", default="15:00", show_default=True,
              help="Встреча: время начала первого раунда.")
@click.option("--minutes", "minutes", metavar="МИНУТ", type=int, default=7, show_default=True,
              help="Встреча: длительность одного раунда.")
@click.option("--rounds", "rounds", metavar="N", type=int, default=None,
              help="Встреча: число раундов (по умолчанию столько, чтобы все встретились со всеми, но не больше 10).")
@click.option("--group-size", "group_size", metavar="N", type=int, default=None,
              help="Встреча: сколько наставляемых подходят к столу наставника одновременно (по умолчанию "
                   "наставляемые делятся поровну между столами, но не больше 5 за столом).")
@click.option("--reschedule", is_flag=True, help="Встреча: составить расписание заново (прежнее — в резервной копии).")
def match_cmd(folder: Path, scheme: str, start: str | None, meeting_date: str | None, begin: str, minutes: int,
              rounds: int | None, group_size: int | None, reschedule: bool) -> None:
    """Сформировать пары и группы (этап 4) по одной из трёх схем; результат — книга «04_Пары».

    \b
    предложение — куратор пишет предложения на листе «Предложения»; пара закрепляется
                  только с согласия обеих сторон (для педагогов — и после личной встречи);
    встреча     — Mentor Match: первый запуск составляет расписание быстрых встреч и лист
                  «Пожелания»; после встречи внесите места и запустите снова — пары
                  сложатся только при совпадении желаний;
    анкеты      — программа сравнивает анкеты, предлагает пары с наибольшим суммарным баллом
                  с объяснением и запасными вариантами; решает куратор: отметьте согласия
                  и запустите снова.

    В подборе участвуют только готовые участники («nastavnik status»). Перед записью книга
    копируется в «Резервные копии»; введённые значения сохраняются.
    """
    from toolkit.base.problems import Report
    from toolkit.model.pairs import parse_scheme
    from toolkit.model.program import Program
    from toolkit.stages.match import MatchOptions, run_match

    options = MatchOptions(
        scheme=parse_scheme(scheme), start=_date_option(start, "--start"),
        meeting_date=_date_option(meeting_date, "--date"), rounds=rounds, group_size=group_size,
        minutes=minutes, begin=begin, reschedule=reschedule)
    program = Program.open(folder)
    report = Report()
    outcome = run_match(program, options, report)
    shown = [p for p in report if p.file == outcome.path.name or p.code.startswith("pair-")]
    others = [p for p in report if p not in shown and p.severity == "error"]
    if shown:
        _print_report(shown)
    for line in outcome.lines:
        click.echo(line)
    if outcome.backup:
        click.echo(f"Прежняя версия книги: {outcome.backup}")
    click.echo(f"Книга пар: {outcome.path}")
    if others:
        click.echo(_errors_line(others, folder, "other-books-have-errors"))
    if any(p.severity == "error" for p in shown):
        _next("исправьте строки книги пар, названные выше, и запустите подбор снова", "match", folder,
              "--scheme", scheme)
        sys.exit(EXIT_PROBLEMS)
    if outcome.formed:
        _next("подготовьте приказ о закреплении пар", "order", folder)
    else:
        _next("отметьте в книге пар согласия (или места на листе «Пожелания») и запустите подбор снова", "match",
              folder, "--scheme", scheme)


@cli.command("order", context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]")
@click.argument("folder", metavar="ПАПКА", type=click.Path(path_type=Path))
@click.option("--number", "number", metavar="НОМЕР", default=None,
              help="Номер приказа. Без него в приказе останется строка, чтобы вписать номер от руки.")
@click.option("--date", "date", metavar="ДАТА", default=None,
              help="Дата приказа (ДД.ММ.ГГГГ). Без неё останется строка для даты.")
@click.option("--template", "template", metavar="ФАЙЛ", type=click.Path(path_type=Path), default=None,
              help="Свой шаблон приказа (.docx с полями {{ … }}) вместо встроенного.")
@click.option("--pdf", "pdf", is_flag=True, help="Сделать также PDF (нужен LibreOffice).")
def order_cmd(folder: Path, number: str | None, date: str | None, template: Path | None, pdf: bool) -> None:
    """Сделать «Приказ о закреплении наставнических пар» (Word) по листу «Пары» книги «04_Пары».

    В приказ попадают действующие пары и группы с согласием обеих сторон (для педагогов — и с датой
    личной встречи): таблица пар, ответственный куратор, строка подписи директора.
    """
    from toolkit.base.problems import Report
    from toolkit.documents.order import make_order
    from toolkit.model.program import Program

    program = Program.open(folder)
    report = Report()
    result = make_order(program, report, number=number, date=_date_option(date, "--date"),
                        template=template, pdf=pdf)
    click.echo(f"Приказ: {result.path} — пар и групп {result.pairs}, наставляемых {result.mentees}.")
    _print_labour_papers(report)
    if result.left_out:
        click.echo(f"Не вошли в приказ строк листа «Пары»: {result.left_out} (нет согласия обеих сторон или даты "
                   f"личной встречи). Подробности:\n  {command('check', folder)}")
    if result.backup:
        click.echo(f"Прежний приказ: {result.backup}")
    if result.unchanged:
        click.echo("Приказ уже такой: файл не перезаписан.")
    if result.pdf:
        click.echo(f"PDF: {result.pdf}")
    _next("подпишите приказ и раздайте парам их книги", "distribute", folder, "--out", folder / "Рассылка")


@cli.command("merge", context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]")
@click.argument("template", metavar="ШАБЛОН.docx", type=click.Path(path_type=Path))
@click.argument("data", metavar="ДАННЫЕ", type=click.Path(path_type=Path))
@click.option("--out", "out", metavar="ПАПКА", type=click.Path(path_type=Path), default=None,
              help="Папка для готовых документов (обязательно; создаётся, если её нет).")
@click.option("--single", is_flag=True,
              help="Один файл для печати: все документы подряд, каждый с новой страницы.")
@click.option("--pdf", "pdf", is_flag=True,
              help="Сделать также PDF (нужен LibreOffice; файлы конвертируются пакетом, а не по одному).")
@click.option("--name-column", "name_column", metavar="СТОЛБЕЦ", default=None,
              help="Столбец, по которому называются файлы. По умолчанию «ФИО», «Фамилия Имя Отчество» "
                   "или «Получатель», а если их нет — номер строки.")
def merge_cmd(template: Path, data: Path, out: Path | None, single: bool, pdf: bool,
              name_column: str | None) -> None:
    """Слияние: документ Word по каждой строке таблицы (.xlsx, .ods или .csv) — письма, грамоты, приглашения.

    Поля шаблона называются как столбцы таблицы: {{ ФИО }}, {{ Класс }}; пробелы в названии столбца
    заменяются на «_» ({{ За_что }}). Фильтры склоняют ФИО с учётом столбца «Пол» (м/ж):
    {{ ФИО|дательный }}, {{ ФИО|родительный }}, {{ ФИО|творительный }}, {{ ФИО|уважаемый }}
    («Уважаемая Анна Сергеевна!»), {{ ФИО|инициалы }} («И. И. Иванов»), {{ Дата|дата }} («1 сентября
    2026 г.»). Подходит и шаблон из «Рассылок» Word (поля MERGEFIELD) с дополнительными полями
    ФИО_дательный, ФИО_родительный, ФИО_творительный, ФИО_уважаемый, ФИО_инициалы.

    Сначала проверяется всё сразу (поля без столбцов, неизвестные фильтры, пустые ФИО — с номерами
    строк), и только потом пишутся файлы. Код выхода: 0 — готово, 1 — ошибки в данных или шаблоне
    (ничего не записано), 2 — файл нельзя использовать (нет файла, не .docx, не таблица).
    """
    import contextlib

    from toolkit.documents.merge import is_unusable, plan_merge, run_merge

    if out is None:
        _fail("Не указана папка для документов: добавьте --out ПАПКА.")
        return
    plan = plan_merge(template, data, name_column=name_column)
    if len(plan.report):
        _print_report(plan.report)
    if plan.report.errors:
        click.echo(f"Всего: ошибок {len(plan.report.errors)}, предупреждений {len(plan.report.warnings)}. "
                   "Документы не созданы: исправьте ошибки и запустите команду снова.")
        sys.exit(EXIT_UNUSABLE if is_unusable(plan.report) else EXIT_PROBLEMS)
    recipients = len(plan.data.records())
    with contextlib.ExitStack() as stack:
        progress: Any = None
        if recipients > 50 and sys.stdout.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            bar = stack.enter_context(Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                               TimeElapsedColumn(), console=_console(), transient=True))
            task = bar.add_task("Заполнение", total=recipients)

            def advance(stage: str, done: int, total: int | None) -> None:
                bar.update(task, description=stage, completed=done, total=total)

            progress = advance

        result = run_merge(plan, out, single=single, pdf=pdf, progress=progress)
    if result.report.errors:
        _print_report(result.report)
        click.echo(f"Всего: ошибок {len(result.report.errors)}. Документы не созданы: исправьте ошибки и "
                   "запустите команду снова.")
        sys.exit(EXIT_PROBLEMS)
    if single:
        click.echo(f"Готово: документов {recipients} в одном файле «{out / result.documents[0].name}».")
    else:
        click.echo(f"Готово: документов {recipients} в папке «{out}».")
    if result.pdfs:
        where = f"«{out / result.pdfs[0].name}»" if single else f"в папке «{out}»"
        click.echo(f"PDF: {len(result.pdfs)} {where}.")
    if plan.report.warnings:
        click.echo(f"Предупреждений: {len(plan.report.warnings)} (см. выше) — проверьте эти документы.")


@cli.command("distribute", context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]")
@click.argument("folder", metavar="ПАПКА", type=click.Path(path_type=Path))
@click.option("--out", "out", metavar="ВЫХОД", type=click.Path(path_type=Path), required=True,
              help="Папка для книг пар (создаётся, если её нет).")
def distribute_cmd(folder: Path, out: Path) -> None:
    """Раздать парам рабочие книги (этапы 5–6): по книге на каждую действующую пару или группу.

    В книге уже заполнены и защищены имена, коды, список компетенций, номера целей и встреч; пара
    заполняет анализ компетенций, цели и спринты, журнал встреч с оценками и рефлексией, дневник
    (педагоги — ещё программу адаптации и промежуточные итоги). Код пары и код программы хранятся
    в самой книге: файл можно переименовать. То, что уже собрано от пары, переносится в новую книгу.
    """
    from toolkit.model.program import Program
    from toolkit.stages.pair_files import distribute

    program = Program.open(folder)
    done = distribute(program, out)
    click.echo(f"Книги пар: {len(done)} в папке «{out}».")
    for item in done:
        click.echo(f"  {item.pair_id}: {item.path.name}" + (" — без изменений" if item.unchanged else ""))
        if item.backup:
            click.echo(f"    прежняя книга — в резервной копии: {item.backup.name}")
    _next("отправьте книги парам; присланные обратно сложите в одну папку (например «Входящие») и соберите их",
          "collect", folder, folder / "Входящие")


@cli.command("collect", context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]")
@click.argument("folder", metavar="ПАПКА", type=click.Path(path_type=Path))
@click.argument("inbox", metavar="ВХОДЯЩИЕ", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True,
              help="Принять файл, даже если он старее собранного или строки пары правились в книге программы "
                   "(прежняя книга — в резервной копии).")
def collect_cmd(folder: Path, inbox: Path, force: bool) -> None:
    """Собрать присланные книги пар в «05_Работа пар».

    Читаются все файлы папки (любые имена, .xlsx или .ods из любой программы): пара узнаётся по коду
    внутри файла. Данные проверяются и переносятся без дублей; повторный сбор тех же файлов ничего не
    меняет. Конфликты — две разные версии одной пары, изменённые защищённые ячейки, файл другой
    программы, более старая копия, правки в книге программы после сбора — не перезаписывают данные:
    программа о них сообщает. Перед записью книга копируется в «Резервные копии».
    Код выхода: 0 — всё принято или без изменений, 1 — есть непринятые файлы, 2 — папку нельзя использовать.
    """
    from toolkit.base.problems import Report
    from toolkit.model.program import Program
    from toolkit.stages.pair_files import collect

    program = Program.open(folder)
    report = Report()
    result = collect(program, inbox, report, force=force)
    if len(report):
        _print_report(report)
    for pair, name, summary in result.accepted:
        click.echo(f"Принято: {pair} из «{name}» — {summary}.")
    for pair, name in result.unchanged:
        click.echo(f"Без изменений: {pair} («{name}»).")
    for pair, name, same in result.duplicates:
        click.echo(f"Повтор: «{name}» совпадает с «{same}» ({pair}).")
    for line in result.lines:
        click.echo(line)
    if result.written:
        if result.backup:
            click.echo(f"Прежняя версия книги: {result.backup}")
        click.echo(f"Книга работы пар: {result.path}")
    else:
        click.echo(f"Книга «{result.path.name}» не изменилась.")
    if result.refused:
        click.echo(f"Не принято файлов: {len(result.refused)} (причины — выше).")
    if report.errors:
        _next("попросите пары исправить названные файлы (или исправьте их сами) и соберите снова", "collect",
              folder, inbox)
        sys.exit(EXIT_PROBLEMS)
    _next("посмотрите, каким парам нужно внимание", "monitor", folder)


@cli.command("monitor", context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]")
@click.argument("folder", metavar="ПАПКА", type=click.Path(path_type=Path))
@click.option("--date", "date", metavar="ДД.ММ.ГГГГ", default=None,
              help="День, на который делается мониторинг. По умолчанию сегодня.")
@click.option("--pdf", "pdf", is_flag=True, help="Сделать также PDF (нужен LibreOffice).")
def monitor_cmd(folder: Path, date: str | None, pdf: bool) -> None:
    """Книга мониторинга для куратора и директора: «Мониторинг.xlsx».

    Сводка и пары, которым нужно внимание; диаграммы — встречи по месяцам, оценки встреч по месяцам,
    компетенции наставляемых на старте и сейчас, пары по состоянию; таблица пар; база наставников и
    база наставляемых целевой модели; лист «Анкеты и рост» — мониторинг в два этапа (Р-145) из книги
    «07_Мониторинг»: средние по анкетам наставников и наставляемых, показатели на входе и на выходе,
    SWOT. В «07_Мониторинг» добавляются строки для участников закреплённых пар (введённое сохраняется).
    Книга «Мониторинг.xlsx» пересоздаётся при каждом запуске.
    """
    import datetime as dt

    from toolkit.base.problems import Report
    from toolkit.checks.program import load_program
    from toolkit.model.program import Program
    from toolkit.stages.monitor import build_monitor, monitor_path, write_monitor_workbook
    from toolkit.stages.survey import refresh_rows

    program = Program.open(folder)
    report = Report()
    data = load_program(program, report)
    if "pairs" not in data.books:
        _fail("книга пар «04_Пары» не прочитана: сначала сформируйте пары («nastavnik match») и проверьте книги "
              f"(«nastavnik check {folder}»).")
    from toolkit.base.messages import render
    from toolkit.stages.pair_files import unreadable_work_book

    broken = unreadable_work_book(program, data, report)
    if broken is not None:  # a monitoring with no meetings at all would be wrong, not empty
        _fail(render("book-unreadable", book=broken[0], detail=broken[1], consequence=(
            "Мониторинг не составлен: в нём не было бы ни одной встречи. Исправьте книгу или восстановите её из "
            "резервной копии.")))
    day = _date_option(date, "--date") or dt.date.today()
    monitor = build_monitor(data, day)
    path = monitor_path(data)
    notes = write_monitor_workbook(monitor, path)
    book_lines, added = refresh_rows(program)  # after the monitoring is written: a refusal changes no book
    if added:  # the new rows are counted in «Анкеты и рост» («0 из N»)
        monitor = build_monitor(load_program(program, Report()), day)
        notes = write_monitor_workbook(monitor, path)
    click.echo(f"Мониторинг на {day:%d.%m.%Y}: {path}")
    for note in [*book_lines, *notes]:
        click.echo(note)
    for label, value in monitor.totals:
        click.echo(f"  {label}: {value}")
    q = monitor.quality
    click.echo(f"  Анкеты (книга «07_Мониторинг»): наставников {q.mentors_answered} из {q.mentors_total}, "
               f"наставляемых {q.mentees_answered} из {q.mentees_total}; с замерами на входе и выходе: "
               f"{max((g.n for g in q.growth), default=0)}.")
    if report.errors:
        click.echo(_errors_line(report, folder))
    if pdf:
        from toolkit.documents.pdf import convert_to_pdf

        (made,) = convert_to_pdf([path], path.parent)
        click.echo(f"PDF: {made}")
    _next("в конце программы подведите итоги", "results", folder)


@cli.command("results", context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]")
@click.argument("folder", metavar="ПАПКА", type=click.Path(path_type=Path))
@click.option("--date", "date", metavar="ДД.ММ.ГГГГ", default=None,
              help="День оценки: регулярность встреч и цели считаются до него (не позже окончания программы; "
                   "пара без встреч получает 0). По умолчанию сегодня.")
def results_cmd(folder: Path, date: str | None) -> None:
    """Итоги (этап 7): книга «06_Итоги» и рейтинг лучших наставников.

    Добавляет строки для каждой пары и группы на листы «Результаты», «Компетенции», «Обратная связь»
    (педагогам — «Взаимная оценка»), переносит оценки компетенций на старте из «05_Работа пар» и
    составляет лист «Рейтинг наставников» по обратной связи куратора и наставляемых: каждый компонент
    в своём столбце, веса — в профиле формы, расчёт и равенство баллов объяснены в строке. Регулярность
    встреч и достигнутые цели — второстепенные компоненты (нет журнала встреч — не учитываются, это
    написано). Выбранные куратором поощрения и всё введённое сохраняются; прежняя книга — в
    «Резервные копии». Письма и грамоты по выбранным поощрениям: «nastavnik docs».
    """
    from toolkit.base.problems import Report
    from toolkit.model.program import Program
    from toolkit.stages.results import run_results

    program = Program.open(folder)
    report = Report()
    outcome = run_results(program, report, today=_date_option(date, "--date"))
    for line in outcome.lines:
        click.echo(line)
    if outcome.backup:
        click.echo(f"Прежняя версия книги: {outcome.backup}")
    click.echo(f"Книга итогов: {outcome.path}")
    if report.errors:
        click.echo(_errors_line(report, folder))
    _next("выберите поощрения в столбце «Поощрение» листа «Рейтинг наставников» и сделайте документы", "docs",
          folder, "--kind", "все")


@cli.command("docs", context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]")
@click.argument("folder", metavar="ПАПКА", type=click.Path(path_type=Path))
@click.option("--kind", "kind", metavar="ВИД", required=True,
              help="Что сделать: письма, грамоты, приказ, прогресс, отчёт, практика, сайт, приглашения, "
                   "внедрение, куратор, дорожная_карта, положение, программа, согласия, соглашения, доплата, "
                   "персональные, завершение, ходатайство, справка (также латиницей: letters, certificates, order, "
                   "progress, report, practice, site, invitations, launch, curator, roadmap, regulation, program, "
                   "consents, agreements, pay, personal, closing, petition, analysis) "
                   "или все (all) — все виды сразу.")
@click.option("--single", is_flag=True, help="Один файл для печати: все документы подряд, каждый с новой страницы.")
@click.option("--pdf", "pdf", is_flag=True,
              help="Сделать также PDF (нужен LibreOffice; файлы конвертируются пакетом, а не по одному).")
@click.option("--out", "out", metavar="ПАПКА", type=click.Path(path_type=Path), default=None,
              help="Куда положить документы. По умолчанию папка «Документы» в папке программы.")
@click.option("--date", "date", metavar="ДД.ММ.ГГГГ", default=None,
              help="Дата в документах (и день, до которого считается регулярность встреч в отчётах). По "
                   "умолчанию: в письмах и грамотах — дата итогового мероприятия (лист «Итоговое мероприятие»), "
                   "в остальных — сегодня.")
def docs_cmd(folder: Path, kind: str, single: bool, pdf: bool, out: Path | None, date: str | None) -> None:
    """Документы программы по шаблонам из doc_templates/ (Word; сайт — HTML).

    \b
    письма      — благодарственные письма наставникам, которым в рейтинге выбрано письмо;
                  подписывающий и его организация — из книги настроек;
    грамоты     — грамоты школы наставникам, которым выбрана грамота (подпись директора);
    приказ      — приказ о закреплении наставнических пар;
    прогресс    — отчёт о прогрессе каждой пары или группы: цели и спринты, встречи и оценки,
                  компетенции в начале и в конце (диаграмма), результаты, обратная связь;
    отчёт       — отчёт о программе для директора и педсовета: участники по этапам,
                  мониторинг, лучшие наставники, лучшие практики;
    практика    — описание лучшей практики на конкурс (городской, краевой, всероссийский уровень);
    сайт        — страница лучших практик для сайта школы (один HTML-файл без внешних ссылок);
    приглашения — приглашения партнёрам на итоговое мероприятие;
    внедрение   — приказ о внедрении целевой модели наставничества;
    куратор     — приказ о назначении куратора и рабочей группы;
    дорожная_карта — дорожная карта программы (лист «Дорожная карта» книги настроек);
    положение   — положение о наставничестве (педагоги: о системе наставничества);
    программа   — программа наставничества;
    согласия, соглашения, доплата — только педагоги (ст. 351.8 ТК РФ): заявления-
                  согласия наставников, дополнительные соглашения, приказ о доплате;
    персональные — только педагоги: персонализированная программа каждой пары;
    завершение  — приказ о завершении программы и поощрении наставников;
    ходатайство — ходатайство о награждении наставников благодарственными письмами;
    справка     — аналитическая справка куратора (дорожная карта, мониторинг, SWOT).

    По файлу на человека (или пару, практику, партнёра); --single — один файл для печати. ФИО
    склоняются по столбцу «Пол»: «выражает благодарность Иванову Ивану Ивановичу», «Уважаемая
    Анна Сергеевна!». Прежние файлы с теми же именами уходят в «Резервные копии».
    """
    import contextlib
    import dataclasses

    from toolkit.base.problems import Report
    from toolkit.checks.program import load_program
    from toolkit.documents.kinds import ALL_KINDS, KINDS, DocsOptions, DocsOutcome, make_documents, parse_kind
    from toolkit.model.program import Program

    day = _date_option(date, "--date")
    every = kind.strip().casefold() in ALL_KINDS
    kinds = list(KINDS.values()) if every else [parse_kind(kind)]
    options = DocsOptions(kinds[0], out=out, single=single, pdf=pdf, date=day, today=day)
    program = Program.open(folder)
    report = Report()
    with contextlib.ExitStack() as stack:
        progress: Any = None
        if sys.stdout.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            bar = stack.enter_context(Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                               TimeElapsedColumn(), console=_console(), transient=True))
            task = bar.add_task("Документы", total=None)

            def advance(stage: str, done: int, total: int | None) -> None:
                bar.update(task, description=stage, completed=done, total=total)

            progress = advance
        if every:  # every kind in turn, the books read once; a kind that cannot be made is named, not fatal
            data = load_program(program, report)
            outcome = DocsOutcome(kinds[0])
            for each in kinds:
                try:
                    done = make_documents(program, dataclasses.replace(options, kind=each), report, progress, data)
                except NastavnikError as exc:
                    outcome.lines.append(f"{each.title}: не сделаны — {exc.message}")
                    continue
                outcome.lines.extend(done.lines)
                outcome.documents.extend(done.documents)
                outcome.pdfs.extend(done.pdfs)
                outcome.backups += done.backups
                outcome.unchanged += done.unchanged
        else:
            outcome = make_documents(program, options, report, progress)
    for line in outcome.lines:
        click.echo(line)
    where = outcome.documents[0].parent if outcome.documents else out
    click.echo(f"Готово: файлов {len(outcome.documents)} в папке «{where}».")
    if outcome.pdfs:
        click.echo(f"PDF: {len(outcome.pdfs)}.")
    if outcome.unchanged:
        click.echo(f"Без изменений (уже такие же, не перезаписаны): {outcome.unchanged}.")
    if outcome.backups:
        click.echo(f"Прежние версии файлов ({outcome.backups}) — в папке «Резервные копии».")
    if report.errors:
        click.echo(_errors_line(report, folder, "books-have-errors-docs"))
    _next(f"откройте документы в папке «{where}», проверьте и распечатайте; обезличенная выгрузка для "
          "муниципалитета", "export", folder, "--anonymize")


@cli.command("export", context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]")
@click.argument("folder", metavar="ПАПКА", type=click.Path(path_type=Path))
@click.option("--anonymize", is_flag=True,
              help="Обезличить (обязательно: другой выгрузки нет — персональные данные детей не покидают школу).")
@click.option("--out", "out", metavar="ФАЙЛ", type=click.Path(path_type=Path), default=None,
              help="Куда записать книгу. По умолчанию «Выгрузка для муниципалитета (обезличенная).xlsx» в папке "
                   "программы.")
@click.option("--date", "date", metavar="ДД.ММ.ГГГГ", default=None,
              help="День, на который оценивается состояние пар. По умолчанию сегодня.")
def export_cmd(folder: Path, anonymize: bool, out: Path | None, date: str | None) -> None:
    """Обезличенная сводная выгрузка для муниципалитета (152-ФЗ): книга Excel без ФИО, контактов и ответов.

    Листы: «Сводка» (школа, форма, учебный год, участники по этапам, пары, встречи и средние оценки),
    «Участники» (псевдонимы «Наставник 1», «Наставляемый 2» по порядку кодов участников, роль, класс
    диапазоном или стаж диапазоном, пол, этап, готовность к паре), «Пары» (псевдонимы, схема, состояние),
    «Анкеты» и «Рост участников» (мониторинг на дату выгрузки, только итоговые числа). Свободные ответы анкет
    не выгружаются: в них могут быть имена. Запускается только с --anonymize.
    """
    import datetime as dt

    if not anonymize:
        _fail("выгрузка бывает только обезличенной: персональные данные несовершеннолетних не покидают школу. "
              f"Запустите «nastavnik export {folder} --anonymize».")
    from toolkit.base.messages import FATAL_CODES
    from toolkit.base.problems import Report
    from toolkit.checks.program import load_program
    from toolkit.model.program import Program
    from toolkit.stages.export import build_export, export_path, write_export_workbook

    day = _date_option(date, "--date") or dt.date.today()
    program = Program.open(folder)
    report = Report()
    data = load_program(program, report)
    fatal = [p for p in report if p.code in FATAL_CODES and p.file]
    if any(p.book == "applications" for p in fatal):
        _fail(f"{fatal[0].file}: {fatal[0].message}")
    export = build_export(data, day)
    path = out or export_path(data)
    notes = write_export_workbook(export, path)
    click.echo(f"Обезличенная выгрузка на {day:%d.%m.%Y}: {path}")
    for note in notes:
        click.echo(note)
    click.echo(f"  участников: {len(export.participants)}, пар и групп: {len(export.pairs)}; ФИО, контактов и "
               "ответов анкет в ней нет.")
    if not export.meta.get("pupils_total"):
        click.echo("  Внимание: в «00_Настройки» не указано «Число обучающихся в школе» — охват наставничеством в "
                   "сводке муниципалитета для школы не посчитается.")
    if report.errors:
        click.echo(_errors_line(report, folder))
    _next("отправьте файл в муниципалитет — в нём нет персональных данных")


@cli.command("rollup", context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]")
@click.argument("inbox", metavar="ВХОДЯЩИЕ", type=click.Path(path_type=Path))
@click.option("--out", "out", metavar="ФАЙЛ", type=click.Path(path_type=Path), default=None,
              help="Куда записать сводку. По умолчанию «Сводка по наставничеству.xlsx» рядом с папкой ВХОДЯЩИЕ.")
@click.option("--previous", "previous", metavar="ФАЙЛ", type=click.Path(path_type=Path), default=None,
              help="Прошлогодняя сводка этой команды: охват, участники и пары год назад и изменение.")
def rollup_cmd(inbox: Path, out: Path | None, previous: Path | None) -> None:
    """Сводка муниципалитета по обезличенным выгрузкам школ («nastavnik export --anonymize»).

    Читаются все таблицы папки и вложенных папок (любые имена). Не выгрузка, выгрузка другой версии
    программы или другого учебного года не учитываются — с причиной и именем файла. Если школа прислала
    несколько выгрузок одной формы, учитывается сделанная последней. Листы: «Сводка» (итоги и диаграммы),
    «Охват» (доля обучающихся в наставничестве по школам против цели 70 %), «По школам», «Этапы», «По
    формам», «Файлы». Числа от 1 до 4 человек не показываются («<5»). Файл, сделанный не этой командой,
    не перезаписывается. Код выхода: 0 — все файлы учтены, 1 — есть непринятые файлы, 2 — нечего сводить.
    """
    from toolkit.base.problems import Report
    from toolkit.stages.rollup import DEFAULT_NAME, build_rollup, build_tables, ensure_ours, write_rollup

    target = out or inbox.parent / DEFAULT_NAME
    ensure_ours(target)  # refused before anything is read
    report = Report()
    rollup = build_rollup(inbox, report, out=target, previous=previous)
    tables = build_tables(rollup)
    saved = write_rollup(tables, target)
    if len(report):
        _print_report(report)
    click.echo(f"Сводка за {rollup.year} учебный год: {target}")
    from toolkit.base.values import format_number

    for label, value in tables.headline[1:]:
        shown = format_number(value) if isinstance(value, float) else value  # «4,7», as the sheet shows it
        click.echo(f"  {label}: {shown}")
    if saved:
        click.echo(f"Прежняя сводка — в резервной копии: {saved.name}")
    if rollup.refused:
        click.echo(f"Не принято файлов: {len(rollup.refused)} (причины — выше).")
        sys.exit(EXIT_PROBLEMS)


@click.command("пульт", context_settings=CONTEXT, options_metavar="[ПАРАМЕТРЫ]")
@click.argument("folder", metavar="[ПАПКА]", type=click.Path(path_type=Path), required=False)
@click.option("--no-browser", is_flag=True,
              help="Не открывать браузер: только напечатать адрес (первая строка — полный адрес с секретом).")
@click.option("--shortcut", is_flag=True,
              help="Положить на рабочий стол ярлык «Наставник», который запускает пульт (и выйти).")
@click.option("--port", type=int, default=0, hidden=True)
@click.option("--idle", type=float, default=None, hidden=True)
def desk_cmd(folder: Path | None, no_browser: bool, shortcut: bool, port: int, idle: float | None) -> None:
    """Пульт куратора: вся программа в браузере на этом компьютере, без командной строки.

    Открывает браузер на стартовой странице (или сразу на странице программы ПАПКА). Пульт работает,
    пока открыта его страница (и ещё пару минут после), или до Ctrl+C. Доступен только с этого
    компьютера и только по адресу с секретом, который выдаётся при каждом запуске.
    """
    if shortcut:
        from toolkit.desk.shortcut import make_shortcut

        path = make_shortcut(folder)
        click.echo(f"Ярлык пульта: {path}")
        return
    from toolkit.desk.server import IDLE_SECONDS, serve

    serve(folder, browser=not no_browser, port=port, idle=IDLE_SECONDS if idle is None else idle)


cli.add_command(desk_cmd, "пульт")
cli.add_command(desk_cmd, "desk")


# ---------------------------------------------------------------------------- entry point


def _console_safe() -> None:
    """A console (or a redirected file) in cp1251/cp866 cannot encode «→» or an emoji typed in a cell: such
    characters are replaced («?»), never a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # a stream already written to in an incompatible way: left as it is
                pass


def _json_text(value: Any, **options: Any) -> str:
    """JSON for standard output: UTF-8 as it is, otherwise ASCII-escaped (\\uXXXX) — valid in any encoding."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").replace("-", "").replace("_", "").lower()
    return json.dumps(value, ensure_ascii=encoding not in ("utf8", "utf8sig"), **options)


def main(argv: list[str] | None = None) -> None:
    _console_safe()
    try:
        cli.main(args=argv, prog_name="nastavnik", standalone_mode=False)
    except NastavnikError as exc:
        click.echo(f"Ошибка: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Прервано.", err=True)
        sys.exit(130)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(EXIT_UNUSABLE)
    except KeyboardInterrupt:
        click.echo("Прервано.", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # a bug of ours: one sentence, the trace only on request
        from toolkit.base.files import describe_os_error

        refused = describe_os_error(exc)  # the system refused (a full or read-only disk), whichever library asked
        if refused and not os.environ.get("NASTAVNIK_DEBUG"):
            click.echo(f"Ошибка: {refused}", err=True)
            sys.exit(EXIT_UNUSABLE)
        if os.environ.get("NASTAVNIK_DEBUG"):
            raise
        click.echo(f"Внутренняя ошибка программы ({type(exc).__name__}). Повторите с переменной окружения "
                   "NASTAVNIK_DEBUG=1 и сообщите разработчикам текст ошибки.", err=True)
        sys.exit(3)


if __name__ == "__main__":  # pragma: no cover
    main()
