"""«Статус программы.xlsx»: the status of :func:`toolkit.logic.readiness.compute_status` as a workbook the
curator opens (participants, test results, attention, totals), recreated by each run of `status`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.books.printing import apply_print_layout
from toolkit.books.writer import fitted_height, header_width
from toolkit.logic.readiness import ProgramStatus
from toolkit.model.program import STATUS_FILE, ProgramData

STATUS_OWNER = "nastavnik status"


def write_status_workbook(status: ProgramStatus, path: Path) -> list[str]:
    """A workbook the curator opens: participants, test results, totals. Recreated by each run, under the
    program's lock; a sheet the curator added (or a file not made by `status`) goes to the backups first:
    the notes say so."""
    import xlsxwriter

    from toolkit.books.outputs import OWNER_PROPERTY, write_output

    sheets = ["Итоги", "Участники", "Тестирование", "Внимание", "Без заявки"]  # every sheet it may write

    def produce(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
        wb.set_custom_property(OWNER_PROPERTY, STATUS_OWNER)
        head = wb.add_format({"bold": True, "text_wrap": True, "border": 1, "bg_color": "#DDEBF7", "valign": "vcenter"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        dec = wb.add_format({"text_wrap": True, "valign": "top", "num_format": "[$-419]0.0"})  # a decimal comma
        ok = wb.add_format({"text_wrap": True, "valign": "top", "bg_color": "#E2EFDA"})
        title = wb.add_format({"bold": True, "font_size": 14})
        note = wb.add_format({"italic": True, "font_color": "#595959"})

        def sheet(name: str, headers: list[tuple[str, int]], rows: list[list[Any]], marks: list[bool] | None = None) -> None:
            ws = wb.add_worksheet(name)
            widths = [header_width(h, width) for h, width in headers]
            for c, (h, _) in enumerate(headers):
                ws.set_column(c, c, widths[c])
                ws.write_string(0, c, h, head)
            ws.set_row(0, fitted_height(zip([h for h, _ in headers], widths, strict=True), bold=True))
            for r, values in enumerate(rows, start=1):
                fmt = ok if marks and marks[r - 1] else wrap
                # office suites do not grow the rows of a written file: wrapped text would overlap
                ws.set_row(r, fitted_height(zip(["" if v is None else str(v) for v in values], widths, strict=False)))
                for c, value in enumerate(values):
                    if isinstance(value, float) and not value.is_integer():
                        ws.write_number(r, c, value, dec if fmt is wrap else fmt)
                    elif isinstance(value, (int, float)) and not isinstance(value, bool):
                        ws.write_number(r, c, value, fmt)
                    else:
                        ws.write_string(r, c, "" if value is None else str(value), fmt)
            keys = 2 if len(headers) > 2 else 0
            ws.freeze_panes(1, keys)
            ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
            # the frozen code and name repeated on every page of a sheet too wide for one
            apply_print_layout(ws, widths, key_columns=keys, last_row=max(len(rows), 1),
                               header=(name, "Статус программы наставничества"))

        summary = wb.add_worksheet("Итоги")
        summary.set_column(0, 0, 60)
        summary.set_column(1, 1, 20)
        summary.set_row(0, 21)  # a 14 pt title: a row of its size, not over the next one
        summary.write_string(0, 0, f"Статус программы наставничества «{status.form_name}»", title)
        summary.write_string(1, 0, "Файл пересоздаётся командой «nastavnik status»: не вносите в него данные.", note)
        c = status.counts
        lines: list[tuple[str, Any]] = [
            ("Наставников в реестре", c["mentors"]), ("Из них готовы к формированию пар", c["mentors_ready"]),
            ("Наставляемых в реестре", c["mentees"]), ("Из них с полной заявкой и согласиями", c["mentees_ready"]),
            ("Приглашены на встречу, заявки нет", c["invited_without_application"]),
            ("Порог обучения: встреч посетить не менее", f"{status.training_threshold} из {status.training_meetings}"),
        ]
        if status.testing:
            lines.append(("Прошли тест полностью", status.testing["tested"]))
            lines.append(("Фокус обучения (слабые измерения группы)", ", ".join(status.testing["focus"]) or "—"))
        for r, (label, value) in enumerate(lines, start=3):
            summary.write_string(r, 0, label, wrap)
            if isinstance(value, int):
                summary.write_number(r, 1, value)
            else:
                summary.write_string(r, 1, str(value), wrap)
        apply_print_layout(summary, (60, 20), landscape=False, title_rows=0)

        sheet("Участники", [("Код", 9), ("ФИО", 30), ("Роль", 16), ("Этап", 30), ("Обучение", 10),
                            ("Чего не хватает до следующего этапа", 70)],
              [[s.id, s.name, s.role_name, s.stage_name, s.training, "; ".join(s.missing) or "—"]
               for s in status.participants], [s.ready for s in status.participants])
        if status.testing:
            dims = list(status.testing["group_means"])
            rows: list[list[Any]] = []
            names = {s.id: s.name for s in status.participants}
            for pid, r in status.testing["candidates"].items():
                rows.append([pid, names.get(pid, ""), *[r["scores"][d] if r["scores"][d] is not None else "" for d in dims],
                             f"{r['answered']} из {r['total']}", ", ".join(r["gaps"]) or "—"])
            rows.append(["", "Среднее по группе", *[status.testing["group_means"][d] or "" for d in dims], "",
                         ", ".join(status.testing["focus"])])
            sheet("Тестирование", [("Код", 9), ("ФИО", 30), *[(d, 16) for d in dims], ("Ответов", 10),
                                   ("Пробелы (восполнить на обучении)", 40)], rows)
        if status.attention:
            names = {s.id: s.name for s in status.participants}
            sheet("Внимание", [("Пара / группа", 11), ("Наставник", 30), ("Наставляемые", 40), ("Состояние", 18),
                               ("Почему нужно внимание", 90)],
                  [[a["pair"], names.get(a["mentor"], a["mentor"]), ", ".join(names.get(m, m) for m in a["mentees"]),
                    a["state"], "; ".join(a["reasons"])] for a in status.attention]
                  + [["", "Групповая встреча", ", ".join(g["pairs"]), "", g["topic"]] for g in status.group_meetings])
        if status.invited_without_application:
            sheet("Без заявки", [("ФИО", 34), ("Строка в книге «01_Встреча»", 14), ("Что дальше", 60)],
                  [[i["name"], i["row"], i["note"]] for i in status.invited_without_application])
        wb.close()

    return write_output(path, produce, owner=STATUS_OWNER, sheets=sheets, command=STATUS_OWNER)


def status_path(data: ProgramData) -> Path:
    return data.program.root / STATUS_FILE


