"""Benchmark: `status` of a program with many participants (default 20,000: 1,000 mentors, the rest mentees),
timed in steps (read + check, compute_status, status workbook).

    python scripts/bench_status.py [--people 20000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit import spec  # noqa: E402
from toolkit.base.problems import Report  # noqa: E402
from toolkit.books.writer import write_workbook  # noqa: E402
from toolkit.checks.program import load_program  # noqa: E402
from toolkit.demo.people import People, phone  # noqa: E402
from toolkit.logic.readiness import compute_status  # noqa: E402
from toolkit.model.program import Program  # noqa: E402
from toolkit.stages.status import status_path, write_status_workbook  # noqa: E402


def make_program(root: Path, count: int) -> Program:
    profile = spec.find_profile("student")
    program, _, _ = Program.create(root, profile)
    wb = next(w for w in program.specs if w.key == "applications")
    rng = random.Random(1)
    people = People(7)
    rows: dict[str, list[dict[str, object]]] = {"mentors": [], "mentees": []}
    mentors = max(1, count // 20)
    base = [people.person(with_patronymic=i % 2 == 0) for i in range(min(count, 600))]  # unique names run out
    for i in range(count):
        p = base[i % len(base)]
        role = "mentors" if i < mentors else "mentees"
        rows[role].append({
            "last_name": f"{p.last_name}-{i}", "first_name": p.first_name, "middle_name": p.middle_name,
            "gender": p.gender, "class": f"{rng.randint(5, 9) + (3 if role == 'mentors' else 0)}А",
            "contact": phone(rng), "applied_on": dt.date(2026, 9, 1) + dt.timedelta(days=i % 30),
            "request": "Нужна помощь с математикой", "request_kind": "Адаптация",
            "areas": ["Математика"], "days": ["пн", "ср"], "times": ["После уроков"],
            "consent_participation": True, "consent_pd": True,
            "consent_pd_by": "Родитель (законный представитель)", "consent_date": dt.date(2026, 9, 5)})
    target = program.find_files(wb)[0]
    write_workbook(target, wb, profile, program.program_id, rows)
    return program


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--profile", action="store_true", help="print the 25 costliest functions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        program = make_program(Path(tmp) / "program", args.people)
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        t0 = time.perf_counter()
        report = Report()
        data = load_program(program, report)
        t1 = time.perf_counter()
        status = compute_status(data, dt.date(2026, 10, 1))
        t2 = time.perf_counter()
        write_status_workbook(status, status_path(data))
        t3 = time.perf_counter()
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        print(f"participants {len(status.participants)}: read+check {t1 - t0:.1f} s, compute_status {t2 - t1:.1f} s, "
              f"workbook {t3 - t2:.1f} s, total {t3 - t0:.1f} s")


if __name__ == "__main__":
    main()
