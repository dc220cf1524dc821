"""Замер скорости документов: письма в один файл, отдельные файлы и PDF.

Сравнивается с «наивным» способом docxtpl: для каждого получателя заново загрузить шаблон,
заполнить и сохранить (DocxTemplate(...).render(...).save(...)).

    python scripts/bench_documents.py              # 1000 писем, PDF пакетом из 100 файлов
    python scripts/bench_documents.py --n 200 --pdf-batch 50 --pdf-single 5

PDF: пакетный вызов LibreOffice замеряется на --pdf-batch файлах (один вызов soffice на все),
поштучный — на --pdf-single файлах (отдельный вызов soffice на каждый); стоимость одного файла
пересчитывается на один документ, и сравниваются секунды на документ.

    python scripts/bench_documents.py --pdf-lean 100    # PDF 100 писем: как было против как теперь

--pdf-lean N: PDF N писем (по файлу на письмо) из шаблона, каким его сохраняет python-docx (164 стиля,
stylesWithEffects.xml, миниатюра), одним процессом LibreOffice — как было, против тех же писем из того же
шаблона, облегчённого docx_parts.rezip (как сохраняются шаблоны doc_templates/), с convert_to_pdf как есть
(процесс на ядро); отдельно — вклад каждой из двух перемен и сверка текста PDF (pdftotext).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import docx_parts  # noqa: E402  (scripts/ is this script's folder: the templates' saving)
from docx import Document  # noqa: E402
from docxtpl import DocxTemplate  # noqa: E402

from toolkit.documents import pdf as office  # noqa: E402
from toolkit.documents import prepared  # noqa: E402
from toolkit.documents import rendering as render  # noqa: E402
from toolkit.documents.context import row_context  # noqa: E402
from toolkit.documents.sandbox import make_env  # noqa: E402

GOALS = {"single": 20.0, "separate": 3.0, "pdf": 5.0}

MEN = [("Иванов", "Иван", "Петрович"), ("Шевченко", "Тарас", "Григорьевич"), ("Королёв", "Артём", "Сергеевич"),
       ("Римский-Корсаков", "Николай", "Андреевич"), ("Толстой", "Лев", "Николаевич"), ("Шмидт", "Карл", ""),
       ("Мамедов", "Эльдар", "Рашид оглы"), ("Седых", "Павел", "Ильич"), ("Михалков", "Никита", "")]
WOMEN = [("Петрова-Водкина", "Анна", "Сергеевна"), ("Соловьёва", "Любовь", ""), ("Толстая", "Софья", "Андреевна"),
         ("Шмидт", "Анна", ""), ("Черных", "Мария", "Ивановна"), ("Бондаренко", "Ольга", "Петровна")]


def make_template(path: Path) -> Path:
    """A one-page letter of the kind a school sends: header, greeting, several paragraphs, a table."""
    document = Document()
    document.sections[0].header.paragraphs[0].text = "МБОУ «Школа № {{ Школа }}» · программа наставничества"
    document.add_paragraph("{{ ФИО|уважаемый }}")
    paragraph = document.add_paragraph("Направляем ")
    paragraph.add_run("{{ ФИО|дательный }}").bold = True
    paragraph.add_run(" приглашение на встречу участников программы наставничества {{ Дата|дата }}")
    for i in range(6):
        document.add_paragraph(
            f"Абзац {i + 1}. Встреча пройдёт в актовом зале; просим подтвердить участие у классного "
            "руководителя {{ Класс }} класса. Организатор: {{ Организация }}."
        )
    document.add_paragraph("Ваш наставник — {{ Наставник }}; при встрече передайте ему привет.")
    document.add_paragraph("Благодарим {{ ФИО|родительный }} за участие и желаем успехов!")
    table = document.add_table(rows=3, cols=2)
    for r, (label, field) in enumerate([("Получатель", "ФИО"), ("Класс", "Класс"), ("Наставник", "Наставник")]):
        table.cell(r, 0).text = label
        table.cell(r, 1).text = "{{ " + field + " }}"
    document.add_paragraph("Директор ____________ {{ Директор|инициалы }}")
    document.save(str(path))
    return path


def make_rows(n: int) -> list[dict[str, object]]:
    rng = random.Random(7)
    rows: list[dict[str, object]] = []
    for i in range(n):
        female = i % 2 == 1
        surname, first, patronymic = rng.choice(WOMEN if female else MEN)
        full_name = " ".join(p for p in (surname, first, patronymic) if p)
        rows.append({
            "Файл": f"{i + 1:04d} {full_name}",
            "ФИО": full_name,
            "Пол": "ж" if female else "м",
            "Школа": 17,
            "Дата": "22.11.2026",
            "Класс": f"{5 + i % 7}{'АБВ'[i % 3]}",
            "Организация": "ООО «Ромашка» & Co",
            "Наставник": "Сидоров Илья Ильич",
            "Директор": "Кузнецова Наталья Викторовна",
        })
    return rows


def naive(template: Path, rows: list[dict[str, object]], out_dir: Path) -> float:
    """docxtpl as its documentation shows it: load, render, save for every recipient."""
    out_dir.mkdir(parents=True, exist_ok=True)
    env = make_env()
    start = time.perf_counter()
    for i, row in enumerate(rows):
        document = DocxTemplate(str(template))
        document.render(row_context(row), env)
        document.save(str(out_dir / f"{i}.docx"))
    return time.perf_counter() - start


def timed(func, *args) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start


def soffice_one_by_one(paths: list[Path], out_dir: Path) -> float:
    start = time.perf_counter()
    for path in paths:
        office.convert_to_pdf([path], out_dir)
    return time.perf_counter() - start


def line(name: str, fast: float, slow: float, goal: float, unit: str = "с") -> None:
    ratio = slow / fast if fast else float("inf")
    verdict = "цель достигнута" if ratio >= goal else "НИЖЕ ЦЕЛИ"
    print(f"  {name}: быстро {fast:.3f} {unit}, наивно {slow:.3f} {unit} → в {ratio:.1f} раза быстрее "
          f"(цель ≥{goal:.0f}×, {verdict})")


def pdf_processes(n: int) -> int:
    """PDF of ``n`` separate letters: one LibreOffice for all (runs of PDF_BATCH files, as before) against one
    LibreOffice per core (each with its own profile), wall seconds and the ratio."""
    if office.find_soffice() is None:
        print("LibreOffice не найден, замер пропущен.")
        return 0
    import os

    work = Path(tempfile.mkdtemp(prefix="nastavnik-bench-"))
    try:
        template = make_template(work / "письмо.docx")
        render.render_many_separate(template, make_rows(n), work / "отдельно", "Файл")
        sources = sorted((work / "отдельно").glob("*.docx"))
        print(f"PDF {len(sources)} писем (по файлу на письмо); нагрузка машины: {os.getloadavg()[0]:.1f}.")
        saved = office.PDF_WORKERS
        try:
            office.PDF_WORKERS = 1
            t_one = timed(office.convert_to_pdf, sources, work / "pdf-1")
        finally:
            office.PDF_WORKERS = saved
        t_two = timed(office.convert_to_pdf, sources, work / "pdf-2")
        same = sorted(p.name for p in (work / "pdf-1").glob("*.pdf")) == sorted(p.name for p in (work / "pdf-2").glob("*.pdf"))
        print(f"  один процесс LibreOffice: {t_one:.1f} с; процессов {saved}: {t_two:.1f} с; "
              f"ускорение {t_one / t_two:.2f}× (те же файлы PDF: {'да' if same else 'нет'}); "
              f"нагрузка после замера: {os.getloadavg()[0]:.1f}.")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def pdf_lean(n: int) -> int:
    """PDF of ``n`` separate letters: full-style template and one LibreOffice (the old way) against the lean
    template (saved as the shipped ones are) and convert_to_pdf as it is; the two steps apart; PDF text
    compared letter by letter."""
    if office.find_soffice() is None:
        print("LibreOffice не найден, замер пропущен.")
        return 0
    import os

    work = Path(tempfile.mkdtemp(prefix="nastavnik-bench-"))
    try:
        full = make_template(work / "полный.docx")
        lean = work / "облегчённый.docx"
        docx_parts.rezip(full.read_bytes(), lean)
        rows = make_rows(n)
        letters = {}
        for name, template in (("полный", full), ("облегчённый", lean)):
            render.render_many_separate(template, rows, work / name, "Файл")
            letters[name] = sorted((work / name).glob("*.docx"))
        kb = {name: sum(len(z) for z in _unpacked(path)) / 1024 for name, path in (("полный", full), ("облегчённый", lean))}
        print(f"PDF {n} писем (по файлу на письмо); шаблон распакованный: {kb['полный']:.0f} КБ → "
              f"{kb['облегчённый']:.0f} КБ; нагрузка машины: {os.getloadavg()[0]:.1f}; процессов на ядра: "
              f"{office.PDF_WORKERS}.")
        times: dict[tuple[str, int], float] = {}
        saved = office.PDF_WORKERS
        try:
            for name in ("полный", "облегчённый"):
                for workers in (1, saved):
                    office.PDF_WORKERS = workers
                    times[name, workers] = timed(office.convert_to_pdf, letters[name], work / f"pdf-{name}-{workers}")
        finally:
            office.PDF_WORKERS = saved
        old, new = times["полный", 1], times["облегчённый", saved]
        print(f"  как было (полный шаблон, один процесс): {old:.1f} с; как теперь (облегчённый, процессов {saved}): "
              f"{new:.1f} с → в {old / new:.2f} раза быстрее (цель ≥2×, "
              f"{'цель достигнута' if old / new >= 2 else 'НИЖЕ ЦЕЛИ'}).")
        print(f"  по отдельности: облегчённый шаблон, один процесс — {times['облегчённый', 1]:.1f} с "
              f"({old / times['облегчённый', 1]:.2f}×); полный шаблон, процессов {saved} — "
              f"{times['полный', saved]:.1f} с ({old / times['полный', saved]:.2f}×).")
        pdftotext = shutil.which("pdftotext")
        if pdftotext:
            def text(pdf: Path) -> bytes:
                return subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, check=True).stdout

            olds = sorted((work / "pdf-полный-1").glob("*.pdf"))
            news = sorted((work / f"pdf-облегчённый-{saved}").glob("*.pdf"))
            same = len(olds) == len(news) == n and all(text(a) == text(b) for a, b in zip(olds, news, strict=True))
            print(f"  текст PDF (pdftotext -layout) тот же во всех {n} письмах: {'да' if same else 'НЕТ'}; "
                  f"нагрузка после замера: {os.getloadavg()[0]:.1f}.")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _unpacked(path: Path) -> list[bytes]:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return [archive.read(name) for name in archive.namelist()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="число писем (по умолчанию 1000)")
    parser.add_argument("--pdf-batch", type=int, default=100, help="файлов в пакетном вызове LibreOffice")
    parser.add_argument("--pdf-single", type=int, default=10, help="файлов для поштучных вызовов LibreOffice")
    parser.add_argument("--no-pdf", action="store_true", help="не замерять PDF")
    parser.add_argument("--pdf-processes", type=int, default=0, metavar="N",
                        help="только PDF N писем: один процесс LibreOffice (как было) против двух")
    parser.add_argument("--pdf-lean", type=int, default=0, metavar="N",
                        help="только PDF N писем: полный шаблон и один процесс (как было) против облегчённого "
                             "шаблона и процесса на ядро")
    args = parser.parse_args()
    if args.pdf_lean:
        return pdf_lean(args.pdf_lean)
    if args.pdf_processes:
        return pdf_processes(args.pdf_processes)

    work = Path(tempfile.mkdtemp(prefix="nastavnik-bench-"))
    try:
        template = make_template(work / "письмо.docx")
        rows = make_rows(args.n)
        print(f"Замер документов: {args.n} писем, шаблон — одна страница с колонтитулом и таблицей.")

        prepared._prepared.cache_clear()  # the fast path pays for loading the template too
        t_single = timed(render.render_many_single, template, rows, work / "все.docx")
        prepared._prepared.cache_clear()
        t_separate = timed(render.render_many_separate, template, rows, work / "отдельно", "Файл")
        t_naive = naive(template, rows, work / "наивно")

        print("\n(а) Один файл для печати с разрывами страниц против наивного цикла:")
        line("один файл", t_single, t_naive, GOALS["single"])
        print(f"      ({args.n / t_single:,.0f} писем в секунду; наивно {args.n / t_naive:,.0f})".replace(",", " "))
        print("\n(б) Отдельные файлы против наивного цикла:")
        line("отдельные файлы", t_separate, t_naive, GOALS["separate"])
        print(f"      ({args.n / t_separate:,.0f} файлов в секунду)".replace(",", " "))

        if args.no_pdf:
            return 0
        if office.find_soffice() is None:
            print("\n(в) PDF: LibreOffice не найден, замер пропущен.")
            return 0
        sources = sorted((work / "отдельно").glob("*.docx"))
        batch = sources[: args.pdf_batch]
        single = sources[: args.pdf_single]
        t_batch = timed(office.convert_to_pdf, batch, work / "pdf-пакет")
        t_single_calls = soffice_one_by_one(single, work / "pdf-поштучно")
        per_batch = t_batch / len(batch)
        per_single = t_single_calls / len(single)
        print(f"\n(в) PDF: один вызов LibreOffice на {len(batch)} файлов против отдельного вызова на каждый")
        print(f"    (поштучно замерено на {len(single)} файлах, стоимость пересчитана на один документ):")
        line("секунд на документ", per_batch, per_single, GOALS["pdf"])
        print(f"      пакет {len(batch)} файлов: {t_batch:.1f} с; поштучно {len(single)} файлов: {t_single_calls:.1f} с; "
              f"{args.n} писем поштучно заняли бы ≈{per_single * args.n / 60:.0f} мин, пакетом ≈"
              f"{per_batch * args.n / 60:.1f} мин")
        pdftotext = shutil.which("pdftotext")
        if pdftotext:
            first = sorted((work / "pdf-пакет").glob("*.pdf"))[0]
            text = subprocess.run([pdftotext, str(first), "-"], capture_output=True, check=False).stdout.decode()
            print(f"    проверка: в «{first.name}» есть «Уважаем…/Дорог…»: "
                  f"{'да' if ('Уважаем' in text or 'Дорог' in text) else 'нет'}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
