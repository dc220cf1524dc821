"""Build the report templates of doc_templates/ with python-docx (and the web page template), reproducibly.

Usage: python scripts/make_report_templates.py [--out doc_templates] [ИМЯ ...]

The templates are filled by ``nastavnik docs ПАПКА --kind …`` (toolkit/documents.py) from the program's
workbooks; every field is a docxtpl field with a Cyrillic name, so admin staff can edit the wording in Word
or LibreOffice Writer without touching the fields:

* прогресс_пары.docx — the progress report of a pair or group: goals and sprints, meetings and evaluations,
  the competencies of each mentee at the start and at the end (a chart image, toolkit/documents/charts.py),
  the results of each mentee, the intermediate results (each once), feedback;
* отчет_о_программе.docx — the program report for the director and the pedagogical council: mentors and
  mentees by stage, monitoring of the work of pairs, the ranking, best practices, the proposals to the
  council (it recommends the school's own awards and petitions for the letters another organisation gives);
* лучшая_практика.docx — the description of a best practice for a competition (city, regional, national);
* приглашение.docx — the invitation of a partner to the final celebration;
* лучшие_практики_сайт.html — the page of best practices for the school web site (self-contained: the
  styles are inside, no scripts, fonts, pictures or links to other sites).

A document a director signs shows each figure once: a chart or a table, never both; it names things as a
school does (no command, book or sheet of the toolkit). Headings, names and captions are kept with what
follows them, table rows never split, and the last section is kept with the signatures, so that no page
holds only signatures. ``_bar_table`` draws a bar chart as a table whose cells are shaded by the data
(docxtpl's ``{% cellbg %}``), editable in Word and exact in the PDF.

Layout: Times New Roman, A4, margins 30/15/20/20 mm, the school's name and address over a rule, the title in
capitals, text justified with a 1.25 cm first-line indent, signature lines «должность — подпись — инициалы
и фамилия». The files are byte-for-byte reproducible (fixed properties and zip timestamps).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Cm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docx_parts import (  # noqa: E402  (a sibling module: the shared document parts)
    CENTER,
    JUSTIFY,
    LEFT,
    RIGHT,
    add_run,
    base_document,
    cant_split,
    cell_text,
    loop_table,
    make_templates,
    para,
    repeat_header,
    rule,
    save_reproducibly,
    set_borders,
    set_widths,
    shade,
    signatures,
)

HEAD_BG = "DDEBF7"
GRID, BAR_GRID = "808080", "BFBFBF"
TEXT_SIZE = 12
ENTRY_SIZE = 11  # the «что: текст» lines of a progress report (results, conclusions, feedback)
COMMENTS = ("Поля {{ … }} заполняет команда nastavnik docs. Текст вокруг полей можно править; имена полей не "
            "меняйте.")

_report_document = partial(base_document, comments=COMMENTS, size=TEXT_SIZE)
_loop_table = partial(loop_table, size=10, color=GRID, head_fill=HEAD_BG)  # 10 pt, grey grid, shaded header
_signatures = partial(signatures, size=TEXT_SIZE, height=1.1)


# --------------------------------------------------------------------------- helpers


def _school_header(doc: Any) -> None:
    para(doc, "{{ школа|upper }}", bold=True, align=CENTER, size=12, line=1.15)
    para(doc, "{% if адрес %}{{ адрес }}{% endif %}", align=CENTER, size=10)
    rule(doc, after=18)


def _heading(doc: Any, text: str, *, before: float = 12) -> None:
    p = para(doc, text, bold=True, size=13, before=before, after=6)
    p.paragraph_format.keep_with_next = True


def _text(doc: Any, text: str, *, after: float = 6, indent: bool = True, italic: bool = False,
          kept: bool = False, before: float = 0) -> Any:
    p = para(doc, text, align=JUSTIFY, indent=indent, after=after, italic=italic, line=1.15, before=before)
    if kept:
        p.paragraph_format.keep_with_next = True
    return p


def _sign_lines(doc: Any, rows: list[tuple[str, str]], date: str) -> None:
    """«Должность ____________ И. О. Фамилия» lines and the date, as paragraphs kept together and with the
    paragraph before them (which must be kept with its next): never a page holding only signatures."""
    keep = para(doc, after=6)
    keep.paragraph_format.keep_with_next = True
    for position, name in rows:
        p = para(doc, after=10, size=TEXT_SIZE)
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.tab_stops.add_tab_stop(Cm(8.0))
        p.paragraph_format.tab_stops.add_tab_stop(Cm(16.5), WD_TAB_ALIGNMENT.RIGHT)
        p.add_run(f"{position}\t_______________\t{name}")
    para(doc, date, size=TEXT_SIZE)


def _control(doc: Any, tag: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag ({%p if … %}): it vanishes on rendering."""
    para(doc, tag, size=2)


def keep(p: Any) -> Any:
    """Keep the paragraph on the page of the next one."""
    p.paragraph_format.keep_with_next = True
    return p


def _entries(doc: Any, loop: str, label: str, text: str, missing: str | None, *, kept: bool = False) -> None:
    """«label: text» paragraphs, one for each item of ``loop`` («r in результаты»), or the sentence
    ``missing`` when the list is empty; ``kept``: every paragraph kept with the next one."""
    items = loop.split(" in ", 1)[1]
    _control(doc, "{%p for " + loop + " %}")
    p = para(doc, align=JUSTIFY, after=3, line=1.05)
    if kept:
        p.paragraph_format.keep_with_next = True
    add_run(p, label + ": ", bold=True, size=ENTRY_SIZE)
    add_run(p, text, size=ENTRY_SIZE)
    _control(doc, "{%p endfor %}")
    if missing is not None:
        _control(doc, "{%p if not " + items + " %}")
        _text(doc, missing, italic=True, kept=kept)
        _control(doc, "{%p endif %}")


def _info_table(doc: Any, rows: list[tuple[str, str]], widths: tuple[float, float] = (5.0, 11.5)) -> Any:
    """A two-column table «what — value» (the left column shaded)."""
    table = doc.add_table(rows=len(rows), cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_borders(table, color=GRID)
    for row, (label, value) in zip(table.rows, rows, strict=True):
        cell_text(row.cells[0], label, bold=True)
        shade(row.cells[0], "F2F2F2")
        cell_text(row.cells[1], value)
    set_widths(table, list(widths))
    return table


def _bar_table(doc: Any, headers: list[str], label_fields: list[str], loop: str, bar: str, cells: int,
               value_field: str, widths: list[float]) -> Any:
    """A horizontal bar chart as a table: ``cells`` narrow cells per row, each shaded by ``{% cellbg %}``
    with the colour the program computed (``bar`` is the list of colours of the row)."""
    ncols = len(label_fields) + cells + 1
    table = doc.add_table(rows=4, cols=ncols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_borders(table, color=BAR_GRID)
    head = table.rows[0].cells
    for i, text in enumerate(headers):
        cell_text(head[i], text, bold=True, size=10, align=CENTER)
    repeat_header(table.rows[0])
    cell_text(table.rows[1].cells[0], "{%tr " + loop + " %}")
    body = table.rows[2].cells
    for i, field in enumerate(label_fields):
        cell_text(body[i], field, size=10)
    for n in range(cells):
        cell_text(body[len(label_fields) + n], "{% cellbg " + f"{bar}[{n}]" + " %}", size=8)
    cell_text(body[-1], value_field, size=10, align=CENTER, bold=True)
    cant_split(table.rows[2])
    cell_text(table.rows[3].cells[0], "{%tr endfor %}")
    set_widths(table, widths)
    return table


# --------------------------------------------------------------------------- templates


def progress_report(path: Path) -> None:
    """«Отчёт о прогрессе наставнической пары (группы)»: one or two pages a pair. Headings and names stay with
    what follows them, table rows never split, the last section stays with the signatures; the competencies are
    a chart (no table repeats it)."""
    doc = _report_document("Отчёт о прогрессе наставнической пары")
    _school_header(doc)
    para(doc, "ОТЧЁТ О ПРОГРЕССЕ", bold=True, align=CENTER, size=15, spacing=2)
    para(doc, "{{ состав_заголовок }} {{ код }}", bold=True, align=CENTER, size=13, after=2)
    para(doc, "форма наставничества «{{ форма }}», {{ учебный_год }} учебный год", align=CENTER, after=8)
    table = _info_table(doc, [
        ("Наставник", "{{ наставник }}{% if наставник_кто %}, {{ наставник_кто }}{% endif %}"),
        ("{{ роль_наставляемых }}", "{{ наставляемые_строкой }}"),
        ("Срок работы", "{{ срок }}"),
        ("{{ запрос_заголовок }}", ""),
        ("Частота встреч", "{{ частота }}"),
    ])
    # each mentee's request in a paragraph of its own, under her initials in a group
    cell = table.rows[3].cells[1]
    cell_text(cell, "{%p for q in запросы %}", size=2)
    request = cell.add_paragraph()
    add_run(request, "{% if q.кто %}{{ q.кто }}: {% endif %}", size=11, italic=True)
    add_run(request, "{{ q.текст }}", size=11)
    cell.add_paragraph().add_run("{%p endfor %}").font.size = Pt(2)
    for row in table.rows:
        cant_split(row)

    _heading(doc, "1. Цели и спринты")
    _control(doc, "{%p if цели %}")
    _loop_table(doc, ["№", "Цель", "Горизонт", "Срок", "Статус"],
                ["{{ g.номер }}", "{{ g.цель }}", "{{ g.горизонт }}", "{{ g.срок }}", "{{ g.статус }}"],
                "for g in цели", [0.7, 6.4, 4.9, 2.2, 2.3], [CENTER, LEFT, LEFT, CENTER, CENTER])
    _control(doc, "{%p if спринты %}")
    keep(para(doc, "Спринты", italic=True, before=6, after=4))
    _loop_table(doc, ["№ цели", "Задача спринта", "Сроки", "Статус и результат"],
                ["{{ s.цель }}", "{{ s.задача }}", "{{ s.сроки }}",
                 "{{ s.статус }}{% if s.результат %}: {{ s.результат }}{% endif %}"],
                "for s in спринты", [1.5, 6.1, 4.6, 4.3], [CENTER, LEFT, CENTER, LEFT])
    _control(doc, "{%p endif %}")
    _control(doc, "{%p else %}")
    _text(doc, "Цели и спринты не внесены{{ нет_работы }}.", italic=True)
    _control(doc, "{%p endif %}")

    _heading(doc, "2. Встречи и оценки")
    _text(doc, "{{ встречи_итог }}", kept=True)
    _control(doc, "{%p if встречи %}")
    _loop_table(doc, ["№", "Дата", "Тема", "Формат", "Оценка наставника", "Оценка наставляемого"],
                ["{{ m.номер }}", "{{ m.дата }}", "{{ m.тема }}", "{{ m.формат }}", "{{ m.оценка_наставника }}",
                 "{{ m.оценка_наставляемого }}"],
                "for m in встречи", [0.8, 2.0, 6.3, 1.9, 2.5, 3.0], [CENTER, CENTER, LEFT, CENTER, CENTER, CENTER])
    _control(doc, "{%p endif %}")

    _heading(doc, "3. Результаты")
    _control(doc, "{%p for g in результаты %}")
    _control(doc, "{%p if g.имя %}")
    keep(para(doc, "{{ g.имя }}", bold=True, before=4, after=2))
    _control(doc, "{%p endif %}")
    _entries(doc, "r in g.строки", "{{ r.что }}", "{{ r.текст }}", None)
    _control(doc, "{%p endfor %}")
    _control(doc, "{%p if промежуточные %}")
    keep(para(doc, "Промежуточные итоги", bold=True, before=4, after=2))
    _entries(doc, "r in промежуточные", "{{ r.что }}", "{{ r.текст }}", None)
    _control(doc, "{%p endif %}")
    _control(doc, "{%p if not результаты and not промежуточные %}")
    _text(doc, "Результаты ещё не внесены.", italic=True)
    _control(doc, "{%p endif %}")

    _heading(doc, "4. Компетенции: в начале и в конце программы")
    _control(doc, "{%p if компетенции %}")
    # the charts (a group's mentees side by side, toolkit/documents/charts.py), then each mentee's conclusion
    _control(doc, "{%p for k in компетенции %}")
    keep(para(doc, "{{ k.диаграмма }}", align=CENTER, after=2))
    _control(doc, "{%p endfor %}")
    _control(doc, "{%p for k in выводы %}")
    p = para(doc, align=JUSTIFY, after=3, line=1.05)
    add_run(p, "{{ k.имя }}: ", bold=True, size=ENTRY_SIZE)
    add_run(p, "{{ k.вывод }}", italic=True, size=ENTRY_SIZE)
    _control(doc, "{%p endfor %}")
    _control(doc, "{%p else %}")
    _text(doc, "Оценки компетенций ещё не внесены.", italic=True)
    _control(doc, "{%p endif %}")

    # the last line of the feedback stays with the signatures: never a page holding only signatures
    _heading(doc, "5. Обратная связь")
    _control(doc, "{%p for f in отзывы %}")
    for last in (False, True):
        _control(doc, "{%p if loop.last %}" if last else "{%p if not loop.last %}")
        p = para(doc, align=JUSTIFY, after=3, line=1.05)
        if last:
            p.paragraph_format.keep_with_next = True
        add_run(p, "{{ f.кто }}: ", bold=True, size=ENTRY_SIZE)
        add_run(p, "{{ f.текст }}", size=ENTRY_SIZE)
        _control(doc, "{%p endif %}")
    _control(doc, "{%p endfor %}")
    _control(doc, "{%p if not отзывы %}")
    _text(doc, "Обратная связь ещё не собрана.", italic=True, kept=True)
    _control(doc, "{%p endif %}")
    _sign_lines(doc, [("Наставник", "{{ наставник_подпись }}"), ("Куратор программы", "{{ куратор_подпись }}")],
                "{{ дата|дата }}")
    save_reproducibly(doc, path)


def program_report(path: Path) -> None:
    """«Отчёт о реализации программы наставничества» for the director and the pedagogical council."""
    doc = _report_document("Отчёт о реализации программы наставничества")
    _school_header(doc)
    para(doc, "ОТЧЁТ", bold=True, align=CENTER, size=15, spacing=2)
    para(doc, "о реализации программы наставничества «{{ форма }}»", bold=True, align=CENTER, size=13)
    para(doc, "за {{ учебный_год }} учебный год", bold=True, align=CENTER, size=13, after=4)
    para(doc, "для директора и педагогического совета", italic=True, align=CENTER, after=12)
    _info_table(doc, [
        ("Куратор программы", "{{ куратор }}{% if должность_куратора %}, {{ должность_куратора }}{% endif %}"),
        ("Сроки программы", "{{ сроки }}"),
        ("Наставников / наставляемых", "{{ наставников }} / {{ наставляемых }}"),
        ("Пар и групп", "{{ пар }} (наставляемых в них: {{ наставляемых_в_парах }})"),
    ], widths=(6.0, 10.5))

    _heading(doc, "1. Участники по этапам программы")
    _text(doc, "Сколько наставников и наставляемых дошло до каждого этапа программы (на {{ дата|дата }}):",
          indent=False, kept=True)
    _loop_table(doc, ["Этап", "Наставников", "Наставляемых"],
                ["{{ e.этап }}", "{{ e.наставников }}", "{{ e.наставляемых }}"], "for e in этапы",
                [10.5, 3.0, 3.0], [LEFT, CENTER, CENTER])
    _control(doc, "{%p if не_готовы %}")
    _text(doc, "{{ не_готовы }}", before=6)
    _control(doc, "{%p endif %}")

    _heading(doc, "2. Работа пар и мониторинг")
    _control(doc, "{%p for line in мониторинг %}")
    para(doc, "• {{ line }}", align=JUSTIFY, after=3, line=1.15)
    _control(doc, "{%p endfor %}")
    # the monitoring of the target model in two stages (book «07_Мониторинг»): the questionnaires' means, then
    # the indicators on entry and on exit; without answers one sentence each says so
    _text(doc, "{{ анкеты_итог }}", kept=True, before=6)
    _control(doc, "{%p if анкеты %}")
    _loop_table(doc, ["Вопрос анкеты (от 1 до 10)", "Наставники", "Наставляемые"],
                ["{{ a.вопрос }}", "{{ a.наставники }}", "{{ a.наставляемые }}"], "for a in анкеты",
                [10.5, 3.0, 3.0], [LEFT, CENTER, CENTER])
    _control(doc, "{%p endif %}")
    _text(doc, "{{ рост_итог }}", kept=True, before=6)
    _control(doc, "{%p if рост %}")
    _loop_table(doc, ["Показатель", "На входе", "На выходе", "Изменение", "Улучшились"],
                ["{{ g.показатель }}", "{{ g.вход }}", "{{ g.выход }}", "{{ g.изменение }}", "{{ g.улучшились }}"],
                "for g in рост", [5.9, 2.3, 2.5, 2.7, 3.1], [LEFT, CENTER, CENTER, CENTER, CENTER])
    _control(doc, "{%p endif %}")

    _heading(doc, "3. Лучшие наставники")
    _text(doc, "{{ метод }}", kept=True)
    _control(doc, "{%p if рейтинг %}")
    _loop_table(doc, ["Место", "Наставник", "Балл (0–100)", "Поощрение"],
                ["{{ r.место }}", "{{ r.наставник }}", "{{ r.балл }}", "{{ r.поощрение }}"],
                "for r in рейтинг", [1.6, 7.4, 2.4, 5.1], [CENTER, LEFT, CENTER, LEFT])
    _control(doc, "{%p else %}")
    _text(doc, "Рейтинг наставников ещё не составлен: обратная связь собрана не полностью.", italic=True)
    _control(doc, "{%p endif %}")

    _heading(doc, "4. Лучшие наставнические практики")
    _control(doc, "{%p if практики %}")
    _loop_table(doc, ["Практика", "Авторы", "Уровень", "Конкурс"],
                ["{{ p.название }}", "{{ p.авторы }}", "{{ p.уровень }}", "{{ p.конкурс }}"],
                "for p in практики", [5.6, 4.6, 2.4, 3.9])
    _control(doc, "{%p else %}")
    _text(doc, "Лучшие практики программы ещё не определены.", italic=True)
    _control(doc, "{%p endif %}")

    # the proposals stay with the signature: the signature is never alone on a page
    _heading(doc, "5. Предложения педагогическому совету")
    _control(doc, "{%p for line in предложения %}")
    _text(doc, "{{ line }}", kept=True)
    _control(doc, "{%p endfor %}")
    _sign_lines(doc, [("Куратор программы", "{{ куратор_подпись }}")], "{{ дата|дата }}")
    save_reproducibly(doc, path)


def best_practice(path: Path) -> None:
    """«Описание наставнической практики» for a competition of the city, regional or national level: the
    sections a competition entry asks for (актуальность, цель и задачи, участники, содержание, результаты с
    цифрами, ресурсы, тиражируемость); the level named once, in the line of the competition; nothing refers to
    an appendix the description does not have."""
    doc = _report_document("Описание наставнической практики")
    _school_header(doc)
    para(doc, "{% if конкурс %}Конкурс: {{ конкурс }}{% else %}На конкурс наставнических практик{% endif %}"
              "{% if уровень %} ({{ уровень|lower }} уровень){% endif %}", italic=True, align=RIGHT, after=12)
    para(doc, "ОПИСАНИЕ НАСТАВНИЧЕСКОЙ ПРАКТИКИ", bold=True, align=CENTER, size=15, spacing=2, after=4)
    para(doc, "{{ название_в_кавычках }}", bold=True, align=CENTER, size=14, after=12)
    _info_table(doc, [
        ("Образовательная организация", "{{ школа }}"),
        ("Форма наставничества", "«{{ форма }}»"),
        ("Авторы практики", "{{ авторы }}"),
        ("Период реализации", "{{ учебный_год }} учебный год"),
        ("Куратор программы", "{{ куратор }}"),
    ], widths=(6.0, 10.5))
    _heading(doc, "1. Актуальность")
    _text(doc, "{{ проблема }}")
    _heading(doc, "2. Цель и задачи")
    _text(doc, "{{ цель }}")
    _heading(doc, "3. Участники")
    _text(doc, "{{ участники }}")
    _heading(doc, "4. Содержание практики")
    _text(doc, "{{ описание }}")
    _heading(doc, "5. Результаты")
    _text(doc, "{{ результаты }}")
    _control(doc, "{%p if цифры %}")
    _text(doc, "{{ цифры }}")
    _control(doc, "{%p endif %}")
    _heading(doc, "6. Ресурсы")
    _text(doc, "{{ ресурсы }}")
    _heading(doc, "7. Тиражируемость")
    last = _text(doc, "{{ тиражирование }}")
    space = len(doc.paragraphs)
    table = _signatures(doc, [("Директор", "{{ директор_подпись }}"), ("Куратор программы", "{{ куратор_подпись }}")])
    # the signatures never alone on a page: the last section's text, the space and the first row kept with them
    for kept in (last, doc.paragraphs[space], *table.rows[0].cells[0].paragraphs, *table.rows[0].cells[2].paragraphs):
        kept.paragraph_format.keep_with_next = True
    para(doc, "{{ дата|дата }}", before=12)
    save_reproducibly(doc, path)


def invitation(path: Path) -> None:
    """«Приглашение» of a partner to the final celebration of the program."""
    doc = base_document("Приглашение на итоговое мероприятие",
                        comments="Поля {{ … }} заполняет команда nastavnik docs --kind приглашения.")
    _school_header(doc)
    address = doc.add_table(rows=1, cols=2)
    set_borders(address, inside=False)
    cell_text(address.rows[0].cells[0], "{{ дата_письма|дата }} №\u00a0{{ исходящий }}", size=12)  # outgoing
    right = address.rows[0].cells[1]
    cell_text(right, "{% if Кому %}{{ Кому }}{% endif %}", size=14)
    right.add_paragraph().add_run("{{ ФИО|инициалы('дательный') }}").font.size = Pt(14)
    set_widths(address, [8.0, 8.5])
    para(doc, after=24)
    para(doc, "ПРИГЛАШЕНИЕ", bold=True, align=CENTER, size=18, spacing=3, after=18)
    para(doc, "{{ ФИО|уважаемый }}", bold=True, align=CENTER, size=15, after=18)
    body = para(doc, align=JUSTIFY, indent=True, after=6, line=1.5)
    add_run(body, "{{ школа }} приглашает Вас на {{ мероприятие }}")
    add_run(body, "{% if дата %} {{ дата|дата }}{% endif %}{% if время %} в {{ время }}{% endif %}"
                  "{% if место %} ({{ место }}){% endif %}.")
    # the programme as typed, or (when none is typed) what the celebration is about: never both
    para(doc, "{% if программа %}В программе: {{ программа }}{% else %}На празднике наставнические пары "
              "представят успешные кейсы и результаты года, лучшие наставники будут награждены.{% endif %} "
              "Нам важно разделить эти результаты с партнёрами школы.", align=JUSTIFY, indent=True, after=6,
         line=1.5)
    para(doc, "{% if ответить_до %}Просим подтвердить участие до {{ ответить_до|дата }}{% if контакт %} "
              "({{ контакт }}){% endif %}.{% endif %}", align=JUSTIFY, indent=True, after=6, line=1.5)
    _signatures(doc, [("Директор", "{{ директор_подпись }}")], before=36)
    save_reproducibly(doc, path)


SITE_PAGE = """<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Лучшие наставнические практики — {{ школа_кратко }}</title>
<style>
  body { font-family: "Times New Roman", Georgia, serif; margin: 0; color: #1b1b1b; background: #f7f7f4; }
  header { background: #1f4e79; color: #fff; padding: 24px 16px; }
  header p { margin: 4px 0 0; opacity: .9; }
  main { max-width: 860px; margin: 0 auto; padding: 16px; }
  h1 { margin: 0; font-size: 28px; }
  h2 { color: #1f4e79; border-bottom: 2px solid #1f4e79; padding-bottom: 4px; }
  article { background: #fff; border: 1px solid #d9d9d9; border-radius: 6px; padding: 16px 20px; margin: 16px 0; }
  article h2 { margin-top: 0; border: none; color: #1b1b1b; }
  article h3 { margin-bottom: 4px; font-size: 18px; color: #1f4e79; }
  .meta { color: #595959; font-size: 15px; }
  .level { display: inline-block; background: #e2efda; border-radius: 4px; padding: 1px 8px; }
  table { border-collapse: collapse; width: 100%; background: #fff; }
  th, td { border: 1px solid #d9d9d9; padding: 6px 8px; text-align: left; vertical-align: top; }
  th { background: #ddebf7; }
  footer { max-width: 860px; margin: 0 auto; padding: 16px; color: #595959; font-size: 14px; }
</style>
</head>
<body>
<header>
  <h1>Лучшие наставнические практики</h1>
  <p>{{ школа }}</p>
  <p>Программа наставничества «{{ форма }}», {{ учебный_год }} учебный год</p>
</header>
<main>
{% for p in практики %}
  <article>
    <h2>{{ p.название_в_кавычках }}</h2>
    <p class="meta">{% if p.авторы %}Авторы: {{ p.авторы }}. {% endif %}{% if p.уровень %}<span class="level">{{ p.уровень }} уровень{% if p.конкурс %}: {{ p.конкурс }}{% endif %}</span>{% endif %}</p>
    {% if p.проблема %}<h3>Актуальность</h3><p>{{ p.проблема }}</p>{% endif %}
    {% if p.цель %}<h3>Цель и задачи</h3><p>{{ p.цель }}</p>{% endif %}
    <h3>Что делали</h3><p>{{ p.описание }}</p>
    {% if p.результаты or p.цифры %}<h3>Результаты</h3>{% if p.результаты %}<p>{{ p.результаты }}</p>{% endif %}{% if p.цифры %}<p>{{ p.цифры }}</p>{% endif %}{% endif %}
    {% if p.ресурсы %}<h3>Ресурсы</h3><p>{{ p.ресурсы }}</p>{% endif %}
    {% if p.тиражирование %}<h3>Как повторить</h3><p>{{ p.тиражирование }}</p>{% endif %}
  </article>
{% endfor %}
{% if наставники %}
  <h2>Лучшие наставники года</h2>
  <table>
    <tr><th>Наставник</th><th>Поощрение</th></tr>
{% for m in наставники %}
    <tr><td>{{ m.наставник }}</td><td>{{ m.поощрение }}</td></tr>
{% endfor %}
  </table>
{% endif %}
</main>
<footer>Куратор программы: {{ куратор }}. Страница подготовлена {{ дата|дата }}</footer>
</body>
</html>
"""


def site_page(path: Path) -> None:
    """The web page template (Jinja, autoescaped when rendered)."""
    path.write_text(SITE_PAGE, encoding="utf-8", newline="\n")


TEMPLATES: dict[str, Callable[[Path], None]] = {
    "прогресс_пары.docx": progress_report,
    "отчет_о_программе.docx": program_report,
    "лучшая_практика.docx": best_practice,
    "приглашение.docx": invitation,
    "лучшие_практики_сайт.html": site_page,
}


def main(argv: list[str] | None = None) -> int:
    return make_templates(__doc__, TEMPLATES, argv)


if __name__ == "__main__":
    sys.exit(main())
