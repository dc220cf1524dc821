"""Замер полного цикла программы «ученик – ученик» в школе на 2 000 человек: секунды и пиковая память
каждого шага, каждый шаг — отдельный процесс `nastavnik`, как его запускает куратор.

Школа строится как пример (`nastavnik demo`), но в полный размер: 500 кандидатов в наставники и 1 500
наставляемых, все готовы к формированию пар (заявки с согласиями, тест пройден, обучение посещено).
Затем по шагам: init новой папки и import в неё выгрузки формы со всеми 2 000 заявок (CSV, как из Google
Форм), check, status, match по каждой схеме (предложение; анкеты — предложение и закрепление
после согласий; встреча — расписание по умолчанию и пары по пожеланиям, на копии папки), order (приказ о
закреплении пар), distribute и
повторный distribute без изменений, collect и повторный collect, monitor, results, docs письма /
грамоты / прогресс (с --pdf — и с PDF). Что делают люди между шагами (согласия, пожелания, заполненные
книги пар, итоги), пишет сам скрипт, эти действия не замеряются.

    python scripts/bench_cycle.py                       # полный размер, по одному прогону шага
    python scripts/bench_cycle.py --repeat 3 --pdf      # три прогона каждого шага из одного состояния, и PDF
    python scripts/bench_cycle.py --mentors 50 --mentees 150 --keep /tmp/школа

Память — пик резидентной памяти процесса шага (ru_maxrss из wait4), время — по часам стены и процессорное
(user + system из wait4: на общей нагруженной машине оно меняется меньше).
При --repeat N каждый шаг запускается N раз из одного и того же состояния папки (копия до шага),
печатаются минимум и медиана.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit import spec  # noqa: E402
from toolkit.base.problems import Report  # noqa: E402
from toolkit.books.writer import format_id, write_workbook  # noqa: E402
from toolkit.checks.program import load_program  # noqa: E402
from toolkit.demo import build  # noqa: E402
from toolkit.demo import pairs as demo_pairs
from toolkit.demo import results as demo_results
from toolkit.demo import work as demo_work
from toolkit.demo.books import settings_values, write_all, write_questions  # noqa: E402
from toolkit.demo.people import (  # noqa: E402
    FATHER_NAMES,
    FEMALE_NAMES,
    MALE_NAMES,
    MOTIVATIONS,
    REFLECTIONS,
    REQUESTS,
    SKILLS,
    SURNAMES,
    People,
    Person,
    patronymic,
    phone,
    weekly,
)
from toolkit.logic.assessment import item_keys  # noqa: E402
from toolkit.logic.evaluation import method_of  # noqa: E402
from toolkit.model.pairs import known_pairs  # noqa: E402
from toolkit.model.program import Program  # noqa: E402
from toolkit.model.work import fingerprint, pair_rows, pair_spec  # noqa: E402
from toolkit.stages.pair_files import BASE_KEY, PAIR_KEY  # noqa: E402

AREAS = ["Математика", "Русский язык", "Английский язык", "Физика", "Биология", "Адаптация в новом классе",
         "Общение и дружба", "Подготовка к ОГЭ", "Проектная деятельность", "Планирование времени", "Профориентация"]
DAYS = ["пн", "вт", "ср", "чт", "пт"]
DATES = demo_pairs.STUDENT_DATES
MONITOR_DAY = demo_work.DEMO_DAY
EVENT_DAY = demo_results.EVENT_DATE
CLI = [sys.executable, "-c", "from toolkit.cli import main; main()"]


class UniquePeople(People):
    """Demo people, unique by the full name (the registry's rule) so that thousands fit: a pupil gets a
    patronymic when the name without it is taken."""

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.names: set[tuple[str, str, str]] = set()

    def person(self, with_patronymic: bool, gender: str | None = None) -> Person:
        while True:
            g = gender or self.rng.choice("мж")
            first = self.rng.choice(MALE_NAMES if g == "м" else FEMALE_NAMES)
            surname = self.rng.choice(SURNAMES)
            last = surname[0] if g == "м" else surname[1]
            middle = patronymic(self.rng.choice(FATHER_NAMES), g)
            for candidate in ((last, first, middle),) if with_patronymic else ((last, first, ""), (last, first, middle)):
                if candidate not in self.names:
                    self.names.add(candidate)
                    return Person(*candidate, g)


# --------------------------------------------------------------------------- the school


def build_school(root: Path, n_mentors: int, n_mentees: int, seed: int) -> Program:
    """A student-form program folder of the demo's kind at full size, everyone ready for pairing."""
    profile = spec.find_profile("student")
    program = Program(root, profile, "bench-student")
    rng = random.Random(seed)
    people = UniquePeople(seed)
    data: dict[str, dict[str, Any]] = {
        "settings": settings_values(profile.name, "Виноградова Ирина Сергеевна",
                                    "Заместитель директора по воспитательной работе"),
    }
    mentor_people = [(people.person(with_patronymic=i % 2 == 0),
                      f"{rng.choice([8, 9, 10, 10, 11])}{rng.choice('АБВГД')}") for i in range(n_mentors)]
    data["meeting"] = {
        "event": {"date": dt.date(2026, 9, 10), "place": "Актовый зал", "topic": "Что такое наставничество",
                  "notes": f"Пришли {n_mentors} учеников, все готовы стать наставниками."},
        "invited": [{**build._person_row(p), "class": klass, "reason": "Лучшие образовательные результаты",
                     "attended": True, "interest": "Хочет стать наставником"} for p, klass in mentor_people],
    }
    mentors = []
    for i, (p, klass) in enumerate(mentor_people, start=1):
        mentors.append({
            "id": format_id("НК-", i), **build._person_row(p), "class": klass, "contact": phone(rng),
            "applied_on": dt.date(2026, 9, 14) + dt.timedelta(days=i % 5),
            "motivation": MOTIVATIONS[i % len(MOTIVATIONS)], "skills": SKILLS[i % len(SKILLS)],
            "areas": rng.sample(AREAS, 3), "frequency": rng.choice(["Раз в неделю", "Два раза в месяц"]),
            "capacity": rng.choice([1, 1, 2, 3]), "days": sorted(rng.sample(DAYS, 2), key=DAYS.index),
            "times": ["После уроков"], "consent_participation": True, "consent_pd": True,
            "consent_pd_by": build.PARENT, "consent_date": dt.date(2026, 9, 18),
        })
    mentees = []
    for i in range(1, n_mentees + 1):
        p = people.person(with_patronymic=i % 3 == 0)
        text, kind, areas = REQUESTS[i % len(REQUESTS)]
        mentees.append({
            "id": format_id("НЯ-", i), **build._person_row(p), "class": f"{rng.choice([5, 6, 7, 8])}{rng.choice('АБВГД')}",
            "contact": phone(rng), "applied_on": dt.date(2026, 9, 15) + dt.timedelta(days=i % 7),
            "request": text, "request_kind": kind, "areas": areas,
            "days": sorted(rng.sample(DAYS, 3), key=DAYS.index), "times": ["После уроков"],
            "consent_participation": True, "consent_pd": True, "consent_pd_by": build.PARENT,
            "consent_date": dt.date(2026, 9, 20),
        })
    data["applications"] = {"mentors": mentors, "mentees": mentees}
    testing = profile.testing
    assert testing is not None
    answers = []
    for m in mentors:
        level = {d.key: rng.uniform(3.2, 4.8) for d in testing.dimensions}
        row: dict[str, Any] = {"id": m["id"], "name": f"{m['last_name']} {m['first_name']}", "date": dt.date(2026, 9, 24)}
        for key, dim, reverse in item_keys(testing):
            value = max(1, min(5, round(rng.gauss(level[dim], 0.6))))
            row[key] = (testing.scale_min + testing.scale_max - value) if reverse else value
        answers.append(row)
    data["testing"] = {"answers": answers}
    meetings = profile.training.meetings
    dates = weekly(dt.date(2026, 10, 1), meetings)
    attendance = []
    reflections = []
    for i, m in enumerate(mentors, start=1):
        missed = {i % meetings + 1} if i % 4 == 0 else set()
        attendance.append({"id": m["id"], "name": f"{m['last_name']} {m['first_name']}",
                           **{f"m{n}": n not in missed for n in range(1, meetings + 1)}})
        if i % 5 == 0:
            reflections.append({"id": m["id"], "meeting": 2, "text": REFLECTIONS[i % len(REFLECTIONS)]})
    data["training"] = {"plan": [{"number": n, "date": d, "held": True} for n, d in enumerate(dates, start=1)],
                        "attendance": attendance, "reflection": reflections}
    root.mkdir(parents=True, exist_ok=True)
    write_all(program, data)
    write_questions(program)
    write_forms_export(root.parent / "Ответы на форму.csv", mentors, mentees)
    return program


EXPORT_HEADER = [
    "Отметка времени", "Роль", "ФИО", "Пол", "Класс", "Телефон или e-mail для связи",
    "Почему вы хотите стать наставником?", "Какие у вас навыки и сильные стороны?",
    "С чем вы можете помочь? (можно выбрать несколько)", "Как часто вы готовы встречаться?",
    "Скольким наставляемым вы готовы помогать?", "В какие дни вы свободны? (можно выбрать несколько)",
    "С какой проблемой или запросом вы пришли?", "К чему относится запрос?",
    "В чём нужна помощь? (можно выбрать несколько)", "Согласны ли вы участвовать в программе наставничества?",
]


def write_forms_export(path: Path, mentors: list[dict[str, Any]], mentees: list[dict[str, Any]]) -> None:
    """The same applications as a Google Forms export (CSV, the way `import` takes it): what a school that
    collects applications by a form imports into a new program."""
    import csv

    def who(row: dict[str, Any]) -> str:
        return " ".join(x for x in (row["last_name"], row["first_name"], row["middle_name"]) if x)

    rows = []
    for i, m in enumerate(mentors):
        rows.append([f"{m['applied_on']:%d.%m.%Y} {9 + i % 8:02d}:{i % 60:02d}:00", "Наставник", who(m), m["gender"],
                     m["class"], m["contact"], m["motivation"], m["skills"], ", ".join(m["areas"]), m["frequency"],
                     str(m["capacity"]), ", ".join(m["days"]), "", "", "", "Да"])
    for i, m in enumerate(mentees):
        rows.append([f"{m['applied_on']:%d.%m.%Y} {9 + i % 8:02d}:{i % 60:02d}:00", "Наставляемый", who(m),
                     m["gender"], m["class"], m["contact"], "", "", "", "", "", ", ".join(m["days"]), m["request"],
                     m["request_kind"], ", ".join(m["areas"]), "Да"])
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(EXPORT_HEADER)
        writer.writerows(rows)


# --------------------------------------------------------------------------- what people do between steps


def type_proposals(program: Program, count: int) -> None:
    proposals = demo_pairs._proposals(program, count, DATES)
    demo_pairs._edit(program, "proposals", lambda rows: rows + proposals)


def type_consents(program: Program) -> None:
    demo_pairs._answer_questionnaire(program, DATES, decline_first=True)


def type_wishes(program: Program) -> None:
    demo_pairs._edit(program, "wishes", demo_pairs._wishes(program, 26))


def fill_inbox(program: Program, inbox: Path) -> None:
    """Every active pair sends its workbook back filled in, under a name of its own."""
    data = load_program(program, Report())
    pairs = [p for p in known_pairs(data).values() if p.active]
    kinds = demo_work._kinds(data, pairs)
    rng = random.Random(5)
    work_spec = pair_spec(program.profile)
    inbox.mkdir(parents=True, exist_ok=True)
    meta = {BASE_KEY: fingerprint(program.profile, {})}
    for n, info in enumerate(pairs):
        filled = demo_work._filled(program, data, info, kinds[info.pair_id], rng)
        write_workbook(inbox / f"{n:04d} {info.pair_id} заполнено.xlsx", work_spec, program.profile,
                       program.program_id, pair_rows(data, info, filled), {PAIR_KEY: info.pair_id, **meta})


def fill_results(program: Program) -> None:
    demo_results._edit(program, demo_results._fill(program, random.Random(7)))


def choose_awards(program: Program) -> None:
    """The curator's choice as in the demo (reasons, points), then a letter of thanks and a certificate for every
    mentor in the ranking: the documents of a whole school (about 500 of each)."""
    demo_results._edit(program, demo_results._awards(program))
    method = method_of(program.profile)
    kinds = {method.award_documents.get(a): a for a in program.profile.awards}
    both = [kinds["letter"], kinds["certificate"]]

    def everyone(rows: dict[str, Any]) -> None:
        for r in rows["ranking"]:
            if r.get("place") not in (None, "", "—"):
                r["award"] = sorted({*(r.get("award") or []), *both}, key=[*program.profile.awards].index)

    demo_results._edit(program, everyone)


# --------------------------------------------------------------------------- measuring


@dataclass
class Step:
    name: str
    args: list[str]
    note: str = ""
    runs: list[tuple[float, float, int, float]] = field(default_factory=list)  # (seconds, MB, exit code, CPU s)


# A small launcher process runs the step and reports its child's wait4 figures: a child forked straight from
# this (large) script would inherit the script's resident memory into its ru_maxrss.
LAUNCHER = ("import os, subprocess, sys\n"
            "p = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)\n"
            "_, status, usage = os.wait4(p.pid, 0)\n"
            "open(sys.argv[1], 'w').write(f'{usage.ru_maxrss} {os.waitstatus_to_exitcode(status)} '\n"
            "                             f'{usage.ru_utime + usage.ru_stime}')\n")


def run_once(args: list[str], timeout: float) -> tuple[float, float, int, float]:
    """One process: wall seconds, peak resident memory (MB, ru_maxrss of wait4), the exit code and the CPU
    seconds (user + system: on a shared machine they vary less than the wall clock)."""
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        figures = Path(tmp) / "rusage"
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(figures), *CLI, *args],
                                stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, err_bytes = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            _, err_bytes = proc.communicate()
        seconds = time.perf_counter() - start
        text = figures.read_text().split() if figures.exists() else ["0", "-9", "nan"]
    err = err_bytes.decode(errors="replace")
    code = int(text[1])
    if code not in (0, 1):
        sys.stderr.write(f"  [{' '.join(args[:3])}: выход {code}] {err[-500:]}\n")
    return seconds, int(text[0]) / 1024, code, float(text[2])


def measure(step: Step, folder: Path, repeat: int, timeout: float) -> None:
    """Run the step ``repeat`` times, each from the same state of ``folder`` (the last run's result stays)."""
    snapshot = None
    absent = not folder.exists()  # a step that makes its folder (init) starts each run without it
    if repeat > 1 and not absent:
        snapshot = Path(tempfile.mkdtemp(prefix="bench-snap-")) / "s"
        shutil.copytree(folder, snapshot)
    try:
        for n in range(repeat):
            if n and absent:
                shutil.rmtree(folder, ignore_errors=True)
            if n and snapshot is not None:
                shutil.rmtree(folder)
                shutil.copytree(snapshot, folder)
            step.runs.append(run_once(step.args, timeout))
    finally:
        if snapshot is not None:
            shutil.rmtree(snapshot.parent, ignore_errors=True)
    seconds = [r[0] for r in step.runs]
    memory = max(r[1] for r in step.runs)
    codes = sorted({r[2] for r in step.runs})
    cpu = statistics.median(r[3] for r in step.runs)
    print(f"  {step.name:<52} {min(seconds):7.2f} с (медиана {statistics.median(seconds):7.2f}, процессор "
          f"{cpu:6.2f}) {memory:7.0f} МБ  выход {','.join(map(str, codes))}", flush=True)


def date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentors", type=int, default=500, help="кандидатов в наставники (500)")
    parser.add_argument("--mentees", type=int, default=1500, help="наставляемых (1500)")
    parser.add_argument("--proposals", type=int, default=30, help="предложений куратора (30)")
    parser.add_argument("--seed", type=int, default=2026, help="зерно генератора")
    parser.add_argument("--repeat", type=int, default=1, help="прогонов каждого шага (1)")
    parser.add_argument("--pdf", action="store_true", help="замерить и документы с --pdf")
    parser.add_argument("--timeout", type=float, default=600, help="предел одного прогона, с (600)")
    parser.add_argument("--meeting-args", default="", help="параметры первого запуска «встреча», например «--rounds 10»")
    parser.add_argument("--skip", default="", help="не замерять шаги, имена которых содержат эти слова (через запятую); шаг, на котором строятся следующие, всё равно выполняется один раз")
    parser.add_argument("--keep", type=Path, default=None, help="оставить папку школы здесь")
    args = parser.parse_args(argv)

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-cycle-"))
    if work.exists() and args.keep:
        shutil.rmtree(work)
    school = work / "школа"
    meeting = work / "встреча"
    outbox, inbox, docs = work / "рассылка", work / "входящие", work / "документы"
    skip = [s for s in args.skip.split(",") if s]
    started = time.perf_counter()
    print(f"Школа: {args.mentors} кандидатов в наставники, {args.mentees} наставляемых (зерно {args.seed}); "
          f"нагрузка машины: {os.getloadavg()[0]:.1f}; прогонов шага: {args.repeat}.", flush=True)
    program = build_school(school, args.mentors, args.mentees, args.seed)
    print(f"  (школа построена за {time.perf_counter() - started:.1f} с: {school})", flush=True)

    steps: list[Step] = []

    def step(name: str, cli_args: list[str], folder: Path = school, note: str = "", *, needed: bool = True) -> Step:
        """Measure a step; a skipped one that later steps build on (``needed``) still runs once, unmeasured."""
        s = Step(name, cli_args, note)
        steps.append(s)
        if any(word in name for word in skip):
            if needed:
                t = time.perf_counter()
                run_once(cli_args, args.timeout)
                print(f"  ({name}: пропущен в замере, выполнен для следующих шагов за "
                      f"{time.perf_counter() - t:.1f} с)", flush=True)
            return s
        measure(s, folder, args.repeat, args.timeout)
        return s

    def between(what: str, action: Callable[[], None]) -> None:
        t = time.perf_counter()
        action()
        print(f"  ({what}: {time.perf_counter() - t:.1f} с, не замеряется)", flush=True)

    s = str(school)
    match_dates = ["--start", date(DATES["start"]), "--date", date(DATES["meeting"])]
    fresh = work / "новая программа"
    step("init", ["init", str(fresh), "--form", "ученик-ученик"], fresh, needed=False)
    if fresh.exists():
        step(f"import: выгрузка формы, {args.mentors + args.mentees} заявок",
             ["import", str(fresh), str(work / "Ответы на форму.csv")], fresh, needed=False)
    step("check", ["check", s], needed=False)
    step("status", ["status", s, "--date", date(DATES["meeting"])], needed=False)
    shutil.copytree(school, meeting)
    m = str(meeting)
    first = step("match встреча: расписание" + (f" ({args.meeting_args})" if args.meeting_args else ", по умолчанию"),
                 ["match", m, "--scheme", "встреча", *match_dates, *args.meeting_args.split()], meeting)
    if first.runs and first.runs[-1][2] != 0:
        shutil.rmtree(meeting)
        shutil.copytree(school, meeting)
        step("match встреча: расписание --rounds 10", ["match", m, "--scheme", "встреча", *match_dates,
                                                       "--rounds", "10"], meeting)
    between("пожелания после встречи", lambda: type_wishes(Program.open(meeting)))
    step("match встреча: пары по пожеланиям", ["match", m, "--scheme", "встреча", *match_dates], meeting)
    step("check после встречи", ["check", m], meeting, needed=False)
    between("предложения куратора", lambda: type_proposals(program, args.proposals))
    step("match предложение", ["match", s, "--scheme", "предложение", *match_dates])
    step("match анкеты: предложение", ["match", s, "--scheme", "анкеты", *match_dates])
    between("согласия", lambda: type_consents(program))
    step("match анкеты: после согласий", ["match", s, "--scheme", "анкеты", *match_dates])
    step("order", ["order", s, "--number", "45-о", "--date", date(DATES["start"])], needed=False)
    step("distribute", ["distribute", s, "--out", str(outbox)])
    step("distribute без изменений", ["distribute", s, "--out", str(outbox)])
    between("пары заполнили книги", lambda: fill_inbox(program, inbox))
    step("collect", ["collect", s, str(inbox)])
    step("collect повторно", ["collect", s, str(inbox)])
    step("monitor", ["monitor", s, "--date", date(MONITOR_DAY)])
    step("results: строки пар", ["results", s, "--date", date(EVENT_DAY)])
    between("итоги и поощрения", lambda: fill_results(program))
    step("results: рейтинг", ["results", s, "--date", date(EVENT_DAY)])
    between("поощрения", lambda: choose_awards(program))
    doc_args = ["--date", date(EVENT_DAY), "--out", str(docs)]
    step("docs письма", ["docs", s, "--kind", "письма", *doc_args], needed=False)
    step("docs грамоты", ["docs", s, "--kind", "грамоты", *doc_args], needed=False)
    step("docs прогресс", ["docs", s, "--kind", "прогресс", *doc_args], needed=False)
    if args.pdf:
        step("docs письма --pdf", ["docs", s, "--kind", "письма", "--pdf", *doc_args], needed=False)
        step("docs грамоты --pdf", ["docs", s, "--kind", "грамоты", "--pdf", *doc_args], needed=False)
        step("docs прогресс --pdf", ["docs", s, "--kind", "прогресс", "--pdf", *doc_args], needed=False)

    done = [x for x in steps if x.runs]
    cycle = [x for x in done if "--pdf" not in x.name and "--rounds 10" not in x.name]
    total = sum(min(r[0] for r in x.runs) for x in cycle)
    cpu_total = sum(statistics.median(r[3] for r in x.runs) for x in cycle)
    print(f"\nЦикл без PDF (все шаги выше без PDF, кроме запасного расписания): {total:.1f} с "
          f"(процессорного времени {cpu_total:.1f} с); "
          f"пик памяти шага: {max(max(r[1] for r in x.runs) for x in done):.0f} МБ; "
          f"нагрузка машины: {os.getloadavg()[0]:.1f}.")
    print("\n| шаг | секунды (мин / медиана) | процессор, с | пик памяти, МБ | выход |\n| --- | --- | --- | --- | --- |")
    for x in done:
        sec = [r[0] for r in x.runs]
        print(f"| {x.name} | {min(sec):.2f} / {statistics.median(sec):.2f} | "
              f"{statistics.median(r[3] for r in x.runs):.2f} | {max(r[1] for r in x.runs):.0f} | "
              f"{','.join(str(c) for c in sorted({r[2] for r in x.runs}))} |")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
