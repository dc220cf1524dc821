"""Benchmark: reading + validating a 20,000-row registry, «Наставник» (python-calamine) against the
pandas + openpyxl path, side by side in one run, as a ratio (goal ≥ 5×).

    python scripts/bench_read.py [--rows 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit import spec
from toolkit.base.problems import Report  # noqa: E402
from toolkit.books.reader import open_book, read_workbook  # noqa: E402
from toolkit.books.writer import write_workbook  # noqa: E402
from toolkit.demo.people import People, phone  # noqa: E402


def make_registry(path: Path, rows: int) -> None:
    profile = spec.find_profile("student")
    wb = next(w for w in spec.program_workbooks(profile) if w.key == "applications")
    rng = random.Random(1)
    people = People(7)
    mentees = []
    base: list = []  # type: ignore[type-arg]
    for i in range(rows):
        p = people.person(with_patronymic=i % 2 == 0) if i < 600 else base[i % 600]
        if i < 600:
            base.append(p)
        mentees.append({"last_name": p.last_name + ("-" + str(i) if i >= 600 else ""), "first_name": p.first_name,
                        "middle_name": p.middle_name, "gender": p.gender, "class": f"{rng.randint(5, 9)}А",
                        "contact": phone(rng), "applied_on": dt.date(2026, 9, 1) + dt.timedelta(days=i % 30),
                        "request": "Нужна помощь с математикой", "request_kind": "Адаптация",
                        "areas": ["Математика", "Подготовка к ОГЭ"], "days": ["пн", "ср"], "times": ["После уроков"],
                        "consent_participation": True, "consent_pd": True,
                        "consent_pd_by": "Родитель (законный представитель)", "consent_date": dt.date(2026, 9, 5)})
    write_workbook(path, wb, profile, "bench", {"mentees": mentees})


@functools.lru_cache(maxsize=1)
def registry_spec() -> spec.WorkbookSpec:
    """The registry's spec, resolved once: both paths are timed reading the file, not resolving the specs."""
    profile = spec.find_profile("student")
    return next(w for w in spec.program_workbooks(profile) if w.key == "applications")


def ours(path: Path) -> int:
    wb = registry_spec()
    report = Report()
    book = open_book(path, report, path.name)
    assert book is not None
    data = read_workbook(book, wb, report, path.name)
    return len(data.tables["mentees"].rows) + len(report)


def peer(path: Path) -> int:
    """The usual pandas + openpyxl path with the same checks written in pandas."""
    import pandas as pd

    sheet = next(s for s in registry_spec().sheets if s.key == "mentees")
    df = pd.read_excel(path, sheet_name=sheet.name, engine="openpyxl", dtype=object)
    df = df.dropna(how="all", subset=[c.header for c in sheet.columns if c.key != "id"])
    problems = 0
    for column in sheet.columns:
        series = df[column.header]
        if column.required:
            problems += int(series.isna().sum())
        filled = series.dropna()
        if column.type == "date":
            problems += int(pd.to_datetime(filled, errors="coerce", dayfirst=True).isna().sum())
        elif column.type in ("int", "number"):
            problems += int(pd.to_numeric(filled, errors="coerce").isna().sum())
        elif column.type in ("choice", "bool"):
            allowed = set(column.choices or ["да", "нет"])
            problems += int((~filled.astype(str).str.strip().isin(allowed)).sum())
        elif column.type == "multichoice":
            allowed = set(column.choices or [])
            parts = filled.astype(str).str.split(",").explode().str.strip()
            problems += int((~parts.isin(allowed)).sum())
    return len(df) + problems


def ours_read(path: Path) -> int:
    """Only the read: the guard's scan of the file and python-calamine's grid of every sheet (no parsing of
    values, no checks)."""
    book = open_book(path, Report(), path.name)
    assert book is not None
    return sum(len(book.rows(name)[0]) for name in book.sheet_names)


def bare(path: Path) -> int:
    """python-calamine alone: every sheet's grid, no guard."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    return sum(len(workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
               for name in workbook.sheet_names)


def best_of(fn, path: Path, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """The least CPU time of ``repeat`` runs: on a shared machine it varies less than the wall clock."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn(path)
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description="Чтение и проверка реестра: Наставник против pandas + openpyxl.")
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "02_Заявки.xlsx"
        start = time.perf_counter()
        make_registry(path, args.rows)
        print(f"Реестр на {args.rows} строк записан за {time.perf_counter() - start:.2f} с "
              f"({path.stat().st_size / 1e6:.1f} МБ).")
        registry_spec()
        t_ours = best_of(ours, path, args.repeat)
        t_peer = best_of(peer, path, args.repeat)
        t_read = best_of(ours_read, path, args.repeat)
        t_bare = best_of(bare, path, args.repeat)
    print(f"{'путь':<48}{'процессор, с (лучшее из ' + str(args.repeat) + ')':>30}")
    print(f"{'Наставник (python-calamine + проверка)':<48}{t_ours:>30.2f}")
    print(f"{'pandas + openpyxl + те же проверки':<48}{t_peer:>30.2f}")
    print(f"{'только чтение: защитный просмотр + python-calamine':<48}{t_read:>30.2f}")
    print(f"{'python-calamine без защиты':<48}{t_bare:>30.2f}")
    print(f"Ускорение: {t_peer / t_ours:.1f}× (цель ≥ 5×); чтение с защитой — {t_read / t_bare:.2f}× чтения "
          f"python-calamine без неё (цель ≤ 1,5×)")


if __name__ == "__main__":
    main()
