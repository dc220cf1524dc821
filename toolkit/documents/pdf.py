"""PDF copies of documents by headless LibreOffice: finding ``soffice``, one run for many files (a private profile,
runs of :data:`PDF_BATCH` files, one LibreOffice per core for many files), and its failures as Russian sentences."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from toolkit.documents.errors import DocumentError


def find_soffice() -> str | None:
    """The LibreOffice executable: on PATH, or in its usual place on Windows and macOS."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    candidates = [
        Path(os.environ.get("ProgramFiles", r"C:\Program Files")) / "LibreOffice" / "program" / "soffice.exe",
        Path(os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)")) / "LibreOffice" / "program" / "soffice.exe",
        Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
    ]
    return next((str(p) for p in candidates if p.is_file()), None)


PDF_BATCH = 200
PDF_WORKERS = 2  # LibreOffice processes at once for many files (the cores of a school computer)
PDF_MIN_SHARE = 20  # fewer files than this per process: one process (its start-up costs about a second)


def convert_to_pdf(paths: Sequence[str | os.PathLike[str]], out_dir: str | os.PathLike[str], *,
                   timeout: float | None = None) -> list[Path]:
    """PDF copies of documents made by ONE headless LibreOffice run for all files.

    A private LibreOffice profile (a temporary directory) is used, so a LibreOffice window the user
    has open does not interfere.  PDFs are made in a temporary folder and moved into ``out_dir`` only
    when all of them are there.
    """
    files = [Path(p).resolve() for p in paths]
    if not files:
        return []
    stems: dict[str, Path] = {}
    for f in files:
        if f.stem.casefold() in stems and stems[f.stem.casefold()] != f:
            raise DocumentError("doc-pdf-name-clash", name=f.stem)
        stems[f.stem.casefold()] = f
    soffice = find_soffice()
    if soffice is None:
        raise DocumentError("doc-pdf-no-soffice")
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    limit = timeout if timeout is not None else 60 + 2 * len(files)
    # Many files: one LibreOffice per core (each with its own profile), every one converting its share in
    # runs of PDF_BATCH files (LibreOffice 7.4 silently stops after about 250 file arguments).
    workers = max(1, min(os.cpu_count() or 1, PDF_WORKERS, len(files) // PDF_MIN_SHARE))
    shares = [files[i::workers] for i in range(workers)]
    with tempfile.TemporaryDirectory(prefix="nastavnik-lo-") as profiles, \
            tempfile.TemporaryDirectory(prefix=".pdf-", dir=directory) as staging:

        def convert(n: int) -> None:
            base = [
                soffice,
                f"-env:UserInstallation={(Path(profiles) / str(n)).as_uri()}",
                "--headless", "--invisible", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
                "--convert-to", "pdf", "--outdir", staging,
            ]
            share = shares[n]
            for start in range(0, len(share), PDF_BATCH):
                _run_soffice([*base, *(str(f) for f in share[start:start + PDF_BATCH])], limit)

        if workers == 1:
            convert(0)
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(workers) as pool:
                for future in [pool.submit(convert, n) for n in range(workers)]:
                    future.result()  # the first failure is reported, after every LibreOffice has finished
        made = [Path(staging) / (f.stem + ".pdf") for f in files]
        missing = [p.name for p in made if not p.is_file() or p.stat().st_size == 0]
        if missing:
            raise DocumentError("doc-pdf-failed", detail="не получились: " + ", ".join(missing[:5]))
        results = []
        for pdf in made:
            target = directory / pdf.name
            os.replace(pdf, target)
            results.append(target)
    return results


def _run_soffice(command: list[str], limit: float) -> None:
    popen_args: dict[str, Any] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    if sys.platform != "win32":
        popen_args["start_new_session"] = True  # so that a timeout kills soffice.bin too
    try:
        process = subprocess.Popen(command, **popen_args)
    except OSError as exc:
        raise DocumentError("doc-pdf-failed", detail=str(exc)) from exc
    try:
        _, stderr = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired as exc:
        _kill(process)
        raise DocumentError("doc-pdf-timeout", seconds=int(limit)) from exc
    if process.returncode != 0:
        detail = stderr.decode("utf-8", "replace").strip().splitlines()
        raise DocumentError("doc-pdf-failed", detail=detail[-1] if detail else f"код {process.returncode}")


def _kill(process: subprocess.Popen[bytes]) -> None:
    if sys.platform != "win32":
        import signal

        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            pass
    else:
        process.kill()
    process.communicate()


__all__ = ["PDF_BATCH", "PDF_WORKERS", "convert_to_pdf", "find_soffice"]
