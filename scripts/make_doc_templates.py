"""Build the Word templates of doc_templates/ with python-docx, so that they are reproducible.

Usage: python scripts/make_doc_templates.py [--out doc_templates]

Each template is a real document a school could print, with docxtpl fields ``{{ … }}`` where the data go
(Cyrillic field names, as curators see them). Formatting follows the usual look of Russian school orders:
Times New Roman 14 pt, A4, margins 30/15/20/20 mm, the school's header, «ПРИКАЗ», date and number line,
a title in bold, a preamble, «ПРИКАЗЫВАЮ:», numbered items, the director's signature with initials.
The document parts are shared with the other template scripts (scripts/docx_parts.py); the output is
byte-for-byte reproducible (fixed document properties and zip timestamps).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Cm
from docx.text.paragraph import Paragraph

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docx_parts import (  # noqa: E402  (a sibling module: the shared document parts)
    CENTER,
    JUSTIFY,
    LEFT,
    base_document,
    loop_table,
    make_templates,
    para,
    rule,
    save_reproducibly,
)

_loop_table = partial(loop_table, size=12, marker_size=12)  # 12 pt, black grid, plain header
NBSP = "\u00a0"


def keep(p: Paragraph) -> Paragraph:
    """Keep the paragraph on the page of the next one."""
    p.paragraph_format.keep_with_next = True
    return p


# --------------------------------------------------------------------------- helpers


def _tab_line(doc: object, left: str, right: str, position_cm: float = 16.5, *, after: float = 0) -> Paragraph:
    p = para(doc, after=after)
    p.paragraph_format.tab_stops.add_tab_stop(Cm(position_cm), WD_TAB_ALIGNMENT.RIGHT)
    p.add_run(left)
    p.add_run("\t" + right)
    return p


# --------------------------------------------------------------------------- templates


def order_pairs(path: Path) -> None:
    """«Приказ о закреплении наставнических пар (групп)»."""
    doc = base_document("Приказ о закреплении наставнических пар",
                        comments="Поля {{ … }} заполняет команда nastavnik order. Текст вокруг полей можно "
                                 "править; имена полей не меняйте.")
    para(doc, "{{ школа }}", bold=True, align=CENTER)
    para(doc, "{% if адрес %}{{ адрес }}{% endif %}", align=CENTER, size=11)
    rule(doc, after=18, height=None)
    para(doc, "ПРИКАЗ", bold=True, align=CENTER, size=16, spacing=3, after=12)
    _tab_line(doc, "{{ дата_приказа }}", "№ {{ номер_приказа }}", after=0)
    para(doc, "{{ город }}", align=CENTER, size=12, after=18)
    title = para(doc, "О закреплении наставнических пар", bold=True, after=0)
    title.paragraph_format.keep_with_next = True
    para(doc, "и групп «{{ форма }}»", bold=True, after=18)
    para(doc, "В соответствии с {{ основание }}, Положением о наставничестве в {{ школа_кратко }}, программой "
              "наставничества по форме «{{ форма }}» на {{ учебный_год }} учебный год{% if педагоги %}, на "
              "основании решения педагогического совета (протокол от «____» ______________ 20____ г. №" + NBSP +
              "____){% endif %}, по итогам формирования наставнических пар и групп ({{ схемы }}) и с согласия "
              "наставников и наставляемых{% if несовершеннолетние %} (родителей, законных представителей "
              "несовершеннолетних){% endif %},", align=JUSTIFY, indent=True, after=6)
    keep(para(doc, "ПРИКАЗЫВАЮ:", bold=True, after=6))
    para(doc, "1. Закрепить наставнические пары и группы «{{ форма }}» в составе и на срок согласно приложению "
              "к настоящему приказу (всего пар и групп: {{ число_пар }}, наставляемых: {{ число_наставляемых }}).",
         align=JUSTIFY, indent=True, after=6)
    para(doc, "2. Наставникам совместно с наставляемыми {{ срок_анализа }} провести самоанализ и совместный анализ "
              "компетенций, определить цели развития по спринтам{% if педагоги %} и составить персонализированную "
              "программу наставничества молодого педагога{% endif %}; {{ срок_окончания }} проводить встречи "
              "регулярно, с частотой, установленной программой.", align=JUSTIFY, indent=True, after=6)
    para(doc, "3. Возложить на {{ куратор_на }}, куратора программы наставничества, сопровождение наставнических "
              "пар и групп, ежемесячный мониторинг встреч и сбор обратной связи {{ срок_окончания }}; {{ срок_отчёта }} "
              "представить директору отчёт о результатах программы.",
         align=JUSTIFY, indent=True, after=6)
    # the last point, the signature and the acquaintance sheet's heading stay together: no signature alone
    keep(para(doc, "4. Контроль за исполнением настоящего приказа оставляю за собой.", align=JUSTIFY, indent=True,
              after=30))
    sign = keep(para(doc, after=24))
    sign.paragraph_format.tab_stops.add_tab_stop(Cm(6.5))
    sign.paragraph_format.tab_stops.add_tab_stop(Cm(16.5), WD_TAB_ALIGNMENT.RIGHT)
    sign.add_run("Директор\t________________\t{{ директор_подпись }}")
    keep(para(doc, "С приказом ознакомлены:", after=6))
    _loop_table(doc, ["ФИО", "Роль", "Подпись", "Дата"], ["{{ o.фио }}", "{{ o.роль }}", "", ""],
                "for o in ознакомлены", [6.5, 4.0, 3.0, 3.0])
    # the pairs: an appendix of its own, on a new page
    annex = para(doc, "Приложение", size=12)
    annex.paragraph_format.page_break_before = True
    annex.paragraph_format.left_indent = Cm(9.0)
    for n, line in enumerate(("к приказу {{ школа_кратко }}", "от {{ дата_приказа }} №" + NBSP + "{{ номер_приказа }}")):
        para(doc, line, size=12, after=18 if n == 1 else 0).paragraph_format.left_indent = Cm(9.0)
    keep(para(doc, "Состав наставнических пар и групп «{{ форма }}»", bold=True, align=CENTER, after=12))
    _loop_table(
        doc,
        ["№", "Наставник", "Наставляемые", "Форма / схема", "Срок"],
        ["{{ p.номер }}", "{{ p.наставник }}", "{{ p.наставляемые }}", "{{ p.форма }}", "{{ p.срок }}"],
        "for p in пары", [1.0, 4.3, 5.0, 3.2, 3.0], [CENTER, LEFT, LEFT, LEFT, CENTER],
    )
    save_reproducibly(doc, path)


TEMPLATES: dict[str, Callable[[Path], None]] = {
    "order_pairs.docx": order_pairs,
}


def main(argv: list[str] | None = None) -> int:
    return make_templates(__doc__, TEMPLATES, argv)


if __name__ == "__main__":
    sys.exit(main())
