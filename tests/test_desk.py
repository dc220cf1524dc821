"""«Пульт куратора» over HTTP: every security rule, and what the pages show and do."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import openpyxl
import pytest
from demo_helpers import Demos
from desk_helpers import BASE, PORT, Desk, forms_export, text_of, tree_hash

from toolkit.base.problems import Report
from toolkit.checks.program import load_program
from toolkit.demo.build import build_student
from toolkit.desk import actions
from toolkit.desk import app as desk_app
from toolkit.desk import web as desk_web
from toolkit.desk.jobs import Outcome
from toolkit.model.program import Program


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


@pytest.fixture()
def demo(home: Path) -> Path:
    """The demo's student program after stages 1–3 (registry, test, training filled; no pairs yet)."""
    folder = home / "Наставничество 2026"
    build_student(folder)
    return folder


@pytest.fixture()
def desk(home: Path, tmp_path: Path) -> Desk:
    return Desk(home, tmp_path / "desk.json")


def _pid(desk: Desk, folder: Path) -> str:
    return desk.add(folder)


# ---------------------------------------------------------------------------- the launch secret and the cookie


def test_without_the_secret_every_request_is_refused(home: Path, tmp_path: Path, demo: Path) -> None:
    stranger = Desk(home, tmp_path / "desk.json", cookie=False)
    pid = stranger.add(demo)
    for url in ("/", "/folders", f"/p/{pid}", f"/p/{pid}/problems", f"/p/{pid}/file?name=02_Заявки.xlsx",
                "/static/desk.css", "/alive", "/nowhere"):
        response = stranger.client.get(url)
        assert response.status_code == 403, url
        assert "Доступ запрещён" in text_of(response.text)
    response = stranger.client.post(f"/p/{pid}/run/distribute", data={"csrf": stranger.csrf})
    assert response.status_code == 403
    assert not (demo / actions.OUTBOX).exists()
    # a wrong secret in the URL sets no cookie
    response = stranger.client.get("/?t=guessed", follow_redirects=False)
    assert response.status_code == 403 and "set-cookie" not in response.headers
    assert stranger.client.get("/").status_code == 403


def test_the_secret_in_the_url_becomes_a_strict_httponly_cookie_and_leaves_the_address(home: Path,
                                                                                      tmp_path: Path) -> None:
    fresh = Desk(home, tmp_path / "desk.json", cookie=False)
    response = fresh.client.get(f"/folders?root=0&t={fresh.state.token}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/folders?root=0"  # the secret does not stay in the address bar
    cookie = response.headers["set-cookie"]
    assert f"nastavnik_desk_{PORT}={fresh.state.token}" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert fresh.client.get("/folders?root=0").status_code == 200
    # another launch has another secret: the old cookie is refused
    other = Desk(home, tmp_path / "desk.json", cookie=False)
    other.client.cookies.set(f"nastavnik_desk_{PORT}", fresh.state.token)
    assert other.client.get("/").status_code == 403


@pytest.mark.parametrize("host", ["evil.example:8765", "127.0.0.1:9999", "localhost", "127.0.0.1", "[::1]:8765",
                                  "192.168.0.10:8765", ""])
def test_a_foreign_host_header_is_refused(desk: Desk, host: str) -> None:
    response = desk.client.get("/", headers={"host": host})
    assert response.status_code == 403
    assert "только по адресу 127.0.0.1" in text_of(response.text)


def test_localhost_with_the_port_is_accepted(desk: Desk) -> None:
    assert desk.client.get("/", headers={"host": f"localhost:{PORT}"}).status_code == 200


# ---------------------------------------------------------------------------- CSRF, methods, headers


def _post_routes(pid: str) -> list[str]:
    return ["/create", "/add", f"/p/{pid}/run/distribute", f"/p/{pid}/run/match", f"/p/{pid}/upload/forms",
            f"/p/{pid}/upload/pairs", f"/p/{pid}/retry", f"/p/{pid}/open"]


def test_every_state_changing_request_needs_the_csrf_token(desk: Desk, demo: Path) -> None:
    pid = _pid(desk, demo)
    before = tree_hash(demo.parent)
    for url in _post_routes(pid):
        for data in ({}, {"csrf": "wrong"}):
            response = desk.client.post(url, data={**data, "name": "x", "scheme": "анкеты", "action": "distribute",
                                                   "form": "student", "root": "0", "rel": ""})
            assert response.status_code == 403, url
            assert "страница устарела" in text_of(response.text)
    # the same with a file attached (multipart)
    response = desk.client.post(f"/p/{pid}/upload/pairs", data={"csrf": "wrong"},
                                files={"files": ("a.xlsx", b"PK", "application/octet-stream")})
    assert response.status_code == 403
    assert tree_hash(demo.parent) == before
    assert desk.opened == []


def test_get_never_changes_anything_and_other_methods_do_not_exist(desk: Desk, demo: Path) -> None:
    pid = _pid(desk, demo)
    before = tree_hash(demo)
    for url in _post_routes(pid):
        response = desk.client.get(url)
        assert response.status_code == 405, url
        assert "нельзя" in text_of(response.text)
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS"):
        response = desk.client.request(method, f"/p/{pid}/run/distribute")
        assert response.status_code == 405
    for url in ("/", f"/p/{pid}", f"/p/{pid}/problems", f"/p/{pid}/attention", f"/p/{pid}/documents",
                f"/p/{pid}/signature"):
        assert desk.client.get(url).status_code == 200, url
    assert tree_hash(demo) == before


def test_every_answer_has_a_csp_that_allows_no_other_origin(desk: Desk, demo: Path) -> None:
    pid = _pid(desk, demo)
    for url in ("/", f"/p/{pid}", f"/p/{pid}/problems", "/static/desk.js", "/static/desk.css", "/nowhere"):
        response = desk.client.get(url)
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "http" not in csp and "*" not in csp and "unsafe" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        if response.headers["content-type"].startswith("text/html"):
            assert not re.search(r"(src|href|action)=\"(https?:)?//", response.text), url
            assert "<script>" not in response.text and " style=" not in response.text  # nothing inline


# ---------------------------------------------------------------------------- names from the browser

BAD_NAMES = ["../secret.txt", "..\\secret.txt", "/etc/passwd", "C:/Windows/win.ini", "c:\\boot.ini",
             "Документы/../../secret.txt", "CON", "aux.txt", "LPT1.docx", "a\x00b", "~/secret.txt", "что?.xlsx",
             "ссылка-наружу/secret.txt", "ссылка-наружу"]


@pytest.fixture()
def outside(home: Path, demo: Path) -> Path:
    """A file outside the program folder, and a symlink in the program folder pointing to its folder."""
    secret = home.parent / "secret.txt"
    secret.write_text("ТАЙНА", encoding="utf-8")
    (demo / "ссылка-наружу").symlink_to(home.parent, target_is_directory=True)
    (home / "ссылка-наружу").symlink_to(home.parent, target_is_directory=True)
    return secret


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_file_name_that_leaves_the_program_folder_is_refused_everywhere(desk: Desk, demo: Path, outside: Path,
                                                                          name: str) -> None:
    pid = _pid(desk, demo)
    response = desk.client.get(f"/p/{pid}/file", params={"name": name})
    assert response.status_code in (400, 404) and "ТАЙНА" not in response.text
    assert "Traceback" not in response.text
    response = desk.post(f"/p/{pid}/open", {"name": name})
    assert response.status_code in (400, 404)  # type: ignore[attr-defined]
    response = desk.post(f"/p/{pid}/retry", {"action": "import", "files": name})
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert desk.opened == []


@pytest.mark.parametrize("name", ["..", "../..", "/", "/etc", "C:/", "ссылка-наружу", "a/../../..", "CON"])
def test_the_folder_browser_stays_in_home(desk: Desk, demo: Path, outside: Path, name: str) -> None:
    response = desk.client.get("/folders", params={"root": "0", "rel": name})
    assert response.status_code in (400, 404)
    assert "secret" not in response.text
    response = desk.client.get("/folders", params={"root": "7"})
    assert response.status_code == 404
    # creating a program with a name that leaves the folder, or a reserved one, is refused
    for rel, program_name in ((name, "П"), ("", name), ("", "NUL"), ("", "a/b")):
        response = desk.post("/create", {"root": "0", "rel": rel, "name": program_name, "form": "student"})
        assert response.status_code in (400, 404)  # type: ignore[attr-defined]
    response = desk.post("/add", {"root": "0", "rel": name})  # «open this program» with a folder out of home
    assert response.status_code in (400, 404)  # type: ignore[attr-defined]
    assert desk.state.recent() == []
    assert not (outside.parent / "П").exists()
    assert not any(p.name == "П" for p in outside.parent.rglob("П"))


def test_the_folder_browser_lists_subfolders_but_not_symlinks_out(desk: Desk, demo: Path, outside: Path) -> None:
    response = desk.client.get("/folders", params={"root": "0"})
    text = text_of(response.text)
    assert "Наставничество 2026 программа" in text
    response = desk.client.get("/folders", params={"root": "0", "rel": demo.name})
    assert "ссылка-наружу" not in response.text
    assert "Открыть эту программу" in text_of(response.text)


# ---------------------------------------------------------------------------- uploads


def test_upload_lands_in_the_inbox_under_a_safe_name_and_never_overwrites(desk: Desk, demo: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    pid = _pid(desk, demo)
    monkeypatch.setattr(actions, "make_collect", lambda program, fields: lambda progress: Outcome(["собрано"]))
    monkeypatch.setitem(actions.ACTIONS, "collect", ("сбор книг пар", actions.make_collect))
    names = ["../../evil.xlsx", "CON.xlsx", "книга.xlsx", "книга.xlsx", "C:\\Users\\x\\Книга.xlsx"]
    files = [("files", (n, f"содержимое {i}".encode(), "application/octet-stream")) for i, n in enumerate(names)]
    response = desk.client.post(f"/p/{pid}/upload/pairs", data={"csrf": desk.csrf}, files=files)
    assert response.status_code == 200, text_of(response.text)
    inbox = demo / actions.INBOX
    saved = sorted(p.name for p in inbox.iterdir())
    assert saved == sorted(["evil.xlsx", "_CON.xlsx", "книга.xlsx", "книга (2).xlsx", "Книга (3).xlsx"])
    assert not (demo.parent / "evil.xlsx").exists() and not (demo.parent.parent / "evil.xlsx").exists()
    assert (inbox / "книга.xlsx").read_bytes() == "содержимое 2".encode()
    assert (inbox / "книга (2).xlsx").read_bytes() == "содержимое 3".encode()
    # the same name again: the earlier file is kept byte for byte
    desk.client.post(f"/p/{pid}/upload/pairs", data={"csrf": desk.csrf},
                     files=[("files", ("книга.xlsx", b"new", "application/octet-stream"))])
    assert (inbox / "книга.xlsx").read_bytes() == "содержимое 2".encode()
    assert (inbox / "книга (4).xlsx").read_bytes() == b"new"


def test_oversized_upload_is_refused_and_leaves_nothing(desk: Desk, demo: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    pid = _pid(desk, demo)
    monkeypatch.setattr(desk_app, "MAX_UPLOAD_BYTES", 1000)
    response = desk.client.post(f"/p/{pid}/upload/pairs", data={"csrf": desk.csrf},
                                files=[("files", ("большая.xlsx", b"x" * 5000, "application/octet-stream"))])
    assert response.status_code == 400
    assert "больше 50 МБ" in text_of(response.text)
    assert not any((demo / actions.INBOX).glob("*")) if (demo / actions.INBOX).exists() else True
    monkeypatch.setattr(desk_web, "MAX_REQUEST_BYTES", 2000)
    response = desk.client.post(f"/p/{pid}/upload/pairs", data={"csrf": desk.csrf},
                                files=[("files", ("большая.xlsx", b"x" * 5000, "application/octet-stream"))])
    assert response.status_code == 413
    assert "больше 1 ГБ" in text_of(response.text)
    response = desk.client.post(f"/p/{pid}/upload/forms", data={"csrf": desk.csrf},
                                files=[("files", ("ответы.exe", b"MZ", "application/octet-stream"))])
    assert response.status_code == 400 and "не выгрузка формы" in text_of(response.text)


# ---------------------------------------------------------------------------- one operation at a time


def test_a_second_operation_while_one_runs_is_refused_with_a_sentence(home: Path, tmp_path: Path, demo: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    desk = Desk(home, tmp_path / "desk.json")
    desk.state.sync_jobs = False
    pid = _pid(desk, demo)
    release = threading.Event()

    def slow(program: Program, fields: dict[str, str]) -> object:
        def run(progress: object) -> Outcome:
            release.wait(10)
            return Outcome(["сделано"])
        return run

    monkeypatch.setitem(actions.ACTIONS, "distribute", ("раздача книг парам", slow))
    first = desk.post(f"/p/{pid}/run/distribute")
    assert first.status_code == 200  # type: ignore[attr-defined]
    assert "Подготовка" in text_of(first.text)  # type: ignore[attr-defined]
    second = desk.post(f"/p/{pid}/run/monitor")
    assert second.status_code == 409  # type: ignore[attr-defined]
    assert "Уже идёт «раздача книг парам»" in text_of(second.text)  # type: ignore[attr-defined]
    page = text_of(desk.client.get(f"/p/{pid}").text)
    assert "Идёт «раздача книг парам»" in page
    release.set()
    for _ in range(100):
        if desk.state.jobs.running(pid) is None:
            break
        time.sleep(0.05)
    assert desk.state.jobs.running(pid) is None


def test_a_command_holding_the_program_lock_refuses_the_desk(desk: Desk, demo: Path) -> None:
    pid = _pid(desk, demo)
    code = ("import sys, time; from pathlib import Path; from toolkit.base.lock import program_lock\n"
            "with program_lock(Path(sys.argv[1]), 'nastavnik collect'):\n"
            "    print('held', flush=True); time.sleep(30)\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(demo)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = tree_hash(demo)
        response = desk.post(f"/p/{pid}/run/export")
        text = text_of(response.text)  # type: ignore[attr-defined]
        assert "занята другой командой («nastavnik collect»" in text and "повторите позже" in text, text[100:600]
        assert "Повторить" in text
        assert tree_hash(demo) == before
    finally:
        holder.kill()
        holder.communicate()
    # the lock released: «Повторить» does the work
    job = next(iter(desk.state.jobs.jobs.values()))
    response = desk.post(f"/p/{pid}/retry", {"action": job.action_key, **job.fields})
    assert "Готово." in text_of(response.text)  # type: ignore[attr-defined]
    assert (demo / "Выгрузка для муниципалитета (обезличенная).xlsx").exists()


# ---------------------------------------------------------------------------- pages


def test_start_page_lists_recent_programs_and_creating_one_from_the_folder_browser(desk: Desk, home: Path) -> None:
    (home / "Школа").mkdir()
    text = text_of(desk.client.get("/").text)
    assert "Создать программу" in text and "Здесь появятся программы" in text
    page = desk.client.get("/folders", params={"purpose": "create", "root": "0", "rel": "Школа"})
    assert "Ученик – ученик" in text_of(page.text) and "Педагог – педагог" in text_of(page.text)
    response = desk.post("/create", {"root": "0", "rel": "Школа", "name": "Наставничество 2027", "form": "teacher"})
    assert response.status_code == 200  # type: ignore[attr-defined]
    folder = home / "Школа" / "Наставничество 2027"
    assert (folder / "00_Настройки.xlsx").exists() and (folder / "02_Заявки.xlsx").exists()
    assert Program.open(folder).profile.form == "teacher"
    text = text_of(response.text)  # type: ignore[attr-defined]
    assert "Наставничество 2027 — Педагог – педагог" in text
    assert "Организационная встреча" in text or "1 " in text
    start = text_of(desk.client.get("/").text)
    assert "Наставничество 2027" in start and "Домашняя папка › Школа" in start
    # an existing folder with other files is not taken over
    (home / "Школа" / "Чужое").mkdir()
    (home / "Школа" / "Чужое" / "отчёт.docx").write_bytes(b"x")
    response = desk.post("/create", {"root": "0", "rel": "Школа", "name": "Чужое", "form": "student"})
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "в ней другие файлы" in text_of(response.text)  # type: ignore[attr-defined]


def test_program_page_shows_the_road_figures_books_and_the_next_step(desk: Desk, demo: Path) -> None:
    pid = _pid(desk, demo)
    html = desk.client.get(f"/p/{pid}").text
    text = text_of(html)
    assert "Заявки: 42 (наставники — 12, наставляемые — 30)" in text
    assert "Нет согласия на обработку персональных данных" in text
    for book in ("01_Встреча.xlsx", "02_Заявки.xlsx", "03_Обучение.xlsx", "04_Пары.xlsx", "06_Итоги.xlsx"):
        assert book in text
    # pairs are not formed yet: stage 4 is the next step, the earlier ones are done
    next_stage = re.search(r'<li class="stage next" id="stage-(\d)"', html)
    assert next_stage and next_stage.group(1) == "4"
    assert html.count('class="stage done"') == 3
    assert "Сформировать пары" in text and "Анкеты — Программа сравнивает анкеты" in text
    assert 'type="date" name="start"' in html


def test_open_calls_the_system_opener_with_the_book_inside_the_program(desk: Desk, demo: Path) -> None:
    pid = _pid(desk, demo)
    response = desk.post(f"/p/{pid}/open", {"name": "02_Заявки.xlsx"})
    assert desk.opened == [demo / "02_Заявки.xlsx"]
    assert "Открыто: 02_Заявки.xlsx" in text_of(response.text)  # type: ignore[attr-defined]
    desk.post(f"/p/{pid}/open", {"name": "."})
    assert desk.opened[-1] == demo
    response = desk.post(f"/p/{pid}/open", {"name": "нет такой.xlsx"})
    assert response.status_code == 404  # type: ignore[attr-defined]


def test_download_gives_the_file_of_the_program(desk: Desk, demo: Path) -> None:
    pid = _pid(desk, demo)
    response = desk.client.get(f"/p/{pid}/file", params={"name": "02_Заявки.xlsx"})
    assert response.status_code == 200
    assert response.content == (demo / "02_Заявки.xlsx").read_bytes()
    assert "attachment" in response.headers["content-disposition"]


def test_problems_table_filter_and_recheck_when_a_book_is_saved(desk: Desk, home: Path, tmp_path: Path) -> None:
    folder = home / "П"
    Program.create(folder, __import__("toolkit.spec", fromlist=["find_profile"]).find_profile("student"))
    pid = _pid(desk, folder)
    export = forms_export(tmp_path / "ответы.csv")
    response = desk.client.post(f"/p/{pid}/upload/forms", data={"csrf": desk.csrf},
                                files=[("files", ("Ответы (1).csv", export.read_bytes(), "text/csv"))])
    text = text_of(response.text)
    assert "Добавлено: наставники — 1, наставляемые — 1" in text
    assert (folder / actions.FORMS_INBOX / "Ответы (1).csv").exists()
    page = desk.client.get(f"/p/{pid}/problems")
    text = text_of(page.text)
    row = re.search(r"02_Заявки\.xlsx Наставляемые H2 Дата заявки «31\.09\.2026» — не дата\.", text)
    assert row, text
    signature = re.search(r'data-signature="(\w+)"', page.text).group(1)  # type: ignore[union-attr]
    filtered = text_of(desk.client.get(f"/p/{pid}/problems", params={"book": "02_Заявки.xlsx"}).text)
    assert "31.09.2026" in filtered and "Полное наименование образовательной организации" not in filtered
    assert "Полное наименование образовательной организации" in text
    # the curator fixes the date in the book and saves it: the signature changes, the problem is gone
    book = openpyxl.load_workbook(folder / "02_Заявки.xlsx")
    book["Наставляемые"]["H2"].value = dt.datetime(2026, 9, 30)
    book.save(folder / "02_Заявки.xlsx")
    os.utime(folder / "02_Заявки.xlsx", (time.time() + 5, time.time() + 5))
    assert desk.client.get(f"/p/{pid}/signature").json()["signature"] != signature
    assert "31.09.2026" not in text_of(desk.client.get(f"/p/{pid}/problems").text)
    # a book open in Excel is named, with what to do
    (folder / "~$02_Заявки.xlsx").write_bytes(b"lock")
    text = text_of(desk.client.get(f"/p/{pid}/problems").text)
    assert "Книга «02_Заявки.xlsx» открыта в другой программе" in text and "закройте её и нажмите «Повторить»" in text


def test_a_refused_write_of_a_book_open_elsewhere_is_a_sentence_with_retry(desk: Desk, home: Path,
                                                                          tmp_path: Path) -> None:
    folder = home / "П"
    Program.create(folder, __import__("toolkit.spec", fromlist=["find_profile"]).find_profile("student"))
    pid = _pid(desk, folder)
    (folder / "~$02_Заявки.xlsx").write_bytes(b"lock")
    export = forms_export(tmp_path / "ответы.csv")
    response = desk.client.post(f"/p/{pid}/upload/forms", data={"csrf": desk.csrf},
                                files=[("files", ("ответы.csv", export.read_bytes(), "text/csv"))])
    text = text_of(response.text)
    assert "«02_Заявки.xlsx» открыт в другой программе" in text
    assert "Книга открыта в другой программе: закройте её и нажмите «Повторить»." in text
    (folder / "~$02_Заявки.xlsx").unlink()
    job = next(iter(desk.state.jobs.jobs.values()))
    response = desk.post(f"/p/{pid}/retry", {"action": job.action_key, **job.fields})
    assert "Добавлено: наставники — 1" in text_of(response.text)  # type: ignore[attr-defined]
    assert len(load_program(Program.open(folder), Report()).participants) == 2


def test_error_pages_are_russian_and_never_a_traceback(desk: Desk, demo: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    pid = _pid(desk, demo)
    response = desk.client.get("/nowhere")
    assert response.status_code == 404 and "Такой страницы нет" in text_of(response.text)
    assert desk.client.get("/p/000000000000").status_code == 404

    def broken(program: object) -> object:
        raise ZeroDivisionError("секретный путь /home/ivanov")

    monkeypatch.setattr(desk_app, "_snapshot", broken)
    response = desk.client.get(f"/p/{pid}")
    assert response.status_code == 500
    text = text_of(response.text)
    assert "Внутренняя ошибка программы (ZeroDivisionError)" in text
    assert "Traceback" not in response.text and "ivanov" not in response.text
    # a wrong value in a form: the core's sentence
    response = desk.post(f"/p/{pid}/run/match", {"scheme": "жребий"})
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "жребий" in text_of(response.text)  # type: ignore[attr-defined]
    response = desk.post(f"/p/{pid}/run/order", {"date": "31.02.2026"})
    assert "не дата" in text_of(response.text)  # type: ignore[attr-defined]


def test_the_desk_makes_many_pair_books_by_both_cores_in_its_job(desk: Desk, home: Path, demos: Demos,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A school with many pairs: the desk's job spawns the workers of ``distribute`` from the server's process
    (threads there: the workers are spawned, not forked) and the page says what the command line says."""
    from toolkit.base import parallel

    folder = demos.copy("student", home / "Наставничество с парами", "paired")
    monkeypatch.setattr(parallel, "MIN_CALLS", 1)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    spawned: list[int] = []  # the workers each batch got
    real = parallel.workers_for

    def counted(calls: int, min_calls: int | None = None) -> int:
        spawned.append(real(calls, min_calls))
        return spawned[-1]

    monkeypatch.setattr(parallel, "workers_for", counted)
    pid = _pid(desk, folder)
    text = text_of(desk.post(f"/p/{pid}/run/distribute").text)  # type: ignore[attr-defined]
    sent = sorted((folder / actions.OUTBOX).glob("*.xlsx"))
    assert spawned == [2] and len(sent) == 9 and "Книги пар: 9" in text
    assert "Traceback" not in text


def test_a_folder_that_is_no_longer_a_program_is_a_sentence(desk: Desk, home: Path) -> None:
    folder = home / "Пусто"
    folder.mkdir()
    pid = desk.add(folder)
    response = desk.client.get(f"/p/{pid}")
    assert response.status_code == 400
    assert "не похожа на программу наставничества" in text_of(response.text)


def test_the_cycle_over_http_match_order_distribute_collect_monitor_results_docs(desk: Desk, demo: Path) -> None:
    """The actions reach the core as the command line does: what they write is read back."""
    from toolkit.demo.pairs import STUDENT_DATES, _answer_questionnaire

    pid = _pid(desk, demo)
    start = STUDENT_DATES["start"].isoformat()
    text = text_of(desk.post(f"/p/{pid}/run/match", {"scheme": "анкеты", "start": start}).text)  # type: ignore[attr-defined]
    assert "Готово." in text
    program = Program.open(demo)
    _answer_questionnaire(program, STUDENT_DATES, decline_first=False)
    desk.post(f"/p/{pid}/run/match", {"scheme": "анкеты", "start": start})
    data = load_program(program, Report())
    from toolkit.model.pairs import fixed_pairs

    pairs = fixed_pairs(data)
    assert pairs
    text = text_of(desk.post(f"/p/{pid}/run/order", {"number": "15-о"}).text)  # type: ignore[attr-defined]
    assert f"Приказ: пар и групп {len(pairs)}" in text and "Приказ о закреплении" in text
    text = text_of(desk.post(f"/p/{pid}/run/distribute").text)  # type: ignore[attr-defined]
    sent = sorted((demo / actions.OUTBOX).glob("*.xlsx"))
    assert len(sent) == len(pairs) and f"Книги пар: {len(pairs)}" in text
    files = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in sent]
    text = text_of(desk.client.post(f"/p/{pid}/upload/pairs", data={"csrf": desk.csrf}, files=files).text)
    assert "Без изменений" in text or "Принято" in text or "не изменилась" in text
    text = text_of(desk.post(f"/p/{pid}/run/monitor").text)  # type: ignore[attr-defined]
    assert f"Действующих пар и групп: {len(pairs)}" in text and (demo / "Мониторинг.xlsx").exists()
    text = text_of(desk.post(f"/p/{pid}/run/results").text)  # type: ignore[attr-defined]
    assert "Готово." in text and (demo / "06_Итоги.xlsx").exists()
    text = text_of(desk.post(f"/p/{pid}/run/docs", {"kind": "приказ"}).text)  # type: ignore[attr-defined]
    assert "Приказ о закреплении пар: файлов 1" in text
    documents = text_of(desk.client.get(f"/p/{pid}/documents").text)
    assert "Документы" in documents and ".docx" in documents
    text = text_of(desk.post(f"/p/{pid}/run/export").text)  # type: ignore[attr-defined]
    assert "ФИО, контактов и ответов анкет в ней нет" in text
    attention = text_of(desk.client.get(f"/p/{pid}/attention").text)
    assert "Пары и группы, которым нужно внимание" in attention and "Действующих пар и групп" in attention


# ---------------------------------------------------------------------------- the real server


def test_real_server_first_line_is_the_url_binds_loopback_and_logs_nothing_personal(tmp_path: Path,
                                                                                   demo: Path) -> None:
    import http.cookiejar
    import urllib.request

    import psutil

    process = subprocess.Popen(
        [sys.executable, "-m", "toolkit.cli", "пульт", str(demo), "--no-browser", "--idle", "30"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, NASTAVNIK_DESK_CONFIG=str(tmp_path / "desk.json")))
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        second = process.stdout.readline()
        assert second.startswith("Пульт куратора запущен.") and "?t=" not in second
        match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/p/(\w{12})\?t=([\w-]{20,})", url)
        assert match, url
        port = int(match.group(1))
        listening = [c for c in psutil.Process(process.pid).net_connections("tcp") if c.status == "LISTEN"]
        assert [c.laddr.ip for c in listening] == ["127.0.0.1"] and listening[0].laddr.port == port
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with opener.open(url, timeout=20) as response:
            page = response.read().decode("utf-8")
        assert "Мотивационная встреча" in page and response.url == url.split("?")[0]
        with opener.open(f"http://127.0.0.1:{port}/p/{match.group(2)}/file?name="
                         + urllib.parse.quote("02_Заявки.xlsx"), timeout=20) as response:
            assert response.read() == (demo / "02_Заявки.xlsx").read_bytes()
        with opener.open(f"http://127.0.0.1:{port}/p/{match.group(2)}/problems", timeout=20) as response:
            assert response.status == 200
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10)
            raise AssertionError("no cookie, but an answer")
        except urllib.error.HTTPError as exc:
            assert exc.code == 403
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    log = out + err
    people = [p.name for p in load_program(Program.open(demo), Report()).participants.values()]
    assert people and not any(name.split()[0] in log for name in people)
    assert "02_Заявки" not in log and "GET" not in log and "Traceback" not in log
    assert url.split("?t=")[1] not in log  # the secret only on the first line


def test_idle_server_stops_by_itself(tmp_path: Path) -> None:
    process = subprocess.run([sys.executable, "-m", "toolkit.cli", "desk", "--no-browser", "--idle", "1"],
                             capture_output=True, text=True, timeout=60,
                             env=dict(os.environ, NASTAVNIK_DESK_CONFIG=str(tmp_path / "desk.json")))
    assert process.returncode == 0
    lines = process.stdout.splitlines()
    assert lines[0].startswith("http://127.0.0.1:") and "?t=" in lines[0]
    assert "пульт выключается" in process.stdout


# ---------------------------------------------------------------------------- the desktop launcher


def test_linux_launcher_runs_the_desk_by_its_exec_line(tmp_path: Path, demo: Path) -> None:
    import shlex

    from toolkit.desk.shortcut import make_shortcut

    desktop = tmp_path / "Desktop"  # «Рабочий стол» is what another test looks for as an escaped name
    path = make_shortcut(demo, desktop, windows=False)
    assert path.name == "Наставник.desktop" and os.access(path, os.X_OK)
    entry = dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line)
    assert entry["Type"] == "Application" and entry["Name"] == "Наставник" and entry["Terminal"] == "false"
    argv = shlex.split(entry["Exec"].replace("%%", "%"))
    assert argv[-1] == str(demo.resolve())
    process = subprocess.Popen(argv + ["--idle", "30"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ, NASTAVNIK_DESK_CONFIG=str(tmp_path / "desk.json"),
                                        BROWSER="true"))
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/p/\w{12}\?t=[\w-]+", url), url
        import http.cookiejar
        import urllib.request

        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with opener.open(url, timeout=20) as response:
            assert "Наставничество 2026" in response.read().decode("utf-8")
    finally:
        process.terminate()
        process.communicate(timeout=20)


def test_windows_launcher_content(tmp_path: Path, demo: Path) -> None:
    from toolkit.desk.shortcut import make_shortcut

    path = make_shortcut(demo, tmp_path, windows=True)
    assert path.name == "Наставник.cmd"
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0] == "@echo off" and "chcp 65001 >nul" in lines
    start = next(line for line in lines if line.startswith("start "))
    assert start.startswith('start "" ')
    assert f'"{demo.resolve()}"' in start and " -m toolkit.cli desk " in start
    assert "\n" not in text.replace("\r\n", "")  # Windows line ends only


def test_shortcut_option_of_the_command(tmp_path: Path) -> None:
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / ".config"))
    env.pop("XDG_DESKTOP_DIR", None)
    (tmp_path / "Desktop").mkdir()
    process = subprocess.run([sys.executable, "-m", "toolkit.cli", "пульт", "--shortcut"], capture_output=True,
                             text=True, timeout=60, env=env)
    assert process.returncode == 0, process.stderr
    assert process.stdout.strip().startswith("Ярлык пульта: ")
    assert len(list(tmp_path.rglob("Наставник.desktop"))) == 1


__all__ = ["BASE"]


# ---------------------------------------------------------------------------- mail merge for admin staff

TEMPLATES = Path(__file__).resolve().parent.parent / "doc_templates"


def test_merge_preflight_preview_and_all_documents(desk: Desk, home: Path, tmp_path: Path) -> None:
    import docx

    template = (TEMPLATES / "благодарственное_письмо.docx").read_bytes()
    table = (TEMPLATES / "пример_данных_для_писем.xlsx").read_bytes()
    response = desk.client.post("/merge/new", data={"csrf": desk.csrf}, files=[
        ("template", ("письмо.docx", template, "application/octet-stream")),
        ("table", ("../данные.xlsx", table, "application/octet-stream"))])
    assert response.status_code == 200
    text = text_of(response.text)
    assert "Ошибок нет" in text and "Первый документ" in text and "выражает" in text.lower()
    session = str(response.url).rsplit("/", 1)[1]
    folder = home / "Наставник — слияние" / __import__("urllib.parse").parse.unquote(session)
    assert (folder / "письмо.docx").exists() and (folder / "данные.xlsx").exists()
    recipients = int(re.search(r'id="recipients">(\d+)<', response.text).group(1))  # type: ignore[union-attr]
    response = desk.client.post(f"/merge/{session}/run", data={"csrf": desk.csrf})
    text = text_of(response.text)
    assert f"Готово: документов {recipients}." in text
    made = sorted((folder / "Готово").glob("*.docx"))
    assert len(made) == recipients
    body = "\n".join(p.text for p in docx.Document(str(made[0])).paragraphs)
    assert "{{" not in body and body.strip()
    download = desk.client.get(f"/merge/{session}/file", params={"name": f"Готово/{made[0].name}"})
    assert download.content == made[0].read_bytes()
    for name in ("../письмо.docx", "/etc/passwd", "Готово/../../x"):
        assert desk.client.get(f"/merge/{session}/file", params={"name": name}).status_code in (400, 404)
    assert desk.client.get("/merge/..%2F..").status_code in (400, 404)
    # no CSRF token, nothing made
    assert desk.client.post(f"/merge/{session}/run", data={}).status_code == 403


def test_merge_with_bad_rows_lists_them_and_makes_nothing(desk: Desk, home: Path, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ФИО", "Пол", "Дата"])
    sheet.append(["Иванов Иван Иванович", "м", "не дата"])
    sheet.append(["", "ж", dt.date(2026, 5, 25)])
    table = tmp_path / "люди.xlsx"
    book.save(table)
    from docx import Document

    document = Document()
    document.add_paragraph("{{ ФИО|дательный }} — {{ Дата|дата }}, {{ Должность }}")
    template = tmp_path / "шаблон.docx"
    document.save(str(template))
    response = desk.client.post("/merge/new", data={"csrf": desk.csrf}, files=[
        ("template", ("шаблон.docx", template.read_bytes(), "application/octet-stream")),
        ("table", ("люди.xlsx", table.read_bytes(), "application/octet-stream"))])
    text = text_of(response.text)
    assert "Документы не будут созданы" in text
    assert "Должность" in text  # a field with no column
    assert "не дата" in text and "C2" in text  # a bad date, at its cell
    assert "Сделать все документы" not in text
    session = str(response.url).rsplit("/", 1)[1]
    response = desk.client.post(f"/merge/{session}/run", data={"csrf": desk.csrf})
    assert "Документы не созданы" in text_of(response.text)
    folder = next((home / "Наставник — слияние").iterdir())
    assert not (folder / "Готово").exists() or not any((folder / "Готово").iterdir())


def test_long_work_shows_its_progress(home: Path, tmp_path: Path, demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    desk = Desk(home, tmp_path / "desk.json")
    desk.state.sync_jobs = False
    pid = _pid(desk, demo)
    step, release = threading.Event(), threading.Event()

    def long(program: Program, fields: dict[str, str]) -> object:
        def run(progress: object) -> Outcome:
            progress("Заполнение", 40, 250)  # type: ignore[operator]
            step.set()
            release.wait(10)
            return Outcome(["Готово: документов 250."])
        return run

    monkeypatch.setitem(actions.ACTIONS, "docs", ("документы", long))
    page = desk.post(f"/p/{pid}/run/docs", {"kind": "all"})
    job_url = str(page.url)  # type: ignore[attr-defined]
    assert step.wait(10)
    state = desk.client.get(job_url + "/state").json()
    assert state == {"state": "running", "stage": "Заполнение", "done": 40, "total": 250}
    html = desk.client.get(job_url).text
    assert 'max="250" value="40"' in html and "Заполнение" in text_of(html)
    assert '<noscript><meta http-equiv="refresh" content="1"></noscript>' in html  # follows the job without JS
    release.set()
    for _ in range(100):
        if desk.client.get(job_url + "/state").json()["state"] != "running":
            break
        time.sleep(0.05)
    assert "Готово: документов 250." in text_of(desk.client.get(job_url).text)


def test_ctrl_c_stops_the_server_with_a_sentence(tmp_path: Path) -> None:
    import signal

    process = subprocess.Popen([sys.executable, "-m", "toolkit.cli", "пульт", "--no-browser"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ, NASTAVNIK_DESK_CONFIG=str(tmp_path / "desk.json")))
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    assert process.stdout.readline().startswith("Пульт куратора запущен.")
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError):  # serving (403 without the cookie)
        urllib.request.urlopen(url.split("?")[0], timeout=20)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Пульт выключен." in out and "Traceback" not in err
