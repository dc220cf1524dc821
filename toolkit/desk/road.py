"""The program page's road: the stages of the form, what the status already knows about each, the next step.

Only words over numbers the core computed (``compute_status``, the books read by ``Program.load``): no stage
rule is decided here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.model.program import Program, ProgramData


@dataclass
class StageView:
    number: int
    name: str
    description: str
    books: list[Path] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)  # keys of the forms shown under the stage
    state: str = "todo"  # done | next | todo


ACTIONS_OF_STAGE = {2: ["import"], 4: ["match", "order"], 5: ["distribute", "collect"], 6: ["monitor"],
                    7: ["results", "docs", "export"]}


def _rows(data: ProgramData, book: str, sheet: str) -> int:
    return len(data.rows(book, sheet))


def road(program: Program, data: ProgramData | None, status: Any | None) -> list[StageView]:
    profile = program.profile
    views = []
    for stage in profile.stages:
        view = StageView(stage.number, stage.name, stage.description)
        for wb in program.specs:
            if wb.stage == stage.number and wb.key != "settings":
                found = program.find_files(wb)
                view.books.append(found[0] if found else program.root / (wb.file + ".xlsx"))
        view.actions = list(ACTIONS_OF_STAGE.get(stage.number, []))
        views.append(view)
    if data is None or status is None:
        return views
    c = status.counts
    by_number = {v.number: v for v in views}
    meeting_sheet = "invited" if profile.form == "student" else "candidates"
    invited = _rows(data, "meeting", meeting_sheet)
    by_number[1].figures.append(f"Записей на листе встречи: {invited}")
    if c["invited_without_application"]:
        by_number[1].figures.append(f"Без заявки после встречи: {c['invited_without_application']}")
    people = c["mentors"] + c["mentees"]
    by_number[2].figures.append(f"Заявки: {people} ({profile.roles_plural['mentor'].lower()} — {c['mentors']}, "
                                f"{profile.roles_plural['mentee'].lower()} — {c['mentees']})")
    missing: Counter[str] = Counter()
    for s in status.participants:
        for reason in s.missing:
            if not reason.startswith(("обучение", "тест")):
                missing[reason.split(":")[0]] += 1
    for reason, n in missing.most_common(4):
        by_number[2].figures.append(f"{reason[0].upper() + reason[1:]}: {n}")
    mentors = [s for s in status.participants if s.role == "mentor"]
    trained = sum(1 for s in mentors if not any(m.startswith("обучение") for m in s.missing))
    by_number[3].figures.append(f"{profile.roles_plural['mentor']} с нужной посещаемостью обучения: {trained} из "
                                f"{len(mentors)} (порог — {status.training_threshold} из {status.training_meetings})")
    by_number[4].figures.append(f"Готовы к парам: {profile.roles_plural['mentor'].lower()} — {c['mentors_ready']}, "
                                f"{profile.roles_plural['mentee'].lower()} — {c['mentees_ready']}")
    by_number[4].figures.append(f"Закреплено пар и групп: {c['pairs']}")
    meetings = _rows(data, "work", "meetings")
    by_number[5].figures.append(f"Целей в книге работы пар: {_rows(data, 'work', 'goals')}")
    by_number[6].figures.append(f"Встреч в журнале: {meetings}")
    if c["pairs"]:
        by_number[6].figures.append(f"Пар, которым нужно внимание: {c.get('pairs_attention', 0)}")
    results = _rows(data, "results", "results")
    by_number[7].figures.append(f"Строк результатов: {results}")
    # the first stage whose work is not there yet is the next step
    done = {
        1: invited > 0 or people > 0,
        2: people > 0 and c["mentors_ready"] + c["mentees_ready"] > 0,
        3: trained > 0,
        4: c["pairs"] > 0,
        5: meetings > 0 or _rows(data, "work", "goals") > 0,
        6: meetings > 0 and results > 0,
        7: results > 0 and _rows(data, "results", "ranking") > 0,
    }
    next_found = False
    for view in views:
        if not next_found and not done.get(view.number, False):
            view.state = "next"
            next_found = True
        elif not next_found:
            view.state = "done"
    return views
