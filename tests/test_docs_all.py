"""`docs --kind все` makes every kind at once; `docs` without --pdf removes a PDF older than the document it
stands beside (a PDF saying 0 % next to a .docx saying 67 %), and keeps that of an unchanged document."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from cli_helpers import run_cli
from results_helpers import demo_folders


def test_docs_of_every_kind_and_stale_pdfs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = Path(shutil.copytree(demo_folders()["student"], tmp_path / "p"))
    out = tmp_path / "Документы"
    code, text, err = run_cli(["docs", str(folder), "--kind", "все", "--out", str(out), "--date", "27.05.2027"],
                              capsys)
    assert code in (0, 1), text + err
    for title in ("Благодарственные письма", "Приказ", "Отчёт о программе", "Приглашения партнёрам"):
        assert any(line.startswith(title) for line in text.splitlines()), (title, text)
    report = next(out.glob("Отчёт о реализации программы наставничества*.docx"))
    stale = report.with_suffix(".pdf")
    stale.write_bytes(b"%PDF-1.4 old")
    os.utime(stale, (1_600_000_000, 1_600_000_000))
    os.utime(report, (1_600_000_000, 1_600_000_000))
    letter = next(out.glob("Благодарственное письмо*.docx"))
    kept = letter.with_suffix(".pdf")
    kept.write_bytes(b"%PDF-1.4 current")  # newer than its unchanged document
    code, text, err = run_cli(["docs", str(folder), "--kind", "отчёт", "--out", str(out), "--date", "28.05.2027"],
                              capsys)
    assert not stale.exists()
    assert "Удалены устаревшие PDF рядом с изменёнными документами: 1 (новые PDF — с --pdf)." in text
    code, text, err = run_cli(["docs", str(folder), "--kind", "письма", "--out", str(out), "--date", "27.05.2027"],
                              capsys)
    assert kept.exists()
