"""The desk in this process (Starlette's TestClient) or as a real server, as the browser would reach it."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

from starlette.testclient import TestClient

from toolkit.desk.app import DeskState, create_app, program_id

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"

FORMS_HEADER = ["Отметка времени", "Роль", "ФИО", "Пол", "Класс", "Телефон или e-mail для связи",
                "Согласны ли вы участвовать в программе наставничества?"]
FORMS_ROWS = [
    ["25.09.2026 10:15:00", "Наставник", "Гончарова Милана Игоревна", "ж", "10 «А»", "+7 914 111-22-33", "Да"],
    ["31.09.2026 11:00:00", "Наставляемый", "Орлов Глеб", "м", "6б", "orlov@mail.ru", "Да"],  # 31 September
]


def forms_export(path: Path) -> Path:
    """A Google Forms export: two people, the second with a date that does not exist (31.09)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FORMS_HEADER)
    writer.writerows(FORMS_ROWS)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


class Desk:
    """A desk app with an injected opener and its own config, and a client that has the launch's cookie."""

    def __init__(self, home: Path, config: Path, *, cookie: bool = True) -> None:
        self.opened: list[Path] = []
        self.state = DeskState(port=PORT, config=config, roots=[("Домашняя папка", home)], opener=self.opened.append,
                               sync_jobs=True)
        self.app = create_app(self.state)
        self.client = TestClient(self.app, base_url=BASE, follow_redirects=True)
        if cookie:
            response = self.client.get(f"/?t={self.state.token}")
            assert response.status_code == 200

    @property
    def csrf(self) -> str:
        return self.state.csrf

    def add(self, folder: Path) -> str:
        return self.state.remember(folder)

    def post(self, url: str, data: dict[str, str] | None = None, **kw: object) -> object:
        return self.client.post(url, data={"csrf": self.csrf, **(data or {})}, **kw)  # type: ignore[arg-type]


def text_of(html: str) -> str:
    """What a person reads on the page (tags dropped, entities decoded, spaces collapsed)."""
    import html as html_lib

    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def tree_hash(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (the lock note aside) with the hash of its bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.startswith(".nastavnik.lock"):
            out[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def launch(args: list[str], env_home: Path) -> subprocess.Popen[str]:
    """``nastavnik пульт ARGS`` as a real process (its own HOME and config)."""
    env = dict(os.environ, HOME=str(env_home), NASTAVNIK_DESK_CONFIG=str(env_home / "desk.json"), BROWSER="true",
               PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "toolkit.cli", "пульт", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


__all__ = ["BASE", "Desk", "PORT", "forms_export", "launch", "program_id", "text_of", "tree_hash"]
