"""Build the Word templates of the school's own paperwork of the target model (doc_templates/).

Usage: python scripts/make_paperwork_templates.py [--out doc_templates] [ИМЯ ...]

The launch pack (the order introducing the target model, the order appointing the curator and the working
group, the road map), the teachers' papers under article 351.8 of the Labour Code, the regulations and the
program of mentorship. Each is a docxtpl document with Cyrillic fields ``{{ … }}`` that admin staff may
edit in Word or Writer (the text round the fields; not the field names). The look is that of the other
orders (scripts/make_doc_templates.py): Times New Roman 14 pt, A4, margins 30/15/20/20 mm. What a signed
document must keep when printed is set here: headings kept with the next paragraph, the last paragraph
kept with the signature, table rows never split, non-breaking spaces after «№». Reproducible output.
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
from docx.text.paragraph import Paragraph

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docx_parts import (  # noqa: E402  (a sibling module: the shared document parts)
    CENTER,
    JUSTIFY,
    LEFT,
    base_document,
    cant_split,
    cell_text,
    loop_table,
    make_templates,
    para,
    rule,
    save_reproducibly,
    set_borders,
    set_widths,
)

NBSP = "\u00a0"
COMMENTS = ("Поля {{ … }} заполняет команда nastavnik docs. Текст вокруг полей можно править; имена полей не "
            "меняйте.")
_table = partial(loop_table, size=12, marker_size=12)


# --------------------------------------------------------------------------- parts


def keep(p: Paragraph) -> Paragraph:
    p.paragraph_format.keep_with_next = True
    return p


def text(doc: Any, value: str, *, after: float = 6, indent: bool = True, kept: bool = False) -> Paragraph:
    p = para(doc, value, align=JUSTIFY, indent=indent, after=after)
    return keep(p) if kept else p


def heading(doc: Any, value: str, *, before: float = 6, after: float = 6, align: Any = CENTER) -> Paragraph:
    return keep(para(doc, value, bold=True, align=align, before=before, after=after))


def tab_line(doc: Any, left: str, right: str, *, after: float = 0) -> Paragraph:
    p = para(doc, after=after)
    p.paragraph_format.tab_stops.add_tab_stop(Cm(16.5), WD_TAB_ALIGNMENT.RIGHT)
    p.add_run(left)
    p.add_run("\t" + right)
    return p


def order_head(doc: Any, title_lines: list[str]) -> None:
    """The school, «ПРИКАЗ», the date and number line, the town and the title (kept with the preamble)."""
    para(doc, "{{ школа }}", bold=True, align=CENTER)
    para(doc, "{% if адрес %}{{ адрес }}{% endif %}", align=CENTER, size=11)
    rule(doc, after=18, height=None)
    para(doc, "ПРИКАЗ", bold=True, align=CENTER, size=16, spacing=3, after=12)
    tab_line(doc, "{{ дата_приказа }}", f"№{NBSP}{{{{ номер_приказа }}}}")
    para(doc, "{{ город }}", align=CENTER, size=12, after=18)
    for n, line in enumerate(title_lines):
        keep(para(doc, line, bold=True, after=18 if n == len(title_lines) - 1 else 0))


def sign(doc: Any, position: str = "Директор", name: str = "{{ директор_подпись }}", *, before: float = 30) -> None:
    """The signature line: the paragraph before it must be kept with it (see :func:`keep`)."""
    keep(para(doc, after=before))
    p = para(doc, after=24)
    p.paragraph_format.tab_stops.add_tab_stop(Cm(7.5))
    p.paragraph_format.tab_stops.add_tab_stop(Cm(16.5), WD_TAB_ALIGNMENT.RIGHT)
    p.add_run(f"{position}\t________________\t{name}")


def familiar(doc: Any, title: str = "С приказом ознакомлены:") -> None:
    keep(para(doc, title, after=6))
    _table(doc, ["ФИО", "Роль", "Подпись", "Дата"], ["{{ o.фио }}", "{{ o.роль }}", "", ""],
           "for o in ознакомлены", [6.5, 4.5, 2.8, 2.7])


def kept_table(doc: Any, headers: list[str], fields: list[str], rows: str, last: str, widths_cm: list[float],
               aligns: list[Any], size: float = 12) -> Any:
    """A table whose last row stays on the page of what follows it (the signature): the rows ``rows`` but the
    last one by docxtpl's ``{%tr for … %}``, then the last one (``last``) with «keep with next» paragraphs.
    ``fields`` name the cells as ``{{ r.поле }}``; the last row reads them from ``last``."""
    table = loop_table(doc, headers, fields, f"for r in {rows}", widths_cm, aligns, size=size, marker_size=size)
    row = table.add_row()
    cant_split(row)
    for cell, value, align in zip(row.cells, fields, aligns, strict=True):
        p = cell.paragraphs[0]
        p.alignment = align
        run = p.add_run(value.replace("r.", f"{last}."))
        run.font.size = Pt(size)
        keep(p)
    return table


def approved(doc: Any, annex: str) -> None:
    """«Приложение N к приказу от … № …» at the right of the first page."""
    for n, line in enumerate((f"Приложение {annex}", "к приказу {{ школа_кратко }}",
                              f"от {{{{ дата_приказа }}}} №{NBSP}{{{{ номер_приказа }}}}")):
        p = para(doc, line, size=12, after=18 if n == 2 else 0)
        p.paragraph_format.left_indent = Cm(9.0)


# --------------------------------------------------------------------------- the launch pack


def launch_order(path: Path) -> None:
    """«О внедрении целевой модели наставничества» (pupils) / «… системы (целевой модели) наставничества
    педагогических работников» (teachers)."""
    doc = base_document("Приказ о внедрении целевой модели наставничества", comments=COMMENTS)
    order_head(doc, ["О внедрении {% if педагоги %}системы (целевой модели) наставничества{% else %}целевой "
                     "модели наставничества{% endif %}",
                     "{% if педагоги %}педагогических работников{% else %}обучающихся{% endif %}"])
    text(doc, "В соответствии с {{ основание }}, в целях {% if педагоги %}профессионального становления и "
              "развития педагогических работников, адаптации молодых специалистов{% else %}раскрытия "
              "потенциала личности обучающихся, их успешной адаптации, самоопределения и профессиональной "
              "ориентации{% endif %} в {{ школа_кратко }},", kept=True)
    keep(para(doc, "ПРИКАЗЫВАЮ:", bold=True, after=6))
    text(doc, "1. Внедрить в {{ школа_кратко }} {{ модель }} по форме «{{ форма }}» на {{ учебный_год }} "
              "учебный год (с {{ начало }} по {{ окончание }}).")
    text(doc, "2. Утвердить:", after=0, kept=True)
    text(doc, "2.1. {{ положение }} в {{ школа_кратко }} (приложение 1);", after=0)
    text(doc, "2.2. Программу наставничества «{{ форма }}» на {{ учебный_год }} учебный год (приложение 2);",
         after=0)
    text(doc, "2.3. Дорожную карту реализации программы наставничества (приложение 3).")
    text(doc, "3. Куратору программы наставничества {{ куратор_дательный }} обеспечить выполнение дорожной "
              "карты, ведение базы наставников и наставляемых, мониторинг программы в два этапа (оценка "
              "качества реализации программы и оценка результатов её участников) и представить аналитическую "
              "справку по итогам учебного года педагогическому совету.")
    text(doc, "{% if педагоги %}4. Поручать педагогическим работникам наставничество только с их письменного "
              "согласия; содержание, сроки и форму наставничества, размер и условия оплаты устанавливать "
              "дополнительными соглашениями к трудовым договорам в соответствии со статьёй 351.8 Трудового "
              "кодекса Российской Федерации.{% else %}4. Классным руководителям обеспечить получение согласий "
              "родителей (законных представителей) несовершеннолетних обучающихся на участие в программе "
              "наставничества и на обработку персональных данных.{% endif %}")
    text(doc, "5. Разместить настоящий приказ, {{ положение }} и программу наставничества на официальном сайте "
              "{{ школа_кратко }} в разделе «Наставничество».")
    text(doc, "6. Контроль за исполнением настоящего приказа оставляю за собой.", after=0, kept=True)
    sign(doc)
    familiar(doc)
    save_reproducibly(doc, path)


def curator_order(path: Path) -> None:
    """«О назначении куратора и создании рабочей группы …»: the group is a list of the settings book."""
    doc = base_document("Приказ о назначении куратора и рабочей группы", comments=COMMENTS)
    order_head(doc, ["О назначении куратора и создании рабочей группы",
                     "по внедрению {{ модели }}"])
    text(doc, "В соответствии с {{ основание }}, в целях организации внедрения {{ модели }} в {{ школа_кратко }},",
         kept=True)
    keep(para(doc, "ПРИКАЗЫВАЮ:", bold=True, after=6))
    text(doc, "1. Назначить куратором программы наставничества «{{ форма }}» на {{ учебный_год }} учебный год "
              "{{ куратор_винительный }}{% if должность_куратора_винительный %}, "
              "{{ должность_куратора_винительный }}{% endif %}.")
    text(doc, "2. Возложить на куратора: формирование и ведение базы наставников и наставляемых; организацию "
              "{% if педагоги %}подготовки{% else %}обучения{% endif %} наставников; контроль выполнения "
              "дорожной карты и реализации программы наставничества; мониторинг и оценку результатов программы; "
              "решение организационных вопросов, возникающих при реализации программы.")
    text(doc, "3. Создать рабочую группу по внедрению {{ модели }} в составе:", kept=True)
    para(doc, "{%p for m in группа %}")
    p = para(doc, "{{ m.фио }} — {{ m.должность }}, {{ m.роль }}{{ m.знак }}", align=JUSTIFY, after=0)
    p.paragraph_format.left_indent = Cm(1.25)
    para(doc, "{%p endfor %}")
    text(doc, "", after=0)
    text(doc, "4. Рабочей группе до {{ до_начала }} подготовить {{ положение }}, программу наставничества "
              "«{{ форма }}» и дорожную карту её реализации и представить их на утверждение.")
    text(doc, "5. Контроль за исполнением настоящего приказа оставляю за собой.", after=0, kept=True)
    sign(doc)
    familiar(doc)
    save_reproducibly(doc, path)


def road_map(path: Path) -> None:
    """The road map: its rows are the sheet «Дорожная карта» of «00_Настройки» with the terms computed."""
    doc = base_document("Дорожная карта программы наставничества", comments=COMMENTS)
    approved(doc, "3")
    heading(doc, "ДОРОЖНАЯ КАРТА", before=0, after=0)
    keep(para(doc, "реализации программы наставничества «{{ форма }}»", bold=True, align=CENTER))
    keep(para(doc, "в {{ школа_кратко }} на {{ учебный_год }} учебный год", bold=True, align=CENTER, after=12))
    kept_table(doc, ["№", "Мероприятие", "Срок", "Ответственный", "Результат (вид документа)"],
               ["{{ r.номер }}", "{{ r.мероприятие }}", "{{ r.срок }}", "{{ r.ответственный }}", "{{ r.результат }}"],
               "строки", "последняя", [0.9, 5.0, 2.6, 3.6, 4.4], [CENTER, LEFT, CENTER, LEFT, LEFT], size=11)
    keep(para(doc, after=12))
    sign(doc, "Куратор программы", "{{ куратор_подпись }}", before=12)
    save_reproducibly(doc, path)


# --------------------------------------------------------------------------- teachers: ТК РФ ст. 351.8


def right_block(doc: Any, lines: list[str], *, after: float = 24) -> None:
    for n, line in enumerate(lines):
        p = para(doc, line, after=after if n == len(lines) - 1 else 0)
        p.paragraph_format.left_indent = Cm(8.0)


def consent(path: Path) -> None:
    """The mentor's written consent to mentoring (ТК РФ ст. 351.8), separate from the consent to take part and
    to personal data."""
    doc = base_document("Заявление-согласие на выполнение работы по наставничеству", comments=COMMENTS)
    right_block(doc, ["Директору {{ школа_кратко }}", "{{ директор_дательный }}", "от {{ должность_родительный }}",
                      "{{ фио_родительный }}"], after=36)
    heading(doc, "ЗАЯВЛЕНИЕ", before=0, after=0)
    heading(doc, "о согласии на выполнение работы по наставничеству", before=0, after=18)
    text(doc, "В соответствии со статьёй 351.8 Трудового кодекса Российской Федерации даю согласие на выполнение по "
              "поручению работодателя работы по наставничеству — оказание помощи {{ молодым }} "
              "{{ наставляемые_дательный }} в овладении навыками работы на рабочем месте по профессии педагога — "
              "в рамках программы наставничества «{{ форма }}» {{ школа_кратко }} на срок с {{ срок_начало }} по "
              "{{ срок_окончание }}")
    text(doc, "С содержанием и формой наставничества, размером и условиями оплаты (доплата: {{ доплата }}) "
              "{{ ознакомлен }}. Мне известно, что я вправе досрочно отказаться от выполнения работы по "
              "наставничеству, предупредив работодателя в письменной форме не менее чем за три рабочих дня.",
         kept=True)
    keep(para(doc, after=30))
    p = para(doc)
    p.paragraph_format.tab_stops.add_tab_stop(Cm(10.0))
    p.paragraph_format.tab_stops.add_tab_stop(Cm(16.5), WD_TAB_ALIGNMENT.RIGHT)
    p.add_run("{{ дата_согласия }}\t________________\t{{ подпись }}")
    save_reproducibly(doc, path)


def _sides(doc: Any) -> None:
    """The parties' signatures: a borderless table kept together and with its heading."""
    heading(doc, "Подписи сторон", before=12, after=12)
    rows = [("Работодатель:", "Работник:"), ("{{ школа }}", "{{ фио }}"),
            ("Директор ____________ {{ директор_подпись }}", "____________ {{ подпись }}"),
            ("", "Экземпляр соглашения {{ получил }}:"), ("", "__________ «___» ________ 20___ г.")]
    table = doc.add_table(rows=len(rows), cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_borders(table, inside=False)
    for n, (row, (left, right)) in enumerate(zip(table.rows, rows, strict=True)):
        for cell, value in zip(row.cells, (left, right), strict=True):
            cell_text(cell, value, size=12, bold=n == 0)
            cell.paragraphs[0].paragraph_format.space_after = Pt(6 if n in (0, len(rows) - 2) else 12)
            if n < len(rows) - 1:
                keep(cell.paragraphs[0])
        cant_split(row)
    set_widths(table, [8.25, 8.25])


def agreement(path: Path) -> None:
    """The supplementary agreement to the labour contract: content, term, form and pay of mentoring."""
    doc = base_document("Дополнительное соглашение о наставничестве", comments=COMMENTS)
    heading(doc, f"ДОПОЛНИТЕЛЬНОЕ СОГЛАШЕНИЕ №{NBSP}{{{{ номер_соглашения }}}}", before=0, after=0)
    keep(para(doc, f"к трудовому договору от «____» ______________ 20____ г. №{NBSP}________", align=CENTER))
    keep(para(doc, "(о выполнении работы по наставничеству)", align=CENTER, after=12))
    tab_line(doc, "{{ город }}", "{{ дата_соглашения }}", after=12)
    text(doc, "{{ школа }}, именуемое в дальнейшем «Работодатель», в лице директора {{ директор_родительный }}, "
              "{{ действующий }} на основании Устава, с одной стороны, и {{ фио }}, {{ должность }}, {{ именуемый }} "
              "в дальнейшем «Работник», с другой стороны, заключили настоящее дополнительное соглашение о "
              "нижеследующем.")
    text(doc, "1. Работник на основании письменного согласия (заявление от {{ дата_согласия_кратко }}) по поручению "
              "Работодателя выполняет работу по наставничеству в соответствии со статьёй 351.8 Трудового кодекса "
              "Российской Федерации без освобождения от основной работы.")
    text(doc, "2. Содержание работы по наставничеству: оказание помощи {{ молодым }} {{ наставляемые_дательный }} в "
              "овладении навыками профессиональной деятельности на рабочем месте: анализ профессиональных "
              "дефицитов, составление и реализация персонализированной программы наставничества, посещение и "
              "анализ уроков, консультации, подготовка промежуточных результатов (педагогический проект, методика, "
              "открытый урок, публикация), оценка готовности к самостоятельной работе.")
    text(doc, "3. Срок наставничества: с {{ срок_начало }} по {{ срок_окончание }}")
    text(doc, "4. Форма наставничества: {% if группа %}групповая{% else %}индивидуальная{% endif %} (форма «{{ форма }}»); "
              "регулярные встречи наставника и {{ молодых }} — {{ частота }}, по плану персонализированной "
              "программы наставничества.")
    text(doc, "5. За выполнение работы по наставничеству Работнику устанавливается доплата: {{ доплата }}"
              "{% if основание_оплаты %} (в соответствии с локальным актом «{{ основание_оплаты }}»){% endif %}. "
              "Доплата выплачивается в сроки выплаты заработной платы.")
    text(doc, "6. Работник вправе досрочно отказаться от выполнения работы по наставничеству, а Работодатель — "
              "досрочно отменить поручение о её выполнении, предупредив другую сторону в письменной форме не менее "
              "чем за три рабочих дня.")
    text(doc, "7. Остальные условия трудового договора остаются неизменными. Настоящее соглашение вступает в силу "
              "с {{ срок_начало }}, составлено в двух экземплярах, имеющих одинаковую юридическую силу, по одному "
              "для каждой из сторон.", kept=True)
    _sides(doc)
    save_reproducibly(doc, path)


def pay_order(path: Path) -> None:
    """«Об установлении доплаты за наставничество»: mentors with both the consent and the agreement."""
    doc = base_document("Приказ об установлении доплаты за наставничество", comments=COMMENTS)
    order_head(doc, ["Об установлении доплаты за наставничество"])
    text(doc, "В соответствии со статьёй 351.8 Трудового кодекса Российской Федерации{% if основание_оплаты %}, "
              "{{ основание_оплаты }}{% endif %}, на основании письменных согласий педагогических работников и "
              "дополнительных соглашений к трудовым договорам,", kept=True)
    keep(para(doc, "ПРИКАЗЫВАЮ:", bold=True, after=6))
    text(doc, "1. Установить доплату за выполнение работы по наставничеству в рамках программы наставничества "
              "«{{ форма }}» на {{ учебный_год }} учебный год:", kept=True)
    kept_table(doc, ["№", "Кому", "Молодому педагогу", "Срок", "Доплата", "Основание"],
               ["{{ r.номер }}", "{{ r.наставник }}", "{{ r.наставляемые }}", "{{ r.срок }}", "{{ r.доплата }}",
                "{{ r.соглашение }}"], "строки", "последняя", [0.9, 4.0, 3.4, 2.6, 3.0, 2.6],
               [CENTER, LEFT, LEFT, CENTER, LEFT, LEFT], size=11)
    text(doc, "", after=0, kept=True)
    text(doc, "2. Бухгалтерии производить выплату доплаты в сроки выплаты заработной платы; при досрочном "
              "прекращении наставничества — по день его прекращения.")
    text(doc, "3. Контроль за исполнением настоящего приказа оставляю за собой.", after=0, kept=True)
    sign(doc)
    familiar(doc)
    save_reproducibly(doc, path)


TEMPLATES: dict[str, Callable[[Path], None]] = {
    "приказ_о_внедрении.docx": launch_order,
    "приказ_о_кураторе.docx": curator_order,
    "дорожная_карта.docx": road_map,
    "согласие_наставника.docx": consent,
    "доп_соглашение.docx": agreement,
    "приказ_о_доплате.docx": pay_order,
}


def main(argv: list[str] | None = None) -> int:
    return make_templates(__doc__, TEMPLATES, argv)


if __name__ == "__main__":
    sys.exit(main())
