"""Benchmark of `nastavnik rollup`: a region of N schools (default 1,000) with ~1,000 participants each
(~10⁶ participant rows) rolled up; prints the seconds and the peak memory of the roll-up process.

The exports are written by the export's own writer (toolkit.stages.export.write_export_workbook) from
generated numbers: the same layout and «_meta» a school sends, the monitoring's «mon_…» figures included. They
are cached in the folder given by --folder (by layout version), so a second run measures the roll-up only.

    python scripts/bench_rollup.py [--schools 1000] [--people 1000] [--folder /tmp/bench-rollup]
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

FORMS = (("student", "Ученик – ученик", "Наставник", "Наставляемый"),
         ("teacher", "Педагог – педагог", "Наставник", "Молодой педагог"))


def make_export(path: Path, n: int, people: int, rng: random.Random) -> None:
    from toolkit.stages.export import EXPORT_FORMAT, EXPORT_KIND, Export, write_export_workbook

    form, form_name, mentor, mentee = FORMS[0] if n % 5 else FORMS[1]
    size = people if form == "student" else max(10, people // 20)
    mentors = size // 4
    participants = []
    for i in range(size):
        role = mentor if i < mentors else mentee
        stage = rng.choice((2, 3, 4, 5, 5, 5, 6)) if role == mentor else rng.choice((2, 4, 5, 5, 5))
        participants.append([f"{role} {i + 1}", role, "5–6 кл.", rng.choice("мж"), f"{stage}. Этап", "да"])
    pairs = mentors - rng.randrange(0, max(1, mentors // 5))
    mentees_in_pairs = min(size - mentors, pairs * 2)
    meetings = pairs * rng.randrange(3, 12)
    meta = {
        "kind": EXPORT_KIND, "format": str(EXPORT_FORMAT), "toolkit": "bench", "created": f"2027-02-{1 + n % 27:02d}T10:00:00",
        "date": "2027-02-15", "school_key": f"инн:{2724000000 + n}", "school": f"МАОУ СШ № {n + 1}", "city": "г. Хабаровск",
        "program_id": f"bench-{n}", "form": form, "form_name": form_name, "year": "2026/2027",
        "role_mentor": mentor, "role_mentee": mentee, "pupils_total": str(size * 2),
        "mentors": str(mentors), "mentees": str(size - mentors), "pairs": str(pairs),
        "pairs_attention": str(rng.randrange(0, pairs + 1)), "meetings": str(meetings),
        "mentor_score_sum": str(meetings * 4.2), "mentor_score_n": str(meetings),
        "mentee_score_sum": str(meetings * 4.5), "mentee_score_n": str(meetings),
        "practices_level1": str(rng.randrange(0, 3)), "practices_level2": str(rng.randrange(0, 2)),
        "practices_level3": "0", "practices": "3",
        "pupils_in_pairs": str(pairs + mentees_in_pairs if form == "student" else 0),
    }
    meta.update(monitoring_meta(form, mentors, size - mentors, rng))
    summary = [("Школа", meta["school"]), ("Форма наставничества", form_name)]
    write_export_workbook(Export(summary, participants, [], meta=meta), path)


def monitoring_meta(form: str, mentors: int, mentees: int, rng: random.Random) -> dict[str, str]:
    """The monitoring keys of «_meta» («mon_…»): questionnaires answered by most, 1–10 means, indicators."""
    from toolkit.logic.monitoring import SURVEY_ITEMS, growth_kind, indicators
    from toolkit.spec import profiles

    out: dict[str, float] = {}
    answered = {"mentor": rng.randrange(mentors // 2, mentors + 1), "mentee": rng.randrange(mentees // 2, mentees + 1)}
    for role in ("mentor", "mentee"):
        out[f"mon_{role}s_total"], out[f"mon_{role}s_answered"] = answered[role] + rng.randrange(0, 3), answered[role]
    for item in SURVEY_ITEMS:
        for role in ("mentor", "mentee"):
            n = answered[role] if item != "self" or role == "mentor" else 0
            out[f"mon_{item}_{role}_n"], out[f"mon_{item}_{role}_sum"] = n, n * rng.uniform(6, 9)
    kinds = indicators(growth_kind(profiles()[form]))
    measured = rng.randrange(mentees // 2, mentees + 1)
    for i in kinds:
        entry = measured * rng.uniform(1, 4)
        out.update({f"mon_{i.key}_n": measured, f"mon_{i.key}_entry_sum": entry,
                    f"mon_{i.key}_exit_sum": entry * rng.uniform(0.8, 1.3), f"mon_{i.key}_better": measured * 2 // 3,
                    f"mon_{i.key}_worse": measured // 10})
    for key in ("go_on", "become_mentor"):
        out[f"mon_{key}_n"], out[f"mon_{key}_yes"] = answered["mentee"], answered["mentee"] * 3 // 4
    text = {k: str(round(v, 6)) if isinstance(v, float) else str(v) for k, v in out.items()}
    return {**text, "mon_items": ",".join(SURVEY_ITEMS), "mon_growth": ",".join(i.key for i in kinds)}


ROLLUP = """
import sys, time, resource
from pathlib import Path
from toolkit.base.problems import Report
from toolkit.stages.rollup import build_rollup, build_tables, write_rollup
start = time.perf_counter()
report = Report()
rollup = build_rollup(Path(sys.argv[1]), report)
read = time.perf_counter()
tables = build_tables(rollup)
out = Path(sys.argv[2])
if out.exists():
    out.unlink()
write_rollup(tables, out)
end = time.perf_counter()
print(f"{len(rollup.sources)} {len(report.errors)} {read - start:.2f} {end - read:.2f} "
      f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/bench-rollup"))
    args = parser.parse_args()
    from toolkit.stages.export import EXPORT_FORMAT

    inbox = args.folder / f"{args.schools}x{args.people}-f{EXPORT_FORMAT}"  # a new layout: exports made anew
    inbox.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    start = time.perf_counter()
    made = 0
    for n in range(args.schools):
        path = inbox / f"школа {n + 1:04d}.xlsx"
        if not path.exists():
            make_export(path, n, args.people, rng)
            made += 1
    if made:
        print(f"выгрузок создано: {made} за {time.perf_counter() - start:.1f} с")
    rows = 0
    from python_calamine import CalamineWorkbook

    for path in sorted(inbox.glob("*.xlsx"))[:20]:
        rows += len(CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Участники").to_python()) - 1
    estimate = rows * args.schools // min(20, args.schools)
    print(f"школ: {args.schools}, строк участников: ~{estimate}")
    import os

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    wall = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", ROLLUP, str(inbox), str(args.folder / "Сводка.xlsx")],
                            capture_output=True, text=True, check=True)
    wall = time.perf_counter() - wall
    sources, errors, read, write, peak = result.stdout.split()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_peak = after.ru_maxrss / 1024
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(f"rollup: {wall:.1f} с всего (чтение {read} с, таблицы и запись {write} с; процессорного времени "
          f"{cpu:.1f} с), выгрузок учтено {sources}, ошибок {errors}; пик памяти процесса {peak} МБ "
          f"(по RUSAGE_CHILDREN {child_peak:.0f} МБ); нагрузка машины: {load:.1f} до, {os.getloadavg()[0]:.1f} после")


if __name__ == "__main__":
    main()
