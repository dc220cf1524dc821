"""The municipality's roll-up page (``nastavnik rollup``): the schools' anonymised exports in, the summary out.

The exports come either as uploaded files (saved under safe new names in the session's own folder) or as a
folder chosen in the desk's places (the home folder, removable drives): the browser names that folder by the
place's number and a relative path, checked by :mod:`toolkit.desk.safety` on every run, never by a full path.
Each roll-up has a folder of its own in «Наставник — сводка» in the home folder, where the summary is written
(never into the chosen folder); the page offers it for download. The roll-up runs as a job of the desk, one at a
time; the refused files are shown with the reason, in Russian.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from toolkit.base.problems import NastavnikError, Report
from toolkit.desk import safety
from toolkit.desk.jobs import Busy, Outcome, Progress
from toolkit.desk.web import (
    _save,
    _shown,
    check_upload_size,
    form_of,
    job_state,
    new_session,
    open_in_session,
    page,
    place_folder,
    session_file,
    session_folder,
    subfolders,
)

WORKSPACE = "Наставник — сводка"
INBOX = "Выгрузки школ"
SOURCE = "источник.json"
PREVIOUS = "Прошлогодняя сводка"  # last year's summary, given for the comparison year over year
JOB_KEY = "rollup"  # one roll-up at a time, whichever session: it reads every file of a region
SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")
TITLE = "Сводка муниципалитета"


def workspace(state: Any) -> Path:
    return state.roots[0][1] / WORKSPACE


def _session(request: Request) -> tuple[str, Path]:
    return session_folder(request, workspace(request.app.state.desk),
                          "Такой сводки нет: возможно, её папку удалили. Начните новую.")


def _inbox(state: Any, folder: Path) -> Path:
    """The folder of exports of a session: its uploads, or the chosen folder (checked again now)."""
    try:
        source = json.loads((folder / SOURCE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return folder / INBOX
    _index, _root, chosen = place_folder(state, str(source.get("root", "0")), str(source.get("rel", "")))
    return chosen


async def rollup_start(request: Request) -> Response:
    state = request.app.state.desk
    q = request.query_params
    index, root, folder = place_folder(state, q.get("root", "0"), q.get("rel", ""))
    rel = q.get("rel", "")
    crumbs, acc = [], []
    for part in rel.split("/") if rel else []:
        acc.append(part)
        crumbs.append({"name": part, "rel": "/".join(acc)})
    return page(request, "rollup.html", title=TITLE, roots=[(i, label) for i, (label, _) in enumerate(state.roots)],
                root_index=index, root_label=state.roots[index][0], rel=rel, crumbs=crumbs,
                parent="/".join(rel.split("/")[:-1]) if rel else None, subfolders=subfolders(root, folder, rel),
                exports=sum(1 for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES))


async def rollup_new(request: Request) -> Response:
    """Uploaded exports or a chosen folder → a session, and the roll-up starts at once."""
    state = request.app.state.desk
    form = await form_of(request, files=True)
    uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    previous = form.get("previous")
    last_year = previous if isinstance(previous, UploadFile) and previous.filename else None
    try:
        if last_year is not None:
            if Path(last_year.filename or "").suffix.lower() != ".xlsx":
                raise NastavnikError(f"«{_shown(last_year.filename)}» — не сводка муниципалитета: прошлогодняя "
                                     "сводка — книга .xlsx, которую сделал «Наставник».")
            check_upload_size(last_year)
        if uploads:
            for item in uploads:
                if Path(item.filename or "").suffix.lower() not in SUFFIXES:
                    raise NastavnikError(f"«{_shown(item.filename)}» — не выгрузка школы: подходят книги "
                                         f"{', '.join(SUFFIXES)} (в пульте школы — «Обезличенная выгрузка»).")
                check_upload_size(item)
            sid, folder = new_session(workspace(state))
            for item in uploads:
                await _save(folder / INBOX, item)
        elif "root" in form:
            rel = str(form.get("rel", ""))
            _index, _root, chosen = place_folder(state, str(form.get("root", "0")), rel)
            if workspace(state).resolve().is_relative_to(chosen.resolve()):
                raise NastavnikError("В этой папке лежат и сводки пульта: выберите папку, куда сложены выгрузки "
                                     "школ, а не домашнюю папку целиком.")
            sid, folder = new_session(workspace(state))
            (folder / SOURCE).write_text(json.dumps({"root": _index, "rel": rel}, ensure_ascii=False),
                                         encoding="utf-8")
        else:
            raise NastavnikError("Выгрузки не выбраны: перетащите файлы школ в поле или выберите папку с ними.")
        if last_year is not None:
            await _save(folder / PREVIOUS, last_year)
    except NastavnikError as exc:
        await form.close()
        return page(request, "message.html", status_code=400, title="Сводка не начата", message=exc.message,
                    pid=None)
    await form.close()
    return _start(request, sid, folder)


def _shown_value(value: object) -> str:
    """A figure as a Russian reader writes it (4,1 rather than 4.1)."""
    from toolkit.base.values import format_number

    if isinstance(value, float):
        return format_number(value)
    return str(value)


def _start(request: Request, sid: str, folder: Path) -> Response:
    state = request.app.state.desk
    inbox = _inbox(state, folder)

    def run(progress: Progress) -> Outcome:
        from toolkit.stages.rollup import (
            DEFAULT_NAME,
            build_rollup,
            build_tables,
            ensure_ours,
            read_previous,
            write_rollup,
        )

        target = folder / DEFAULT_NAME
        ensure_ours(target)
        last_year = next(iter(sorted((folder / PREVIOUS).glob("*.xlsx"))), None) if (folder / PREVIOUS).is_dir() \
            else None
        previous = read_previous(last_year, option="") if last_year is not None else None
        progress("Чтение выгрузок школ", 0, None)
        report = Report()
        rollup = build_rollup(inbox, report, out=target)
        if previous is not None:
            rollup.previous = previous
        progress("Запись сводки", 0, None)
        tables = build_tables(rollup)
        write_rollup(tables, target)
        out = Outcome(problems=list(report), files=[target])
        out.lines.append(f"Сводка за {rollup.year} учебный год.")
        if last_year is not None:
            out.lines.append(f"Сравнение с прошлым годом — по сводке «{last_year.name}»: столбцы «год назад».")
        out.lines += [f"{label}: {_shown_value(value)}" for label, value in tables.headline[1:]]
        if rollup.refused:
            out.lines.append("Почему файлы не приняты — в таблице ниже; остальные сведены.")
        return out

    try:
        job = state.jobs.start(JOB_KEY, folder, "сводка муниципалитета", "rollup", {}, run, wait=state.sync_jobs)
    except Busy as exc:
        return page(request, "message.html", status_code=409, title="Подождите", message=exc.message, pid=None)
    return RedirectResponse(f"/rollup/{sid}/job/{job.id}", status_code=303)


async def rollup_again(request: Request) -> Response:
    await form_of(request)
    sid, folder = _session(request)
    return _start(request, sid, folder)


async def rollup_job(request: Request) -> Response:
    state = request.app.state.desk
    sid, folder = _session(request)
    job = state.jobs.get(request.path_params["jid"])
    if job is None or job.program != JOB_KEY:
        raise HTTPException(404, "Такой работы нет: возможно, пульт запускали заново.")
    files = []
    if job.outcome:
        for path in job.outcome.files:
            try:
                rel = safety.relative_name(folder, path)
            except ValueError:
                continue
            if path.exists():
                files.append({"name": path.name, "rel": rel, "folder": "/".join(rel.split("/")[:-1])})
    return page(request, "job.html", title=TITLE, pid=None, job=job, files=files, retry={}, base=f"/rollup/{sid}",
                back="К сводке", again="/rollup", again_label="Новая сводка")


async def rollup_job_state(request: Request) -> Response:
    _session(request)
    return job_state(request, JOB_KEY)


async def rollup_file(request: Request) -> Response:
    _sid, folder = _session(request)
    return session_file(request, folder, "Такого файла нет в папке сводки.")


async def rollup_open(request: Request) -> Response:
    sid, folder = _session(request)
    await open_in_session(request, folder, "Такого файла нет в папке сводки.")
    return RedirectResponse(f"/rollup/{sid}", status_code=303)


async def rollup_session(request: Request) -> Response:
    """A roll-up made before: its summary to download, or the roll-up again."""
    from toolkit.stages.rollup import DEFAULT_NAME

    sid, folder = _session(request)
    summary = folder / DEFAULT_NAME
    return page(request, "rollup.html", title=TITLE, session=sid,
                sentence=f"Сводка: «{summary.name}»." if summary.exists() else "Сводка ещё не сделана.",
                download=f"/rollup/{sid}/file?name={quote(DEFAULT_NAME)}" if summary.exists() else "")


def routes(safe: Any) -> list[Any]:
    from starlette.routing import Route

    return [
        Route("/rollup", safe(rollup_start)),
        Route("/rollup/new", safe(rollup_new), methods=["POST"]),
        Route("/rollup/{sid}", safe(rollup_session)),
        Route("/rollup/{sid}/again", safe(rollup_again), methods=["POST"]),
        Route("/rollup/{sid}/retry", safe(rollup_again), methods=["POST"]),
        Route("/rollup/{sid}/open", safe(rollup_open), methods=["POST"]),
        Route("/rollup/{sid}/file", safe(rollup_file)),
        Route("/rollup/{sid}/job/{jid}", safe(rollup_job)),
        Route("/rollup/{sid}/job/{jid}/state", safe(rollup_job_state)),
    ]
