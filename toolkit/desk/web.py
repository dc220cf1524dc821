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
from starlette.responses import HTMLResponse

from toolkit.base.files import MAX_INPUT_BYTES
from toolkit.base.problems import NastavnikError

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


def _shown(name: str | None) -> str:
    return Path((name or "").replace("\\", "/")).name[:120]


async def _save(inbox: Path, item: UploadFile) -> Path:
    from toolkit.documents.templates import safe_filename

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
                raise NastavnikError(f"Файл «{original}» слишком большой (больше 50 МБ): файл не принят.")
            handle.write(chunk)
    return target
