"""The mail-merge page for admin staff: a .docx template and a table in, the pre-flight report, a preview of
the first document, then all documents (one file or one per person, PDF optional) — ``nastavnik merge``.

Each merge has a folder of its own in «Наставник — слияние» in the home folder (the template and the table as
uploaded, the preview, the finished documents in «Готово»); the browser names it by its folder name only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from toolkit.base.problems import NastavnikError
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
    session_file,
    session_folder,
)

WORKSPACE = "Наставник — слияние"
PREVIEW = "Предпросмотр"
PROBLEMS = "проблемы.json"
DONE = "Готово"
TABLE_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls", ".csv")


def workspace(state: Any) -> Path:
    return state.roots[0][1] / WORKSPACE


def _session(request: Request) -> tuple[str, Path]:
    return session_folder(request, workspace(request.app.state.desk),
                          "Такого слияния нет: возможно, его папку удалили. Начните новое.")


def _inputs(folder: Path) -> tuple[Path, Path]:
    templates = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".docx" and p.is_file())
    tables = sorted(p for p in folder.iterdir() if p.suffix.lower() in TABLE_SUFFIXES and p.is_file())
    if not templates or not tables:
        raise NastavnikError("В папке слияния нет шаблона или таблицы: начните новое слияние.")
    return templates[0], tables[0]


def _plan(folder: Path, name_column: str | None) -> Any:
    from toolkit.documents.merge import plan_merge

    template, table = _inputs(folder)
    return plan_merge(template, table, name_column=name_column or None)


def _preview(plan: Any, folder: Path) -> list[str]:
    """The first recipient's document, made as all will be, and read back as text."""
    import copy

    import docx

    from toolkit.documents.merge import run_merge

    records = plan.data.records()
    if not records:
        return []
    first = copy.copy(plan)
    first.data = copy.copy(plan.data)
    number = records[0][0]
    first.data.rows = [plan.data.rows[number - plan.data.first_row]]
    first.data.first_row = number
    first.data.blank = set()
    result = run_merge(first, folder / PREVIEW)
    if result.report.errors or not result.documents:
        # errors that show only when a document is made (the template's code): kept for the page to show
        (folder / PREVIEW).mkdir(exist_ok=True)
        (folder / PREVIEW / PROBLEMS).write_text(json.dumps([p.as_dict() for p in result.report], ensure_ascii=False),
                                                 encoding="utf-8")
        return []
    document = docx.Document(str(result.documents[0]))
    lines = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            lines.append(" · ".join(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip())))
    return lines


async def merge_start(request: Request) -> Response:
    return page(request, "merge.html", title="Слияние: письма и грамоты", session=None)


async def merge_upload(request: Request) -> Response:
    state = request.app.state.desk
    form = await form_of(request, files=True)
    template = form.get("template")
    table = form.get("table")
    try:
        if not isinstance(template, UploadFile) or not template.filename:
            raise NastavnikError("Не выбран шаблон: нужен документ Word (.docx) с полями {{ ФИО }} или MERGEFIELD.")
        if not isinstance(table, UploadFile) or not table.filename:
            raise NastavnikError("Не выбрана таблица: нужна книга Excel или LibreOffice (.xlsx, .ods) или CSV.")
        if Path(template.filename).suffix.lower() != ".docx":
            raise NastavnikError(f"«{_shown(template.filename)}» — не документ Word .docx: сохраните шаблон как "
                                 "«Документ Word (.docx)».")
        if Path(table.filename).suffix.lower() not in TABLE_SUFFIXES:
            raise NastavnikError(f"«{_shown(table.filename)}» — не таблица: подходят .xlsx, .ods, .xls и .csv.")
        for item in (template, table):
            check_upload_size(item)
        sid, folder = new_session(workspace(state))
        await _save(folder, template)
        await _save(folder, table)
    except NastavnikError as exc:
        await form.close()
        return page(request, "merge.html", status_code=400, title="Слияние: письма и грамоты", session=None,
                    error=exc.message)
    await form.close()
    plan = None
    try:
        plan = await run_in_threadpool(_plan, folder, None)
        if not plan.report.errors:
            await run_in_threadpool(_preview, plan, folder)
    except NastavnikError:
        pass  # the session page words it
    return RedirectResponse(f"/merge/{sid}", status_code=303)


async def merge_session(request: Request) -> Response:
    sid, folder = _session(request)
    name_column = request.query_params.get("name_column") or None
    error = ""
    plan = None
    try:
        plan = await run_in_threadpool(_plan, folder, name_column)
    except NastavnikError as exc:
        error = exc.message
    template, table = _inputs(folder)
    problems = list(plan.report) if plan else []
    blocked = bool(plan and plan.report.errors)
    try:
        from toolkit.base.problems import Problem

        made_problems = [Problem(**p) for p in json.loads((folder / PREVIEW / PROBLEMS).read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        made_problems = []
    problems += made_problems
    blocked = blocked or any(p.severity == "error" for p in made_problems)
    preview: list[str] = []
    made = folder / PREVIEW
    if plan is not None and not blocked and made.is_dir():
        import docx

        for path in sorted(made.glob("*.docx"))[:1]:
            document = docx.Document(str(path))
            preview = [p.text for p in document.paragraphs if p.text.strip()]
    done = sorted(p for p in (folder / DONE).glob("*") if p.is_file()) if (folder / DONE).is_dir() else []
    return page(request, "merge.html", title="Слияние: письма и грамоты", session=sid, base=f"/merge/{sid}",
                template=template.name, table=table.name, plan=plan, error=error, preview=preview,
                recipients=len(plan.data.records()) if plan else 0, columns=plan.data.columns if plan else [],
                name_column=plan.name_column if plan else None,
                done=[{"name": p.name, "rel": f"{DONE}/{p.name}", "size": p.stat().st_size} for p in done],
                problems=problems, blocked=blocked)


async def merge_run(request: Request) -> Response:
    state = request.app.state.desk
    form = await form_of(request)
    sid, folder = _session(request)
    single = form.get("single") in ("1", "on")
    pdf = form.get("pdf") in ("1", "on")
    name_column = str(form.get("name_column") or "") or None
    fields = {k: str(v) for k, v in form.items() if k != "csrf" and isinstance(v, str)}

    def run(progress: Progress) -> Outcome:
        from toolkit.documents.merge import run_merge

        plan = _plan(folder, name_column)
        out = Outcome(problems=list(plan.report))
        if plan.report.errors:
            out.failed = True
            out.lines.append(f"Документы не созданы: ошибок {len(plan.report.errors)}. Исправьте таблицу или шаблон "
                             "и загрузите их снова.")
            return out
        recipients = len(plan.data.records())
        result = run_merge(plan, folder / DONE, single=single, pdf=pdf, progress=progress)
        if result.report.errors:
            out.problems += list(result.report)
            out.failed = True
            out.lines.append("Документы не созданы: исправьте ошибки и запустите снова.")
            return out
        out.files = list(result.documents) + list(result.pdfs)
        out.lines.append(f"Готово: документов {recipients}" + (" в одном файле" if single else "") +
                         (f", PDF: {len(result.pdfs)}" if result.pdfs else "") + ".")
        return out

    try:
        job = state.jobs.start(f"merge-{sid}", folder, "слияние", "merge", fields, run, wait=state.sync_jobs)
    except Busy as exc:
        return page(request, "message.html", status_code=409, title="Подождите", message=exc.message, pid=None)
    return RedirectResponse(f"/merge/{sid}/job/{job.id}", status_code=303)


async def merge_job(request: Request) -> Response:
    state = request.app.state.desk
    sid, folder = _session(request)
    job = state.jobs.get(request.path_params["jid"])
    if job is None or job.program != f"merge-{sid}":
        raise HTTPException(404, "Такой работы нет: возможно, пульт запускали заново.")
    files = []
    if job.outcome:
        for path in job.outcome.files:
            try:
                rel = safety.relative_name(folder, path)
            except ValueError:
                continue
            files.append({"name": path.name, "rel": rel, "folder": "/".join(rel.split("/")[:-1])})
    return page(request, "job.html", title="Слияние", pid=None, job=job, files=files, retry={},
                base=f"/merge/{sid}")


async def merge_job_state(request: Request) -> Response:
    sid, _folder = _session(request)
    return job_state(request, f"merge-{sid}")


async def merge_file(request: Request) -> Response:
    _sid, folder = _session(request)
    return session_file(request, folder, "Такого файла нет в папке слияния.")


async def merge_open(request: Request) -> Response:
    sid, folder = _session(request)
    await open_in_session(request, folder, "Такого файла нет в папке слияния.")
    return RedirectResponse(f"/merge/{sid}", status_code=303)


def routes(safe: Any) -> list[Any]:
    from starlette.routing import Route

    return [
        Route("/merge", safe(merge_start)),
        Route("/merge/new", safe(merge_upload), methods=["POST"]),
        Route("/merge/{sid}", safe(merge_session)),
        Route("/merge/{sid}/run", safe(merge_run), methods=["POST"]),
        Route("/merge/{sid}/open", safe(merge_open), methods=["POST"]),
        Route("/merge/{sid}/file", safe(merge_file)),
        Route("/merge/{sid}/job/{jid}", safe(merge_job)),
        Route("/merge/{sid}/job/{jid}/state", safe(merge_job_state)),
    ]

