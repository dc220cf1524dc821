"""«Пульт куратора» in a real browser (headless Chromium + selenium): the student cycle as a curator clicks it.

Workbooks are edited with openpyxl (or the demo's own helpers) where a person would type in Excel; everything
else is clicks, file choices and form fields on the page. Skipped only when Chromium is not installed.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from desk_helpers import forms_export

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
pytestmark = pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)),
                                reason="нет Chromium и chromedriver (их ставит .ci/run)")
SCREENSHOTS = os.environ.get("NASTAVNIK_DESK_SCREENSHOTS")  # a folder (docs/) to keep the README's pictures in


class Served:
    def __init__(self, home: Path, config: Path) -> None:
        import uvicorn

        from toolkit.desk.app import DeskState, create_app

        self.opened: list[Path] = []
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        self.sock = sock
        port = sock.getsockname()[1]
        self.state = DeskState(port=port, config=config, roots=[("Домашняя папка", home)],
                               opener=self.opened.append)
        self.server = uvicorn.Server(uvicorn.Config(create_app(self.state), log_level="warning", access_log=False,
                                                    lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                break
            time.sleep(0.05)
        self.base = f"http://127.0.0.1:{port}"
        self.url = f"{self.base}/?t={self.state.token}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(20)
        self.sock.close()


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    (tmp_path / "home" / "Школа").mkdir(parents=True)
    return tmp_path / "home"


@pytest.fixture()
def served(home: Path, tmp_path: Path) -> Iterator[Served]:
    served = Served(home, tmp_path / "desk.json")
    yield served
    served.stop()


@pytest.fixture()
def downloads(tmp_path: Path) -> Path:
    (tmp_path / "Загрузки").mkdir()
    return tmp_path / "Загрузки"


@pytest.fixture()
def browser(tmp_path: Path, downloads: Path) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'chromium'}", "--window-size=1280,1000", "--lang=ru-RU"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


# ---------------------------------------------------------------------------- what a curator does on a page


def wait_for(driver: Any, condition: Any, timeout: float = 60.0) -> Any:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2, ignored_exceptions=[
        StaleElementReferenceException, NoSuchElementException]).until(condition)


def text(driver: Any) -> str:
    return str(driver.find_element("tag name", "main").text)


def click_button(driver: Any, label: str, action: str | None = None) -> None:
    scope = f"//form[@data-action='{action}']" if action else ""
    button = driver.find_element("xpath", f"{scope}//button[normalize-space()='{label}']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()


def click_link(driver: Any, label: str) -> None:
    driver.find_element("xpath", f"//a[normalize-space()='{label}']").click()


def set_date(driver: Any, form: str, name: str, day: dt.date) -> None:
    """What the date picker does: the field gets the day (ГГГГ-ММ-ДД)."""
    field = driver.find_element("xpath", f"//form[@data-action='{form}']//input[@name='{name}']")
    driver.execute_script("arguments[0].value = arguments[1]", field, day.isoformat())


def job_result(driver: Any, timeout: float = 300.0) -> str:
    """Wait for the job's page to show its result (the page follows the job by itself)."""
    wait_for(driver, lambda d: d.find_elements("id", "result"), timeout)
    return text(driver)


def screenshot(driver: Any, name: str, tmp: Path) -> Path:
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    driver.set_window_size(1280, min(max(height, 700), 1500))
    where = Path(SCREENSHOTS) if SCREENSHOTS else tmp
    where.mkdir(parents=True, exist_ok=True)
    path = where / name
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 1000)
    assert path.stat().st_size > 10_000
    return path


def fill_pair_books(program: Any, sent: list[Path], mail: Path) -> list[Path]:
    """The pairs fill the books they were sent (as the demo's pairs do) and mail them back under their names."""
    from toolkit.base.problems import Report
    from toolkit.books.writer import write_workbook
    from toolkit.checks.program import load_program
    from toolkit.demo.work import _filled, _kinds
    from toolkit.model.pairs import known_pairs
    from toolkit.model.work import fingerprint, pair_rows, pair_spec
    from toolkit.stages.pair_files import BASE_KEY, PAIR_KEY

    data = load_program(program, Report())
    pairs = [p for p in known_pairs(data).values() if p.active]
    kinds = _kinds(data, pairs)
    rng = random.Random(5)
    spec = pair_spec(program.profile)
    mail.mkdir(parents=True, exist_ok=True)
    back = []
    for n, info in enumerate(pairs):
        filled = _filled(program, data, info, kinds[info.pair_id], rng)
        path = mail / f"Работа пары {n + 1} — заполнено.xlsx"
        meta = {PAIR_KEY: info.pair_id, BASE_KEY: fingerprint(program.profile, {})}
        write_workbook(path, spec, program.profile, program.program_id, pair_rows(data, info, filled), meta)
        back.append(path)
    assert len(back) == len(sent)
    return back


# ---------------------------------------------------------------------------- the student cycle


def test_student_cycle_in_the_browser(served: Served, browser: Any, home: Path, tmp_path: Path,
                                      downloads: Path) -> None:
    from toolkit.demo.build import build_student
    from toolkit.demo.pairs import STUDENT_DATES, _answer_questionnaire
    from toolkit.demo.results import EVENT_DATE, _awards, _edit, _fill
    from toolkit.demo.work import DEMO_DAY
    from toolkit.model.program import Program

    # ---- the start page; create a program in the folder browser (nothing typed but its name)
    browser.get(served.url)
    assert "Пульт куратора" in text(browser) and "Создать программу" in text(browser)
    click_link(browser, "Создать программу")
    click_link(browser, "Школа")
    name = browser.find_element("id", "name")
    name.clear()
    name.send_keys("Наставничество 2027")
    browser.find_element("xpath", "//input[@name='form' and @value='student']").click()
    click_button(browser, "Создать программу")
    wait_for(browser, lambda d: "Мотивационная встреча" in text(d))
    created = home / "Школа" / "Наставничество 2027"
    assert (created / "02_Заявки.xlsx").exists()
    assert browser.find_element("css selector", "li.stage.next").get_attribute("id") == "stage-1"

    # ---- a forms export with a date that does not exist: reported at its cell
    export = forms_export(tmp_path / "Ответы на форму (1).csv")
    browser.find_element("id", "forms-file").send_keys(str(export))
    click_button(browser, "Загрузить заявки", "import")
    result = job_result(browser)
    assert "Добавлено: наставники — 1, наставляемые — 1" in result
    browser.get(served.base + browser.current_url.split(served.base)[1].split("/job/")[0])
    assert "В книгах есть ошибки" in text(browser)
    screenshot(browser, "desk-program-problems.png", tmp_path)
    click_link(browser, "Посмотреть проблемы")
    row = browser.find_element("xpath", "//tr[td[normalize-space()='H2'] and td[normalize-space()='Дата заявки']]")
    assert "«31.09.2026» — не дата" in row.text and "Наставляемые" in row.text
    screenshot(browser, "desk-problems.png", tmp_path)
    # the curator corrects the cell in Excel and saves: the page re-checks by itself
    book = openpyxl.load_workbook(created / "02_Заявки.xlsx")
    book["Наставляемые"]["H2"].value = dt.datetime(2026, 9, 30)
    book.save(created / "02_Заявки.xlsx")
    wait_for(browser, lambda d: "31.09.2026" not in text(d) and "Проблемы в книгах" in text(d), 30)
    assert "Дата заявки" not in browser.find_element("css selector", "table.problems").text

    # ---- the demo's program after stages 1–3, opened in the folder browser
    demo = home / "Наставничество 2026"
    build_student(demo)
    browser.get(served.base + "/")
    assert "Наставничество 2027" in browser.find_element("css selector", "ul.cards").text  # a recent program
    screenshot(browser, "desk-start.png", tmp_path)
    click_link(browser, "Открыть папку программы")
    click_link(browser, "Наставничество 2026")
    click_button(browser, "Открыть эту программу")
    wait_for(browser, lambda d: "Заявки: 42" in text(d))
    program_url = browser.current_url
    assert browser.find_element("css selector", "li.stage.next").get_attribute("id") == "stage-4"

    # ---- stage 4: pairs by questionnaires; the curator accepts in the book; pairs again; the order
    browser.find_element("xpath", "//input[@name='scheme' and @value='анкеты']").click()
    set_date(browser, "match", "start", STUDENT_DATES["start"])
    click_button(browser, "Сформировать пары", "match")
    assert "Готово." in job_result(browser)
    program = Program.open(demo)
    _answer_questionnaire(program, STUDENT_DATES, decline_first=True)  # typed in «04_Пары» by the curator
    browser.get(program_url)
    set_date(browser, "match", "start", STUDENT_DATES["start"])
    click_button(browser, "Сформировать пары", "match")
    job_result(browser)
    browser.get(program_url)
    pairs_line = browser.find_element("xpath", "//li[starts-with(., 'Закреплено пар и групп')]").text
    pairs = int(pairs_line.rsplit(" ", 1)[1])
    assert pairs >= 5
    browser.find_element("id", "order-number").send_keys("15-о")
    set_date(browser, "order", "date", STUDENT_DATES["order"])
    click_button(browser, "Сделать приказ", "order")
    assert f"Приказ: пар и групп {pairs}" in job_result(browser)

    # ---- stages 5–6: books out, filled books back (many at once), monitoring
    browser.get(program_url)
    click_button(browser, "Раздать книги парам", "distribute")
    assert f"Книги пар: {pairs}" in job_result(browser)
    sent = sorted((demo / "Книги пар — рассылка").glob("*.xlsx"))
    returned = fill_pair_books(program, sent, tmp_path / "Почта")
    browser.get(program_url)
    browser.find_element("id", "pairs-files").send_keys("\n".join(str(p) for p in returned))
    click_button(browser, "Загрузить и собрать", "collect")
    result = job_result(browser)
    assert result.count("Принято: П-") == pairs, result
    assert len(list((demo / "Книги пар — входящие").glob("*.xlsx"))) == pairs
    browser.get(program_url)
    set_date(browser, "monitor", "date", DEMO_DAY)
    click_button(browser, "Сделать «Мониторинг.xlsx»", "monitor")
    result = job_result(browser)
    assert f"Действующих пар и групп: {pairs}" in result and "Проведено встреч:" in result
    browser.get(program_url.replace(program_url.split("?")[0], program_url.split("?")[0] + "/attention")
                + f"?date={DEMO_DAY.isoformat()}")
    assert "Пары и группы, которым нужно внимание" in text(browser)
    assert "Проведено встреч" in text(browser)

    # ---- stage 7: results; the curator fills feedback and picks awards in «06_Итоги»; all documents
    browser.get(program_url)
    set_date(browser, "results", "date", EVENT_DATE)
    click_button(browser, "Подвести итоги", "results")
    assert "Готово." in job_result(browser)
    _edit(program, _fill(program, random.Random(7)))
    browser.get(program_url)
    set_date(browser, "results", "date", EVENT_DATE)
    click_button(browser, "Подвести итоги", "results")
    assert "Рейтинг" in job_result(browser)
    _edit(program, _awards(program))
    browser.get(program_url)
    click_link(browser, "Документы")
    set_date(browser, "docs", "date", EVENT_DATE)
    click_button(browser, "Сделать документы", "docs")
    result = job_result(browser, 600)
    assert "Благодарственные письма: файлов" in result and "Грамоты: файлов" in result
    click_link(browser, "Документы")
    listing = browser.find_element("css selector", "table.files-table").text
    assert "Благодарственное письмо — " in listing and "Приказ" in listing
    screenshot(browser, "desk-documents.png", tmp_path)
    # «Открыть» asks the system to open the file; «Скачать» gives the file itself
    letter_row = browser.find_element("xpath", "//tr[td[starts-with(normalize-space(), 'Благодарственное письмо')]]")
    letter_name = letter_row.find_elements("tag name", "td")[1].text
    letter_row.find_element("xpath", ".//button[normalize-space()='Открыть']").click()
    wait_for(browser, lambda d: "Открыто:" in text(d))
    assert served.opened[-1] == demo / "Документы" / letter_name
    letter_row = browser.find_element("xpath", "//tr[td[starts-with(normalize-space(), 'Благодарственное письмо')]]")
    letter_row.find_element("xpath", ".//a[normalize-space()='Скачать']").click()
    target = downloads / letter_name
    wait_for(browser, lambda d: target.exists() and target.stat().st_size > 0, 30)
    import docx

    body = "\n".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert "благодар" in body.lower()
    assert target.read_bytes() == (demo / "Документы" / letter_name).read_bytes()
    shutil.rmtree(tmp_path / "chromium", ignore_errors=True)


def test_two_clicks_start_one_job_and_the_lock_refusal_is_a_sentence(served: Served, browser: Any, home: Path,
                                                                     tmp_path: Path) -> None:
    import subprocess
    import sys

    from toolkit.demo.build import build_student

    demo = home / "Наставничество 2026"
    build_student(demo)
    pid = served.state.remember(demo)
    browser.get(served.url.replace("/?", f"/p/{pid}?"))
    code = ("import sys, time; from pathlib import Path; from toolkit.base.lock import program_lock\n"
            "with program_lock(Path(sys.argv[1]), 'nastavnik import'):\n"
            "    print('held', flush=True); time.sleep(30)\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(demo)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        click_button(browser, "Сделать обезличенную выгрузку", "export")
        result = job_result(browser)
        assert "занята другой командой («nastavnik import»" in result and "повторите позже" in result
    finally:
        holder.kill()
        holder.communicate()
    refused = browser.current_url
    click_button(browser, "Повторить")
    wait_for(browser, lambda d: d.current_url != refused)
    assert "ФИО, контактов и ответов анкет в ней нет" in job_result(browser)
    assert len(served.state.jobs.jobs) == 2


def test_teacher_form_in_the_browser(served: Served, browser: Any, home: Path, tmp_path: Path) -> None:
    """The teachers' form after its pairs worked (made by the core as in the demo): the road, attention, results,
    one kind of document."""
    from selenium.webdriver.support.ui import Select

    from toolkit.demo.build import build_teacher, run_pairing_demo, run_work_demo
    from toolkit.demo.work import DEMO_DAY

    demo = home / "Педагоги 2026"
    program = build_teacher(demo)
    run_pairing_demo(program)
    run_work_demo(program)
    browser.get(served.url)
    click_link(browser, "Открыть папку программы")
    click_link(browser, "Педагоги 2026")
    click_button(browser, "Открыть эту программу")
    wait_for(browser, lambda d: "Педагог – педагог" in text(d))
    program_url = browser.current_url
    assert browser.find_element("css selector", "li.stage.next").get_attribute("id") == "stage-6"  # meetings go on
    click_link(browser, "Внимание и мониторинг")
    day = browser.find_element("id", "day")
    browser.execute_script("arguments[0].value = arguments[1]", day, DEMO_DAY.isoformat())
    click_button(browser, "Показать")
    wait_for(browser, lambda d: DEMO_DAY.isoformat() in d.current_url)
    attention = browser.find_element("xpath", "//h2[.='Пары и группы, которым нужно внимание']/following::table[1]")
    assert "П-" in attention.text
    browser.get(program_url)
    set_date(browser, "results", "date", DEMO_DAY)
    click_button(browser, "Подвести итоги", "results")
    assert "Готово." in job_result(browser)
    assert (demo / "06_Итоги.xlsx").exists()
    browser.get(program_url)
    Select(browser.find_element("id", "docs-kind")).select_by_visible_text("Приказ о закреплении пар")
    click_button(browser, "Сделать документы", "docs")
    result = job_result(browser)
    assert "Приказ о закреплении пар: файлов 1" in result
    assert any(li.text.startswith("Приказ") for li in browser.find_elements("css selector", "ul.files li"))


def test_mail_merge_in_the_browser(served: Served, browser: Any, tmp_path: Path, downloads: Path) -> None:
    templates = Path(__file__).resolve().parent.parent / "doc_templates"
    browser.get(served.url)
    click_link(browser, "Слияние: шаблон Word + таблица")
    browser.find_element("id", "merge-template").send_keys(str(templates / "грамота.docx"))
    browser.find_element("id", "merge-table").send_keys(str(templates / "пример_данных_для_писем.xlsx"))
    assert "грамота.docx" in browser.find_element("xpath", "//label[@for='merge-template']/following::span[1]").text
    click_button(browser, "Проверить")
    wait_for(browser, lambda d: d.find_elements("id", "verdict"))
    assert "можно делать документы" in browser.find_element("id", "verdict").text
    preview = browser.find_element("id", "preview").text
    assert "ГРАМОТА" in preview.upper()
    recipients = int(browser.find_element("id", "recipients").text)
    browser.find_element("xpath", "//input[@name='single']").click()
    click_button(browser, "Сделать все документы", "merge")
    result = job_result(browser)
    assert f"Готово: документов {recipients} в одном файле." in result
    link = browser.find_element("xpath", "//ul[@class='files']//a[normalize-space()='Скачать']")
    name = link.find_element("xpath", "..").text.split(" Открыть")[0].strip()
    link.click()
    target = downloads / name
    wait_for(browser, lambda d: target.exists() and target.stat().st_size > 0, 30)
    import docx

    body = "\n".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert body.upper().count("ГРАМОТА") >= recipients


def test_keyboard_alone_and_a_dropped_file(served: Served, browser: Any, home: Path, tmp_path: Path) -> None:
    """Tab and Enter reach «Создать программу» and create one; a forms export dropped on its area is loaded."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(served.url)

    def tab_to(label: str) -> None:
        for _ in range(80):
            ActionChains(browser).send_keys(Keys.TAB).perform()
            active = browser.switch_to.active_element
            if active.text.strip() == label or active.get_attribute("id") == label:
                return
        raise AssertionError(f"«{label}» не достигается клавишей Tab")

    tab_to("Создать программу")
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    wait_for(browser, lambda d: "Выбор папки" in text(d))
    tab_to("Школа")
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    wait_for(browser, lambda d: "Школа" in d.find_element("css selector", "p.path").text)
    field = browser.find_element("id", "name")
    field.click()
    field.send_keys(Keys.END, "клавиатурой")
    field.send_keys(Keys.ENTER)  # Enter in the field sends the form
    wait_for(browser, lambda d: "Мотивационная встреча" in text(d))
    assert (home / "Школа" / "Наставничество клавиатурой" / "02_Заявки.xlsx").exists()
    # the file chooser is reachable by Tab too (its label is the visible button)
    tab_to("forms-file")
    label = browser.find_element("xpath", "//label[@for='forms-file']")
    assert label.text == "Выбрать файл выгрузки…" and label.is_displayed()
    # drag and drop: the file lands in the form's field and the form is sent
    content = forms_export(tmp_path / "ответы.csv").read_text(encoding="utf-8")
    browser.execute_script("""
        const form = document.querySelector("form[data-action='import']");
        const data = new DataTransfer();
        data.items.add(new File([arguments[0]], "Ответы (перетащено).csv", {type: "text/csv"}));
        form.dispatchEvent(new DragEvent("dragover", {dataTransfer: data, bubbles: true, cancelable: true}));
        form.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
    """, content)
    assert "Добавлено: наставники — 1, наставляемые — 1" in job_result(browser)
    assert (home / "Школа" / "Наставничество клавиатурой" / "Выгрузки форм — входящие" /
            "Ответы (перетащено).csv").read_text(encoding="utf-8") == content
