"""What every page of the desk shares: rendering (Jinja2, autoescaped), the checked form of a POST, the words
of the core's hints on the desk, and saving an uploaded file under a safe new name.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse

from toolkit.base.files import MAX_INPUT_BYTES, safe_filename
from toolkit.base.problems import NastavnikError
from toolkit.desk import safety

MAX_UPLOAD_FILES = 500  # returned pair books at once
MAX_UPLOAD_BYTES = MAX_INPUT_BYTES  # one file: the command line's limit
MAX_REQUEST_BYTES = 1024 * 1024 * 1024  # one upload request, all files together

_ENV = Environment(loader=PackageLoader("toolkit.desk", "templates"), autoescape=select_autoescape(default=True))


def _fmt_size(n: int) -> str:
    from toolkit.base.files import human_size

    return human_size(n)


_ENV.filters["size"] = _fmt_size


def page(request: Request, page_template: str, /, status_code: int = 200, **context: Any) -> HTMLResponse:
    state = request.app.state.desk
    context.setdefault("nav", True)
    html = _ENV.get_template(page_template).render(csrf=state.csrf, request=request, **context)
    return HTMLResponse(html, status_code=status_code)


async def form_of(request: Request, files: bool = False) -> Any:
    """The POSTed form, after the CSRF check (403 without the launch's token)."""
    state = request.app.state.desk
    length = request.headers.get("content-length")
    if files:
        if length is None:
            raise HTTPException(411, "Файлы не приняты: браузер не сообщил их размер. Попробуйте ещё раз.")
        if int(length) > MAX_REQUEST_BYTES:
            raise HTTPException(413, "Файлы не приняты: вместе больше 1 ГБ. Загрузите их несколькими частями.")
    elif length is not None and int(length) > 1024 * 1024:
        raise HTTPException(413, "Слишком большой запрос.")
    form = await request.form(max_files=MAX_UPLOAD_FILES, max_fields=200)
    token = form.get("csrf")
    if not isinstance(token, str) or not secrets.compare_digest(token.encode(), state.csrf.encode()):
        await form.close()
        raise HTTPException(403, "Запрос отклонён: страница устарела. Обновите страницу и повторите.")
    return form


_COMMAND_WORDS = {
    "init": "кнопка «Создать программу» на стартовой странице", "check": "страница «Проблемы»",
    "status": "страница «Этапы»", "import": "«Загрузить заявки» на этапе 2", "match": "«Сформировать пары» на этапе 4",
    "order": "«Сделать приказ» на этапе 4", "distribute": "«Раздать книги парам» на этапе 5",
    "collect": "«Книги пар вернулись» на этапе 5", "monitor": "«Мониторинг» на этапе 6",
    "results": "«Подвести итоги» на этапе 7", "docs": "«Сделать документы» на этапе 7",
    "export": "«Обезличенная выгрузка» на этапе 7",
}
_COMMAND = re.compile(r"«nastavnik (\w+)[^»]*»(?!, процесс)|nastavnik (\w+) «[^»]*»(?: --form …)?")


def desk_words(text: str) -> str:
    """The core's hints name commands («nastavnik match»); on the desk they name the button instead."""
    def button(m: re.Match[str]) -> str:
        return _COMMAND_WORDS.get(m.group(1) or m.group(2), m.group(0))

    text = text.replace("--role наставник / --role наставляемый", "выбор «Чьи это заявки» при загрузке")
    text = text.replace("--role наставник или --role наставляемый", "в поле «Чьи это заявки» выберите наставников "
                        "или наставляемых")
    return _COMMAND.sub(button, text)


_ENV.filters["desk"] = desk_words


TOO_BIG = "Файл «{name}» слишком большой (больше 50 МБ): файл не принят."


def check_upload_size(item: UploadFile) -> None:
    """An upload whose declared size is over the limit is refused before anything is saved."""
    if (item.size or 0) > MAX_UPLOAD_BYTES:
        raise NastavnikError(TOO_BIG.format(name=_shown(item.filename)))


def place_folder(state: Any, root_text: str, rel: str) -> tuple[int, Path, Path]:
    """A folder of the desk's places named by the browser: (place number, place, folder). The browser names a
    place by its number and a path inside it; anything else is refused."""
    try:
        index = int(root_text or 0)
        _label, root = state.roots[index]
    except (ValueError, IndexError):
        raise HTTPException(404, "Такой папки для выбора нет.") from None
    folder = safety.inside(root, rel) if rel else root
    if not folder.is_dir():
        raise HTTPException(404, "Такой папки нет: возможно, её переименовали или удалили.")
    return index, root, folder


def subfolders(root: Path, folder: Path, rel: str, mark: Any = None) -> list[dict[str, Any]]:
    """The folders inside ``folder`` the browser may open (no hidden ones, none leaving the place), each as
    {"name", "rel"} plus what ``mark(folder)`` adds."""
    out: list[dict[str, Any]] = []
    try:
        children = sorted(folder.iterdir(), key=lambda p: p.name.casefold())
    except OSError:
        return out
    for child in children:
        if child.name.startswith(".") or not child.is_dir():
            continue
        sub = f"{rel}/{child.name}" if rel else child.name
        try:
            safety.check_part(child.name)
            safety.inside(root, sub)
        except NastavnikError:
            continue
        out.append({"name": child.name, "rel": sub, **(mark(child) if mark else {})})
    return out


# --- working folders of a page (a mail merge, a roll-up): one folder per session in the home folder

def new_session(workspace: Path) -> tuple[str, Path]:
    """A new folder named by the time (with «(2)», «(3)» when taken) in ``workspace``."""
    import datetime as dt

    stamp = dt.datetime.now().strftime("%Y-%m-%d %H-%M-%S")
    sid, n = stamp, 1
    while (workspace / sid).exists():
        n += 1
        sid = f"{stamp} ({n})"
    folder = workspace / sid
    folder.mkdir(parents=True)
    return sid, folder


def session_folder(request: Request, workspace: Path, missing: str) -> tuple[str, Path]:
    """The session named in the address, inside ``workspace`` only; ``missing`` is the page's 404 sentence."""
    sid = request.path_params["sid"]
    folder = safety.inside(workspace, safety.check_part(sid))
    if not folder.is_dir():
        raise HTTPException(404, missing)
    return sid, folder


def session_file(request: Request, folder: Path, missing: str) -> FileResponse:
    """A file of the session's folder to download (the name checked to stay inside it)."""
    path = safety.inside(folder, request.query_params.get("name", ""))
    if not path.is_file():
        raise HTTPException(404, missing)
    return FileResponse(path, filename=path.name, content_disposition_type="attachment")


async def open_in_session(request: Request, folder: Path, missing: str) -> None:
    """Open a file of the session's folder (or the folder itself) in the user's own program."""
    form = await form_of(request)
    name = str(form.get("name", ""))
    target = folder if name in ("", ".") else safety.inside(folder, name)
    if not target.exists():
        raise HTTPException(404, missing)
    request.app.state.desk.opener(target)


def job_state(request: Request, program: str) -> JSONResponse:
    """The progress of a page's job as the page's script polls it; another page's job is not shown."""
    job = request.app.state.desk.jobs.get(request.path_params["jid"])
    if job is None or job.program != program:
        raise HTTPException(404, "Такой работы нет.")
    return JSONResponse({"state": job.state, "stage": job.stage, "done": job.done, "total": job.total})


def _shown(name: str | None) -> str:
    return Path((name or "").replace("\\", "/")).name[:120]


async def _save(inbox: Path, item: UploadFile) -> Path:
    inbox.mkdir(parents=True, exist_ok=True)
    original = _shown(item.filename)
    suffix = Path(original).suffix.lower()
    used = {p.stem.casefold() for p in inbox.iterdir() if p.suffix.lower() == suffix}
    while True:
        stem = safe_filename(Path(original).stem, used)
        target = inbox / (stem + suffix)
        try:
            handle = open(target, "xb")  # never over an existing file, even one that appeared just now
        except FileExistsError:
            used.add(stem.casefold())
            continue
        break
    written = 0
    with handle:
        await item.seek(0)
        while chunk := await item.read(1024 * 1024):
            written += len(chunk)
            if written > MAX_UPLOAD_BYTES:
                handle.close()
                target.unlink(missing_ok=True)
                raise NastavnikError(TOO_BIG.format(name=original))
            handle.write(chunk)
    return target
