"""The desk's web application (Starlette): pages, forms, uploads and downloads, guarded on every request.

Security, in the order a request meets it (:class:`Guard`): the ``Host`` header must be ``127.0.0.1:PORT`` or
``localhost:PORT`` (DNS rebinding); the per-launch secret comes once in the URL (``?t=…``) and is then a cookie
(HttpOnly, SameSite=Strict), anything without it is 403; only GET, HEAD and POST exist, GET never changes
anything, every POST carries the CSRF token of the launch; every answer carries a Content-Security-Policy that
allows nothing from another origin. Names of files come as names inside the program folder
(:mod:`toolkit.desk.safety`). Error pages are Russian sentences, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from toolkit.base.problems import NastavnikError, Report
from toolkit.checks.program import load_program
from toolkit.desk import actions, safety
from toolkit.desk.jobs import Busy, Job, Jobs
from toolkit.desk.web import (  # noqa: F401  (MAX_REQUEST_BYTES, desk_words: the desk's names, read by tests)
    _ENV,
    MAX_REQUEST_BYTES,
    MAX_UPLOAD_BYTES,
    _save,
    _shown,
    desk_words,
    form_of,
    page,
    place_folder,
    subfolders,
)

log = logging.getLogger("toolkit.desk")

COOKIE = "nastavnik_desk_{port}"  # one per launch port: two desks at once do not overwrite each other's
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
MAX_RECENT = 12
FORMS_SUFFIXES = (".csv", ".xlsx", ".xls", ".ods", ".txt")
BOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")

FORM_HELP = {
    "student": ("Ученик – ученик", "Старшеклассники помогают младшим: учёба, адаптация в новом классе, проекты "
                "и олимпиады. Мотивационная встреча, тест наставников, обучение из 8 встреч."),
    "teacher": ("Педагог – педагог", "Опытные педагоги сопровождают молодых специалистов и новых коллег: "
                "адаптация, методика, открытые уроки. Организационная встреча, обучение из 1–2 встреч."),
}
SCHEMES = [
    ("анкеты", "Анкеты", "Программа сравнивает анкеты и предлагает пары с наибольшим баллом и объяснением; "
     "решаете вы — отметьте согласия в книге «04_Пары» и сформируйте снова."),
    ("предложение", "Предложение куратора", "Вы пишете предложения на листе «Предложения»; пара закрепляется "
     "с согласия обеих сторон."),
    ("встреча", "Групповая встреча (Mentor Match)", "Первый запуск составляет расписание быстрых встреч; после "
     "встречи внесите места — пары сложатся при совпадении желаний."),
]


def default_opener(path: Path) -> None:
    """Open a file or folder in the system's own program (the office suite, the file manager)."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        os.startfile(str(path))  # type: ignore[attr-defined]
    elif sys.platform == "darwin":  # pragma: no cover
        subprocess.Popen(["open", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        subprocess.Popen(["xdg-open", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)


def config_path() -> Path:
    """Where the desk remembers recent programs (folders only, no personal data)."""
    if os.environ.get("NASTAVNIK_DESK_CONFIG"):
        return Path(os.environ["NASTAVNIK_DESK_CONFIG"])
    if sys.platform == "win32":  # pragma: no cover
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "nastavnik" / "desk.json"


@dataclass
class DeskState:
    port: int
    config: Path = field(default_factory=config_path)
    roots: list[tuple[str, Path]] = field(default_factory=safety.browse_roots)
    opener: Callable[[Path], None] = default_opener
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    jobs: Jobs = field(default_factory=Jobs)
    last_seen: float = field(default_factory=time.monotonic)
    sync_jobs: bool = False  # tests: a job finishes before its page is shown

    # -------------------------------------------------------------- recent programs
    def recent(self) -> list[Path]:
        try:
            items = json.loads(self.config.read_text(encoding="utf-8")).get("recent", [])
        except (OSError, ValueError, AttributeError):
            return []
        return [Path(p) for p in items if isinstance(p, str)]

    def remember(self, folder: Path) -> str:
        folder = folder.resolve()
        items = [folder] + [p for p in self.recent() if p != folder]
        try:
            self.config.parent.mkdir(parents=True, exist_ok=True)
            self.config.write_text(json.dumps({"recent": [str(p) for p in items[:MAX_RECENT]]}, ensure_ascii=False),
                                   encoding="utf-8")
        except OSError:
            pass
        return program_id(folder)

    def folder_of(self, pid: str) -> Path:
        for path in self.recent():
            if program_id(path) == pid:
                return path
        raise HTTPException(404, "Такой программы нет в списке пульта: откройте её со стартовой страницы.")


def program_id(folder: Path) -> str:
    return hashlib.sha256(str(folder.resolve()).encode("utf-8")).hexdigest()[:12]


# ---------------------------------------------------------------------------- guard (ASGI middleware)


class Guard:
    """Host check, the launch secret (URL once, then cookie), allowed methods, security headers."""

    def __init__(self, app: ASGIApp, state: DeskState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = self.state
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if host not in (f"127.0.0.1:{state.port}", f"localhost:{state.port}"):
            await _plain(403, "Доступ запрещён: пульт открывается только по адресу 127.0.0.1 этого компьютера.",
                         scope, receive, send)
            return
        method = scope["method"]
        if method not in ("GET", "HEAD", "POST"):
            await _plain(405, "Так обратиться к пульту нельзя.", scope, receive, send)
            return
        cookies = _cookies(headers.get("cookie", ""))
        query = _query(scope)
        if method == "GET" and "t" in query:
            if secrets.compare_digest(query["t"].encode(), state.token.encode()):
                rest = {k: v for k, v in query.items() if k != "t"}
                location = scope["path"] + ("?" + urlencode(rest) if rest else "")
                response = RedirectResponse(quote(location, safe="/?=&%"), status_code=303)
                response.set_cookie(COOKIE.format(port=state.port), state.token, httponly=True, samesite="strict", path="/")
                _secure(response)
                await response(scope, receive, send)
                return
            await _plain(403, "Ссылка устарела: пульт запущен заново. Откройте его ярлыком «Наставник».",
                         scope, receive, send)
            return
        if not secrets.compare_digest(cookies.get(COOKIE.format(port=state.port), "").encode(), state.token.encode()):
            await _plain(403, "Доступ запрещён: откройте пульт ярлыком «Наставник» или по ссылке, которую "
                         "показала программа при запуске.", scope, receive, send)
            return
        state.last_seen = time.monotonic()

        async def send_secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]
                message["headers"] = raw
            await send(message)

        await self.app(scope, receive, send_secure)


SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def _secure(response: Response) -> None:
    for k, v in SECURITY_HEADERS.items():
        response.headers[k] = v


async def _plain(code: int, text: str, scope: Scope, receive: Receive, send: Send) -> None:
    response = HTMLResponse(_ENV.get_template("error.html").render(message=text, code=code, csrf="", nav=False),
                            status_code=code)
    _secure(response)
    await response(scope, receive, send)


def _cookies(header: str) -> dict[str, str]:
    out = {}
    for part in header.split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def _query(scope: Scope) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))


# ---------------------------------------------------------------------------- rendering

def _program(request: Request) -> tuple[str, Any]:
    from toolkit.model.program import Program

    state: DeskState = request.app.state.desk
    pid = request.path_params["pid"]
    folder = state.folder_of(pid)
    return pid, Program.open(folder)


def _snapshot(program: Any) -> tuple[Report, Any, Any]:
    """The books read and checked, the status computed (no file written): what the pages show."""
    from toolkit.base.messages import FATAL_CODES
    from toolkit.logic.readiness import compute_status

    report = Report()
    data = load_program(program, report)
    fatal = [p for p in report if p.code in FATAL_CODES and p.book == "applications"]
    status = None if fatal else compute_status(data)
    return report, data, status


def _signature(program: Any) -> str:
    """Changes when any book of the program is saved (mtime and size) or opened elsewhere (lock file)."""
    from toolkit.base import files

    parts = []
    for wb in program.specs:
        for path in program.find_files(wb):
            try:
                st = path.stat()
                parts.append(f"{path.name}:{st.st_mtime_ns}:{st.st_size}:{len(files.lock_files(path))}")
            except OSError:
                continue
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]


def _open_elsewhere(program: Any) -> list[str]:
    from toolkit.base import files

    names = []
    for wb in program.specs:
        for path in program.find_files(wb):
            if files.lock_files(path):
                names.append(path.name)
    return names


def _rel(program: Any, path: Path) -> str:
    try:
        return safety.relative_name(program.root, path)
    except ValueError:
        return ""


# ---------------------------------------------------------------------------- pages


async def start(request: Request) -> Response:
    state: DeskState = request.app.state.desk
    recent = []
    for folder in state.recent():
        exists = folder.is_dir()
        recent.append({"id": program_id(folder), "name": folder.name, "where": _where(state, folder.parent),
                       "exists": exists})
    return page(request, "start.html", title="Пульт куратора", recent=recent)


def _where(state: DeskState, folder: Path) -> str:
    """«Домашняя папка › Школа» rather than a full path, when the folder is inside a place of the browser."""
    for label, root in state.roots:
        try:
            rel = folder.resolve().relative_to(root.resolve())
        except (ValueError, OSError):
            continue
        return " › ".join([label, *rel.parts])
    return str(folder)


def _browse(state: DeskState, root_text: str, rel: str) -> tuple[int, Path, Path, str]:
    root_index, root, folder = place_folder(state, root_text, rel)
    return root_index, root, folder, rel


def _is_program(folder: Path) -> bool:
    return any((folder / f"00_Настройки{s}").exists() for s in BOOK_SUFFIXES)


def _subfolders(root: Path, folder: Path, rel: str) -> list[dict[str, Any]]:
    """The folders to open, each marked when it is a program folder."""
    return subfolders(root, folder, rel, mark=lambda child: {"program": _is_program(child)})


async def folders(request: Request) -> Response:
    """The folder browser: home and removable drives only; a program folder can be opened, any can be chosen
    for a new program."""
    state: DeskState = request.app.state.desk
    q = request.query_params
    root_index, root, folder, rel = _browse(state, q.get("root", "0"), q.get("rel", ""))
    parent = "/".join(rel.split("/")[:-1]) if rel else None
    is_program = _is_program(folder)
    crumbs = []
    acc: list[str] = []
    for part in rel.split("/") if rel else []:
        acc.append(part)
        crumbs.append({"name": part, "rel": "/".join(acc)})
    return page(request, "folders.html", title="Выбор папки", roots=[(i, label) for i, (label, _) in
                                                                     enumerate(state.roots)],
                root_index=root_index, root_label=state.roots[root_index][0], rel=rel, parent=parent, crumbs=crumbs,
                subfolders=_subfolders(root, folder, rel), is_program=is_program, forms=FORM_HELP,
                previous=_previous(state))


def _previous(state: DeskState) -> list[dict[str, str]]:
    """Programs the desk knows, to start the new academic year from one of them (by id, never by a path)."""
    return [{"id": program_id(p), "name": p.name, "where": _where(state, p.parent)} for p in state.recent()
            if _is_program(p)]


def _create_from(state: DeskState, target: Path, previous: str) -> str:
    """A new academic year from a program of the list (``init --from``): the message shown on its page."""
    from toolkit.stages.next_year import outcome_lines, start_next_year

    old = state.folder_of(previous)
    outcome = start_next_year(target, old)
    return " ".join(outcome_lines(outcome, old)[:2])


async def create(request: Request) -> Response:
    from toolkit.model.program import Program
    from toolkit.spec import find_profile

    state: DeskState = request.app.state.desk
    form = await form_of(request)
    root_index, root, folder, rel = _browse(state, str(form.get("root", "0")), str(form.get("rel", "")))
    name = str(form.get("name", "")).strip()
    form_key = str(form.get("form", ""))
    previous = str(form.get("from", ""))
    message = ""
    try:
        if previous:
            if not name:
                raise NastavnikError("Впишите название программы нового года: так будет называться её папка.")
            target = safety.inside(root, f"{rel}/{safety.check_part(name)}" if rel else safety.check_part(name))
            message = await run_in_threadpool(_create_from, state, target, previous)
        else:
            if form_key not in FORM_HELP:
                raise NastavnikError("Выберите форму наставничества: «ученик – ученик» или «педагог – педагог».")
            if not name:
                raise NastavnikError("Впишите название программы: так будет называться её папка.")
            target = safety.inside(root, f"{rel}/{safety.check_part(name)}" if rel else safety.check_part(name))
            if target.exists() and any(target.iterdir()) and not (target / "00_Настройки.xlsx").exists():
                raise NastavnikError(f"Папка «{name}» уже есть и в ней другие файлы: выберите другое название.")
            Program.create(target, find_profile(form_key))
    except NastavnikError as exc:
        q = request.query_params
        return page(request, "folders.html", status_code=400, title="Выбор папки", error=exc.message,
                    roots=[(i, label) for i, (label, _) in enumerate(state.roots)], root_index=root_index,
                    root_label=state.roots[root_index][0], rel=rel, parent=None, crumbs=[],
                    subfolders=_subfolders(root, folder, rel), is_program=False, forms=FORM_HELP, name=name,
                    chosen_form=form_key, q=q, previous=_previous(state), chosen_previous=previous)
    pid = state.remember(target)
    return RedirectResponse(f"/p/{pid}" + (f"?msg={quote(message)}" if message else ""), status_code=303)


async def add_program(request: Request) -> Response:
    from toolkit.model.program import Program

    state: DeskState = request.app.state.desk
    form = await form_of(request)
    _root_index, _root, folder, _rel = _browse(state, str(form.get("root", "0")), str(form.get("rel", "")))
    Program.open(folder)  # not a program: the sentence of the core
    pid = state.remember(folder)
    return RedirectResponse(f"/p/{pid}", status_code=303)


async def program_page(request: Request) -> Response:
    from toolkit.desk.road import road

    state: DeskState = request.app.state.desk
    pid, program = _program(request)
    report, data, status = await run_in_threadpool(_snapshot, program)
    stages = road(program, data, status)
    books = {v.number: [{"name": b.name, "rel": _rel(program, b), "exists": b.exists()} for b in v.books]
             for v in stages}
    settings = [p for p in program.find_files(program.specs[0])] if program.specs else []
    job = state.jobs.running(pid)
    return page(request, "program.html", title=program.root.name, pid=pid, program=program, stages=stages,
                books=books, errors=len(report.errors), warnings=len(report.warnings), job=job,
                settings=[{"name": s.name, "rel": _rel(program, s)} for s in settings], schemes=SCHEMES,
                kinds=_kinds(), busy=request.query_params.get("busy", ""), open_elsewhere=_open_elsewhere(program),
                questions=(program.root / "Вопросы для анкеты.txt").exists(), flash=request.query_params.get("msg"))


def _kinds() -> list[tuple[str, str]]:
    from toolkit.documents.kinds import KINDS

    return [(k.name, k.title) for k in KINDS.values()]


async def problems_page(request: Request) -> Response:
    pid, program = _program(request)
    report, _data, _status = await run_in_threadpool(_snapshot, program)
    book = request.query_params.get("book", "")
    books = list(dict.fromkeys(p.file for p in report if p.file))
    rows = [p for p in report if not book or p.file == book]
    known = {}
    for wb in program.specs:
        for path in program.find_files(wb):
            known[path.name] = _rel(program, path)
    return page(request, "problems.html", title=f"Проблемы — {program.root.name}", pid=pid, program=program,
                rows=rows, books=books, book=book, known=known, signature=_signature(program),
                errors=len(report.errors), warnings=len(report.warnings), open_elsewhere=_open_elsewhere(program),
                flash=request.query_params.get("msg"))


async def signature(request: Request) -> Response:
    _pid, program = _program(request)
    return JSONResponse({"signature": _signature(program)})


async def documents_page(request: Request) -> Response:
    pid, program = _program(request)
    listed = []
    for sub in (actions.DOCUMENTS, actions.OUTBOX):
        folder = program.root / sub
        if folder.is_dir():
            for path in sorted(folder.iterdir(), key=lambda p: p.name.casefold()):
                if path.is_file() and not path.name.startswith((".", "~")):
                    listed.append({"folder": sub, "name": path.name, "rel": _rel(program, path),
                                   "size": path.stat().st_size})
    for name in ("Мониторинг.xlsx", "Выгрузка для муниципалитета (обезличенная).xlsx", "Статус программы.xlsx"):
        if (program.root / name).exists():
            listed.append({"folder": "", "name": name, "rel": name, "size": (program.root / name).stat().st_size})
    return page(request, "documents.html", title=f"Документы — {program.root.name}", pid=pid, program=program,
                listed=listed, kinds=_kinds(), job=request.app.state.desk.jobs.running(pid),
                flash=request.query_params.get("msg"))


def _monitoring(program: Any, day: Any) -> tuple[Any, list[Any], list[Any], list[Any], list[Any], list[Any]]:
    from toolkit.base.messages import FATAL_CODES
    from toolkit.logic.readiness import compute_status

    report = Report()
    data = load_program(program, report)
    if [p for p in report if p.code in FATAL_CODES and p.book == "applications"]:
        return None, [], [], [], [], []
    status = compute_status(data, day)
    if "pairs" not in data.books:
        return status, [], [], [], [], []
    from toolkit.stages.monitor import build_monitor

    monitor = build_monitor(data, day)  # the same numbers as «Мониторинг.xlsx» and its charts
    return (status, list(monitor.totals), list(monitor.months), list(monitor.by_state), list(monitor.scores),
            list(monitor.competencies))


async def attention_page(request: Request) -> Response:
    import datetime as dt

    pid, program = _program(request)
    day = actions.parse_day(request.query_params.get("date"), "День") or dt.date.today()
    status, totals, months, by_state, scores, competencies = await run_in_threadpool(_monitoring, program, day)
    peak = max((m[1] for m in months), default=0) or 1
    return page(request, "attention.html", title=f"Внимание и мониторинг — {program.root.name}", pid=pid,
                program=program, status=status, totals=totals, months=months, by_state=by_state, peak=peak,
                day=day, scores=scores, competencies=competencies,
                names={s.id: s.name for s in status.participants} if status else {})


# ---------------------------------------------------------------------------- actions


def _start_job(request: Request, pid: str, program: Any, key: str, fields: dict[str, str]) -> Response:
    state: DeskState = request.app.state.desk
    title, maker = actions.ACTIONS[key]
    try:
        action = maker(program, fields)
        job = state.jobs.start(pid, program.root, title, key, fields, action, wait=state.sync_jobs)
    except Busy as exc:
        return page(request, "message.html", status_code=409, title="Подождите", message=exc.message, pid=pid)
    except NastavnikError as exc:
        return page(request, "message.html", status_code=400, title="Не выполнено", message=exc.message, pid=pid)
    return RedirectResponse(f"/p/{pid}/job/{job.id}", status_code=303)


async def run_action(request: Request) -> Response:
    key = request.path_params["action"]
    if key not in actions.ACTIONS or key == "import":
        raise HTTPException(404, "Такого действия нет.")
    form = await form_of(request)
    pid, program = _program(request)
    return _start_job(request, pid, program, key, actions.fields_of(form))


async def upload(request: Request) -> Response:
    """Files in: a forms export (→ import) or returned pair books (→ collect). Saved under safe new names in
    the program's own inbox folder, never over an existing file, then the action runs on them."""
    kind = request.path_params["kind"]
    if kind not in ("forms", "pairs"):
        raise HTTPException(404, "Такой загрузки нет.")
    form = await form_of(request, files=True)
    pid, program = _program(request)
    uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    try:
        if not uploads:
            raise NastavnikError("Файлы не выбраны: перетащите их в поле или нажмите «Выбрать файлы».")
        allowed = FORMS_SUFFIXES if kind == "forms" else BOOK_SUFFIXES
        inbox = program.root / (actions.FORMS_INBOX if kind == "forms" else actions.INBOX)
        for item in uploads:
            suffix = Path(item.filename or "").suffix.lower()
            if suffix not in allowed:
                raise NastavnikError(f"«{_shown(item.filename)}» — не {'выгрузка формы' if kind == 'forms' else 'книга'}"
                                     f": подходят файлы {', '.join(allowed)}.")
            if (item.size or 0) > MAX_UPLOAD_BYTES:
                raise NastavnikError(f"Файл «{_shown(item.filename)}» слишком большой (больше 50 МБ): это не похоже "
                                     f"на {'выгрузку формы' if kind == 'forms' else 'книгу пары'}, файл не принят.")
        saved = [await _save(inbox, item) for item in uploads]
    except NastavnikError as exc:
        await form.close()
        return page(request, "message.html", status_code=400, title="Файлы не приняты", message=exc.message, pid=pid)
    await form.close()
    fields = actions.fields_of(form)
    if kind == "forms":
        fields["files"] = "\n".join(_rel(program, p) for p in saved)
        return _start_job(request, pid, program, "import", fields)
    return _start_job(request, pid, program, "collect", fields)


async def job_page(request: Request) -> Response:
    state: DeskState = request.app.state.desk
    pid, program = _program(request)
    job = state.jobs.get(request.path_params["jid"])
    if job is None or job.program != pid:
        raise HTTPException(404, "Такой работы нет: возможно, пульт запускали заново.")
    files = []
    if job.outcome:
        for path in job.outcome.files:
            rel = _rel(program, path)
            if rel and path.exists():
                files.append({"name": path.name, "rel": rel, "folder": "/".join(rel.split("/")[:-1])})
    return page(request, "job.html", title=job.title[0].upper() + job.title[1:], pid=pid, job=job, files=files,
                program=program, retry=_retry_fields(job), base=f"/p/{pid}")


def _retry_fields(job: Job) -> dict[str, str]:
    return dict(job.fields)


async def job_state(request: Request) -> Response:
    state: DeskState = request.app.state.desk
    pid = request.path_params["pid"]
    job = state.jobs.get(request.path_params["jid"])
    if job is None or job.program != pid:
        raise HTTPException(404, "Такой работы нет.")
    return JSONResponse({"state": job.state, "stage": job.stage, "done": job.done, "total": job.total})


async def retry(request: Request) -> Response:
    """«Повторить»: the same action with the same fields (files already saved in the inbox are reused)."""
    form = await form_of(request)
    pid, program = _program(request)
    key = str(form.get("action", ""))
    if key not in actions.ACTIONS:
        raise HTTPException(404, "Такого действия нет.")
    fields = {k: v for k, v in actions.fields_of(form).items() if k != "action"}
    return _start_job(request, pid, program, key, fields)


async def open_file(request: Request) -> Response:
    """«Открыть» / «Показать в папке»: the system opens a file or folder inside the program folder."""
    state: DeskState = request.app.state.desk
    form = await form_of(request)
    pid, program = _program(request)
    name = str(form.get("name", ""))
    target = program.root if name in ("", ".") else safety.inside(program.root, name)
    if not target.exists():
        return page(request, "message.html", status_code=404, title="Нет файла", pid=pid,
                    message=f"«{target.name}» не найден в папке программы: возможно, его переместили или удалили.")
    try:
        state.opener(target)
    except OSError:
        return page(request, "message.html", status_code=500, title="Не открылось", pid=pid,
                    message=f"Не удалось открыть «{target.name}»: в системе нет программы для таких файлов.")
    back = str(form.get("back", "")) or f"/p/{pid}"
    if not back.startswith(f"/p/{pid}"):
        back = f"/p/{pid}"
    return RedirectResponse(back + ("&" if "?" in back else "?") + "msg=" + quote(f"Открыто: {target.name}"),
                            status_code=303)


async def download(request: Request) -> Response:
    _pid, program = _program(request)
    path = safety.inside(program.root, request.query_params.get("name", ""))
    if not path.is_file():
        raise HTTPException(404, "Такого файла нет в папке программы.")
    return FileResponse(path, filename=path.name, content_disposition_type="attachment")


async def alive(request: Request) -> Response:
    return Response(status_code=204)


# ---------------------------------------------------------------------------- errors


async def http_error(request: Request, exc: Exception) -> Response:
    code = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", "")
    if not isinstance(detail, str) or not detail or detail.isascii():
        detail = {404: "Такой страницы нет.", 405: "Так обратиться к пульту нельзя.",
                  413: "Слишком большой запрос."}.get(code, "Запрос не выполнен.")
    return page(request, "error.html", status_code=code, title="Не выполнено", message=detail, code=code)


async def domain_error(request: Request, exc: Exception) -> Response:
    message = exc.message if isinstance(exc, NastavnikError) else str(exc)
    return page(request, "error.html", status_code=400, title="Не выполнено", message=message, code=400)


async def internal_error(request: Request, exc: Exception) -> Response:
    log.error("Пульт: внутренняя ошибка (%s)", type(exc).__name__)
    html = _ENV.get_template("error.html").render(
        csrf="", nav=False, code=500, title="Внутренняя ошибка",
        message=f"Внутренняя ошибка программы ({type(exc).__name__}). Вернитесь на предыдущую страницу и "
                "повторите; если не помогло — сообщите разработчикам, что вы делали.")
    return HTMLResponse(html, status_code=500)


# ---------------------------------------------------------------------------- the application


def _safe(endpoint: Callable[[Request], Any]) -> Callable[[Request], Any]:
    """Every page answers with a Russian page, whatever happens inside (no traceback reaches the browser or the
    server's log: the log gets the kind of a failure only)."""

    async def wrapped(request: Request) -> Response:
        try:
            response: Response = await endpoint(request)
            return response
        except HTTPException as exc:
            return await http_error(request, exc)
        except NastavnikError as exc:
            return await domain_error(request, exc)
        except Exception as exc:
            return await internal_error(request, exc)

    wrapped.__name__ = endpoint.__name__
    return wrapped


def create_app(state: DeskState) -> ASGIApp:
    static = Path(__file__).with_name("static")
    routes = [
        Route("/", _safe(start)),
        Route("/folders", _safe(folders)),
        Route("/create", _safe(create), methods=["POST"]),
        Route("/add", _safe(add_program), methods=["POST"]),
        Route("/alive", _safe(alive)),
        Route("/p/{pid}", _safe(program_page)),
        Route("/p/{pid}/problems", _safe(problems_page)),
        Route("/p/{pid}/signature", _safe(signature)),
        Route("/p/{pid}/documents", _safe(documents_page)),
        Route("/p/{pid}/attention", _safe(attention_page)),
        Route("/p/{pid}/run/{action}", _safe(run_action), methods=["POST"]),
        Route("/p/{pid}/upload/{kind}", _safe(upload), methods=["POST"]),
        Route("/p/{pid}/retry", _safe(retry), methods=["POST"]),
        Route("/p/{pid}/open", _safe(open_file), methods=["POST"]),
        Route("/p/{pid}/file", _safe(download)),
        Route("/p/{pid}/job/{jid}", _safe(job_page)),
        Route("/p/{pid}/job/{jid}/state", _safe(job_state)),
        Mount("/static", StaticFiles(directory=static), name="static"),
    ]
    from toolkit.desk import merge_pages, rollup_pages

    routes[-1:-1] = merge_pages.routes(_safe) + rollup_pages.routes(_safe)
    app = Starlette(routes=routes, exception_handlers={
        HTTPException: http_error, NastavnikError: domain_error, Exception: internal_error}, debug=False)
    app.state.desk = state
    return Guard(app, state)
