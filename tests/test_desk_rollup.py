"""The roll-up page of the desk (``nastavnik rollup`` in the browser), over HTTP: uploaded exports or a folder
of the desk's places (by place number and relative path, never a full path), the roll-up as a desk job (one at a
time), the refusals in Russian naming the file, the summary to download; the launch secret, Host and CSRF
guard it like every page."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cli_helpers import run_cli as run
from demo_helpers import Demos
from desk_helpers import BASE, Desk, text_of, tree_hash

from toolkit.desk import rollup_pages
from toolkit.desk.jobs import Job

SUMMARY = "Сводка по наставничеству.xlsx"


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory, demos: Demos) -> dict[str, Path]:
    """The two demo programs' anonymised exports (one school, both forms) and a book that is not an export."""
    import contextlib

    from toolkit.cli import main

    base = tmp_path_factory.mktemp("rollup-desk")
    out = {}
    for form in ("student", "teacher"):
        folder = demos.copy(form, base / form)
        out[form] = base / f"Выгрузка {form}.xlsx"
        with contextlib.suppress(SystemExit):
            main(["export", str(folder), "--anonymize", "--out", str(out[form])])
        assert out[form].exists()
    out["other"] = base / "Список класса.xlsx"
    shutil.copy(base / "student" / "02_Заявки.xlsx", out["other"])
    return out


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


@pytest.fixture()
def desk(home: Path, tmp_path: Path) -> Desk:
    return Desk(home, tmp_path / "desk.json")


def _files(paths: list[Path]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in paths]


def _summary(response: Any, desk: Desk) -> openpyxl.Workbook:
    html = response.text
    assert "Скачать" in html
    start = html.rindex('href="', 0, html.index(">Скачать<")) + len('href="')
    url = html[start:html.index('"', start)].replace("&amp;", "&")
    download = desk.client.get(url)
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    return openpyxl.load_workbook(io.BytesIO(download.content))


def test_uploaded_exports_are_rolled_up_and_refusals_named(desk: Desk, home: Path, exports: dict[str, Path]) -> None:
    page = text_of(desk.client.get("/rollup").text)
    assert "Сводка муниципалитета" in page and "Свести выгрузки" in page
    response = desk.client.post("/rollup/new", data={"csrf": desk.csrf},
                                files=_files([exports["student"], exports["teacher"], exports["other"]]))
    assert response.status_code == 200
    text = text_of(response.text)
    assert "Сводка за 2026/2027 учебный год." in text
    assert "Файлов не принято: 1" in text
    assert "Список класса.xlsx" in text and "Это не обезличенная выгрузка «Наставника»" in text
    book = _summary(response, desk)
    assert "Сводка" in book.sheetnames and "По школам" in book.sheetnames
    # the summary is the session's, in the desk's own folder of roll-ups
    [summary] = (home / rollup_pages.WORKSPACE).glob(f"*/{SUMMARY}")
    assert len(list((summary.parent / rollup_pages.INBOX).iterdir())) == 3


def test_a_folder_of_the_desks_places(desk: Desk, home: Path, exports: dict[str, Path]) -> None:
    inbox = home / "Почта" / "Входящие школ"
    (inbox / "вложения").mkdir(parents=True)
    shutil.copy(exports["student"], inbox / "школа 17.xlsx")
    shutil.copy(exports["teacher"], inbox / "вложения" / "школа 17 педагоги.xlsx")
    before = tree_hash(inbox)
    page = text_of(desk.client.get("/rollup", params={"root": "0", "rel": "Почта/Входящие школ"}).text)
    assert "вложения" in page and "таблиц прямо в ней: 1" in page
    response = desk.post("/rollup/new", {"root": "0", "rel": "Почта/Входящие школ"})
    assert response.status_code == 200  # type: ignore[attr-defined]
    text = text_of(response.text)  # type: ignore[attr-defined]
    assert "Сводка за 2026/2027 учебный год." in text and "Файлов не принято: 0" in text
    assert tree_hash(inbox) == before  # the chosen folder is only read
    book = _summary(response, desk)
    assert "Охват" in book.sheetnames
    # «Свести ещё раз» reads the folder again (checked again): a file added meanwhile is named
    shutil.copy(exports["other"], inbox / "не то.xlsx")
    [session] = [p.name for p in (home / rollup_pages.WORKSPACE).iterdir()]
    again = desk.post(f"/rollup/{session}/again")
    assert "не то.xlsx" in text_of(again.text)  # type: ignore[attr-defined]


def test_paths_from_the_browser_are_refused(desk: Desk, home: Path, tmp_path: Path) -> None:
    (tmp_path / "чужое").mkdir()
    for rel in ("..", "../чужое", "/etc", "Почта/../../чужое"):
        response = desk.post("/rollup/new", {"root": "0", "rel": rel})
        assert response.status_code in (400, 404), rel  # type: ignore[attr-defined]
        assert "Traceback" not in response.text  # type: ignore[attr-defined]
    assert desk.post("/rollup/new", {"root": "7", "rel": ""}).status_code == 404  # type: ignore[attr-defined]
    response = desk.post("/rollup/new", {"root": "0", "rel": ""})  # the whole home holds the desk's roll-ups
    assert response.status_code == 400 and "не домашнюю папку целиком" in text_of(response.text)  # type: ignore[attr-defined]
    response = desk.client.post("/rollup/new", data={"csrf": desk.csrf},
                                files=[("files", ("письмо.docx", b"x", "application/octet-stream"))])
    assert response.status_code == 400 and "не выгрузка школы" in text_of(response.text)
    assert not (home / rollup_pages.WORKSPACE).exists() or not any((home / rollup_pages.WORKSPACE).iterdir())
    assert desk.client.get("/rollup/..%2F..%2Fчужое/file", params={"name": "x"}).status_code in (400, 404)


def test_secret_host_and_csrf(home: Path, tmp_path: Path, exports: dict[str, Path]) -> None:
    stranger = Desk(home, tmp_path / "d.json", cookie=False)
    assert stranger.client.get("/rollup").status_code == 403
    desk = Desk(home, tmp_path / "desk.json")
    assert desk.client.get("/rollup", headers={"host": "evil.example:80"}).status_code == 403
    response = desk.client.post("/rollup/new", data={"csrf": "чужой"}, files=_files([exports["student"]]))
    assert response.status_code == 403 and not (home / rollup_pages.WORKSPACE).exists()
    assert BASE.startswith("http://127.0.0.1:")


def test_one_roll_up_at_a_time(desk: Desk, home: Path, exports: dict[str, Path]) -> None:
    running = Job("x", rollup_pages.JOB_KEY, "сводка муниципалитета", "rollup", {})
    desk.state.jobs.jobs[running.id] = running  # a roll-up is still running
    response = desk.client.post("/rollup/new", data={"csrf": desk.csrf}, files=_files([exports["student"]]))
    assert response.status_code == 409 and "Уже идёт «сводка муниципалитета»" in text_of(response.text)
    running.state = "done"
    response = desk.client.post("/rollup/new", data={"csrf": desk.csrf}, files=_files([exports["student"]]))
    assert response.status_code == 200 and "Сводка за 2026/2027" in text_of(response.text)


def test_cli_and_desk_give_the_same_summary(desk: Desk, tmp_path: Path, exports: dict[str, Path],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    inbox = tmp_path / "Входящие"
    inbox.mkdir()
    for form in ("student", "teacher"):
        shutil.copy(exports[form], inbox / exports[form].name)
    code, out, _ = run(["rollup", str(inbox), "--out", str(tmp_path / "cli.xlsx")], capsys)
    assert code == 0
    response = desk.client.post("/rollup/new", data={"csrf": desk.csrf},
                                files=_files([exports["student"], exports["teacher"]]))
    desk_book = _summary(response, desk)
    cli_book = openpyxl.load_workbook(tmp_path / "cli.xlsx")
    for name in ("По школам", "По формам", "Этапы"):
        assert [list(r) for r in desk_book[name].iter_rows(values_only=True)] == \
            [list(r) for r in cli_book[name].iter_rows(values_only=True)], name


def test_last_year_s_summary_gives_the_comparison(desk: Desk, home: Path, exports: dict[str, Path]) -> None:
    """Last year's summary uploaded beside the exports: the columns «год назад» are filled from it, as
    ``rollup --previous`` does; a file that is not a summary is refused with its name, in the desk's words."""
    first = desk.client.post("/rollup/new", data={"csrf": desk.csrf},
                             files=_files([exports["student"], exports["teacher"]]))
    last = _summary(first, desk)
    buffer = io.BytesIO()
    last.save(buffer)
    response = desk.client.post("/rollup/new", data={"csrf": desk.csrf},
                                files=[*_files([exports["student"], exports["teacher"]]),
                                       ("previous", ("Сводка 2026.xlsx", buffer.getvalue(), "application/octet-stream"))])
    assert response.status_code == 200
    assert "по сводке «Сводка 2026.xlsx»" in text_of(response.text)
    book = _summary(response, desk)

    def coverage(wb: openpyxl.Workbook) -> list[dict[str, Any]]:  # title in row 1, headers in row 2
        rows = list(wb["Охват"].iter_rows(min_row=2, values_only=True))
        return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]

    before = {r["Школа"]: r for r in coverage(last)}
    now = coverage(book)
    assert now and all(r["Охват год назад, %"] == before[r["Школа"]]["Охват, %"] for r in now)
    assert all(isinstance(r["Охват год назад, %"], (int, float)) for r in now), now  # a figure, not a blank
    wrong = desk.client.post("/rollup/new", data={"csrf": desk.csrf},
                             files=[*_files([exports["student"]]),
                                    ("previous", (exports["other"].name, exports["other"].read_bytes(),
                                                  "application/octet-stream"))])
    text = text_of(wrong.text)
    assert "«Список класса.xlsx» — не сводка муниципалитета" in text and "--previous" not in text
